// Synthetic models load into the engine with the preset's shapes, and their
// logits stay finite and spread out past the sliding window.
#include <catch2/catch.hpp>
#include <cmath>
#include <numeric>
#include <vector>

#include "engine/model/forward.h"
#include "engine/model/gguf_source.h"
#include "engine/synth/model_maker.h"
#include "engine/thread_pool.h"
#include "kernels/registry.h"
#include "synth_test_files.h"

namespace lapbench::engine {
namespace {

using testing::TempModelPath;

// Prompt tokens: past every tiny preset's 8-token window.
constexpr int kPromptTokens = 24;

struct LogitStats {
  bool finite = true;
  double std = 0.0;
  double max_prob = 0.0;
};

LogitStats Stats(std::span<const float> logits) {
  LogitStats s;
  double n = static_cast<double>(logits.size());
  double mean = std::accumulate(logits.begin(), logits.end(), 0.0) / n;
  double sum_sq = 0.0, max_logit = -INFINITY;
  for (float l : logits) {
    s.finite = s.finite && std::isfinite(l);
    sum_sq += (l - mean) * (l - mean);
    max_logit = std::max<double>(max_logit, l);
  }
  s.std = std::sqrt(sum_sq / n);
  double z = 0.0;
  for (float l : logits) z += std::exp(l - max_logit);
  s.max_prob = 1.0 / z;
  return s;
}

// Logits of std ~1 (the init's target); a collapsed model would give ~0
// spread or a one-hot softmax, an exploding one non-finite values.
void CheckNonDegenerate(std::span<const float> logits) {
  LogitStats s = Stats(logits);
  CHECK(s.finite);
  CHECK(s.std > 0.3);
  CHECK(s.std < 5.0);
  CHECK(s.max_prob < 0.5);
}

TEST_CASE("Tiny synthetic models give finite, spread-out logits",
          "[engine][synth]") {
  for (std::string_view preset : {"tiny-llama", "tiny-gemma3", "tiny-gemma4"}) {
    for (std::string_view format : {"f32", "q4_0", "q4_k_m"}) {
      INFO(preset << " " << format);
      TempModelPath path("forward");
      MakeModelOptions make;
      make.seed = 1;
      MakeModel(FindPreset(preset), FindFileFormat(format), path.str(), make);
      std::unique_ptr<LoadedModel> m = LoadModel(path.str());
      ThreadPool pool({}, 1);
      SessionOptions options;
      options.n_ctx = 64;
      options.n_batch = 32;
      Session session(m->config, m->weights, kernels::FindVariant("ref"), pool,
                      options);
      std::vector<int32_t> prompt;
      for (int t = 0; t < kPromptTokens; ++t) prompt.push_back(5 + 17 * t);
      CheckNonDegenerate(session.Prefill(prompt));
      CheckNonDegenerate(session.Decode(300));
    }
  }
}

TEST_CASE("The engine reads a tiny Gemma 4's shapes from its metadata",
          "[engine][synth]") {
  TempModelPath path("config");
  const ModelPreset& p = FindPreset("tiny-gemma4");
  MakeModel(p, FindFileFormat("q8_0"), path.str());
  std::unique_ptr<LoadedModel> m = LoadModel(path.str());
  const ModelConfig& c = m->config;
  CHECK(c.arch == Architecture::kGemma4);
  CHECK(c.n_embd == p.n_embd);
  CHECK(c.n_vocab == p.n_vocab);
  CHECK(c.sliding_window == p.sliding_window);
  CHECK(c.final_softcap == 30.0f);
  REQUIRE(c.n_layers() == p.n_layers);
  for (int64_t il = 0; il < p.n_layers; ++il) {
    const LayerConfig& l = c.layers[static_cast<size_t>(il)];
    INFO("layer " << il);
    CHECK(l.sliding == !IsGlobalLayer(p, il));
    CHECK(l.head_dim == LayerHeadDim(p, il));
    CHECK(l.n_kv_heads == LayerKvHeads(p, il));
    CHECK(l.k_is_v == !LayerHasAttnV(p, il));
  }
}

}  // namespace
}  // namespace lapbench::engine
