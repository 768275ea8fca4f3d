// ModelConfig from GGUF-style metadata: llama, gemma3, gemma4 keys, and
// the refusals of what the engine does not run.
#include "engine/model/hparams.h"

#include <catch2/catch.hpp>
#include <cmath>

#include "engine/model/kv_cache.h"
#include "tests/engine/model/test_model.h"

namespace lapbench::engine {
namespace {

using testing::MapMetadata;

MapMetadata Gemma3Metadata() {
  MapMetadata m;
  m.entries = {{"general.architecture", std::string("gemma3")},
               {"gemma3.embedding_length", int64_t{2560}},
               {"gemma3.block_count", int64_t{34}},
               {"gemma3.feed_forward_length", int64_t{10240}},
               {"gemma3.attention.head_count", int64_t{8}},
               {"gemma3.attention.head_count_kv", int64_t{4}},
               {"gemma3.attention.key_length", int64_t{256}},
               {"gemma3.attention.value_length", int64_t{256}},
               {"gemma3.attention.sliding_window", int64_t{1024}},
               {"gemma3.rope.freq_base", 1e6f},
               {"gemma3.rope.freq_base_swa", 1e4f},
               {"gemma3.rope.scaling.type", std::string("linear")},
               {"gemma3.rope.scaling.factor", 8.0f},
               {"gemma3.context_length", int64_t{131072}},
               {"gemma3.attention.layer_norm_rms_epsilon", 1e-6f}};
  m.tensor_dims["token_embd.weight"] = {2560, 262144};
  return m;
}

// The 31B's keys, cut to 6 layers (5 local, 1 global).
MapMetadata Gemma4Metadata() {
  MapMetadata m;
  m.entries = {{"general.architecture", std::string("gemma4")},
               {"gemma4.embedding_length", int64_t{5376}},
               {"gemma4.block_count", int64_t{6}},
               {"gemma4.feed_forward_length", int64_t{21504}},
               {"gemma4.attention.head_count", int64_t{32}},
               {"gemma4.attention.head_count_kv",
                std::vector<int64_t>{16, 16, 16, 16, 16, 4}},
               {"gemma4.attention.key_length", int64_t{512}},
               {"gemma4.attention.value_length", int64_t{512}},
               {"gemma4.attention.key_length_swa", int64_t{256}},
               {"gemma4.attention.value_length_swa", int64_t{256}},
               {"gemma4.attention.sliding_window", int64_t{1024}},
               {"gemma4.attention.sliding_window_pattern",
                std::vector<int64_t>{1, 1, 1, 1, 1, 0}},
               {"gemma4.rope.dimension_count", int64_t{512}},
               {"gemma4.rope.dimension_count_swa", int64_t{256}},
               {"gemma4.rope.freq_base", 1e6f},
               {"gemma4.rope.freq_base_swa", 1e4f},
               {"gemma4.final_logit_softcapping", 30.0f},
               {"gemma4.attention.shared_kv_layers", int64_t{0}},
               {"gemma4.embedding_length_per_layer_input", int64_t{0}},
               {"gemma4.attention.layer_norm_rms_epsilon", 1e-6f}};
  m.tensor_dims["token_embd.weight"] = {5376, 262144};
  m.tensor_dims["rope_freqs.weight"] = {256};
  for (int il = 0; il < 5; ++il)
    m.tensor_dims[fmt::format("blk.{}.attn_v.weight", il)] = {5376, 4096};
  return m;
}

TEST_CASE("Gemma 3 metadata reads as llama.cpp reads it",
          "[engine][model][config]") {
  const ModelConfig c = ReadModelConfig(Gemma3Metadata());
  CHECK(c.arch == Architecture::kGemma3);
  CHECK(c.n_embd == 2560);
  CHECK(c.n_vocab == 262144);
  CHECK(c.n_layers() == 34);
  CHECK(c.n_ctx_train == 131072);
  CHECK(c.sliding_window == 1024);
  // Period 6: layers 5, 11, ... are global, with linear scaling 1/8.
  CHECK(c.layers[4].sliding);
  CHECK_FALSE(c.layers[5].sliding);
  CHECK(c.layers[5].rope_base == 1e6f);
  CHECK(c.layers[5].rope_freq_scale == 0.125f);
  CHECK(c.layers[4].rope_base == 1e4f);
  CHECK(c.layers[4].rope_freq_scale == 1.0f);
  CHECK(c.layers[0].head_dim == 256);
  CHECK(c.layers[0].rotary_dim == 256);
  CHECK(c.layers[0].n_kv_heads == 4);
  CHECK(c.attn_scale == 1.0f / 16.0f);
  CHECK(c.embd_scale == std::sqrt(2560.0f));
  CHECK(c.rope_layout == kernels::RopeLayout::kHalfSplit);
  CHECK(c.ffn_act == FfnActivation::kGeluTanh);
  CHECK(c.qk_norm);
  CHECK(c.post_norms);
  CHECK_FALSE(c.v_norm);
  CHECK(c.final_softcap == 0.0f);
}

TEST_CASE("Gemma 4 metadata gives two head sizes, K as V and rope_freqs",
          "[engine][model][config]") {
  const ModelConfig c = ReadModelConfig(Gemma4Metadata());
  const LayerConfig& local = c.layers[0];
  const LayerConfig& global = c.layers[5];
  CHECK(local.sliding);
  CHECK(local.head_dim == 256);
  CHECK(local.n_kv_heads == 16);
  CHECK(local.rotary_dim == 256);
  CHECK(local.rope_base == 1e4f);
  CHECK_FALSE(local.use_rope_freqs);
  CHECK_FALSE(local.k_is_v);
  CHECK_FALSE(global.sliding);
  CHECK(global.head_dim == 512);
  CHECK(global.n_kv_heads == 4);
  CHECK(global.q_dim() == 16384);
  CHECK(global.rotary_dim == 512);
  CHECK(global.use_rope_freqs);
  CHECK(global.k_is_v);
  CHECK(c.attn_scale == 1.0f);
  CHECK(c.final_softcap == 30.0f);
  CHECK(c.v_norm);
  // 5 local layers x 2 x 16 x 256 + 1 global x 2 x 4 x 512, F16.
  CHECK(KvBytesPerToken(c, kernels::Format::kF16) ==
        (5 * 2 * 16 * 256 + 2 * 4 * 512) * 2);
  CHECK(KvCacheBytes(c, kernels::Format::kF32, 10) ==
        10 * (5 * 2 * 16 * 256 + 2 * 4 * 512) * 4);
}

TEST_CASE("Llama metadata uses adjacent-pair RoPE and rope_freqs",
          "[engine][model][config]") {
  MapMetadata m;
  m.entries = {{"general.architecture", std::string("llama")},
               {"llama.embedding_length", int64_t{2048}},
               {"llama.block_count", int64_t{16}},
               {"llama.feed_forward_length", int64_t{8192}},
               {"llama.attention.head_count", int64_t{32}},
               {"llama.attention.head_count_kv", int64_t{8}},
               {"llama.rope.freq_base", 500000.0f},
               {"llama.vocab_size", int64_t{128256}},
               {"llama.attention.layer_norm_rms_epsilon", 1e-5f}};
  m.tensor_dims["rope_freqs.weight"] = {32};
  const ModelConfig c = ReadModelConfig(m);
  CHECK(c.n_vocab == 128256);
  CHECK(c.layers[3].head_dim == 64);
  CHECK(c.layers[3].rotary_dim == 64);
  CHECK(c.layers[3].use_rope_freqs);
  CHECK(c.layers[3].rope_base == 500000.0f);
  CHECK_FALSE(c.layers[3].sliding);
  CHECK(c.rope_layout == kernels::RopeLayout::kInterleaved);
  CHECK(c.attn_scale == 0.125f);
  CHECK(c.ffn_act == FfnActivation::kSilu);
  CHECK(c.embd_scale == 1.0f);
  CHECK_FALSE(c.qk_norm);
}

TEST_CASE("An unsupported architecture is refused naming the supported ones",
          "[engine][model][config][errors]") {
  MapMetadata m;
  m.entries = {{"general.architecture", std::string("qwen3")}};
  CHECK_THROWS_WITH(ReadModelConfig(m),
                    "unsupported model architecture: 'qwen3' (expected "
                    "llama, gemma3 or gemma4)");
  CHECK_THROWS_AS(ReadModelConfig(MapMetadata()), ConfigError);
}

TEST_CASE("Gemma 4 per-layer embeddings, KV sharing and MoE are refused",
          "[engine][model][config][errors]") {
  MapMetadata m = Gemma4Metadata();
  m.entries["gemma4.attention.shared_kv_layers"] = int64_t{20};
  CHECK_THROWS_WITH(ReadModelConfig(m),
                    "unsupported model feature (KV sharing): "
                    "'gemma4.attention.shared_kv_layers' = 20 (expected 0)");
  m = Gemma4Metadata();
  m.entries["gemma4.embedding_length_per_layer_input"] = int64_t{256};
  CHECK_THROWS_WITH(ReadModelConfig(m),
                    Catch::Contains("per-layer embeddings"));
  m = Gemma4Metadata();
  m.entries["gemma4.expert_count"] = int64_t{128};
  CHECK_THROWS_WITH(ReadModelConfig(m), Catch::Contains("mixture of experts"));
}

TEST_CASE("Missing, short and inconsistent metadata is refused by key",
          "[engine][model][config][errors]") {
  MapMetadata m = Gemma3Metadata();
  m.entries.erase("gemma3.block_count");
  CHECK_THROWS_WITH(ReadModelConfig(m),
                    "missing GGUF metadata key: 'gemma3.block_count' "
                    "(expected an integer)");
  m = Gemma4Metadata();
  m.entries["gemma4.attention.head_count_kv"] = std::vector<int64_t>{4, 4};
  CHECK_THROWS_WITH(ReadModelConfig(m),
                    Catch::Contains("'gemma4.attention.head_count_kv' = 2 "
                                    "values (expected 6, one per layer)"));
  m = Gemma3Metadata();
  m.entries["gemma3.attention.head_count_kv"] = int64_t{3};
  CHECK_THROWS_WITH(ReadModelConfig(m),
                    "bad model hyperparameter: 'n_heads' = 8 in layer 0 "
                    "(expected a multiple of n_kv_heads = 3)");
  m = Gemma3Metadata();
  m.entries["gemma3.rope.scaling.type"] = std::string("yarn");
  CHECK_THROWS_WITH(ReadModelConfig(m), Catch::Contains("unsupported RoPE "
                                                        "scaling"));
}

}  // namespace
}  // namespace lapbench::engine
