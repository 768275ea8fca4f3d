// KL divergence and top-1 agreement of two models' logits.
#include "engine/model/accuracy.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "engine/model/sampler.h"

namespace lapbench::engine {
namespace {

// log(sum(exp(x))) in double, shifted by the largest x.
double LogSumExp(std::span<const float> logits) {
  double max_logit = logits[0];
  for (const float x : logits) max_logit = std::max<double>(max_logit, x);
  double sum = 0;
  for (const float x : logits)
    sum += std::exp(static_cast<double>(x) - max_logit);
  return max_logit + std::log(sum);
}

void CheckFinite(std::span<const float> logits, const char* which) {
  for (size_t i = 0; i < logits.size(); ++i) {
    if (!std::isfinite(logits[i])) {
      throw std::invalid_argument(fmt::format(
          "{} logit {}: '{}' (expected a finite value)", which, i, logits[i]));
    }
  }
}

}  // namespace

double KlDivergence(std::span<const float> ref, std::span<const float> fmt) {
  if (ref.empty() || ref.size() != fmt.size()) {
    throw std::invalid_argument(fmt::format(
        "logits rows: '{} vs {} values' (expected equal, non-zero lengths)",
        ref.size(), fmt.size()));
  }
  const double lse_ref = LogSumExp(ref);
  const double lse_fmt = LogSumExp(fmt);
  double kl = 0;
  for (size_t i = 0; i < ref.size(); ++i) {
    const double log_p = static_cast<double>(ref[i]) - lse_ref;
    const double log_q = static_cast<double>(fmt[i]) - lse_fmt;
    kl += std::exp(log_p) * (log_p - log_q);
  }
  return std::max(kl, 0.0);
}

void AccuracyAccumulator::Add(std::span<const float> ref,
                              std::span<const float> fmt, int64_t n_vocab) {
  if (n_vocab < 1 || ref.size() != fmt.size() ||
      ref.size() % static_cast<size_t>(n_vocab) != 0) {
    throw std::invalid_argument(fmt::format(
        "logits: '{} vs {} values, n_vocab {}' (expected equal sizes, a "
        "multiple of n_vocab >= 1)",
        ref.size(), fmt.size(), n_vocab));
  }
  CheckFinite(ref, "reference");
  CheckFinite(fmt, "compared");
  const auto row = static_cast<size_t>(n_vocab);
  for (size_t at = 0; at < ref.size(); at += row) {
    const auto r = ref.subspan(at, row);
    const auto f = fmt.subspan(at, row);
    const double kl = KlDivergence(r, f);
    kl_sum_ += kl;
    kl_max_ = std::max(kl_max_, kl);
    n_agree_ += Argmax(r) == Argmax(f) ? 1 : 0;
    ++n_positions_;
  }
}

AccuracyFigures AccuracyAccumulator::Figures() const {
  AccuracyFigures figures;
  figures.n_positions = n_positions_;
  if (n_positions_ == 0) return figures;
  const auto n = static_cast<double>(n_positions_);
  figures.mean_kl = kl_sum_ / n;
  figures.max_kl = kl_max_;
  figures.top1_agreement = static_cast<double>(n_agree_) / n;
  return figures;
}

AccuracyFigures CompareLogits(std::span<const float> ref,
                              std::span<const float> fmt, int64_t n_vocab) {
  AccuracyAccumulator accumulator;
  accumulator.Add(ref, fmt, n_vocab);
  return accumulator.Figures();
}

}  // namespace lapbench::engine
