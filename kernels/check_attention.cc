// Checker cases for attention over an F32 or F16 KV cache.
#include <fmt/format.h>

#include <cstring>

#include "kernels/check_cases.h"
#include "kernels/quantize.h"
#include "kernels/ref/ref_kernels.h"

namespace lapbench::kernels::check {
namespace {

// Attention error: MaxNormError over every head's output. A logit's error
// is about sqrt(head_dim) ulps of its magnitude L (float dot product);
// exp() turns an absolute logit error into the same relative weight error;
// the softmax sum and the weighted sum of V add about sqrt(n_ctx) ulps.
constexpr double kAttentionUlps = 8.0;

// Bytes of padding after each KV row, so kv_row_bytes must be honoured.
constexpr size_t kKvPadBytes = 32;

struct AttentionShape {
  int64_t n_heads, n_kv_heads, head_dim, pos, window;
  float softcap;
  float scale;
  float qk_amplitude;
};

// Seeded query and cache; rows outside [first, pos] hold NaN so a kernel
// that reads past the window or past pos produces NaN and fails.
struct AttentionData {
  AttentionShape s;
  Format kv_format;
  size_t kv_row_bytes;
  std::vector<float> q;         // [n_heads][head_dim]
  std::vector<float> k_f, v_f;  // [n_ctx][n_kv_heads][head_dim], as stored
  std::vector<uint8_t> k, v;    // [n_ctx][kv_row_bytes]
  int64_t n_ctx;
};

int64_t FirstPosition(const AttentionShape& s) {
  return s.window > 0 ? std::max<int64_t>(0, s.pos - s.window + 1) : 0;
}

// Stores `values` ([n_ctx][width]) as cache rows in `format` and rounds
// `values` to what was stored. Rows outside [first, pos] are NaN instead.
std::vector<uint8_t> StoreCache(Format format, std::vector<float>& values,
                                const AttentionShape& s, int64_t n_ctx,
                                size_t row_bytes) {
  const int64_t width = s.n_kv_heads * s.head_dim;
  std::vector<uint8_t> bytes(static_cast<size_t>(n_ctx) * row_bytes, 0xA5);
  for (int64_t t = 0; t < n_ctx; ++t) {
    float* row = values.data() + t * width;
    uint8_t* dst = bytes.data() + static_cast<size_t>(t) * row_bytes;
    if (t >= FirstPosition(s) && t <= s.pos) {
      QuantizeRow(format, row, dst, width);
      DequantizeRow(format, dst, row, width);
      continue;
    }
    std::fill_n(row, width, NAN);
    for (int64_t i = 0; i < width; ++i) {
      if (format == Format::kF16) {
        const uint16_t nan16 = 0x7e00;
        std::memcpy(dst + 2 * i, &nan16, sizeof nan16);
      } else {
        std::memcpy(dst + 4 * i, row + i, sizeof(float));
      }
    }
  }
  return bytes;
}

AttentionData MakeAttentionData(const AttentionShape& s, Format kv_format,
                                uint64_t seed) {
  AttentionData d{s, kv_format, 0, {}, {}, {}, {}, {}, s.pos + 4};
  const int64_t width = s.n_kv_heads * s.head_dim;
  d.kv_row_bytes = RowBytes(kv_format, width, "check KV cache") + kKvPadBytes;
  d.q = RandomFloats(seed, s.n_heads * s.head_dim, s.qk_amplitude);
  d.k_f = RandomFloats(seed + 1, d.n_ctx * width, s.qk_amplitude);
  d.v_f = RandomFloats(seed + 2, d.n_ctx * width, 1.0f);
  d.k = StoreCache(kv_format, d.k_f, s, d.n_ctx, d.kv_row_bytes);
  d.v = StoreCache(kv_format, d.v_f, s, d.n_ctx, d.kv_row_bytes);
  return d;
}

// Float64 attention written from the definitions: the mask as a condition
// on every position, the KV head as h * n_kv_heads / n_heads.
std::vector<double> AttentionOracle(const AttentionData& d, double* max_logit) {
  const AttentionShape& s = d.s;
  const int64_t width = s.n_kv_heads * s.head_dim;
  std::vector<double> out(static_cast<size_t>(s.n_heads * s.head_dim), 0.0);
  for (int64_t h = 0; h < s.n_heads; ++h) {
    const int64_t kv = h * s.n_kv_heads / s.n_heads;
    std::vector<double> weights(static_cast<size_t>(s.pos + 1), 0.0);
    double max_w = -INFINITY;
    for (int64_t t = 0; t <= s.pos; ++t) {
      if (s.window > 0 && s.pos - t >= s.window) continue;
      double dot = 0.0;
      for (int64_t i = 0; i < s.head_dim; ++i) {
        dot += double{d.q[h * s.head_dim + i]} *
               d.k_f[t * width + kv * s.head_dim + i];
      }
      double logit = s.scale * dot;
      *max_logit = std::max(*max_logit, std::fabs(logit));
      if (s.softcap > 0) logit = s.softcap * std::tanh(logit / s.softcap);
      weights[t] = logit;
      max_w = std::max(max_w, logit);
    }
    double sum = 0.0;
    for (int64_t t = 0; t <= s.pos; ++t) {
      if (s.window > 0 && s.pos - t >= s.window) continue;
      weights[t] = std::exp(weights[t] - max_w);
      sum += weights[t];
    }
    for (int64_t t = 0; t <= s.pos; ++t) {
      if (s.window > 0 && s.pos - t >= s.window) continue;
      for (int64_t i = 0; i < s.head_dim; ++i) {
        out[h * s.head_dim + i] +=
            weights[t] / sum * d.v_f[t * width + kv * s.head_dim + i];
      }
    }
  }
  return out;
}

// Runs `fn` over heads [0, mid) and [mid, n_heads) into `out`; false when
// the first call wrote a head outside its range.
bool RunAttention(AttentionFn fn, const AttentionData& d,
                  std::vector<float>& out) {
  const AttentionShape& s = d.s;
  const int64_t scores_stride = s.pos + 1 + 5;
  std::vector<float> scores(static_cast<size_t>(s.n_heads * scores_stride));
  out.assign(static_cast<size_t>(s.n_heads * s.head_dim), Sentinel());
  AttentionParams p{d.q.data(),     d.k.data(),   d.v.data(),    d.kv_format,
                    d.kv_row_bytes, out.data(),   scores.data(), scores_stride,
                    s.n_heads,      s.n_kv_heads, s.head_dim,    s.pos,
                    s.window,       s.scale,      s.softcap};
  const int64_t mid = s.n_heads / 2;
  fn(p, 0, mid);
  for (size_t i = static_cast<size_t>(mid * s.head_dim); i < out.size(); ++i) {
    if (!IsSentinel(out[i])) return false;
  }
  fn(p, mid, s.n_heads);
  return true;
}

CaseOutcome RunAttentionCase(const KernelSet& set, Expected expected,
                             const AttentionShape& s, Format kv_format,
                             uint64_t seed) {
  const AttentionData d = MakeAttentionData(s, kv_format, seed);
  double max_logit = 0.0;
  std::vector<double> want = AttentionOracle(d, &max_logit);
  if (s.softcap > 0) max_logit = std::min(max_logit, double{s.softcap});
  CaseOutcome outcome;
  outcome.tolerance =
      kAttentionUlps *
      (std::sqrt(static_cast<double>(s.head_dim)) * (1.0 + max_logit) +
       std::sqrt(static_cast<double>(s.pos + 1)) + 4.0) *
      kUnitRoundoff;

  std::vector<float> got;
  if (!RunAttention(set.attention, d, got)) {
    outcome.reason = "wrote a head outside its head range";
    outcome.max_error = std::numeric_limits<double>::infinity();
    return outcome;
  }
  if (expected == Expected::kRef) {
    std::vector<float> ref_out;
    RunAttention(ref::RefKernels().attention, d, ref_out);
    want.assign(ref_out.begin(), ref_out.end());
  }
  outcome.max_error = MaxNormError(got, want);
  return outcome;
}

// One position; GQA 3:1; odd head counts; Gemma 3 1B-like MQA with a
// window; Gemma 2's logit softcap 50 on logits that reach it; an odd GQA
// ratio with both a window and a softcap; head sizes that are not a
// multiple of 64 (40) or of 8 (12), which take a SIMD kernel's tail paths;
// four query heads per KV head over an odd number of positions. The
// checker runs each case as two calls of half the heads, so groups of
// query heads sharing a KV head are also cut at the call boundary.
constexpr AttentionShape kShapes[] = {
    {4, 4, 64, 0, 0, 0.0f, 0.125f, 1.0f},
    {6, 2, 128, 37, 0, 0.0f, 0.08838835f, 1.0f},
    {5, 5, 64, 100, 0, 0.0f, 0.125f, 1.0f},
    {8, 1, 256, 300, 64, 0.0f, 0.0625f, 1.0f},
    {3, 3, 64, 70, 0, 50.0f, 1.0f, 3.0f},
    {9, 3, 64, 50, 17, 30.0f, 1.0f, 3.0f},
    {4, 2, 40, 6, 0, 0.0f, 0.1581139f, 1.0f},
    {4, 1, 12, 9, 5, 0.0f, 0.2886751f, 1.0f},
    {8, 2, 64, 2, 0, 0.0f, 0.125f, 1.0f},
};

}  // namespace

std::vector<CheckCase> AttentionCases(uint64_t seed) {
  std::vector<CheckCase> cases;
  for (Format kv : {Format::kF32, Format::kF16}) {
    for (const AttentionShape& s : kShapes) {
      const uint64_t case_seed = seed + 104729 * (cases.size() + 1);
      CheckCase c;
      c.op = "attention";
      c.format = std::string(Info(kv).name);
      c.shape = fmt::format(
          "heads={}/{} dim={} pos={}{}{}", s.n_heads, s.n_kv_heads, s.head_dim,
          s.pos, s.window > 0 ? fmt::format(" window={}", s.window) : "",
          s.softcap > 0 ? fmt::format(" softcap={}", s.softcap) : "");
      c.compared_with_ref = "ref";
      c.covered = [](const KernelSet& set) { return set.attention != nullptr; };
      c.run = [s, kv, case_seed](const KernelSet& set, Expected e) {
        return RunAttentionCase(set, e, s, kv, case_seed);
      };
      cases.push_back(std::move(c));
    }
  }
  return cases;
}

}  // namespace lapbench::kernels::check
