// Plans a run's RAM: weights + KV cache + scratch against what is available.
#include "engine/memory_plan.h"

#include <fmt/format.h>

#include <limits>
#include <stdexcept>

namespace lapbench::engine {
namespace {

constexpr uint64_t kMaxBytes = std::numeric_limits<uint64_t>::max();
constexpr int64_t kMaxInt64 = std::numeric_limits<int64_t>::max();

// a + b, or kMaxBytes if that overflows.
uint64_t SaturatingAdd(uint64_t a, uint64_t b) {
  uint64_t sum = 0;
  return __builtin_add_overflow(a, b, &sum) ? kMaxBytes : sum;
}

// a * b, or kMaxBytes if that overflows.
uint64_t SaturatingMul(uint64_t a, uint64_t b) {
  uint64_t product = 0;
  return __builtin_mul_overflow(a, b, &product) ? kMaxBytes : product;
}

// a - b as a signed count, clamped to the int64 range.
int64_t SignedDifference(uint64_t a, uint64_t b) {
  if (a >= b) {
    uint64_t d = a - b;
    return d > static_cast<uint64_t>(kMaxInt64) ? kMaxInt64
                                                : static_cast<int64_t>(d);
  }
  uint64_t d = b - a;
  return d > static_cast<uint64_t>(kMaxInt64) ? -kMaxInt64
                                              : -static_cast<int64_t>(d);
}

// The longest context whose KV cache fits in what weights and scratch
// leave of `available_bytes`.
std::optional<int64_t> MaxContext(const MemoryNeeds& needs,
                                  uint64_t available_bytes) {
  uint64_t fixed_bytes =
      SaturatingAdd(needs.weights_bytes, needs.scratch_bytes);
  if (fixed_bytes > available_bytes) return 0;
  if (needs.kv_bytes_per_token == 0) return std::nullopt;
  uint64_t tokens = (available_bytes - fixed_bytes) / needs.kv_bytes_per_token;
  return tokens > static_cast<uint64_t>(kMaxInt64)
             ? kMaxInt64
             : static_cast<int64_t>(tokens);
}

}  // namespace

std::string FormatGiB(uint64_t bytes) {
  return fmt::format("{:.2f} GiB", static_cast<double>(bytes) / (1 << 30));
}

std::string FormatSize(uint64_t bytes) {
  if (bytes >= (uint64_t{1} << 30)) return FormatGiB(bytes);
  return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1 << 20));
}

MemoryPlan PlanMemory(const MemoryNeeds& needs, uint64_t available_bytes) {
  if (needs.n_ctx_tokens < 0) {
    throw std::invalid_argument(
        fmt::format("context length: '{}' (expected 0 or more tokens)",
                    needs.n_ctx_tokens));
  }
  MemoryPlan plan;
  plan.weights_bytes = needs.weights_bytes;
  plan.n_ctx_tokens = needs.n_ctx_tokens;
  plan.kv_cache_bytes = SaturatingMul(
      needs.kv_bytes_per_token, static_cast<uint64_t>(needs.n_ctx_tokens));
  plan.scratch_bytes = needs.scratch_bytes;
  plan.needed_bytes =
      SaturatingAdd(SaturatingAdd(plan.weights_bytes, plan.kv_cache_bytes),
                    plan.scratch_bytes);
  plan.available_bytes = available_bytes;
  plan.fits = plan.needed_bytes <= available_bytes;
  plan.margin_bytes = SignedDifference(available_bytes, plan.needed_bytes);
  plan.max_ctx_tokens = MaxContext(needs, available_bytes);
  return plan;
}

std::string MemoryPlan::Message() const {
  std::string needs = fmt::format(
      "model needs {} (weights {}, KV cache {} for {} tokens, scratch {})",
      FormatGiB(needed_bytes), FormatSize(weights_bytes),
      FormatSize(kv_cache_bytes), n_ctx_tokens, FormatSize(scratch_bytes));
  if (fits) {
    return fmt::format("{} and {} is available ({} to spare)", needs,
                       FormatGiB(available_bytes),
                       FormatSize(static_cast<uint64_t>(margin_bytes)));
  }
  // Not fitting with a KV cost of 0 means the weights and scratch alone are
  // too big, so max_ctx_tokens is set whenever they fit.
  bool fixed_fits =
      SaturatingAdd(weights_bytes, scratch_bytes) <= available_bytes;
  std::string context =
      fixed_fits
          ? fmt::format("at most {} tokens of context fit beside these weights",
                        max_ctx_tokens.value_or(0))
          : "the weights and scratch alone do not fit";
  return fmt::format("{} but {} is available; {}", needs,
                     FormatGiB(available_bytes), context);
}

std::optional<WeightOption> LargestFittingWeights(
    const std::vector<WeightOption>& options, const MemoryNeeds& needs,
    uint64_t available_bytes) {
  std::optional<WeightOption> best;
  for (const WeightOption& option : options) {
    MemoryNeeds with_option = needs;
    with_option.weights_bytes = option.weights_bytes;
    if (!PlanMemory(with_option, available_bytes).fits) continue;
    if (!best || option.weights_bytes > best->weights_bytes) best = option;
  }
  return best;
}

}  // namespace lapbench::engine
