// Tests the regression rule on sample sets whose verdict is known: a clear
// shift, identical distributions, a significant but small shift, too few
// samples, ties, and both directions.
#include "reports/regression.h"

#include <catch2/catch.hpp>
#include <vector>

#include "reports/stats.h"

namespace lapbench::reports {
namespace {

// Ten distinct tokens/s values around 100 (median 100.15).
std::vector<double> Base() {
  return {100.0, 100.4, 99.7, 100.9, 99.5, 100.2, 100.6, 99.9, 100.1, 100.3};
}

std::vector<double> Scaled(std::vector<double> v, double factor) {
  for (double& x : v) x *= factor;
  return v;
}

TEST_CASE("A clear 10% drop in tokens/s is a regression",
          "[reports][regression]") {
  std::vector<double> base = Base();
  std::vector<double> slower = Scaled(base, 0.9);
  Comparison c = CompareSamples(base, slower, Direction::kHigherIsBetter);
  REQUIRE(c.verdict == Verdict::kRegression);
  REQUIRE(c.significant);
  REQUIRE(c.large);
  REQUIRE(c.test.u_a == 100);  // every base value above every new one
  REQUIRE(c.test.p_value == Approx(2.0 / 184756).epsilon(1e-12));
  REQUIRE(c.relative_change == Approx(-0.1).epsilon(1e-12));
  REQUIRE(c.relative_gain == Approx(-0.1).epsilon(1e-12));
  REQUIRE(c.reason ==
          "regression: median 100.15 -> 90.135 (-10.0%, worse by more than "
          "the 5.0% threshold), p = 1.083e-05 <= 0.05 (exact, U = 100, 10 vs "
          "10)");
}

TEST_CASE("The same drop in a latency is an improvement",
          "[reports][regression]") {
  std::vector<double> base = Base();
  Comparison c =
      CompareSamples(base, Scaled(base, 0.9), Direction::kLowerIsBetter);
  REQUIRE(c.verdict == Verdict::kImprovement);
  REQUIRE(c.relative_gain == Approx(0.1).epsilon(1e-12));
  REQUIRE(
      c.reason.starts_with("improvement: median 100.15 -> 90.135 "
                           "(-10.0%, better by more than the 5.0% "
                           "threshold)"));

  Comparison slower =
      CompareSamples(base, Scaled(base, 1.1), Direction::kLowerIsBetter);
  REQUIRE(slower.verdict == Verdict::kRegression);
}

TEST_CASE("Identical distributions are no change", "[reports][regression]") {
  std::vector<double> base = Base();
  std::vector<double> same(base.rbegin(), base.rend());
  Comparison c = CompareSamples(base, same, Direction::kHigherIsBetter);
  REQUIRE(c.verdict == Verdict::kNoChange);
  REQUIRE(c.test.p_value == 1);
  REQUIRE(c.relative_change == 0);

  std::vector<double> even = {100, 102, 104, 106, 108};
  std::vector<double> odd = {101, 103, 105, 107, 109};
  Comparison interleaved = CompareSamples(even, odd, Direction::kLowerIsBetter);
  REQUIRE(interleaved.verdict == Verdict::kNoChange);
  REQUIRE(!interleaved.significant);
}

TEST_CASE("A significant 2% drop is not a regression at the 5% threshold",
          "[reports][regression]") {
  std::vector<double> base = Base();
  Comparison c =
      CompareSamples(base, Scaled(base, 0.98), Direction::kHigherIsBetter);
  REQUIRE(c.significant);
  REQUIRE(!c.large);
  REQUIRE(c.verdict == Verdict::kNoChange);
  REQUIRE(c.reason ==
          "no change: median 100.15 -> 98.147 (-2.0%, within the 5.0% "
          "threshold) though p = 1.083e-05 <= 0.05 (exact, U = 100, 10 vs "
          "10)");

  // With a 1% threshold the same data is a regression.
  Comparison strict =
      CompareSamples(base, Scaled(base, 0.98), Direction::kHigherIsBetter,
                     RegressionRule{.threshold = 0.01});
  REQUIRE(strict.verdict == Verdict::kRegression);
}

TEST_CASE("A large shift that is not significant is no change",
          "[reports][regression]") {
  std::vector<double> base = {100, 101, 130, 131};
  std::vector<double> next = {85, 86, 115, 116};
  Comparison c = CompareSamples(base, next, Direction::kHigherIsBetter);
  REQUIRE(c.large);
  REQUIRE(!c.significant);
  REQUIRE(c.verdict == Verdict::kNoChange);
  // U = 12 of 16; P(U <= 4) = (1 + 1 + 2 + 3 + 5) / 70.
  REQUIRE(c.test.p_value == Approx(24.0 / 70).epsilon(1e-14));
  REQUIRE(c.reason ==
          "no change: median 115.5 -> 100.5 (-13.0%) not significant, "
          "p = 0.3429 > 0.05 (exact, U = 12, 4 vs 4)");
}

TEST_CASE("Three vs three samples are too few to decide, however far apart",
          "[reports][regression]") {
  std::vector<double> base = {100, 101, 102};
  std::vector<double> slower = {50, 51, 52};
  Comparison c = CompareSamples(base, slower, Direction::kHigherIsBetter);
  REQUIRE(c.verdict == Verdict::kTooFewSamples);
  REQUIRE(!c.significant);
  REQUIRE(c.reason ==
          "too few samples: 3 vs 3 give p >= 0.1 at best, above alpha 0.05; "
          "4 vs 4 is the least that can decide");

  // Four and four, all apart, can.
  std::vector<double> base4 = {100, 101, 102, 103};
  std::vector<double> slower4 = {50, 51, 52, 53};
  REQUIRE(CompareSamples(base4, slower4, Direction::kHigherIsBetter).verdict ==
          Verdict::kRegression);
}

TEST_CASE("Tied latencies are compared with the tie-corrected normal form",
          "[reports][regression]") {
  std::vector<double> base_ms = {10, 10, 10, 11, 11, 11, 11, 12, 12, 12};
  std::vector<double> new_ms = {12, 12, 13, 13, 13, 13, 14, 14, 14, 15};
  Comparison c = CompareSamples(base_ms, new_ms, Direction::kLowerIsBetter);
  REQUIRE(c.test.method == PValueMethod::kNormal);
  REQUIRE(c.test.has_ties);
  REQUIRE(c.verdict == Verdict::kRegression);
  REQUIRE(c.relative_change == Approx(2.0 / 11).epsilon(1e-14));
}

TEST_CASE("A zero base median and a negative threshold are errors",
          "[reports][regression]") {
  std::vector<double> zeros = {0, 0, 0, 0, 0};
  std::vector<double> ones = {1, 1, 1, 1, 1};
  REQUIRE_THROWS_AS(CompareSamples(zeros, ones, Direction::kHigherIsBetter),
                    StatsError);
  REQUIRE_THROWS_AS(CompareSamples(ones, ones, Direction::kHigherIsBetter,
                                   RegressionRule{.threshold = -0.1}),
                    StatsError);
  REQUIRE_THROWS_AS(CompareSamples(ones, ones, Direction::kHigherIsBetter,
                                   RegressionRule{.alpha = 0}),
                    StatsError);
}

}  // namespace
}  // namespace lapbench::reports
