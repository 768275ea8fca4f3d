// How far a model's next-token distributions drift from a reference's over
// the same tokens: mean and max KL divergence and top-1 agreement.
#pragma once

#include <cstdint>
#include <span>

namespace lapbench::engine {

// The figures over every compared position.
struct AccuracyFigures {
  int64_t n_positions = 0;
  // KL(P_ref || P_fmt) in nats, averaged over positions and its maximum.
  double mean_kl = 0;
  double max_kl = 0;
  // Share of positions whose argmax (lowest index on ties) is the same.
  double top1_agreement = 0;
};

// Adds up positions one logits row pair at a time, so a long sequence
// never needs every row of both models held at once.
class AccuracyAccumulator {
 public:
  // Adds `n` positions: ref and fmt are [n][n_vocab] row-major with the
  // same n. Throws std::invalid_argument when the sizes differ, are not a
  // multiple of n_vocab (n_vocab < 1), or a logit is not finite.
  void Add(std::span<const float> ref, std::span<const float> fmt,
           int64_t n_vocab);
  // The figures so far (all zero before any position).
  AccuracyFigures Figures() const;

 private:
  int64_t n_positions_ = 0;
  int64_t n_agree_ = 0;
  double kl_sum_ = 0;
  double kl_max_ = 0;
};

// KL(P_ref || P_fmt) of one position in nats, where P = softmax(logits),
// computed in double through a max-shifted log-softmax, so logits of any
// magnitude neither overflow nor lose the small probabilities. Rounding
// can make the exact sum a hair below 0; it is returned as 0. Requires
// rows of equal, non-zero length with finite values.
double KlDivergence(std::span<const float> ref, std::span<const float> fmt);

// The accumulator over all rows of ref and fmt at once; same contract.
AccuracyFigures CompareLogits(std::span<const float> ref,
                              std::span<const float> fmt, int64_t n_vocab);

}  // namespace lapbench::engine
