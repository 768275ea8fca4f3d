// Greedy and seeded sampling: argmax ties, determinism, top-k and top-p.
#include "engine/model/sampler.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <vector>

namespace lapbench::engine {
namespace {

const std::vector<float> kLogits = {0.5f, 2.0f, -1.0f, 2.0f, 1.5f, 0.0f};

TEST_CASE("Greedy sampling takes the largest logit, lowest index on ties",
          "[engine][model][sampler]") {
  CHECK(Argmax(kLogits) == 1);
  Sampler greedy(SamplerOptions{});
  CHECK(greedy.Sample(kLogits) == 1);
}

TEST_CASE("A seed gives the same tokens every time",
          "[engine][model][sampler]") {
  SamplerOptions options;
  options.temperature = 1.0f;
  options.seed = 1234;
  Sampler a(options);
  Sampler b(options);
  std::vector<int32_t> seq_a, seq_b;
  for (int i = 0; i < 64; ++i) {
    seq_a.push_back(a.Sample(kLogits));
    seq_b.push_back(b.Sample(kLogits));
  }
  CHECK(seq_a == seq_b);
  // Every token has probability > 1% here, so 64 draws visit several.
  CHECK(std::count(seq_a.begin(), seq_a.end(), seq_a[0]) < 64);
}

TEST_CASE("Top-k keeps only the k most likely tokens",
          "[engine][model][sampler]") {
  SamplerOptions options;
  options.temperature = 5.0f;  // nearly flat over what is kept
  options.top_k = 2;
  Sampler s(options);
  for (int i = 0; i < 200; ++i) {
    const int32_t t = s.Sample(kLogits);
    CHECK((t == 1 || t == 3));  // the two logits of 2.0
  }
}

TEST_CASE("A tiny top-p keeps only the most likely token",
          "[engine][model][sampler]") {
  SamplerOptions options;
  options.temperature = 1.0f;
  options.top_p = 0.01f;
  Sampler s(options);
  for (int i = 0; i < 50; ++i) CHECK(s.Sample(kLogits) == 1);
}

}  // namespace
}  // namespace lapbench::engine
