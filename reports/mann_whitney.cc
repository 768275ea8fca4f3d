// Mann-Whitney U: ranks with ties, the exact null distribution by counting,
// the corrected normal approximation and the Hodges-Lehmann shift.
#include "reports/mann_whitney.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <cstddef>
#include <numeric>
#include <utility>

#include "reports/stats.h"

namespace lapbench::reports {
namespace {

// What ranking the two samples together yields.
struct RankSums {
  double u_a = 0;
  bool has_ties = false;
  // Sum over groups of equal values of t^3 - t (t = group size), the
  // amount ties shrink the variance of U by.
  double tie_term = 0;
};

RankSums RankTogether(std::span<const double> a, std::span<const double> b) {
  // (value, from a?) for both samples, sorted by value.
  std::vector<std::pair<double, bool>> all;
  all.reserve(a.size() + b.size());
  for (double x : a) all.emplace_back(x, true);
  for (double x : b) all.emplace_back(x, false);
  std::sort(all.begin(), all.end());

  // Each group of equal values shares the mean of its 1-based ranks.
  RankSums sums;
  double rank_sum_a = 0;
  for (size_t begin = 0; begin < all.size();) {
    size_t end = begin + 1;
    while (end < all.size() && all[end].first == all[begin].first) ++end;
    double mean_rank = static_cast<double>(begin + 1 + end) / 2.0;
    double t = static_cast<double>(end - begin);
    for (size_t i = begin; i < end; ++i) {
      if (all[i].second) rank_sum_a += mean_rank;
    }
    sums.has_ties = sums.has_ties || t > 1;
    sums.tie_term += t * t * t - t;
    begin = end;
  }
  double n_a = static_cast<double>(a.size());
  sums.u_a = rank_sum_a - n_a * (n_a + 1) / 2.0;
  return sums;
}

// Two-sided exact p: twice the lower tail of the smaller U, at most 1.
double ExactPValue(int64_t n_a, int64_t n_b, double u_min) {
  std::vector<uint64_t> counts = ExactUCounts(n_a, n_b);
  uint64_t total = std::accumulate(counts.begin(), counts.end(), uint64_t{0});
  uint64_t tail = 0;
  for (size_t u = 0; u < counts.size() && static_cast<double>(u) <= u_min;
       ++u) {
    tail += counts[u];
  }
  return std::min(1.0,
                  2.0 * static_cast<double>(tail) / static_cast<double>(total));
}

// z = (|U - n_a n_b / 2| - 1/2) / sigma with the tie-corrected sigma,
// clamped at 0; sigma is 0 only when every value is equal (z = 0, p = 1).
double NormalZ(double n_a, double n_b, double u_a, double tie_term) {
  double n = n_a + n_b;
  double variance = n_a * n_b / 12.0 * ((n + 1.0) - tie_term / (n * (n - 1.0)));
  if (!(variance > 0)) return 0;
  double distance = std::abs(u_a - n_a * n_b / 2.0) - 0.5;
  return std::max(0.0, distance / std::sqrt(variance));
}

double TwoSidedNormalP(double z) {
  boost::math::normal_distribution<double> standard;
  double p = 2.0 * boost::math::cdf(boost::math::complement(standard, z));
  return std::min(1.0, p);
}

// The median of all b_j - a_i (type 7: mean of the middle two when even).
double HodgesLehmannShift(std::span<const double> a,
                          std::span<const double> b) {
  std::vector<double> diffs;
  diffs.reserve(a.size() * b.size());
  for (double y : b) {
    for (double x : a) diffs.push_back(y - x);
  }
  auto mid = diffs.begin() + static_cast<std::ptrdiff_t>(diffs.size() - 1) / 2;
  std::nth_element(diffs.begin(), mid, diffs.end());
  double lower = *mid;
  if (diffs.size() % 2 == 1) return lower;
  double upper = *std::min_element(mid + 1, diffs.end());
  return (lower + upper) / 2.0;
}

void CheckAlpha(double alpha) {
  if (!(alpha > 0 && alpha < 1)) {
    throw StatsError(fmt::format(
        "significance level alpha: '{}' (expected a number between 0 and 1)",
        alpha));
  }
}

}  // namespace

std::vector<uint64_t> ExactUCounts(int64_t m, int64_t n) {
  if (m < 0 || n < 0 || m > kExactMaxPerSample || n > kExactMaxPerSample) {
    throw StatsError(fmt::format(
        "exact U distribution sizes: '{} vs {}' (expected 0 to {} each)", m, n,
        kExactMaxPerSample));
  }
  // The counts are the coefficients of the Gaussian binomial [m+n, m]_q =
  // prod_{i=1..m} (1 - q^(n+i)) / (1 - q^i). Both steps only move weight
  // to higher powers, so truncating at degree m n loses nothing below it.
  size_t size = static_cast<size_t>(m * n + 1);
  std::vector<int64_t> poly(size, 0);
  poly[0] = 1;
  for (int64_t i = 1; i <= m; ++i) {
    size_t up = static_cast<size_t>(n + i);
    for (size_t u = size; u-- > up;) poly[u] -= poly[u - up];
    size_t down = static_cast<size_t>(i);
    for (size_t u = down; u < size; ++u) poly[u] += poly[u - down];
  }
  return std::vector<uint64_t>(poly.begin(), poly.end());
}

double MinPossiblePValue(int64_t n_a, int64_t n_b) {
  if (n_a <= 0 || n_b <= 0) return 1;
  if (n_a <= kExactMaxPerSample && n_b <= kExactMaxPerSample) {
    return ExactPValue(n_a, n_b, 0);
  }
  double a = static_cast<double>(n_a);
  double b = static_cast<double>(n_b);
  return TwoSidedNormalP(NormalZ(a, b, 0, 0));
}

int64_t MinSamplesPerSide(double alpha) {
  CheckAlpha(alpha);
  int64_t n = 1;
  while (MinPossiblePValue(n, n) > alpha) ++n;
  return n;
}

MannWhitneyResult MannWhitneyU(std::span<const double> a,
                               std::span<const double> b, double alpha) {
  CheckAlpha(alpha);
  SortedFinite(a);  // throws on empty or non-finite samples
  SortedFinite(b);
  MannWhitneyResult r;
  r.n_a = static_cast<int64_t>(a.size());
  r.n_b = static_cast<int64_t>(b.size());
  r.alpha = alpha;

  // U from the ranks, then the p-value by the form the data allow.
  RankSums sums = RankTogether(a, b);
  double n_a = static_cast<double>(r.n_a);
  double n_b = static_cast<double>(r.n_b);
  r.u_a = sums.u_a;
  r.u_b = n_a * n_b - sums.u_a;
  r.has_ties = sums.has_ties;
  bool small = r.n_a <= kExactMaxPerSample && r.n_b <= kExactMaxPerSample;
  if (small && !r.has_ties) {
    r.method = PValueMethod::kExact;
    r.p_value = ExactPValue(r.n_a, r.n_b, std::min(r.u_a, r.u_b));
  } else {
    r.method = PValueMethod::kNormal;
    r.z = NormalZ(n_a, n_b, r.u_a, sums.tie_term);
    r.p_value = TwoSidedNormalP(r.z);
  }

  // Whether any data of these sizes could have been significant.
  r.min_possible_p = MinPossiblePValue(r.n_a, r.n_b);
  r.status = r.min_possible_p <= alpha ? TestStatus::kDecided
                                       : TestStatus::kTooFewSamples;
  r.hodges_lehmann_shift = HodgesLehmannShift(a, b);
  return r;
}

std::string MannWhitneyResult::Message() const {
  if (status == TestStatus::kTooFewSamples) {
    return fmt::format(
        "too few samples: {} vs {} give p >= {:.3g} at best, above alpha {}",
        n_a, n_b, min_possible_p, alpha);
  }
  const char* form = method == PValueMethod::kExact ? "exact" : "normal";
  return fmt::format("U = {} ({} vs {}), p = {:.4g} ({})", u_a, n_a, n_b,
                     p_value, form);
}

}  // namespace lapbench::reports
