// The Mann-Whitney U (Wilcoxon rank-sum) test of two samples, the rank test
// `compare` uses: it assumes no distribution, only independent samples.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace lapbench::reports {

// The largest size of each sample for which the p-value comes from the
// exact distribution of U (when there are no ties). C(40, 20) ~ 1.4e11
// arrangements still count exactly in 64 bits, and at 20 vs 20 the
// corrected normal form is already within 0.005 of the exact p (0.0499
// against 0.0491 at U = 127, the 5% critical value), closer beyond.
inline constexpr int64_t kExactMaxPerSample = 20;

// How the p-value was computed.
enum class PValueMethod {
  kExact,   // counting arrangements: both n <= 20 and no value shared
  kNormal,  // normal approximation, tie and continuity corrected
};

// Whether the sizes allow the test to reject at the alpha asked for.
enum class TestStatus {
  kDecided,
  // Even the most extreme arrangement of these sizes (every new value
  // beyond every base value) gives p > alpha: no data can be significant.
  kTooFewSamples,
};

// The outcome of MannWhitneyU for samples a (base) and b (new).
struct MannWhitneyResult {
  TestStatus status = TestStatus::kTooFewSamples;
  int64_t n_a = 0;
  int64_t n_b = 0;
  // Pairs (a_i, b_j) with a_i > b_j, ties counting 1/2; u_a + u_b =
  // n_a n_b. u_a is the U of sample a in SciPy's convention.
  double u_a = 0;
  double u_b = 0;
  double p_value = 1;  // two-sided
  PValueMethod method = PValueMethod::kExact;
  bool has_ties = false;  // some value occurs more than once (any sample)
  // The normal form's z (continuity corrected, >= 0); 0 for exact.
  double z = 0;
  double alpha = 0.05;
  // The smallest two-sided p these sizes can give (see MinPossiblePValue).
  double min_possible_p = 1;
  // Hodges-Lehmann estimate of the shift: the median of all b_j - a_i
  // (n_a n_b doubles are held while it is found). Positive when the new
  // sample is larger.
  double hodges_lehmann_shift = 0;

  // "U = 0 (5 vs 5), p = 0.0079 (exact)" or "too few samples: 3 vs 3 give
  // p >= 0.1 at best, above alpha 0.05".
  std::string Message() const;
};

// Tests whether a and b differ in location, two-sided, at `alpha`. Throws
// StatsError on an empty or non-finite sample or alpha outside (0, 1).
MannWhitneyResult MannWhitneyU(std::span<const double> a,
                               std::span<const double> b, double alpha = 0.05);

// The smallest two-sided p-value samples of sizes n_a and n_b can give,
// all of one beyond all of the other without ties, by the method those
// sizes use: exact 2 / C(n_a + n_b, n_a) up to kExactMaxPerSample each,
// else the normal form. 0.1 for 3 vs 3, 2/70 ~ 0.029 for 4 vs 4.
double MinPossiblePValue(int64_t n_a, int64_t n_b);

// The smallest n for which n vs n samples can reach p <= alpha: 4 at 0.05,
// 5 at 0.01.
int64_t MinSamplesPerSide(double alpha);

// The exact null distribution of U for sizes m and n without ties: entry u
// is the number of the C(m + n, m) equally likely arrangements with U = u,
// for u = 0 .. m n. Requires m, n in [0, kExactMaxPerSample].
std::vector<uint64_t> ExactUCounts(int64_t m, int64_t n);

}  // namespace lapbench::reports
