// Choosing the next token from logits: greedy, or seeded temperature /
// top-k / top-p sampling that gives the same tokens on every platform.
#pragma once

#include <cstdint>
#include <random>
#include <span>
#include <utility>
#include <vector>

namespace lapbench::engine {

// How to sample. temperature <= 0 means greedy (argmax).
struct SamplerOptions {
  float temperature = 0.0f;
  int64_t top_k = 0;   // keep the k most likely tokens; 0 = all
  float top_p = 1.0f;  // keep the smallest set with this much probability
  uint64_t seed = 0;
};

// The index of the largest logit; the lowest index wins ties.
// Precondition: logits is not empty.
int32_t Argmax(std::span<const float> logits);

// A sampler with its own random state. The random stream is
// std::mt19937_64 (fully specified by the standard) turned into uniforms
// by our own code, and candidates are ordered by (logit, then index), so a
// seed picks the same tokens with every standard library.
class Sampler {
 public:
  explicit Sampler(SamplerOptions options);

  // The next token for `logits` [n_vocab]. Precondition: not empty.
  int32_t Sample(std::span<const float> logits);

 private:
  // A uniform double in [0, 1) from the top 53 bits of one draw.
  double Uniform();

  SamplerOptions options_;
  std::mt19937_64 rng_;
  std::vector<std::pair<float, int32_t>> candidates_;  // [n_vocab] scratch
  std::vector<double> probs_;                          // [n_kept] scratch
};

}  // namespace lapbench::engine
