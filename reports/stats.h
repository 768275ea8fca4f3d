// Statistics of one sample of a metric: the summary a report shows and the
// distribution-free confidence interval of the median the harness uses to
// decide when it has repeated a case often enough.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace lapbench::reports {

// Input the statistics cannot use: an empty sample, a value that is not
// finite, a probability outside its range. The message names the value.
class StatsError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The summary of a sample. Units are those of the samples.
struct Summary {
  int64_t n = 0;
  double min = 0;
  double max = 0;
  double mean = 0;
  double median = 0;  // p50: the middle value, or the mean of the two
  // Sample standard deviation (divides by n - 1); 0 for a single value.
  double stddev = 0;
  // stddev / |mean|; nullopt when the mean is 0.
  std::optional<double> cv;
  double p50 = 0;  // Percentile (type 7) at 0.50, 0.90 and 0.99
  double p90 = 0;
  double p99 = 0;
};

// Summarizes `samples`. Throws StatsError when it is empty or holds a value
// that is not finite.
Summary Summarize(std::span<const double> samples);

// The q-quantile (0 <= q <= 1) of `sorted` (ascending, non-empty) by linear
// interpolation between order statistics (Hyndman and Fan type 7, the
// default of R and NumPy): h = (n - 1) q, then x[floor h] + (h - floor h)
// (x[floor h + 1] - x[floor h]) with 0-based x. Throws StatsError on an
// empty sample or q outside [0, 1].
double Percentile(std::span<const double> sorted, double q);

// `samples` sorted ascending; throws StatsError when empty or not finite.
std::vector<double> SortedFinite(std::span<const double> samples);

// Whether a median interval reached the confidence level asked for.
enum class IntervalStatus {
  kReached,
  // Even [min, max] covers the median with less than the level asked for:
  // more samples are needed before the interval means what it says.
  kTooFewSamples,
};

// The confidence interval of the median from order statistics.
struct MedianInterval {
  IntervalStatus status = IntervalStatus::kTooFewSamples;
  int64_t n = 0;
  double level = 0;  // the confidence level asked for, e.g. 0.95
  // 1-based ranks of the order statistics that bound the interval:
  // lower_rank = k, upper_rank = n + 1 - k. With kTooFewSamples they are
  // 1 and n (the whole sample), which still falls short of `level`.
  int64_t lower_rank = 0;
  int64_t upper_rank = 0;
  double lower = 0;  // x(lower_rank)
  double upper = 0;  // x(upper_rank)
  double median = 0;
  // P(x(k) <= true median <= x(n+1-k)) = 1 - 2 P(B <= k - 1), B ~ Bin(n,
  // 1/2): the exact coverage of this pair, at least `level` when reached.
  double coverage = 0;
  // (upper - lower) / 2 / |median|; nullopt when the level is not reached
  // or the median is 0, so it can never pass for a precise estimate.
  std::optional<double> relative_half_width;

  // "median 101.5 in [99.2, 103.0] (x(2)..x(9) of 10, 97.9% >= 95.0%),
  // +/- 1.9%" or "median 101.5: 5 samples cover it with at most 93.8%,
  // below 95.0%".
  std::string Message() const;
};

// The distribution-free interval of the median of `samples` at `level`
// (0 < level < 1): of the symmetric pairs [x(k), x(n+1-k)], the narrowest
// whose coverage is at least `level`. Throws StatsError on an empty or
// non-finite sample or a level outside (0, 1).
MedianInterval MedianConfidenceInterval(std::span<const double> samples,
                                        double level = 0.95);

// Whether the harness may stop repeating a case: the interval reached its
// level and its relative half-width is at most `target` (0.02 for +/- 2%).
bool PrecisionReached(const MedianInterval& interval, double target);

// The smallest sample size whose [min, max] covers the median with at least
// `level`: 1 - 2^(1-n) >= level; 6 for 0.95, 8 for 0.99.
int64_t MinSamplesForMedianInterval(double level);

}  // namespace lapbench::reports
