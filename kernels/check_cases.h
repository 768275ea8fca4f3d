// Internal to the checker: one check case, the case lists, shared helpers.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "kernels/ops.h"

namespace lapbench::kernels::check {

// Unit roundoff of float: every tolerance is a multiple of it.
inline constexpr double kUnitRoundoff = 0x1p-24;

// What a case compares the variant's output with.
enum class Expected {
  kOracle,  // float64 arithmetic written independently of ref
  kRef,     // ref's output on the same inputs
};

// The outcome of one case on one variant.
struct CaseOutcome {
  double max_error = 0;
  double tolerance = 0;
  std::string reason;  // a broken contract (row range, bsums); empty if none
};

// One comparison: an operator on one format and shape.
struct CheckCase {
  std::string op;
  std::string format;
  std::string shape;
  std::string compared_with_ref;  // "ref", or "input" for quantizers
  // Whether `set` has the entries this case calls.
  std::function<bool(const KernelSet& set)> covered;
  // Runs the case on `set` (whose functions the CPU can run).
  std::function<CaseOutcome(const KernelSet& set, Expected expected)> run;
};

std::vector<CheckCase> ProductCases(uint64_t seed);
std::vector<CheckCase> QuantizeCases(uint64_t seed);
std::vector<CheckCase> ElementwiseCases(uint64_t seed);
std::vector<CheckCase> AttentionCases(uint64_t seed);

// `n` floats uniform in [-amplitude, amplitude), from a generator whose
// sequence the C++ standard fixes (mt19937_64), so every platform agrees.
inline std::vector<float> RandomFloats(uint64_t seed, size_t n,
                                       float amplitude) {
  std::mt19937_64 gen(seed);
  std::vector<float> values(n);
  for (float& v : values) {
    const double unit = static_cast<double>(gen() >> 11) * 0x1p-53;
    v = static_cast<float>((2.0 * unit - 1.0) * amplitude);
  }
  return values;
}

// max_i |got_i - expected_i| / max_i |expected_i|: error relative to the
// largest expected magnitude (1 when all are zero).
inline double MaxNormError(std::span<const float> got,
                           std::span<const double> expected) {
  double max_abs = 0.0;
  for (double e : expected) max_abs = std::fmax(max_abs, std::fabs(e));
  const double scale = max_abs > 0.0 ? max_abs : 1.0;
  double error = 0.0;
  for (size_t i = 0; i < got.size(); ++i) {
    const double d = std::fabs(double{got[i]} - expected[i]);
    error = std::isnan(d) ? std::numeric_limits<double>::infinity()
                          : std::fmax(error, d / scale);
  }
  return error;
}

// A float no kernel produces, to detect writes outside the asked range.
inline float Sentinel() { return std::bit_cast<float>(0x7fc0deadu); }
inline bool IsSentinel(float v) {
  return std::bit_cast<uint32_t>(v) == 0x7fc0deadu;
}

}  // namespace lapbench::kernels::check
