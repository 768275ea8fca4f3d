// The timed pieces of running a model that `lapbench model bench` and the
// suite runner share: seeded prompt token ids, a timed prefill and timed
// decode steps (paging the weights in is in harness/model_prep.h).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "engine/model/forward.h"

namespace lapbench::harness {

using Clock = std::chrono::steady_clock;

// Seconds from `from` to `to`.
inline double Seconds(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

// `n` prompt token ids, pseudo-random from `seed` (SplitMix64, the same on
// every machine), never 0-3 (the special pieces of the synthetic
// tokenizer). Needs n_vocab > 4.
std::vector<int32_t> PromptTokens(int64_t n, int64_t n_vocab, uint64_t seed);

// A timed prefill: its duration, and the greedy first token.
struct TimedPrefillResult {
  double prefill_s = 0;  // Session::Prefill of the whole prompt
  double ttft_s = 0;     // prefill plus picking the first token
  int32_t first_token = 0;
};

// Prefills `prompt` at the session's position and times it.
TimedPrefillResult TimedPrefill(engine::Session& session,
                                std::span<const int32_t> prompt);

// Greedy decode steps from `token`, each timed into `step_s`, at most `n`;
// before each step, `stop` (when set) is asked and a true ends the loop.
// Returns whether all `n` steps ran.
bool TimedDecode(engine::Session& session, int32_t token, int64_t n,
                 std::vector<double>& step_s,
                 const std::function<bool()>& stop = {});

}  // namespace lapbench::harness
