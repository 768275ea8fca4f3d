// ref's matrix-vector and matrix-matrix products on hand-built blocks.
#include <catch2/catch.hpp>
#include <cstring>
#include <vector>

#include "kernels/formats/blocks.h"
#include "kernels/quantize.h"
#include "kernels/ref/ref_kernels.h"

namespace lapbench::kernels::ref {
namespace {

constexpr uint16_t kFp16One = 0x3c00;
constexpr uint16_t kFp16Half = 0x3800;

template <typename Block>
WeightView View(const std::vector<Block>& blocks, Format format, int64_t rows,
                int64_t cols) {
  return {blocks.data(), format, rows, cols,
          blocks.size() / static_cast<size_t>(rows) * sizeof(Block)};
}

TEST_CASE("Q8_0 matvec sums integer products times both scales",
          "[kernels][ref][q8_0]") {
  std::vector<BlockQ8_0> w(1), x(1);
  w[0].d = kFp16One;
  x[0].d = kFp16Half;
  for (int i = 0; i < 32; ++i) {
    w[0].qs[i] = static_cast<int8_t>(i + 1);
    x[0].qs[i] = 2;
  }
  float y = 0;
  MatVecQ8_0(View(w, Format::kQ8_0, 1, 32), x.data(), &y, 0, 1);
  CHECK(y == 528.0f);  // sum of 1..32, times 2 * 0.5
}

TEST_CASE("Q4_0 matvec offsets codes by 8 with j+16 in the high nibble",
          "[kernels][ref][q4_0]") {
  std::vector<BlockQ4_0> w(1);
  std::vector<BlockQ8_0> x(1);
  w[0].d = kFp16One;
  std::memset(w[0].qs, 0x98, sizeof w[0].qs);  // elements 0-15: 0, 16-31: 1
  x[0].d = kFp16One;
  for (int i = 0; i < 32; ++i) x[0].qs[i] = static_cast<int8_t>(i);
  float y = 0;
  MatVecQ4_0(View(w, Format::kQ4_0, 1, 32), x.data(), &y, 0, 1);
  CHECK(y == 376.0f);  // 16 + 17 + ... + 31
}

// A Q8_K block of all-ones codes with d = 1 and consistent bsums.
BlockQ8_K OnesQ8_K() {
  BlockQ8_K b;
  b.d = 1.0f;
  std::memset(b.qs, 1, sizeof b.qs);
  for (int16_t& s : b.bsums) s = 16;
  return b;
}

TEST_CASE("Q4_K matvec applies sub-block scales and mins through bsums",
          "[kernels][ref][q4_k]") {
  std::vector<BlockQ4_K> w(1);
  w[0].d = kFp16One;
  w[0].dmin = kFp16One;
  // sc[j] = 1 for all j; m[j] = 0 first.
  const uint8_t no_mins[12] = {1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1};
  std::memcpy(w[0].scales, no_mins, 12);
  std::memset(w[0].qs, 0x21, sizeof w[0].qs);  // low chunk 1, high chunk 2
  const std::vector<BlockQ8_K> x = {OnesQ8_K()};
  float y = 0;
  MatVecQ4_K(View(w, Format::kQ4_K, 1, 256), x.data(), &y, 0, 1);
  CHECK(y == 384.0f);  // 128 * 1 + 128 * 2

  // m[j] = 1 for all j: every weight drops by dmin * 1.
  const uint8_t mins[12] = {1, 1, 1, 1, 1, 1, 1, 1, 0x11, 0x11, 0x11, 0x11};
  std::memcpy(w[0].scales, mins, 12);
  MatVecQ4_K(View(w, Format::kQ4_K, 1, 256), x.data(), &y, 0, 1);
  CHECK(y == 128.0f);
}

TEST_CASE("Q6_K matvec offsets codes by 32 and applies group scales",
          "[kernels][ref][q6_k]") {
  std::vector<BlockQ6_K> w(1);
  std::memset(&w[0], 0, sizeof w[0]);
  w[0].d = kFp16One;
  for (int8_t& s : w[0].scales) s = 1;
  w[0].scales[15] = -2;  // elements 240-255
  const std::vector<BlockQ8_K> x = {OnesQ8_K()};
  float y = 0;
  MatVecQ6_K(View(w, Format::kQ6_K, 1, 256), x.data(), &y, 0, 1);
  CHECK(y == -32.0f * 240 + 64.0f * 16);  // codes 0 decode to -32
}

TEST_CASE("F16 and BF16 matvec compute only the rows in their range",
          "[kernels][ref][f16][bf16]") {
  const std::vector<float> w = {1, 2, 3, 4, 5, 6};  // 3 rows x 2 cols
  const std::vector<float> x = {0.5f, -1};
  for (Format f : {Format::kF16, Format::kBf16}) {
    std::vector<uint16_t> w16(6), x16(2);
    QuantizeRow(f, w.data(), w16.data(), 6);
    QuantizeRow(f, x.data(), x16.data(), 2);
    std::vector<float> y = {-7, -7, -7};
    const WeightView view{w16.data(), f, 3, 2, 4};
    if (f == Format::kF16) {
      MatVecF16(view, x16.data(), y.data(), 1, 2);
    } else {
      MatVecBf16(view, x16.data(), y.data(), 1, 2);
    }
    CHECK(y == std::vector<float>{-7, 1.5f - 4, -7});
  }
}

TEST_CASE("matmul equals matvec per token with row and output strides",
          "[kernels][ref][f32]") {
  const std::vector<float> w = {1, 2, 3, 4, 5, 6};     // 3 rows x 2 cols
  const std::vector<float> x = {1, 1, 99, 2, -1, 99};  // 2 tokens, stride 3
  std::vector<float> y(8, -7);                         // y_stride 4
  MatMulF32({w.data(), Format::kF32, 3, 2, 8}, x.data(), 3 * sizeof(float), 2,
            y.data(), 4, 0, 3);
  CHECK(y == std::vector<float>{3, 7, 11, -7, 0, 2, 4, -7});
}

}  // namespace
}  // namespace lapbench::kernels::ref
