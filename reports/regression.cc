// The regression rule: a rank test for "is it real" and a relative change
// of the median for "does it matter"; both must say yes.
#include "reports/regression.h"

#include <fmt/format.h>

#include <cmath>
#include <vector>

#include "reports/stats.h"

namespace lapbench::reports {
namespace {

void CheckRule(const RegressionRule& rule) {
  if (!(rule.threshold >= 0) || !std::isfinite(rule.threshold)) {
    throw StatsError(fmt::format(
        "regression threshold: '{}' (expected a fraction >= 0, 0.05 for 5%)",
        rule.threshold));
  }
}

double Median(std::span<const double> samples) {
  std::vector<double> sorted = SortedFinite(samples);
  return Percentile(sorted, 0.5);
}

// "median 100 -> 90 (-10.0%": base, then new.
std::string MedianPart(const Comparison& c) {
  return fmt::format("median {:.6g} -> {:.6g} ({:+.1f}%", c.median_base,
                     c.median_new, 100.0 * c.relative_change);
}

// "p = 0.0079 <= 0.05 (exact, U = 25, 5 vs 5)".
std::string TestPart(const Comparison& c) {
  const MannWhitneyResult& t = c.test;
  return fmt::format("p = {:.4g} {} {} ({}, U = {}, {} vs {})", t.p_value,
                     c.significant ? "<=" : ">", t.alpha,
                     t.method == PValueMethod::kExact ? "exact" : "normal",
                     t.u_a, t.n_a, t.n_b);
}

std::string Reason(const Comparison& c) {
  double threshold_pct = 100.0 * c.rule.threshold;
  switch (c.verdict) {
    case Verdict::kTooFewSamples:
      return fmt::format(
          "too few samples: {} vs {} give p >= {:.3g} at best, above alpha "
          "{}; {} vs {} is the least that can decide",
          c.test.n_a, c.test.n_b, c.test.min_possible_p, c.rule.alpha,
          MinSamplesPerSide(c.rule.alpha), MinSamplesPerSide(c.rule.alpha));
    case Verdict::kRegression:
    case Verdict::kImprovement:
      return fmt::format("{}: {}, {} by more than the {:.1f}% threshold), {}",
                         VerdictName(c.verdict), MedianPart(c),
                         c.verdict == Verdict::kRegression ? "worse" : "better",
                         threshold_pct, TestPart(c));
    case Verdict::kNoChange:
      break;
  }
  if (c.significant) {
    return fmt::format("no change: {}, within the {:.1f}% threshold) though {}",
                       MedianPart(c), threshold_pct, TestPart(c));
  }
  return fmt::format("no change: {}) not significant, {}", MedianPart(c),
                     TestPart(c));
}

Verdict Decide(const Comparison& c) {
  if (c.test.status == TestStatus::kTooFewSamples) {
    return Verdict::kTooFewSamples;
  }
  if (!c.significant || !c.large) return Verdict::kNoChange;
  return c.relative_gain < 0 ? Verdict::kRegression : Verdict::kImprovement;
}

}  // namespace

const char* VerdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kRegression:
      return "regression";
    case Verdict::kImprovement:
      return "improvement";
    case Verdict::kNoChange:
      return "no change";
    case Verdict::kTooFewSamples:
      return "too few samples";
  }
  return "unknown";
}

Comparison CompareSamples(std::span<const double> base,
                          std::span<const double> new_sample,
                          Direction direction, const RegressionRule& rule) {
  CheckRule(rule);
  Comparison c;
  c.direction = direction;
  c.rule = rule;
  c.test = MannWhitneyU(base, new_sample, rule.alpha);

  // How far the median moved, and whether that way is better.
  c.median_base = Median(base);
  c.median_new = Median(new_sample);
  if (c.median_base == 0) {
    throw StatsError(
        "base median: '0' (expected a non-zero value to take a relative "
        "change from)");
  }
  c.relative_change = (c.median_new - c.median_base) / std::abs(c.median_base);
  c.relative_gain = direction == Direction::kHigherIsBetter
                        ? c.relative_change
                        : -c.relative_change;

  // Both gates, then the verdict and its one-line reason.
  c.significant =
      c.test.status == TestStatus::kDecided && c.test.p_value <= rule.alpha;
  c.large = std::abs(c.relative_change) > rule.threshold;
  c.verdict = Decide(c);
  c.reason = Reason(c);
  return c;
}

}  // namespace lapbench::reports
