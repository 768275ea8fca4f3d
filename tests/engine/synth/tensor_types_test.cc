// The per-tensor type table follows llama-quantize's recipes and fallbacks.
#include "engine/synth/tensor_types.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace lapbench::engine {
namespace {

using kernels::Format;

const TensorTypeChoice& Choice(const std::vector<TensorTypeChoice>& table,
                               std::string_view name) {
  for (const TensorTypeChoice& c : table) {
    if (c.name == name) return c;
  }
  FAIL("missing tensor " << name);
  throw std::logic_error("unreachable");
}

std::vector<TensorTypeChoice> Table(std::string_view preset,
                                    std::string_view format,
                                    bool pure = false) {
  return ChooseTensorTypes(PresetTensors(FindPreset(preset)),
                           FindFileFormat(format), pure);
}

TEST_CASE("Q4_0 keeps norms F32 and gives the untied output Q6_K",
          "[engine][synth]") {
  auto t = Table("tiny-llama", "q4_0");
  CHECK(Choice(t, "rope_freqs.weight").format == Format::kF32);
  CHECK(Choice(t, "blk.0.attn_norm.weight").format == Format::kF32);
  CHECK(Choice(t, "blk.0.attn_norm.weight").reason == TypeReason::kFloat32Kept);
  CHECK(Choice(t, "token_embd.weight").format == Format::kQ4_0);
  CHECK(Choice(t, "output.weight").format == Format::kQ6_K);
  CHECK(Choice(t, "output.weight").reason == TypeReason::kOutputRule);
  CHECK(Choice(t, "blk.1.ffn_down.weight").format == Format::kQ4_0);
  CHECK(Choice(t, "blk.1.ffn_down.weight").reason == TypeReason::kNominal);
}

TEST_CASE("A tied embedding takes the output rule", "[engine][synth]") {
  CHECK(Choice(Table("gemma3-4b", "q4_0"), "token_embd.weight").format ==
        Format::kQ6_K);
  CHECK(Choice(Table("gemma3-4b", "q8_0"), "token_embd.weight").format ==
        Format::kQ8_0);
  CHECK(Choice(Table("gemma3-4b", "q6_k"), "token_embd.weight").format ==
        Format::kQ6_K);
}

TEST_CASE("An output row that is not whole super-blocks becomes Q8_0",
          "[engine][synth]") {
  // Gemma 3 1B: n_embd 1152 = 4.5 x 256.
  auto t = Table("gemma3-1b", "q4_0");
  const TensorTypeChoice& c = Choice(t, "token_embd.weight");
  CHECK(c.format == Format::kQ8_0);
  CHECK(c.reason == TypeReason::kOutputRule);
  CHECK(c.note == "row of 1152 is not a multiple of 256: q8_0");
}

TEST_CASE("Q4_K rows of 1152 fall back to Q4_0 and say so", "[engine][synth]") {
  auto t = Table("gemma3-1b", "q4_k_m");
  const TensorTypeChoice& q = Choice(t, "blk.3.attn_q.weight");
  CHECK(q.format == Format::kQ4_0);
  CHECK(q.reason == TypeReason::kRowFallback);
  CHECK(q.note ==
        "row of 1152 is not a multiple of the 256-element q4_k block; q4_0 "
        "instead (llama-quantize: q5_0)");
  CHECK(Choice(t, "blk.3.attn_output.weight").format == Format::kQ4_K);
  // Q6_K rows of 1152 (more-bits attn_v) fall back to Q8_0.
  const TensorTypeChoice& v = Choice(t, "blk.0.attn_v.weight");
  CHECK(v.format == Format::kQ8_0);
  CHECK(v.reason == TypeReason::kRowFallback);
}

TEST_CASE("Q4_K_M gives more bits to attn_v and ffn_down by position",
          "[engine][synth]") {
  // tiny-gemma4: 6 layers, 5 attn_v (layer 5 is global with K = V).
  // use_more_bits(i, n): i < n/8 || i >= 7n/8 || (i - n/8) % 3 == 2.
  auto t = Table("tiny-gemma4", "q4_k");
  CHECK(Choice(t, "token_embd.weight").format == Format::kQ6_K);
  CHECK(Choice(t, "blk.0.attn_v.weight").format == Format::kQ4_K);
  CHECK(Choice(t, "blk.2.attn_v.weight").format == Format::kQ6_K);
  CHECK(Choice(t, "blk.3.attn_v.weight").format == Format::kQ4_K);
  // attn_v #4 of 5 (layer 4) is in the last eighth of the attn_v tensors.
  CHECK(Choice(t, "blk.4.attn_v.weight").format == Format::kQ6_K);
  CHECK(Choice(t, "blk.4.attn_v.weight").reason == TypeReason::kMoreBits);
  CHECK(Choice(t, "blk.0.ffn_down.weight").format == Format::kQ4_K);
  CHECK(Choice(t, "blk.2.ffn_down.weight").format == Format::kQ6_K);
  CHECK(Choice(t, "blk.4.ffn_down.weight").format == Format::kQ4_K);
  CHECK(Choice(t, "blk.5.ffn_down.weight").format == Format::kQ6_K);
  CHECK(Choice(t, "blk.5.ffn_up.weight").format == Format::kQ4_K);
}

TEST_CASE("A pure quantization gives every matrix the base type",
          "[engine][synth]") {
  auto t = Table("tiny-gemma4", "q4_0", true);
  CHECK(Choice(t, "token_embd.weight").format == Format::kQ4_0);
  CHECK(Choice(t, "token_embd.weight").reason == TypeReason::kPure);
  CHECK(Choice(t, "blk.0.attn_q_norm.weight").format == Format::kF32);
  auto k = Table("gemma3-1b", "q4_k", true);
  CHECK(Choice(k, "blk.0.attn_v.weight").format == Format::kQ4_0);
  CHECK(Choice(k, "blk.0.attn_v.weight").reason == TypeReason::kRowFallback);
}

TEST_CASE("Float formats store every matrix in the format, norms in F32",
          "[engine][synth]") {
  for (std::string_view name : {"f16", "bf16", "f32"}) {
    auto t = Table("tiny-gemma3", name);
    Format base = FindFileFormat(name).base;
    CHECK(Choice(t, "token_embd.weight").format == base);
    CHECK(Choice(t, "blk.0.attn_q.weight").format == base);
    CHECK(Choice(t, "blk.0.post_ffw_norm.weight").format == Format::kF32);
  }
}

TEST_CASE("File formats have llama.cpp's file_type numbers",
          "[engine][synth]") {
  CHECK(FindFileFormat("f32").file_type == 0);
  CHECK(FindFileFormat("F16").file_type == 1);
  CHECK(FindFileFormat("q4_0").file_type == 2);
  CHECK(FindFileFormat("q8_0").file_type == 7);
  CHECK(FindFileFormat("q4_k").file_type == 15);
  CHECK(FindFileFormat("Q4_K_M").name == "q4_k_m");
  CHECK(FindFileFormat("q6_k").file_type == 18);
  CHECK(FindFileFormat("bf16").file_type == 32);
}

TEST_CASE("An unknown format is an error listing the formats",
          "[engine][synth]") {
  CHECK_THROWS_MATCHES(
      FindFileFormat("q5_k"), SynthError,
      Catch::Message("unknown model format: 'q5_k' (expected one of f32, "
                     "f16, bf16, q8_0, q6_k, q4_k_m, q4_0; q4_k means "
                     "q4_k_m)"));
}

TEST_CASE("Type reasons have report spellings", "[engine][synth]") {
  CHECK(TypeReasonName(TypeReason::kRowFallback) == "row-fallback");
  CHECK(TypeReasonName(TypeReason::kFloat32Kept) == "f32-kept");
  CHECK(TypeReasonName(TypeReason::kMoreBits) == "more-bits");
}

}  // namespace
}  // namespace lapbench::engine
