// The timed pieces of running a model shared by the model bench and the
// suite runner.
#include "harness/timed_steps.h"

#include "engine/model/sampler.h"

namespace lapbench::harness {

std::vector<int32_t> PromptTokens(int64_t n, int64_t n_vocab, uint64_t seed) {
  std::vector<int32_t> tokens(static_cast<size_t>(n));
  uint64_t state = seed;
  for (int32_t& token : tokens) {
    // SplitMix64 (Steele, Lea and Flood 2014).
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    token = static_cast<int32_t>(4 + z % static_cast<uint64_t>(n_vocab - 4));
  }
  return tokens;
}

TimedPrefillResult TimedPrefill(engine::Session& session,
                                std::span<const int32_t> prompt) {
  TimedPrefillResult r;
  const Clock::time_point start = Clock::now();
  const std::span<const float> logits = session.Prefill(prompt);
  const Clock::time_point prefilled = Clock::now();
  r.first_token = engine::Argmax(logits);
  r.prefill_s = Seconds(start, prefilled);
  r.ttft_s = Seconds(start, Clock::now());
  return r;
}

bool TimedDecode(engine::Session& session, int32_t token, int64_t n,
                 std::vector<double>& step_s,
                 const std::function<bool()>& stop) {
  step_s.reserve(step_s.size() + static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    if (stop && stop()) return false;
    const Clock::time_point t0 = Clock::now();
    const std::span<const float> logits = session.Decode(token);
    step_s.push_back(Seconds(t0, Clock::now()));
    token = engine::Argmax(logits);
  }
  return true;
}

}  // namespace lapbench::harness
