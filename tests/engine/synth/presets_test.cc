// Presets carry the real models' shapes, parameter counts and GGUF keys.
#include "engine/synth/presets.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <vector>

namespace lapbench::engine {
namespace {

using Catch::Matchers::Contains;

const gguf::Value& Find(const std::vector<MetadataEntry>& meta,
                        std::string_view key) {
  for (const MetadataEntry& e : meta) {
    if (e.key == key) return e.value;
  }
  FAIL("missing key " << key);
  throw std::logic_error("unreachable");
}

bool Has(const std::vector<MetadataEntry>& meta, std::string_view key) {
  for (const MetadataEntry& e : meta) {
    if (e.key == key) return true;
  }
  return false;
}

const TensorSpec* FindTensor(const std::vector<TensorSpec>& tensors,
                             std::string_view name) {
  for (const TensorSpec& t : tensors) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

TEST_CASE("Preset parameter counts equal the published model sizes",
          "[engine][synth]") {
  // HF model cards / safetensors totals; rope_freqs is not a parameter.
  CHECK(ParameterCount(FindPreset("llama3.2-1b")) == 1235814400);
  CHECK(ParameterCount(FindPreset("llama3.2-3b")) == 3212749824);
  CHECK(ParameterCount(FindPreset("llama3.1-8b")) == 8030261248);
  CHECK(ParameterCount(FindPreset("gemma3-1b")) == 999885952);
}

TEST_CASE("An unknown preset is an error listing the presets",
          "[engine][synth]") {
  CHECK_THROWS_MATCHES(
      FindPreset("gemma5-2b"), SynthError,
      Catch::Message("unknown model preset: 'gemma5-2b' (expected one of "
                     "gemma4-12b, gemma4-31b, gemma3-1b, gemma3-4b, "
                     "gemma3-12b, llama3.2-1b, llama3.2-3b, llama3.1-8b, "
                     "tiny-llama, tiny-gemma3, tiny-gemma4)"));
}

TEST_CASE("Gemma 3 4B metadata matches what the converter writes",
          "[engine][synth]") {
  std::vector<MetadataEntry> meta = PresetMetadata(FindPreset("gemma3-4b"));
  CHECK(*Find(meta, "general.architecture").AsString() == "gemma3");
  CHECK(Find(meta, "gemma3.embedding_length").AsUnsigned() == 2560u);
  CHECK(Find(meta, "gemma3.block_count").AsUnsigned() == 34u);
  CHECK(Find(meta, "gemma3.feed_forward_length").AsUnsigned() == 10240u);
  CHECK(Find(meta, "gemma3.attention.head_count").AsUnsigned() == 8u);
  CHECK(Find(meta, "gemma3.attention.head_count_kv").AsUnsigned() == 4u);
  CHECK(Find(meta, "gemma3.attention.key_length").AsUnsigned() == 256u);
  CHECK(Find(meta, "gemma3.attention.value_length").AsUnsigned() == 256u);
  CHECK(Find(meta, "gemma3.attention.sliding_window").AsUnsigned() == 1024u);
  CHECK(Find(meta, "gemma3.rope.freq_base").AsFloat() == 1e6);
  CHECK(Find(meta, "gemma3.rope.freq_base_swa").AsFloat() == 10000.0);
  CHECK(*Find(meta, "gemma3.rope.scaling.type").AsString() == "linear");
  CHECK(Find(meta, "gemma3.rope.scaling.factor").AsFloat() == 8.0);
  CHECK(Find(meta, "gemma3.context_length").AsUnsigned() == 131072u);
  CHECK(Find(meta, "gemma3.attention.layer_norm_rms_epsilon").type() ==
        gguf::ValueType::kFloat32);
  CHECK_FALSE(Has(meta, "gemma3.final_logit_softcapping"));
  CHECK(Find(meta, "gemma3.block_count").type() == gguf::ValueType::kUint32);
}

TEST_CASE("Gemma 4 31B has per-layer KV heads, two head sizes and K=V",
          "[engine][synth]") {
  const ModelPreset& p = FindPreset("gemma4-31b");
  std::vector<MetadataEntry> meta = PresetMetadata(p);
  const gguf::Array* kv =
      Find(meta, "gemma4.attention.head_count_kv").AsArray();
  REQUIRE(kv != nullptr);
  REQUIRE(kv->size() == 60);
  CHECK(kv->At(0).AsSigned() == 16);
  CHECK(kv->At(5).AsSigned() == 4);
  CHECK(kv->At(59).AsSigned() == 4);
  const gguf::Array* sliding =
      Find(meta, "gemma4.attention.sliding_window_pattern").AsArray();
  REQUIRE(sliding != nullptr);
  CHECK(sliding->At(4).AsBool() == true);
  CHECK(sliding->At(5).AsBool() == false);
  CHECK(Find(meta, "gemma4.attention.key_length").AsUnsigned() == 512u);
  CHECK(Find(meta, "gemma4.attention.key_length_swa").AsUnsigned() == 256u);
  CHECK(Find(meta, "gemma4.rope.dimension_count").AsUnsigned() == 512u);
  CHECK(Find(meta, "gemma4.rope.dimension_count_swa").AsUnsigned() == 256u);
  CHECK(Find(meta, "gemma4.final_logit_softcapping").AsFloat() == 30.0);
  CHECK(Find(meta, "gemma4.attention.shared_kv_layers").AsUnsigned() == 0u);

  std::vector<TensorSpec> tensors = PresetTensors(p);
  CHECK(FindTensor(tensors, "output.weight") == nullptr);
  CHECK(FindTensor(tensors, "blk.5.attn_v.weight") == nullptr);
  REQUIRE(FindTensor(tensors, "blk.4.attn_v.weight") != nullptr);
  CHECK(FindTensor(tensors, "blk.4.attn_v.weight")->dims ==
        std::vector<int64_t>{5376, 16 * 256});
  CHECK(FindTensor(tensors, "blk.5.attn_k.weight")->dims ==
        std::vector<int64_t>{5376, 4 * 512});
  CHECK(FindTensor(tensors, "blk.5.attn_q.weight")->dims ==
        std::vector<int64_t>{5376, 32 * 512});
  CHECK(FindTensor(tensors, "blk.5.attn_output.weight")->dims ==
        std::vector<int64_t>{32 * 512, 5376});
  CHECK(FindTensor(tensors, "blk.5.attn_q_norm.weight")->dims ==
        std::vector<int64_t>{512});
}

TEST_CASE("Gemma 4 rope factors turn a quarter of the global pairs",
          "[engine][synth]") {
  std::vector<float> f = RopeFreqFactors(FindPreset("gemma4-12b"));
  REQUIRE(f.size() == 256);
  CHECK(f[0] == 1.0f);
  CHECK(f[63] == 1.0f);
  CHECK(f[64] == 1e30f);
  CHECK(f[255] == 1e30f);
}

TEST_CASE("Llama 3 rope factors follow the llama3 bands", "[engine][synth]") {
  std::vector<float> f = RopeFreqFactors(FindPreset("llama3.2-1b"));
  REQUIRE(f.size() == 32);
  CHECK(f[0] == 1.0f);    // wavelength 6.3 < 8192 / 4
  CHECK(f[31] == 32.0f);  // longest wavelength > 8192: divided by factor
  std::vector<float> tiny = RopeFreqFactors(FindPreset("tiny-llama"));
  REQUIRE(tiny.size() == 16);
  CHECK(tiny[1] == 1.0f);
  CHECK(tiny[2] > 1.0f);  // the smoothed band
  CHECK(tiny[2] < 8.0f);
  CHECK(tiny[3] == 8.0f);
}

TEST_CASE("Llama 3.1 8B is untied and writes no head size", "[engine][synth]") {
  const ModelPreset& p = FindPreset("llama3.1-8b");
  std::vector<MetadataEntry> meta = PresetMetadata(p);
  CHECK_FALSE(Has(meta, "llama.attention.key_length"));
  CHECK(Find(meta, "llama.vocab_size").AsUnsigned() == 128256u);
  CHECK(Find(meta, "llama.rope.dimension_count").AsUnsigned() == 128u);
  CHECK(FindTensor(PresetTensors(p), "output.weight") != nullptr);
  CHECK(Has(PresetMetadata(FindPreset("llama3.2-3b")),
            "llama.attention.key_length"));
}

TEST_CASE("Tiny presets have a global layer and a window under a prompt",
          "[engine][synth]") {
  for (std::string_view name : {"tiny-gemma3", "tiny-gemma4"}) {
    const ModelPreset& p = FindPreset(name);
    CHECK(p.sliding_window < 16);
    CHECK_FALSE(IsGlobalLayer(p, 0));
    CHECK(IsGlobalLayer(p, 5));
    CHECK(p.n_kv_heads < p.n_heads);
  }
  const ModelPreset& g4 = FindPreset("tiny-gemma4");
  CHECK(LayerHeadDim(g4, 0) != LayerHeadDim(g4, 5));
  CHECK(LayerKvHeads(g4, 0) != LayerKvHeads(g4, 5));
  CHECK_FALSE(LayerHasAttnV(g4, 5));
}

}  // namespace
}  // namespace lapbench::engine
