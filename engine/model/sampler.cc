// Greedy and seeded temperature / top-k / top-p sampling.
#include "engine/model/sampler.h"

#include <algorithm>
#include <cmath>

namespace lapbench::engine {
namespace {

// Higher logit first; equal logits by lower index, so the order is total.
bool MoreLikely(const std::pair<float, int32_t>& a,
                const std::pair<float, int32_t>& b) {
  return a.first != b.first ? a.first > b.first : a.second < b.second;
}

}  // namespace

int32_t Argmax(std::span<const float> logits) {
  size_t best = 0;
  for (size_t i = 1; i < logits.size(); ++i) {
    if (logits[i] > logits[best]) best = i;
  }
  return static_cast<int32_t>(best);
}

Sampler::Sampler(SamplerOptions options)
    : options_(options), rng_(options.seed) {}

double Sampler::Uniform() {
  return static_cast<double>(rng_() >> 11) * 0x1.0p-53;
}

int32_t Sampler::Sample(std::span<const float> logits) {
  if (options_.temperature <= 0.0f) return Argmax(logits);

  // Candidates sorted most likely first; top-k keeps only k of them.
  const auto n = static_cast<int64_t>(logits.size());
  candidates_.resize(logits.size());
  for (int64_t i = 0; i < n; ++i) {
    candidates_[static_cast<size_t>(i)] = {logits[static_cast<size_t>(i)],
                                           static_cast<int32_t>(i)};
  }
  const int64_t k = options_.top_k > 0 ? std::min(options_.top_k, n) : n;
  std::partial_sort(candidates_.begin(), candidates_.begin() + k,
                    candidates_.end(), MoreLikely);

  // Softmax of logits / temperature over the k candidates, in double.
  probs_.resize(static_cast<size_t>(k));
  const double top = candidates_[0].first;
  double sum = 0.0;
  for (int64_t i = 0; i < k; ++i) {
    const double z = (candidates_[static_cast<size_t>(i)].first - top) /
                     double{options_.temperature};
    probs_[static_cast<size_t>(i)] = std::exp(z);
    sum += probs_[static_cast<size_t>(i)];
  }

  // Top-p: the shortest prefix whose probability reaches top_p.
  int64_t kept = 0;
  double kept_mass = 0.0;
  while (kept < k && (kept == 0 || kept_mass < options_.top_p * sum)) {
    kept_mass += probs_[static_cast<size_t>(kept)];
    ++kept;
  }

  // Draw from the kept candidates in proportion to their probability.
  const double target = Uniform() * kept_mass;
  double cumulative = 0.0;
  for (int64_t i = 0; i < kept; ++i) {
    cumulative += probs_[static_cast<size_t>(i)];
    if (target < cumulative) return candidates_[static_cast<size_t>(i)].second;
  }
  return candidates_[static_cast<size_t>(kept - 1)].second;
}

}  // namespace lapbench::engine
