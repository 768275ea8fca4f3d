// What a model run needs in RAM against what the machine has: plain
// numbers in, a verdict with the margin and the largest context out.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lapbench::engine {

// What one run needs. Independent of the model code: the caller computes
// the figures from the GGUF file and the architecture.
struct MemoryNeeds {
  // Tensor data of the model file; mapped, so resident once.
  uint64_t weights_bytes = 0;
  // KV cache bytes per token of context (all layers, K and V).
  uint64_t kv_bytes_per_token = 0;
  int64_t n_ctx_tokens = 0;  // context length the run allocates
  // Activations, logits and per-thread buffers.
  uint64_t scratch_bytes = 0;
};

// The verdict of PlanMemory.
struct MemoryPlan {
  uint64_t weights_bytes = 0;
  uint64_t kv_cache_bytes = 0;  // kv_bytes_per_token * n_ctx_tokens
  int64_t n_ctx_tokens = 0;
  uint64_t scratch_bytes = 0;
  uint64_t needed_bytes = 0;  // the three above, saturating at 2^64 - 1
  uint64_t available_bytes = 0;
  bool fits = false;  // needed_bytes <= available_bytes
  // available - needed: what is left over, negative when short.
  int64_t margin_bytes = 0;
  // The longest context that fits beside these weights and scratch: 0 when
  // even those do not fit, else nullopt when the KV cache costs nothing
  // per token (any context fits).
  std::optional<int64_t> max_ctx_tokens;

  // "model needs 5.25 GiB (weights 4.00 GiB, KV cache 1.00 GiB for 8192
  // tokens, scratch 256.0 MiB) but 4.50 GiB is available; at most 2048
  // tokens of context fit beside these weights"; for a plan that fits,
  // "model needs ... and 6.00 GiB is available (768.0 MiB to spare)".
  // Totals are in GiB, parts in GiB or (below 1 GiB) MiB.
  std::string Message() const;
};

// Plans `needs` against `available_bytes` (probes::MemoryInfo's
// planning_bytes: MemAvailable).
MemoryPlan PlanMemory(const MemoryNeeds& needs, uint64_t available_bytes);

// One way of storing the same model's weights.
struct WeightOption {
  std::string format;  // "q4_0", "q8_0", "bf16", ...
  uint64_t weights_bytes = 0;
};

// Of `options`, the one with the most weight bytes whose run (with the KV
// cache and scratch of `needs`; its weights_bytes is ignored) fits in
// `available_bytes`: the most precise format that fits. The first listed
// wins a tie; nullopt when none fits.
std::optional<WeightOption> LargestFittingWeights(
    const std::vector<WeightOption>& options, const MemoryNeeds& needs,
    uint64_t available_bytes);

// `bytes` in GiB with two decimals, "1.50 GiB".
std::string FormatGiB(uint64_t bytes);

// `bytes` as FormatGiB from 1 GiB up, else in MiB with one decimal,
// "256.0 MiB".
std::string FormatSize(uint64_t bytes);

}  // namespace lapbench::engine
