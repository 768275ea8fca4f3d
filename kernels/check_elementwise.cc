// Checker cases for RMSNorm, RoPE, softmax, activations and arithmetic.
#include <fmt/format.h>

#include "kernels/check_cases.h"
#include "kernels/ref/ref_kernels.h"

namespace lapbench::kernels::check {
namespace {

// Element-wise error: max |got - expected| / max |expected| (MaxNormError).
//
// add, mul: one correctly rounded IEEE operation, identical in every
// variant and equal to the float64 result rounded once.
constexpr double kArithmeticTolerance = 0.0;
// RMSNorm: the sum of squares in float has a relative error of about
// sqrt(n) * 2^-24; the scale's square root halves it; plus a few roundings.
constexpr double kRmsNormUlpsPerSqrtN = 4.0;
constexpr double kRmsNormUlps = 8.0;
// Softmax: a vector exp() is good to a few ulps and the sum adds about
// sqrt(n) ulps.
constexpr double kSoftmaxUlpsPerSqrtN = 4.0;
constexpr double kSoftmaxUlps = 16.0;
// SiLU: x / (1 + exp(-x)) with a vector exp() of a few ulps: 32 ulps of the
// largest output is ~2e-6.
constexpr double kSiluTolerance = 2e-6;
// GELU (tanh form): a vector tanh built from exp() loses digits in
// 1 + tanh for negative x; 1e-5 of the largest output allows that, and still
// fails the erf form (up to ~5e-4 away) and a lookup table of fp16-rounded
// inputs (ggml's GGML_GELU_FP16, ~5e-4), neither of which is this operator.
constexpr double kGeluTolerance = 1e-5;
// RoPE: a float angle pos * theta_i built by repeated multiplication (as
// ggml does) is off by about (i + 4) ulps of pos, i < rotary_dim / 2; the
// rotation turns that angle error into the same relative output error.
constexpr double kRopeUlpsPerAngleUlp = 2.0;
constexpr double kRopeUlps = 8.0;

using Op = std::function<void(const KernelSet&, std::vector<float>&)>;

// Builds a case that runs `op` on a copy of `input` and compares the result
// with `oracle` (float64) or with ref's run of `op`.
CheckCase ElementCase(std::string op, std::string shape,
                      std::function<bool(const KernelSet&)> covered,
                      std::vector<float> input, Op run, double tolerance,
                      std::function<std::vector<double>()> oracle) {
  CheckCase c;
  c.op = std::move(op);
  c.format = "f32";
  c.shape = std::move(shape);
  c.compared_with_ref = "ref";
  c.covered = std::move(covered);
  c.run = [input, run, tolerance, oracle](const KernelSet& set, Expected e) {
    std::vector<float> got = input;
    run(set, got);
    std::vector<double> want;
    if (e == Expected::kOracle) {
      want = oracle();
    } else {
      std::vector<float> ref_out = input;
      run(ref::RefKernels(), ref_out);
      want.assign(ref_out.begin(), ref_out.end());
    }
    return CaseOutcome{MaxNormError(got, want), tolerance, ""};
  };
  return c;
}

double SqrtN(int64_t n) { return std::sqrt(static_cast<double>(n)); }

void AddRmsNormCases(uint64_t seed, std::vector<CheckCase>& cases) {
  constexpr float kEps = 1e-6f;
  for (int64_t n : {int64_t{1}, int64_t{7}, int64_t{4096}}) {
    for (bool weighted : {false, true}) {
      const std::vector<float> x = RandomFloats(seed + n, n, 3.0f);
      const std::vector<float> w = RandomFloats(seed + 2 * n, n, 2.0f);
      const float* weight = weighted ? w.data() : nullptr;
      auto oracle = [x, w, weighted, n] {
        double sum_sq = 0.0;
        for (float v : x) sum_sq += double{v} * v;
        const double scale = 1.0 / std::sqrt(sum_sq / n + double{kEps});
        std::vector<double> out(x.size());
        for (size_t i = 0; i < x.size(); ++i) {
          out[i] = x[i] * scale * (weighted ? double{w[i]} : 1.0);
        }
        return out;
      };
      auto run = [w, weight, n](const KernelSet& set, std::vector<float>& v) {
        set.rms_norm(v.data(), weight != nullptr ? w.data() : nullptr, v.data(),
                     n, kEps);
      };
      cases.push_back(ElementCase(
          "rms_norm", fmt::format("n={}{}", n, weighted ? " weighted" : ""),
          [](const KernelSet& s) { return s.rms_norm != nullptr; }, x, run,
          (kRmsNormUlpsPerSqrtN * SqrtN(n) + kRmsNormUlps) * kUnitRoundoff,
          oracle));
    }
  }
}

// The dimension that dimension d of a head turns with, its pair index, and
// whether d is the first of the pair: the layouts stated per dimension
// rather than per pair, so this oracle shares no loop with ref's.
struct Partner {
  int64_t other;
  int64_t pair;
  bool first;
};
Partner PartnerOf(const RopeParams& p, int64_t d) {
  const int64_t half = p.rotary_dim / 2;
  if (p.layout == RopeLayout::kInterleaved) {
    return {d ^ 1, d / 2, d % 2 == 0};
  }
  return d < half ? Partner{d + half, d, true}
                  : Partner{d - half, d - half, false};
}

std::vector<double> RopeOracle(const std::vector<float>& x, const RopeParams& p,
                               const std::vector<float>& factors, int64_t pos) {
  std::vector<double> out(x.begin(), x.end());
  for (int64_t h = 0; h < p.n_heads; ++h) {
    for (int64_t d = 0; d < p.rotary_dim; ++d) {
      const Partner q = PartnerOf(p, d);
      const double freq =
          std::pow(double{p.theta_base}, -2.0 * q.pair / p.rotary_dim);
      const double divisor = factors.empty() ? 1.0 : factors[q.pair];
      const double angle = pos * double{p.freq_scale} * freq / divisor;
      const double self = x[h * p.head_dim + d];
      const double other = x[h * p.head_dim + q.other];
      out[h * p.head_dim + d] =
          q.first ? self * std::cos(angle) - other * std::sin(angle)
                  : other * std::sin(angle) + self * std::cos(angle);
    }
  }
  return out;
}

struct RopeShape {
  int64_t n_heads, head_dim, rotary_dim, pos;
  float freq_scale;
  bool factors;
};

void AddRopeCases(uint64_t seed, std::vector<CheckCase>& cases) {
  // Whole heads, Phi-4's partial rotary (96 of 128), Gemma 3's linear x8
  // scaling, and Llama 3's per-pair divisors, at near and far positions.
  const RopeShape shapes[] = {
      {3, 64, 64, 0, 1.0f, false},     {5, 128, 128, 37, 1.0f, false},
      {2, 128, 96, 4095, 1.0f, false}, {4, 256, 256, 1000, 0.125f, false},
      {3, 64, 64, 511, 1.0f, true},
  };
  for (RopeLayout layout : {RopeLayout::kInterleaved, RopeLayout::kHalfSplit}) {
    for (const RopeShape& s : shapes) {
      RopeParams p{s.n_heads,    s.head_dim, s.rotary_dim, 10000.0f,
                   s.freq_scale, nullptr,    layout};
      std::vector<float> factors;
      if (s.factors) {
        factors = RandomFloats(seed + 3, s.rotary_dim / 2, 3.5f);
        for (float& f : factors) f = 4.5f + f;  // divisors in [1, 8)
      }
      const std::vector<float> x =
          RandomFloats(seed + s.pos + s.head_dim, s.n_heads * s.head_dim, 1.0f);
      auto run = [p, factors, s](const KernelSet& set, std::vector<float>& v) {
        RopeParams q = p;
        q.freq_factors = factors.empty() ? nullptr : factors.data();
        set.rope(v.data(), q, s.pos);
      };
      const double angle_ulps =
          (s.pos * double{s.freq_scale} + 1.0) * (s.rotary_dim / 2 + 4);
      cases.push_back(ElementCase(
          "rope",
          fmt::format(
              "{} heads={} dim={} rot={} pos={}{}{}",
              layout == RopeLayout::kInterleaved ? "interleaved" : "half-split",
              s.n_heads, s.head_dim, s.rotary_dim, s.pos,
              s.freq_scale != 1.0f ? " scale=1/8" : "",
              s.factors ? " factors" : ""),
          [](const KernelSet& set) { return set.rope != nullptr; }, x, run,
          (kRopeUlpsPerAngleUlp * angle_ulps + kRopeUlps) * kUnitRoundoff,
          [x, p, factors, s] { return RopeOracle(x, p, factors, s.pos); }));
    }
  }
}

void AddSoftmaxCases(uint64_t seed, std::vector<CheckCase>& cases) {
  for (int64_t n : {int64_t{1}, int64_t{7}, int64_t{4096}}) {
    const std::vector<float> x = RandomFloats(seed + n, n, 12.0f);
    auto oracle = [x] {
      double max_x = -INFINITY;
      for (float v : x) max_x = std::max(max_x, double{v});
      std::vector<double> out;
      double sum = 0.0;
      for (float v : x) sum += std::exp(v - max_x);
      for (float v : x) out.push_back(std::exp(v - max_x) / sum);
      return out;
    };
    auto run = [n](const KernelSet& set, std::vector<float>& v) {
      set.softmax(v.data(), n);
    };
    cases.push_back(ElementCase(
        "softmax", fmt::format("n={}", n),
        [](const KernelSet& set) { return set.softmax != nullptr; }, x, run,
        (kSoftmaxUlpsPerSqrtN * SqrtN(n) + kSoftmaxUlps) * kUnitRoundoff,
        oracle));
  }
}

using UnaryOracle = double (*)(double);
double GeluOracle(double x) {
  const double inner = std::sqrt(2.0 / M_PI) * (x + 0.044715 * x * x * x);
  return 0.5 * x * (1.0 + std::tanh(inner));
}
double SiluOracle(double x) { return x / (1.0 + std::exp(-x)); }

void AddUnaryCases(uint64_t seed, std::vector<CheckCase>& cases) {
  struct Unary {
    const char* name;
    UnaryFn KernelSet::*fn;
    UnaryOracle oracle;
    double tolerance;
  };
  const Unary unaries[] = {
      {"gelu", &KernelSet::gelu, GeluOracle, kGeluTolerance},
      {"silu", &KernelSet::silu, SiluOracle, kSiluTolerance},
  };
  for (const Unary& u : unaries) {
    for (int64_t n : {int64_t{1}, int64_t{7}, int64_t{4096}}) {
      const std::vector<float> x = RandomFloats(seed + n, n, 8.0f);
      auto fn = u.fn;
      auto run = [fn, n](const KernelSet& set, std::vector<float>& v) {
        (set.*fn)(v.data(), v.data(), n);
      };
      auto oracle = [x, o = u.oracle] {
        std::vector<double> out;
        for (float v : x) out.push_back(o(v));
        return out;
      };
      cases.push_back(ElementCase(
          u.name, fmt::format("n={}", n),
          [fn](const KernelSet& set) { return set.*fn != nullptr; }, x, run,
          u.tolerance, oracle));
    }
  }
}

void AddBinaryCases(uint64_t seed, std::vector<CheckCase>& cases) {
  for (bool is_mul : {true, false}) {
    for (int64_t n : {int64_t{1}, int64_t{7}, int64_t{4096}}) {
      const std::vector<float> a = RandomFloats(seed + n, n, 4.0f);
      const std::vector<float> b = RandomFloats(seed + 3 * n, n, 4.0f);
      BinaryFn KernelSet::*fn = is_mul ? &KernelSet::mul : &KernelSet::add;
      auto run = [fn, b, n](const KernelSet& set, std::vector<float>& v) {
        (set.*fn)(v.data(), b.data(), v.data(), n);
      };
      auto oracle = [a, b, is_mul] {
        std::vector<double> out;
        for (size_t i = 0; i < a.size(); ++i) {
          const double r = is_mul ? double{a[i]} * b[i] : double{a[i]} + b[i];
          out.push_back(static_cast<float>(r));  // one rounding, as IEEE
        }
        return out;
      };
      cases.push_back(ElementCase(
          is_mul ? "mul" : "add", fmt::format("n={}", n),
          [fn](const KernelSet& set) { return set.*fn != nullptr; }, a, run,
          kArithmeticTolerance, oracle));
    }
  }
}

}  // namespace

std::vector<CheckCase> ElementwiseCases(uint64_t seed) {
  std::vector<CheckCase> cases;
  AddRmsNormCases(seed, cases);
  AddRopeCases(seed, cases);
  AddSoftmaxCases(seed, cases);
  AddUnaryCases(seed, cases);
  AddBinaryCases(seed, cases);
  return cases;
}

}  // namespace lapbench::kernels::check
