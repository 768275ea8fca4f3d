// Tests the Mann-Whitney U test: the exact U distribution against brute
// force and published critical values, the tie-corrected normal form
// against a hand computation, the too-few-samples bound and the shift.
#include "reports/mann_whitney.h"

#include <bit>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <vector>

#include "reports/stats.h"

namespace lapbench::reports {
namespace {

// The U distribution for sizes m, n by listing every way to choose which
// m of the m + n ranks belong to the first sample: U counts the pairs
// where a first-sample rank is above a second-sample rank.
std::vector<uint64_t> BruteForceUCounts(int m, int n) {
  std::vector<uint64_t> counts(static_cast<size_t>(m * n + 1), 0);
  for (uint32_t mask = 0; mask < (1u << (m + n)); ++mask) {
    if (std::popcount(mask) != m) continue;
    int u = 0;
    int second_below = 0;  // second-sample ranks seen so far
    for (int rank = 0; rank < m + n; ++rank) {
      if (mask & (1u << rank)) {
        u += second_below;
      } else {
        ++second_below;
      }
    }
    ++counts[static_cast<size_t>(u)];
  }
  return counts;
}

// Two-sided exact p for U = u with sizes m, n, from the counts.
double TwoSidedP(int64_t m, int64_t n, int64_t u) {
  std::vector<uint64_t> counts = ExactUCounts(m, n);
  double total = static_cast<double>(
      std::accumulate(counts.begin(), counts.end(), uint64_t{0}));
  double tail = 0;
  for (int64_t v = 0; v <= std::min(u, m * n - u); ++v) {
    tail += static_cast<double>(counts[static_cast<size_t>(v)]);
  }
  return std::min(1.0, 2.0 * tail / total);
}

double NormalTwoSided(double z) { return std::erfc(z / std::sqrt(2.0)); }

TEST_CASE("The exact U counts match brute force for sizes up to 8 and 8",
          "[reports][mann_whitney]") {
  for (int m = 0; m <= 8; ++m) {
    for (int n = 0; n <= 8; ++n) {
      INFO("m " << m << " n " << n);
      REQUIRE(ExactUCounts(m, n) == BruteForceUCounts(m, n));
    }
  }
  REQUIRE(ExactUCounts(3, 3) ==
          std::vector<uint64_t>{1, 1, 2, 3, 3, 3, 3, 2, 1, 1});
}

TEST_CASE("The exact U counts for 20 and 20 sum to C(40, 20) symmetrically",
          "[reports][mann_whitney]") {
  std::vector<uint64_t> counts = ExactUCounts(20, 20);
  REQUIRE(counts.size() == 401);
  REQUIRE(std::accumulate(counts.begin(), counts.end(), uint64_t{0}) ==
          uint64_t{137846528820});
  for (size_t u = 0; u < counts.size(); ++u) {
    REQUIRE(counts[u] == counts[400 - u]);
  }
  REQUIRE_THROWS_AS(ExactUCounts(21, 3), StatsError);
}

TEST_CASE("Exact p-values reproduce the published two-sided 5% critical U",
          "[reports][mann_whitney]") {
  // Largest U significant at two-sided 0.05 for n vs n, from the standard
  // Mann-Whitney tables.
  struct Critical {
    int64_t n;
    int64_t u;
  };
  for (Critical c : {Critical{5, 2}, Critical{6, 5}, Critical{8, 13},
                     Critical{10, 23}, Critical{15, 64}, Critical{20, 127}}) {
    INFO("n " << c.n << " critical U " << c.u);
    REQUIRE(TwoSidedP(c.n, c.n, c.u) <= 0.05);
    REQUIRE(TwoSidedP(c.n, c.n, c.u + 1) > 0.05);
  }
}

TEST_CASE("Five vs five samples give the exact U and p",
          "[reports][mann_whitney]") {
  std::vector<double> a = {1, 2, 3, 4, 6};
  std::vector<double> b = {5, 7, 8, 9, 10};
  MannWhitneyResult r = MannWhitneyU(a, b);
  REQUIRE(r.status == TestStatus::kDecided);
  REQUIRE(r.method == PValueMethod::kExact);
  REQUIRE(!r.has_ties);
  REQUIRE(r.u_a == 1);  // only 6 > 5
  REQUIRE(r.u_b == 24);
  REQUIRE(r.p_value == Approx(4.0 / 252).epsilon(1e-14));  // 2 (1 + 1)/252
  REQUIRE(r.Message() == "U = 1 (5 vs 5), p = 0.01587 (exact)");

  // Swapping the samples swaps the U values, not p.
  MannWhitneyResult swapped = MannWhitneyU(b, a);
  REQUIRE(swapped.u_a == 24);
  REQUIRE(swapped.p_value == r.p_value);
}

TEST_CASE("Three vs three samples are too few at 0.05 but not at 0.1",
          "[reports][mann_whitney]") {
  std::vector<double> a = {1, 2, 3};
  std::vector<double> b = {10, 11, 12};
  MannWhitneyResult r = MannWhitneyU(a, b, 0.05);
  REQUIRE(r.status == TestStatus::kTooFewSamples);
  REQUIRE(r.u_a == 0);
  REQUIRE(r.p_value == Approx(0.1).epsilon(1e-14));
  REQUIRE(r.min_possible_p == Approx(0.1).epsilon(1e-14));
  REQUIRE(r.Message() ==
          "too few samples: 3 vs 3 give p >= 0.1 at best, above alpha 0.05");
  REQUIRE(MannWhitneyU(a, b, 0.1).status == TestStatus::kDecided);
}

TEST_CASE("The smallest possible p decides how many samples are needed",
          "[reports][mann_whitney]") {
  REQUIRE(MinPossiblePValue(3, 3) == Approx(2.0 / 20).epsilon(1e-14));
  REQUIRE(MinPossiblePValue(4, 4) == Approx(2.0 / 70).epsilon(1e-14));
  REQUIRE(MinPossiblePValue(3, 4) == Approx(2.0 / 35).epsilon(1e-14));
  REQUIRE(MinPossiblePValue(3, 5) == Approx(2.0 / 56).epsilon(1e-14));
  REQUIRE(MinPossiblePValue(2, 7) == Approx(2.0 / 36).epsilon(1e-14));
  REQUIRE(MinPossiblePValue(2, 8) == Approx(2.0 / 45).epsilon(1e-14));
  // One value against 30 is never significant: normal form, z = 14.5 /
  // sqrt(30 * 32 / 12).
  REQUIRE(MinPossiblePValue(1, 30) ==
          Approx(NormalTwoSided(14.5 / std::sqrt(80.0))).epsilon(1e-12));
  REQUIRE(MinPossiblePValue(1, 30) > 0.05);
  REQUIRE(MinSamplesPerSide(0.05) == 4);
  REQUIRE(MinSamplesPerSide(0.01) == 5);
  REQUIRE(MinSamplesPerSide(0.1) == 3);
  REQUIRE_THROWS_AS(MinSamplesPerSide(0), StatsError);
}

TEST_CASE("Ties use the normal form with tie and continuity corrections",
          "[reports][mann_whitney]") {
  std::vector<double> a = {1, 2, 2, 3, 4};
  std::vector<double> b = {3, 4, 4, 5, 6};
  MannWhitneyResult r = MannWhitneyU(a, b);
  REQUIRE(r.has_ties);
  REQUIRE(r.method == PValueMethod::kNormal);
  // Mean ranks: 1 -> 1, 2 2 -> 2.5, 3 3 -> 4.5, 4 4 4 -> 7; a's sum 17.5.
  REQUIRE(r.u_a == 2.5);
  REQUIRE(r.u_b == 22.5);
  // Tie groups of 2, 2 and 3: sum t^3 - t = 36; N = 10.
  double sigma = std::sqrt(25.0 / 12.0 * (11.0 - 36.0 / 90.0));
  double z = (10.0 - 0.5) / sigma;
  REQUIRE(r.z == Approx(z).epsilon(1e-14));
  REQUIRE(r.p_value == Approx(NormalTwoSided(z)).epsilon(1e-12));
  REQUIRE(r.p_value == Approx(0.04322).margin(1e-5));
}

TEST_CASE("All values equal give p = 1", "[reports][mann_whitney]") {
  std::vector<double> same = {5, 5, 5, 5, 5};
  MannWhitneyResult r = MannWhitneyU(same, same);
  REQUIRE(r.u_a == 12.5);
  REQUIRE(r.z == 0);
  REQUIRE(r.p_value == 1);
  REQUIRE(r.hodges_lehmann_shift == 0);
}

TEST_CASE("Past 20 per side the normal form is used, up to 20 the exact one",
          "[reports][mann_whitney]") {
  std::vector<double> low;
  std::vector<double> high;
  for (int i = 0; i < 21; ++i) {
    low.push_back(i);
    high.push_back(100 + i);
  }
  MannWhitneyResult r = MannWhitneyU(low, high);
  REQUIRE(r.method == PValueMethod::kNormal);
  // |U - 220.5| = 220.5; sigma^2 = 21 * 21 * 43 / 12.
  double z = 220.0 / std::sqrt(21.0 * 21.0 * 43.0 / 12.0);
  REQUIRE(r.p_value == Approx(NormalTwoSided(z)).epsilon(1e-10));

  low.pop_back();
  high.pop_back();
  MannWhitneyResult exact = MannWhitneyU(low, high);
  REQUIRE(exact.method == PValueMethod::kExact);
  REQUIRE(exact.p_value == Approx(2.0 / 137846528820.0).epsilon(1e-12));
}

TEST_CASE("The Hodges-Lehmann shift is the median pairwise difference",
          "[reports][mann_whitney]") {
  std::vector<double> a = {1, 2, 3};
  std::vector<double> b = {11, 12, 13};  // differences 8 9 9 10 10 10 11 11 12
  REQUIRE(MannWhitneyU(a, b).hodges_lehmann_shift == 10);
  std::vector<double> c = {1, 2};
  std::vector<double> d = {5, 7};  // differences 3 4 5 6
  REQUIRE(MannWhitneyU(c, d).hodges_lehmann_shift == 4.5);
  REQUIRE(MannWhitneyU(d, c).hodges_lehmann_shift == -4.5);
}

TEST_CASE("Empty samples and a bad alpha are errors",
          "[reports][mann_whitney]") {
  std::vector<double> empty;
  std::vector<double> some = {1, 2, 3};
  REQUIRE_THROWS_AS(MannWhitneyU(empty, some), StatsError);
  REQUIRE_THROWS_WITH(
      MannWhitneyU(some, some, 1.5),
      "significance level alpha: '1.5' (expected a number between 0 and 1)");
}

}  // namespace
}  // namespace lapbench::reports
