// The rule that turns a base and a new sample of one metric into a verdict:
// regression, improvement, no change, or too few samples to decide.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "reports/mann_whitney.h"

namespace lapbench::reports {

// Which way is better for a metric.
enum class Direction {
  kHigherIsBetter,  // tokens_per_s, bandwidth
  kLowerIsBetter,   // ttft, latency, joules per token
};

enum class Verdict {
  kRegression,
  kImprovement,
  kNoChange,
  kTooFewSamples,
};

// "regression", "improvement", "no change", "too few samples".
const char* VerdictName(Verdict verdict);

// The two gates a change must pass to count.
struct RegressionRule {
  double alpha = 0.05;  // Mann-Whitney two-sided significance level
  // A relative change of the median must exceed this to matter: 0.05 = 5%.
  double threshold = 0.05;
};

// A verdict with every number it rests on.
struct Comparison {
  Verdict verdict = Verdict::kTooFewSamples;
  Direction direction = Direction::kHigherIsBetter;
  RegressionRule rule;
  double median_base = 0;
  double median_new = 0;
  // (median_new - median_base) / |median_base|: +0.10 is 10% higher,
  // whichever way is better.
  double relative_change = 0;
  // relative_change signed so that positive is better (negated for
  // kLowerIsBetter).
  double relative_gain = 0;
  bool significant = false;  // test decided and p_value <= alpha
  bool large = false;        // |relative_change| > threshold
  MannWhitneyResult test;    // U, p, method, Hodges-Lehmann shift, sizes
  // One line: "regression: median 100 -> 90 (-10.0%, worse by more than
  // the 5.0% threshold), p = 0.007937 <= 0.05 (exact, U = 25, 5 vs 5)".
  std::string reason;
};

// Compares `base` with `new_sample` of a metric where `direction` is
// better: a regression only when the Mann-Whitney test is significant at
// rule.alpha AND the median moved the worse way by more than
// rule.threshold; an improvement symmetrically; too few samples when these
// sizes cannot reach rule.alpha at all; otherwise no change. Throws
// StatsError on an empty or non-finite sample, a base median of 0, alpha
// outside (0, 1) or a negative threshold.
Comparison CompareSamples(std::span<const double> base,
                          std::span<const double> new_sample,
                          Direction direction, const RegressionRule& rule = {});

}  // namespace lapbench::reports
