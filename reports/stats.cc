// Summary statistics, type 7 percentiles and the order-statistic interval
// of the median.
#include "reports/stats.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/math/distributions/binomial.hpp>
#include <cmath>
#include <numeric>

namespace lapbench::reports {
namespace {

// The binomial CDF is exact only to rounding (~1e-16 relative), so a level
// equal to an attainable coverage (0.9375 for n = 5) could miss by an ulp.
// Coverages within this much of the level count as reaching it.
constexpr double kCoverageSlack = 1e-12;

void CheckLevel(double level) {
  if (!(level > 0 && level < 1)) {
    throw StatsError(fmt::format(
        "confidence level: '{}' (expected a number between 0 and 1)", level));
  }
}

// 1 - 2 P(B <= k - 1) for B ~ Binomial(n, 1/2): the probability that the
// true median lies in [x(k), x(n+1-k)].
double PairCoverage(int64_t n, int64_t k) {
  boost::math::binomial_distribution<double> half(static_cast<double>(n), 0.5);
  return 1.0 - 2.0 * boost::math::cdf(half, static_cast<double>(k - 1));
}

double SampleStddev(std::span<const double> sorted, double mean) {
  if (sorted.size() < 2) return 0;
  double sum_sq = 0;
  for (double x : sorted) sum_sq += (x - mean) * (x - mean);
  return std::sqrt(sum_sq / static_cast<double>(sorted.size() - 1));
}

std::string Percent(double fraction) {
  return fmt::format("{:.1f}%", 100.0 * fraction);
}

}  // namespace

std::vector<double> SortedFinite(std::span<const double> samples) {
  if (samples.empty()) {
    throw StatsError("sample: '' (expected at least one value)");
  }
  for (size_t i = 0; i < samples.size(); ++i) {
    if (!std::isfinite(samples[i])) {
      throw StatsError(fmt::format(
          "sample value {}: '{}' (expected a finite number)", i, samples[i]));
    }
  }
  std::vector<double> sorted(samples.begin(), samples.end());
  std::sort(sorted.begin(), sorted.end());
  return sorted;
}

double Percentile(std::span<const double> sorted, double q) {
  if (sorted.empty()) {
    throw StatsError("sample: '' (expected at least one value)");
  }
  if (!(q >= 0 && q <= 1)) {
    throw StatsError(
        fmt::format("quantile: '{}' (expected a number in [0, 1])", q));
  }
  double h = static_cast<double>(sorted.size() - 1) * q;
  size_t below = static_cast<size_t>(std::floor(h));
  if (below + 1 >= sorted.size()) return sorted.back();
  double frac = h - static_cast<double>(below);
  return sorted[below] + frac * (sorted[below + 1] - sorted[below]);
}

Summary Summarize(std::span<const double> samples) {
  std::vector<double> sorted = SortedFinite(samples);
  Summary s;
  s.n = static_cast<int64_t>(sorted.size());
  s.min = sorted.front();
  s.max = sorted.back();
  s.mean = std::accumulate(sorted.begin(), sorted.end(), 0.0) /
           static_cast<double>(s.n);
  s.stddev = SampleStddev(sorted, s.mean);
  if (s.mean != 0) s.cv = s.stddev / std::abs(s.mean);
  s.p50 = Percentile(sorted, 0.50);
  s.p90 = Percentile(sorted, 0.90);
  s.p99 = Percentile(sorted, 0.99);
  s.median = s.p50;
  return s;
}

MedianInterval MedianConfidenceInterval(std::span<const double> samples,
                                        double level) {
  CheckLevel(level);
  std::vector<double> sorted = SortedFinite(samples);
  MedianInterval ci;
  ci.n = static_cast<int64_t>(sorted.size());
  ci.level = level;
  ci.median = Percentile(sorted, 0.5);

  // Coverage falls as k grows, so walk inward while the next pair still
  // covers; k = 1 (the whole sample) is the widest there is.
  int64_t k = 1;
  while (k + 1 <= (ci.n + 1) / 2 &&
         PairCoverage(ci.n, k + 1) >= level - kCoverageSlack) {
    ++k;
  }
  ci.lower_rank = k;
  ci.upper_rank = ci.n + 1 - k;
  ci.lower = sorted[static_cast<size_t>(ci.lower_rank - 1)];
  ci.upper = sorted[static_cast<size_t>(ci.upper_rank - 1)];
  ci.coverage = PairCoverage(ci.n, k);
  ci.status = ci.coverage >= level - kCoverageSlack
                  ? IntervalStatus::kReached
                  : IntervalStatus::kTooFewSamples;
  if (ci.status == IntervalStatus::kReached && ci.median != 0) {
    ci.relative_half_width = (ci.upper - ci.lower) / 2.0 / std::abs(ci.median);
  }
  return ci;
}

bool PrecisionReached(const MedianInterval& interval, double target) {
  return interval.status == IntervalStatus::kReached &&
         interval.relative_half_width.has_value() &&
         *interval.relative_half_width <= target;
}

int64_t MinSamplesForMedianInterval(double level) {
  CheckLevel(level);
  int64_t n = 1;
  while (1.0 - std::ldexp(1.0, static_cast<int>(1 - n)) <
         level - kCoverageSlack) {
    ++n;
  }
  return n;
}

std::string MedianInterval::Message() const {
  if (status == IntervalStatus::kTooFewSamples) {
    return fmt::format(
        "median {:.4g}: {} samples cover it with at most {}, below {}", median,
        n, Percent(coverage), Percent(level));
  }
  std::string text = fmt::format(
      "median {:.4g} in [{:.4g}, {:.4g}] (x({})..x({}) of {}, {} >= {})",
      median, lower, upper, lower_rank, upper_rank, n, Percent(coverage),
      Percent(level));
  if (relative_half_width) {
    text += fmt::format(", +/- {}", Percent(*relative_half_width));
  }
  return text;
}

}  // namespace lapbench::reports
