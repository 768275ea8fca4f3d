// Tests of the roofline numerators: bytes a decode step reads and FLOPs a
// prefill computes, against hand counts for a tiny Gemma 3 model.
#include "engine/model/step_cost.h"

#include <catch2/catch.hpp>

#include "tests/engine/model/test_model.h"

namespace lapbench::engine {
namespace {

using kernels::Format;

// 3 layers (0 and 1 sliding with a 4-token window, 2 global), n_embd 256,
// 4 query heads and 2 KV heads of 64, n_ff 512, 300 tokens, tied output;
// matrices in Q8_0: 34 bytes per 32 elements, so a 256-row is 272 bytes.
struct TinyGemma {
  ModelConfig config = MakeGemma3Config(3, 256, 4, 2, 64, 512, 300, 4, 3);
  testing::MemoryTensors tensors =
      testing::Encode(testing::MakeRandomWeights(config, 1), Format::kQ8_0);
  ModelWeights weights = BindWeights(config, tensors);
};

TEST_CASE("Matrix bytes count every layer matrix and the tied output once",
          "[engine][model][cost]") {
  const TinyGemma m;
  // Per layer: q 256 + k 128 + v 128 + o 256 + gate 512 + up 512 rows of
  // 272 bytes, down 256 rows of 544 bytes; output 300 rows of 272.
  const uint64_t per_layer = 1792 * 272 + 256 * 544;
  CHECK(MatrixBytes(m.weights) == 3 * per_layer + 300 * 272);
  CHECK(LayerMatrixParams(m.weights) == 3 * (1792 * 256 + 256 * 512));
  CHECK(OutputParams(m.weights) == 300 * 256);
}

TEST_CASE("Norm bytes count block, post, QK and output norms",
          "[engine][model][cost]") {
  const TinyGemma m;
  // Per layer four n_embd norms and two head_dim norms, plus output_norm.
  CHECK(NormBytes(m.config, m.weights) == 3 * (4 * 1024 + 2 * 256) + 1024);
}

TEST_CASE("KV bytes read stop at the window on sliding layers",
          "[engine][model][cost]") {
  const TinyGemma m;
  CHECK(AttendedPositions(m.config, m.config.layers[0], 10) == 4);
  CHECK(AttendedPositions(m.config, m.config.layers[2], 10) == 11);
  CHECK(AttendedPositions(m.config, m.config.layers[0], 1) == 2);
  // K and V rows of 128 F16 (256 bytes): 4 + 4 + 11 positions.
  CHECK(KvReadBytes(m.config, Format::kF16, 10) == 2 * 256 * 19);
  CHECK(KvReadBytes(m.config, Format::kF32, 10) == 2 * 512 * 19);
}

TEST_CASE("A decode step reads matrices, one embedding row, norms and KV",
          "[engine][model][cost]") {
  const TinyGemma m;
  CHECK(DecodeStepBytes(m.config, m.weights, Format::kF16, 10) ==
        MatrixBytes(m.weights) + 272 + NormBytes(m.config, m.weights) +
            KvReadBytes(m.config, Format::kF16, 10));
}

TEST_CASE("Prefill FLOPs are two per weight per token plus attention",
          "[engine][model][cost]") {
  const TinyGemma m;
  // Attention at position p: 4 x q_dim (256) x positions per layer.
  CHECK(AttentionFlops(m.config, 10) == 4.0 * 256 * 19);
  const double layers = 2.0 * 3 * (1792 * 256 + 256 * 512) * 3;
  const double output = 2.0 * 300 * 256;  // the last token only
  const double attention = 4.0 * 256 * 3 * (1 + 2 + 3);
  CHECK(PrefillFlops(m.config, m.weights, 3) == layers + output + attention);
}

}  // namespace
}  // namespace lapbench::engine
