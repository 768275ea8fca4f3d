// Binding tensors to a config: shapes, types and absences give errors that
// name the tensor; the GGUF binding gives the same logits as memory.
#include "engine/model/weights.h"

#include <catch2/catch.hpp>
#include <cstddef>
#include <vector>

#include "engine/gguf/gguf.h"
#include "engine/model/forward.h"
#include "engine/model/gguf_source.h"
#include "kernels/registry.h"
#include "tests/engine/model/test_model.h"

namespace lapbench::engine {
namespace {

using kernels::Format;

TEST_CASE("Weights bind with tied output and Gemma 4 K-as-V layers",
          "[engine][model][weights]") {
  const ModelConfig c = testing::TinyGemma4();
  const auto tensors =
      testing::Encode(testing::MakeRandomWeights(c, 1), Format::kQ8_0);
  const ModelWeights w = BindWeights(c, tensors);
  CHECK(w.tied_output);
  CHECK(w.output.data == w.token_embd.data);
  CHECK(w.rope_freqs != nullptr);
  CHECK(w.layers[2].attn_v.rows == 0);    // global layer: V = raw K
  CHECK(w.layers[0].attn_v.rows == 128);  // 2 KV heads x 64
  CHECK(w.layers[2].attn_q.rows == 512);  // 4 heads x 128
  CHECK(w.layers[2].attn_output.cols == 512);
  CHECK(w.layers[1].attn_q.format == Format::kQ8_0);
  CHECK(MatrixFormats(w) == std::vector<Format>{Format::kQ8_0});
}

TEST_CASE("A tensor of the wrong shape is named with both shapes",
          "[engine][model][weights][errors]") {
  const ModelConfig c = testing::TinyLlama();
  auto weights = testing::MakeRandomWeights(c, 1);
  weights["blk.1.ffn_down.weight"] = testing::FloatTensor{
      {256, 512}, std::vector<float>(256 * 512, 0.0f), true};
  const auto tensors = testing::Encode(weights, Format::kF32);
  CHECK_THROWS_WITH(BindWeights(c, tensors),
                    "wrong tensor shape: 'blk.1.ffn_down.weight' is [256, "
                    "512] (expected [512, 256])");
}

TEST_CASE("A missing tensor and a type we do not compute are refused",
          "[engine][model][weights][errors]") {
  const ModelConfig c = testing::TinyLlama();
  auto tensors =
      testing::Encode(testing::MakeRandomWeights(c, 1), Format::kF32);
  auto missing = tensors;
  missing.tensors.erase("blk.0.attn_k.weight");
  CHECK_THROWS_WITH(BindWeights(c, missing),
                    "missing model tensor: 'blk.0.attn_k.weight' (expected "
                    "in the file)");
  tensors.tensors["blk.0.attn_q.weight"].ggml_type = 6;  // q5_0
  CHECK_THROWS_WITH(BindWeights(c, tensors),
                    "unsupported tensor type: 'blk.0.attn_q.weight' has "
                    "GGUF type 6 (expected one of f32, f16, bf16, q8_0, "
                    "q6_k, q4_k, q4_0)");
  tensors.tensors["blk.0.attn_q.weight"].ggml_type = 0;
  tensors.tensors["output_norm.weight"].ggml_type = 1;  // f16 norm
  CHECK_THROWS_WITH(BindWeights(c, tensors),
                    Catch::Contains("'output_norm.weight' has GGUF type 1"));
}

// Writes `tensors` and the metadata of a tiny gemma3 model to GGUF bytes.
std::vector<std::byte> WriteGemma3Gguf(const ModelConfig& c,
                                       const testing::MemoryTensors& tensors) {
  std::vector<std::byte> bytes;
  gguf::GgufWriter writer(
      [&bytes](std::span<const std::byte> b) {
        bytes.insert(bytes.end(), b.begin(), b.end());
      },
      "tiny-gemma3");
  writer.SetString("general.architecture", "gemma3");
  writer.SetU32("gemma3.embedding_length", 256);
  writer.SetU32("gemma3.block_count", 3);
  writer.SetU32("gemma3.feed_forward_length", 512);
  writer.SetU32("gemma3.attention.head_count", 4);
  writer.SetU32("gemma3.attention.head_count_kv", 1);
  writer.SetU32("gemma3.attention.key_length", 64);
  writer.SetU32("gemma3.attention.value_length", 64);
  writer.SetU32("gemma3.attention.sliding_window", 4);
  writer.SetU32("gemma3.attention.sliding_window_pattern", 3);
  writer.SetF32("gemma3.rope.freq_base", 1e6f);
  writer.SetF32("gemma3.rope.freq_base_swa", 1e4f);
  writer.SetF32("gemma3.attention.layer_norm_rms_epsilon", c.rms_eps);
  for (const auto& [name, t] : tensors.tensors) {
    writer.AddTensor(name, t.ggml_type, t.dims);
  }
  for (const auto& [name, t] : tensors.tensors) {
    writer.WriteTensor(std::as_bytes(std::span(t.bytes)));
  }
  writer.Finish();
  return bytes;
}

TEST_CASE("A GGUF file binds to the same model and logits as memory",
          "[engine][model][weights][gguf]") {
  const ModelConfig c = testing::TinyGemma3();
  const auto tensors =
      testing::Encode(testing::MakeRandomWeights(c, 7), Format::kQ4_K);
  const gguf::GgufFile file =
      gguf::GgufFile::FromBytes(WriteGemma3Gguf(c, tensors));
  const ModelConfig read = ReadModelConfig(GgufMetadata(file));
  REQUIRE(read.n_layers() == 3);
  CHECK(read.layers[1].sliding);
  CHECK_FALSE(read.layers[2].sliding);
  CHECK(read.n_vocab == 96);
  CHECK(read.attn_scale == c.attn_scale);
  const ModelWeights from_file = BindWeights(read, GgufTensors(file));
  const ModelWeights from_memory = BindWeights(c, tensors);

  const std::vector<int32_t> tokens = testing::Prompt(9, c.n_vocab);
  ThreadPool pool({}, 1);
  const kernels::Variant& ref = kernels::FindVariant("ref");
  Session a(read, from_file, ref, pool, SessionOptions{});
  Session b(c, from_memory, ref, pool, SessionOptions{});
  const auto la = a.Prefill(tokens);
  const auto lb = b.Prefill(tokens);
  CHECK(std::vector<float>(la.begin(), la.end()) ==
        std::vector<float>(lb.begin(), lb.end()));
}

}  // namespace
}  // namespace lapbench::engine
