// Tests the sample summary, type 7 percentiles and the order-statistic
// interval of the median against values worked out by hand.
#include "reports/stats.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace lapbench::reports {
namespace {

// P(B <= j) for B ~ Binomial(n, 1/2), from Pascal's triangle: an
// independent check on the Boost binomial the code uses.
double BinomialHalfCdf(int64_t n, int64_t j) {
  std::vector<double> row = {1};
  for (int64_t i = 0; i < n; ++i) {
    std::vector<double> next(row.size() + 1, 0);
    for (size_t c = 0; c < row.size(); ++c) {
      next[c] += row[c];
      next[c + 1] += row[c];
    }
    row = next;
  }
  double below = 0;
  for (int64_t c = 0; c <= j; ++c) below += row[static_cast<size_t>(c)];
  return below / std::ldexp(1.0, static_cast<int>(n));
}

std::vector<double> OneToN(int n) {
  std::vector<double> v;
  for (int i = 1; i <= n; ++i) v.push_back(i);
  return v;
}

TEST_CASE("Percentiles interpolate between order statistics (type 7)",
          "[reports][stats]") {
  std::vector<double> ten = OneToN(10);
  REQUIRE(Percentile(ten, 0.5) == 5.5);
  // h = 9 * 0.9 = 8.1: x[8] + 0.1 (x[9] - x[8]) = 9 + 0.1.
  REQUIRE(Percentile(ten, 0.9) == Approx(9.1).epsilon(1e-15));
  REQUIRE(Percentile(ten, 0.99) == Approx(9.91).epsilon(1e-15));
  REQUIRE(Percentile(ten, 0.0) == 1.0);
  REQUIRE(Percentile(ten, 1.0) == 10.0);
  std::vector<double> one = {7.25};
  REQUIRE(Percentile(one, 0.9) == 7.25);
}

TEST_CASE("A summary of unsorted data has the hand-computed figures",
          "[reports][stats]") {
  std::vector<double> data = {3, 1, 4, 1,
                              5, 9, 2, 6};  // sorted: 1 1 2 3 4 5 6 9
  Summary s = Summarize(data);
  REQUIRE(s.n == 8);
  REQUIRE(s.min == 1);
  REQUIRE(s.max == 9);
  REQUIRE(s.mean == 3.875);
  REQUIRE(s.median == 3.5);
  REQUIRE(s.p50 == 3.5);
  // h = 7 * 0.9 = 6.3: 6 + 0.3 * (9 - 6); h = 6.93: 6 + 0.93 * 3.
  REQUIRE(s.p90 == Approx(6.9).epsilon(1e-15));
  REQUIRE(s.p99 == Approx(8.79).epsilon(1e-15));
  // Squared deviations from 3.875 sum to 52.875; divided by n - 1 = 7.
  REQUIRE(s.stddev == Approx(std::sqrt(52.875 / 7)).epsilon(1e-15));
  REQUIRE(s.cv.has_value());
  REQUIRE(*s.cv == Approx(std::sqrt(52.875 / 7) / 3.875).epsilon(1e-15));
}

TEST_CASE("A single sample has no spread and a zero mean has no CV",
          "[reports][stats]") {
  std::vector<double> one = {42};
  Summary s = Summarize(one);
  REQUIRE(s.stddev == 0);
  REQUIRE(s.p99 == 42);
  std::vector<double> centred = {-1, 1};
  REQUIRE(!Summarize(centred).cv.has_value());
}

TEST_CASE("Empty samples, non-finite values and bad quantiles are errors",
          "[reports][stats]") {
  std::vector<double> empty;
  REQUIRE_THROWS_AS(Summarize(empty), StatsError);
  std::vector<double> with_nan = {1, std::numeric_limits<double>::quiet_NaN()};
  REQUIRE_THROWS_WITH(Summarize(with_nan),
                      "sample value 1: 'nan' (expected a finite number)");
  std::vector<double> ten = OneToN(10);
  REQUIRE_THROWS_AS(Percentile(ten, 1.5), StatsError);
  REQUIRE_THROWS_AS(MedianConfidenceInterval(ten, 1.0), StatsError);
}

TEST_CASE("Five samples cannot give a 95% median interval, only 93.75%",
          "[reports][stats][median_ci]") {
  std::vector<double> five = OneToN(5);
  MedianInterval ci = MedianConfidenceInterval(five, 0.95);
  REQUIRE(ci.status == IntervalStatus::kTooFewSamples);
  REQUIRE(ci.lower_rank == 1);
  REQUIRE(ci.upper_rank == 5);
  REQUIRE(ci.coverage == Approx(1.0 - 2.0 / 32).epsilon(1e-14));
  REQUIRE(!ci.relative_half_width.has_value());
  REQUIRE(!PrecisionReached(ci, 1.0));
  REQUIRE(ci.Message() ==
          "median 3: 5 samples cover it with at most 93.8%, below 95.0%");

  // The same five reach a 90% level, and exactly 93.75% too.
  REQUIRE(MedianConfidenceInterval(five, 0.90).status ==
          IntervalStatus::kReached);
  REQUIRE(MedianConfidenceInterval(five, 0.9375).status ==
          IntervalStatus::kReached);
}

TEST_CASE("Ten samples give x(2)..x(9) at 95% with 97.85% coverage",
          "[reports][stats][median_ci]") {
  std::vector<double> ten;
  for (int i = 0; i < 10; ++i) ten.push_back(100 - i);  // 91 .. 100, reversed
  MedianInterval ci = MedianConfidenceInterval(ten, 0.95);
  REQUIRE(ci.status == IntervalStatus::kReached);
  REQUIRE(ci.lower_rank == 2);
  REQUIRE(ci.upper_rank == 9);
  REQUIRE(ci.lower == 92);
  REQUIRE(ci.upper == 99);
  REQUIRE(ci.median == 95.5);
  // 1 - 2 (1 + 10) / 1024.
  REQUIRE(ci.coverage == Approx(1.0 - 22.0 / 1024).epsilon(1e-14));
  REQUIRE(*ci.relative_half_width == Approx(3.5 / 95.5).epsilon(1e-14));
  REQUIRE(PrecisionReached(ci, 0.04));
  REQUIRE(!PrecisionReached(ci, 0.03));
  REQUIRE(ci.Message() ==
          "median 95.5 in [92, 99] (x(2)..x(9) of 10, 97.9% >= 95.0%), "
          "+/- 3.7%");
}

TEST_CASE("Twenty samples give x(6)..x(15) at 95% and x(4)..x(17) at 99%",
          "[reports][stats][median_ci]") {
  std::vector<double> twenty = OneToN(20);
  MedianInterval ci95 = MedianConfidenceInterval(twenty, 0.95);
  REQUIRE(ci95.lower_rank == 6);
  REQUIRE(ci95.upper_rank == 15);
  // P(B <= 5) = (1 + 20 + 190 + 1140 + 4845 + 15504) / 2^20.
  REQUIRE(ci95.coverage == Approx(1.0 - 2.0 * 21700 / 1048576).epsilon(1e-14));
  MedianInterval ci99 = MedianConfidenceInterval(twenty, 0.99);
  REQUIRE(ci99.lower_rank == 4);
  REQUIRE(ci99.upper_rank == 17);
  REQUIRE(ci99.coverage == Approx(1.0 - 2.0 * 1351 / 1048576).epsilon(1e-14));
}

TEST_CASE("The chosen pair is the narrowest that covers, for n = 1 to 40",
          "[reports][stats][median_ci]") {
  for (double level : {0.90, 0.95, 0.99}) {
    for (int n = 1; n <= 40; ++n) {
      MedianInterval ci = MedianConfidenceInterval(OneToN(n), level);
      int64_t k = ci.lower_rank;
      double covers = 1.0 - 2.0 * BinomialHalfCdf(n, k - 1);
      INFO("level " << level << " n " << n << " k " << k);
      REQUIRE(ci.coverage == Approx(covers).epsilon(1e-12));
      if (ci.status == IntervalStatus::kTooFewSamples) {
        REQUIRE(k == 1);
        REQUIRE(covers < level);
        REQUIRE(n < MinSamplesForMedianInterval(level));
        continue;
      }
      REQUIRE(covers >= level);
      REQUIRE(n >= MinSamplesForMedianInterval(level));
      bool next_pair_exists = k + 1 <= n + 1 - (k + 1);
      if (next_pair_exists) {
        REQUIRE(1.0 - 2.0 * BinomialHalfCdf(n, k) < level);
      }
    }
  }
}

TEST_CASE("The smallest sample for a median interval is 6 at 95%, 8 at 99%",
          "[reports][stats][median_ci]") {
  REQUIRE(MinSamplesForMedianInterval(0.95) == 6);
  REQUIRE(MinSamplesForMedianInterval(0.99) == 8);
  REQUIRE(MinSamplesForMedianInterval(0.9375) == 5);
  REQUIRE(MinSamplesForMedianInterval(0.5) == 2);
}

TEST_CASE("A median of zero has an interval but no relative width",
          "[reports][stats][median_ci]") {
  std::vector<double> around_zero = {-3, -2, -1, 0, 0, 0, 1, 2, 3};
  MedianInterval ci = MedianConfidenceInterval(around_zero, 0.95);
  REQUIRE(ci.status == IntervalStatus::kReached);
  REQUIRE(!ci.relative_half_width.has_value());
  REQUIRE(!PrecisionReached(ci, 10.0));
}

}  // namespace
}  // namespace lapbench::reports
