// The forward pass of llama, gemma3 and dense gemma4, step by step.
#include "engine/model/forward.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>

#include "kernels/quantize.h"

namespace lapbench::engine {
namespace {

using kernels::Format;
using kernels::WeightView;

// Rows per grain of a product at least: 16 floats of output fill one
// 64-byte cache line, so two workers never write the same line of y.
constexpr int64_t kRowGrain = 16;
// Chunks per worker of a product: enough that a worker the OS delays
// holds up little work (the running ones take its chunks), few enough
// that claiming them costs nothing measurable.
constexpr int64_t kChunksPerThread = 8;
// Logits per grain of the final softcap.
constexpr int64_t kVocabGrain = 4096;

Format ActFormat(const WeightView& w) {
  return kernels::Info(w.format).activation;
}

// The widest activation row of the model in any format, in bytes: F32 (4
// bytes an element) is the widest activation format.
size_t MaxActRowBytes(const ModelConfig& c) {
  const int64_t cols = std::max({c.n_embd, c.max_q_dim(), c.max_n_ff()});
  return static_cast<size_t>(cols) * sizeof(float);
}

size_t Elems(int64_t rows, int64_t cols) {
  return static_cast<size_t>(rows) * static_cast<size_t>(cols);
}

}  // namespace

int64_t AttentionScoreRows(const ModelConfig& config) {
  return std::min(kAttentionHeadsPerCall, config.max_n_heads());
}

// y[t][r] = dot(w[r], x[t]) for every token t: one product of Products().
struct Session::Product {
  const WeightView* w;
  float* y;  // [n][w->rows]
};

// Runs fn(t) for t in [0, n): inline for one token (decode), otherwise
// split over the pool by tokens.
template <typename F>
void Session::ForTokens(int64_t n, F&& fn) {
  if (n == 1) {
    fn(int64_t{0});
    return;
  }
  pool_.ParallelChunks(n, 1, [&fn](int64_t begin, int64_t end) {
    for (int64_t t = begin; t < end; ++t) fn(t);
  });
}

Session::Session(const ModelConfig& config, const ModelWeights& weights,
                 const kernels::Variant& variant, ThreadPool& pool,
                 SessionOptions options)
    : config_(config),
      weights_(weights),
      k_(*variant.kernels),
      pool_(pool),
      options_(options),
      cache_(config, options.kv_format, options.n_ctx),
      score_rows_(AttentionScoreRows(config)) {
  if (options.n_batch < 1) {
    throw SessionError(
        fmt::format("bad batch size: '{}' (expected >= 1)", options.n_batch));
  }
  CheckVariant();
  const int64_t b = options.n_batch;
  x_.resize(Elems(b, config.n_embd));
  xb_.resize(Elems(b, config.n_embd));
  q_.resize(Elems(b, config.max_q_dim()));
  k_new_.resize(Elems(b, config.max_kv_dim()));
  v_new_.resize(Elems(b, config.max_kv_dim()));
  att_.resize(Elems(b, config.max_q_dim()));
  proj_.resize(Elems(b, config.n_embd));
  gate_.resize(Elems(b, config.max_n_ff()));
  up_.resize(Elems(b, config.max_n_ff()));
  scores_.resize(Elems(pool.n_threads() * score_rows_, options.n_ctx));
  logits_.resize(Elems(options.all_logits ? b : 1, config.n_vocab));
  act_.assign(
      3, std::vector<uint8_t>(static_cast<size_t>(b) * MaxActRowBytes(config)));
}

size_t Session::scratch_bytes() const {
  size_t floats = 0;
  for (const std::vector<float>* v :
       {&x_, &xb_, &q_, &k_new_, &v_new_, &att_, &proj_, &gate_, &up_, &scores_,
        &logits_}) {
    floats += v->size();
  }
  size_t bytes = floats * sizeof(float);
  for (const std::vector<uint8_t>& a : act_) bytes += a.size();
  return bytes;
}

void Session::CheckVariant() const {
  for (const Format f : MatrixFormats(weights_)) {
    const Format act = kernels::Info(f).activation;
    if (k_.matvec[kernels::Slot(f)] == nullptr ||
        k_.matmul[kernels::Slot(f)] == nullptr ||
        k_.quantize_act[kernels::Slot(act)] == nullptr) {
      throw SessionError(
          fmt::format("kernel variant lacks products for a weight format: '{}' "
                      "(expected a variant covering it, such as ref)",
                      kernels::Info(f).name));
    }
  }
  if (k_.rms_norm == nullptr || k_.rope == nullptr || k_.gelu == nullptr ||
      k_.silu == nullptr || k_.mul == nullptr || k_.add == nullptr ||
      k_.attention == nullptr) {
    throw SessionError(
        "kernel variant lacks an operator: 'rms_norm, rope, gelu, silu, "
        "mul, add or attention' (expected all of them)");
  }
}

std::span<const float> Session::Prefill(std::span<const int32_t> tokens,
                                        Logits which) {
  const auto n = static_cast<int64_t>(tokens.size());
  if (n == 0) {
    throw SessionError("empty prefill: '0 tokens' (expected at least 1)");
  }
  if (which == Logits::kAll && (!options_.all_logits || n > options_.n_batch)) {
    throw SessionError(fmt::format(
        "cannot return logits of every token: '{} tokens' (expected "
        "all_logits and at most n_batch = {})",
        n, options_.n_batch));
  }
  if (pos_ + n > options_.n_ctx) {
    throw SessionError(fmt::format(
        "context full: '{} + {} tokens' (expected at most n_ctx = {})", pos_, n,
        options_.n_ctx));
  }
  // Chunks of n_batch tokens; only the last chunk's logits are kept.
  for (int64_t begin = 0; begin < n; begin += options_.n_batch) {
    const int64_t count = std::min(options_.n_batch, n - begin);
    const bool last = begin + count == n;
    const int64_t n_out = !last ? 0 : which == Logits::kAll ? count : 1;
    Forward(
        tokens.subspan(static_cast<size_t>(begin), static_cast<size_t>(count)),
        n_out);
  }
  const int64_t rows = which == Logits::kAll ? n : 1;
  return {logits_.data(), Elems(rows, config_.n_vocab)};
}

std::span<const float> Session::Decode(int32_t token) {
  return Prefill(std::span<const int32_t>(&token, 1), Logits::kLast);
}

void Session::Forward(std::span<const int32_t> tokens, int64_t n_out) {
  const auto n = static_cast<int64_t>(tokens.size());

  // x = token_embd[tokens] * embd_scale                  x: [n][n_embd]
  Embed(tokens);

  // Each block: x += attention(x), x += ffn(x).
  for (int64_t il = 0; il < config_.n_layers(); ++il) {
    Attention(il, n);
    FeedForward(il, n);
  }
  pos_ += n;

  // logits = output . norm(x) for the last n_out tokens.
  if (n_out > 0) Output(n, n_out);
}

void Session::Embed(std::span<const int32_t> tokens) {
  for (const int32_t token : tokens) {
    if (token < 0 || token >= config_.n_vocab) {
      throw SessionError(
          fmt::format("token id out of range: '{}' (expected 0 to {})", token,
                      config_.n_vocab - 1));
    }
  }
  const WeightView& e = weights_.token_embd;
  const int64_t d = config_.n_embd;
  ForTokens(static_cast<int64_t>(tokens.size()), [&](int64_t t) {
    const auto* row = static_cast<const uint8_t*>(e.data) +
                      e.row_bytes * static_cast<size_t>(tokens[t]);
    float* x = x_.data() + t * d;
    kernels::DequantizeRow(e.format, row, x, d);
    if (config_.embd_scale != 1.0f) {
      for (int64_t i = 0; i < d; ++i) x[i] *= config_.embd_scale;
    }
  });
}

void Session::Attention(int64_t il, int64_t n) {
  const LayerConfig& l = config_.layers[static_cast<size_t>(il)];
  const LayerWeights& w = weights_.layers[static_cast<size_t>(il)];

  // xb = rms_norm(x) * attn_norm                         xb: [n][n_embd]
  NormRows(x_.data(), w.attn_norm, xb_.data(), n, config_.n_embd);

  // q = attn_q . xb, k = attn_k . xb, v = attn_v . xb
  //   q: [n][n_heads * head_dim], k, v: [n][n_kv_heads * head_dim]
  if (l.k_is_v) {
    Products(xb_.data(), n, config_.n_embd,
             {{&w.attn_q, q_.data()}, {&w.attn_k, k_new_.data()}});
  } else {
    Products(xb_.data(), n, config_.n_embd,
             {{&w.attn_q, q_.data()},
              {&w.attn_k, k_new_.data()},
              {&w.attn_v, v_new_.data()}});
  }

  // Per-head norms and RoPE; K and V go into the cache at pos_ + t.
  PrepareQkv(il, n);

  // att = softmax(scale * q . K^T) . V per head     att: [n][q_dim]
  Attend(il, n);

  // proj = attn_output . att                          proj: [n][n_embd]
  Products(att_.data(), n, l.q_dim(), {{&w.attn_output, proj_.data()}});

  // proj = rms_norm(proj) * post_attention_norm (Gemma)
  if (w.post_attention_norm != nullptr) {
    NormRows(proj_.data(), w.post_attention_norm, proj_.data(), n,
             config_.n_embd);
  }

  // x += proj
  AddResidual(proj_.data(), n, 1.0f);
}

void Session::PrepareQkv(int64_t il, int64_t n) {
  const LayerConfig& l = config_.layers[static_cast<size_t>(il)];
  const LayerWeights& w = weights_.layers[static_cast<size_t>(il)];
  const kernels::RopeParams rope{
      l.n_heads,          l.head_dim,
      l.rotary_dim,       l.rope_base,
      l.rope_freq_scale,  l.use_rope_freqs ? weights_.rope_freqs : nullptr,
      config_.rope_layout};
  kernels::RopeParams rope_k = rope;
  rope_k.n_heads = l.n_kv_heads;
  const float eps = config_.rms_eps;
  const int64_t hd = l.head_dim;
  ForTokens(n, [&](int64_t t) {
    float* q = q_.data() + t * l.q_dim();       // [n_heads][head_dim]
    float* k = k_new_.data() + t * l.kv_dim();  // [n_kv_heads][head_dim]
    float* v = v_new_.data() + t * l.kv_dim();  // [n_kv_heads][head_dim]

    // K-as-V layers: V is the raw K projection, before K's norm.
    if (l.k_is_v) std::copy(k, k + l.kv_dim(), v);

    // Q and K: per-head RMSNorm with weights (Gemma); V: without (Gemma 4).
    for (int64_t h = 0; config_.qk_norm && h < l.n_heads; ++h)
      k_.rms_norm(q + h * hd, w.attn_q_norm, q + h * hd, hd, eps);
    for (int64_t h = 0; config_.qk_norm && h < l.n_kv_heads; ++h)
      k_.rms_norm(k + h * hd, w.attn_k_norm, k + h * hd, hd, eps);
    for (int64_t h = 0; config_.v_norm && h < l.n_kv_heads; ++h)
      k_.rms_norm(v + h * hd, nullptr, v + h * hd, hd, eps);

    // RoPE on Q and K at this token's position.
    k_.rope(q, rope, pos_ + t);
    k_.rope(k, rope_k, pos_ + t);

    // Store K and V in the cache.
    cache_.StoreK(il, pos_ + t, k);
    cache_.StoreV(il, pos_ + t, v);
  });
}

void Session::Attend(int64_t il, int64_t n) {
  const LayerConfig& l = config_.layers[static_cast<size_t>(il)];
  kernels::AttentionParams p;
  p.k = cache_.k(il);
  p.v = cache_.v(il);
  p.kv_format = cache_.format();
  p.kv_row_bytes = cache_.row_bytes(il);
  p.scores_stride = options_.n_ctx;
  p.n_heads = l.n_heads;
  p.n_kv_heads = l.n_kv_heads;
  p.head_dim = l.head_dim;
  p.window = l.sliding ? config_.sliding_window : 0;
  p.scale = config_.attn_scale;
  p.softcap = config_.attn_softcap;

  // As many slots as workers, each with its own score_rows_ rows of
  // scores; slot s takes an even share of the n * n_heads (token, head)
  // pairs, in calls of consecutive heads of one token (at most
  // score_rows_), so a kernel can read each KV head once for the query
  // heads that share it. Slots are claimed dynamically, so whichever
  // thread runs slot s uses slot s's rows.
  const int64_t n_slots = pool_.n_threads();
  const int64_t n_pairs = n * l.n_heads;
  pool_.ParallelChunks(n_slots, 1, [&](int64_t begin, int64_t end) {
    kernels::AttentionParams mine = p;
    mine.scores = scores_.data() + begin * score_rows_ * options_.n_ctx;
    const int64_t first = n_pairs * begin / n_slots;
    const int64_t last = n_pairs * end / n_slots;
    for (int64_t pair = first; pair < last;) {
      const int64_t t = pair / l.n_heads;
      const int64_t h = pair % l.n_heads;
      const int64_t h_end =
          std::min({l.n_heads, h + (last - pair), h + score_rows_});
      mine.q = q_.data() + t * l.q_dim();
      mine.out = att_.data() + t * l.q_dim();
      mine.pos = pos_ + t;
      k_.attention(mine, h, h_end);
      pair += h_end - h;
    }
  });
}

void Session::FeedForward(int64_t il, int64_t n) {
  const LayerConfig& l = config_.layers[static_cast<size_t>(il)];
  const LayerWeights& w = weights_.layers[static_cast<size_t>(il)];

  // xb = rms_norm(x) * ffn_norm                          xb: [n][n_embd]
  NormRows(x_.data(), w.ffn_norm, xb_.data(), n, config_.n_embd);

  // gate = ffn_gate . xb, up = ffn_up . xb            gate, up: [n][n_ff]
  Products(xb_.data(), n, config_.n_embd,
           {{&w.ffn_gate, gate_.data()}, {&w.ffn_up, up_.data()}});

  // gate = act(gate) * up, act = SiLU (Llama) or GELU-tanh (Gemma)
  const kernels::UnaryFn act =
      config_.ffn_act == FfnActivation::kSilu ? k_.silu : k_.gelu;
  ForTokens(n, [&](int64_t t) {
    float* g = gate_.data() + t * l.n_ff;
    act(g, g, l.n_ff);
    k_.mul(g, up_.data() + t * l.n_ff, g, l.n_ff);
  });

  // proj = ffn_down . gate                            proj: [n][n_embd]
  Products(gate_.data(), n, l.n_ff, {{&w.ffn_down, proj_.data()}});

  // proj = rms_norm(proj) * post_ffw_norm (Gemma)
  if (w.post_ffw_norm != nullptr) {
    NormRows(proj_.data(), w.post_ffw_norm, proj_.data(), n, config_.n_embd);
  }

  // x = (x + proj) * output_scale (Gemma 4's layer_output_scale, else 1)
  AddResidual(proj_.data(), n, w.output_scale);
}

void Session::Output(int64_t n, int64_t n_out) {
  const int64_t d = config_.n_embd;
  const float* x_out = x_.data() + (n - n_out) * d;  // [n_out][n_embd]

  // xb = rms_norm(x) * output_norm                   xb: [n_out][n_embd]
  NormRows(x_out, weights_.output_norm, xb_.data(), n_out, d);

  // logits = output . xb                          logits: [n_out][n_vocab]
  Products(xb_.data(), n_out, d, {{&weights_.output, logits_.data()}});

  // logits = c * tanh(logits / c) (Gemma 4's final softcap)
  const float c = config_.final_softcap;
  if (c > 0.0f) {
    pool_.ParallelChunks(
        n_out * config_.n_vocab, kVocabGrain, [&](int64_t begin, int64_t end) {
          for (int64_t i = begin; i < end; ++i) {
            logits_[static_cast<size_t>(i)] =
                c * std::tanh(logits_[static_cast<size_t>(i)] / c);
          }
        });
  }
}

void Session::Products(const float* x, int64_t n, int64_t cols,
                       std::initializer_list<Product> products) {
  // Quantize x once per distinct activation format among the weights.
  std::array<const void*, 3> act_of{};  // per product: its activation rows
  std::array<size_t, 3> act_row_bytes{};
  std::array<Format, 3> formats{};
  size_t i = 0;
  for (const Product& p : products) {
    formats[i] = ActFormat(*p.w);
    act_row_bytes[i] = kernels::RowBytes(formats[i], cols);
    for (size_t j = 0; j < i && act_of[i] == nullptr; ++j) {
      if (formats[j] == formats[i]) act_of[i] = act_of[j];
    }
    if (act_of[i] == nullptr) {
      uint8_t* dst = act_[i].data();
      const kernels::QuantizeActFn quantize =
          k_.quantize_act[kernels::Slot(formats[i])];
      const size_t row_bytes = act_row_bytes[i];
      ForTokens(n, [&](int64_t t) {
        quantize(x + t * cols, dst + row_bytes * static_cast<size_t>(t), cols);
      });
      act_of[i] = dst;
    }
    ++i;
  }

  // All products in one ParallelChunks over their concatenated rows, in
  // about kChunksPerThread chunks per worker.
  int64_t total_rows = 0;
  for (const Product& p : products) total_rows += p.w->rows;
  const int64_t per_chunk = total_rows / (kChunksPerThread * pool_.n_threads());
  const int64_t grain =
      std::max(kRowGrain, (per_chunk + kRowGrain - 1) / kRowGrain * kRowGrain);
  pool_.ParallelChunks(total_rows, grain, [&](int64_t begin, int64_t end) {
    int64_t offset = 0;
    size_t j = 0;
    for (const Product& p : products) {
      const int64_t lo = std::max(begin - offset, int64_t{0});
      const int64_t hi = std::min(end - offset, p.w->rows);
      const Format f = p.w->format;
      if (lo < hi && n == 1) {
        k_.matvec[kernels::Slot(f)](*p.w, act_of[j], p.y, lo, hi);
      } else if (lo < hi) {
        k_.matmul[kernels::Slot(f)](*p.w, act_of[j], act_row_bytes[j], n, p.y,
                                    p.w->rows, lo, hi);
      }
      offset += p.w->rows;
      ++j;
    }
  });
}

void Session::NormRows(const float* x, const float* weight, float* out,
                       int64_t n, int64_t dim) {
  ForTokens(n, [&](int64_t t) {
    k_.rms_norm(x + t * dim, weight, out + t * dim, dim, config_.rms_eps);
  });
}

void Session::AddResidual(const float* delta, int64_t n, float scale) {
  const int64_t d = config_.n_embd;
  ForTokens(n, [&](int64_t t) {
    float* x = x_.data() + t * d;
    k_.add(x, delta + t * d, x, d);
    for (int64_t i = 0; scale != 1.0f && i < d; ++i) x[i] *= scale;
  });
}

}  // namespace lapbench::engine
