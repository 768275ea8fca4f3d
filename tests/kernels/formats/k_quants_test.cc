// Q4_K, Q6_K and Q8_K: bit layouts checked against hand-packed blocks.
#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "kernels/format.h"
#include "kernels/formats/blocks.h"
#include "kernels/quantize.h"

namespace lapbench::kernels {
namespace {

constexpr uint16_t kHalfOne = 0x3c00;      // 1.0
constexpr uint16_t kHalfHalf = 0x3800;     // 0.5
constexpr uint16_t kHalfQuarter = 0x3400;  // 0.25

// Packs sc[8], m[8] (6 bits each) by the table of the format description.
std::array<uint8_t, 12> PackScalesByTable(const std::array<uint8_t, 8>& sc,
                                          const std::array<uint8_t, 8>& m) {
  std::array<uint8_t, 12> s{};
  for (int j = 0; j < 4; ++j) {
    s[j] = static_cast<uint8_t>(sc[j] | ((sc[j + 4] >> 4) << 6));
    s[j + 4] = static_cast<uint8_t>(m[j] | ((m[j + 4] >> 4) << 6));
    s[j + 8] =
        static_cast<uint8_t>((sc[j + 4] & 0xF) | ((m[j + 4] & 0xF) << 4));
  }
  return s;
}

TEST_CASE("GetScaleMinK4 decodes every 6-bit scale and min of Q4_K",
          "[kernels][formats][q4_k]") {
  const std::array<uint8_t, 8> sc = {1, 17, 33, 63, 5, 48, 20, 62};
  const std::array<uint8_t, 8> m = {0, 63, 32, 7, 63, 16, 47, 1};
  const std::array<uint8_t, 12> packed = PackScalesByTable(sc, m);
  for (int j = 0; j < 8; ++j) {
    uint8_t got_sc = 0, got_m = 0;
    GetScaleMinK4(j, packed.data(), &got_sc, &got_m);
    INFO("sub-block " << j);
    CHECK(got_sc == sc[j]);
    CHECK(got_m == m[j]);
  }
}

TEST_CASE("Q4_K dequantizes d * sc * q - dmin * m in the chunked order",
          "[kernels][formats][q4_k]") {
  BlockQ4_K b{};
  b.d = kHalfOne;
  b.dmin = kHalfHalf;
  std::array<uint8_t, 8> sc{}, m{};
  for (int j = 0; j < 8; ++j) {
    sc[j] = static_cast<uint8_t>(j + 1 + 7 * j);  // 1, 9, ... 57
    m[j] = static_cast<uint8_t>(63 - 5 * j);
  }
  const std::array<uint8_t, 12> packed = PackScalesByTable(sc, m);
  std::copy(packed.begin(), packed.end(), b.scales);
  for (int i = 0; i < 128; ++i) {
    b.qs[i] = static_cast<uint8_t>((i % 16) | ((15 - (i * 3) % 16) << 4));
  }
  std::vector<float> y(256);
  DequantizeRow(Format::kQ4_K, &b, y.data(), 256);

  // qs[32c + l]: low nibble -> element 64c + l (sub-block 2c), high nibble
  // -> element 64c + 32 + l (sub-block 2c + 1).
  for (int c = 0; c < 4; ++c) {
    for (int l = 0; l < 32; ++l) {
      const int i = 32 * c + l;
      const float lo = static_cast<float>(sc[2 * c] * (i % 16)) -
                       0.5f * static_cast<float>(m[2 * c]);
      const float hi = static_cast<float>(sc[2 * c + 1] * (15 - (i * 3) % 16)) -
                       0.5f * static_cast<float>(m[2 * c + 1]);
      CHECK(y[64 * c + l] == lo);
      CHECK(y[64 * c + 32 + l] == hi);
    }
  }
}

// Writes 6-bit code q of element e into a Q6_K block by the layout table.
void PutCodeQ6_K(BlockQ6_K* b, int e, int q) {
  const int h = e / 128, k = (e % 128) / 32, l = e % 32;
  uint8_t* ql = b->ql + 64 * h + l + (k % 2 == 1 ? 32 : 0);
  const int low_shift = k >= 2 ? 4 : 0;
  *ql = static_cast<uint8_t>(*ql | ((q & 0xF) << low_shift));
  uint8_t* qh = b->qh + 32 * h + l;
  *qh = static_cast<uint8_t>(*qh | ((q >> 4) << (2 * k)));
}

TEST_CASE("Q6_K dequantizes d * scale * (q - 32) in the split-bit order",
          "[kernels][formats][q6_k]") {
  BlockQ6_K b{};
  b.d = kHalfQuarter;
  for (int g = 0; g < 16; ++g) {
    b.scales[g] = static_cast<int8_t>(g % 2 ? -(g * 8) : g * 5 - 40);
  }
  std::array<int, 256> q{};
  for (int e = 0; e < 256; ++e) {
    q[e] = (e * 37 + 11) % 64;
    PutCodeQ6_K(&b, e, q[e]);
  }
  std::vector<float> y(256);
  DequantizeRow(Format::kQ6_K, &b, y.data(), 256);
  for (int e = 0; e < 256; ++e) {
    INFO("element " << e);
    CHECK(y[e] == 0.25f * static_cast<float>(b.scales[e / 16]) *
                      static_cast<float>(q[e] - 32));
  }
}

TEST_CASE("Q6_K of an all-zero block is all zero bytes",
          "[kernels][formats][q6_k]") {
  const std::vector<float> x(512, 0.0f);
  std::vector<uint8_t> q(RowBytes(Format::kQ6_K, 512), 0xab);
  QuantizeRow(Format::kQ6_K, x.data(), q.data(), 512);
  CHECK(std::all_of(q.begin(), q.end(), [](uint8_t v) { return v == 0; }));
}

TEST_CASE("Q6_K gives the extreme group scale -128 and the max element -32",
          "[kernels][formats][q6_k]") {
  std::mt19937 rng(5);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> x(256);
  for (float& v : x) v = normal(rng);
  x[77] = 9.0f;  // dominates its group (77 / 16 = 4) and the block
  BlockQ6_K b{};
  QuantizeRow(Format::kQ6_K, x.data(), &b, 256);
  CHECK(b.scales[4] == -128);
  CHECK(Fp16ToFp32(b.d) > 0.0f);

  std::vector<float> y(256);
  DequantizeRow(Format::kQ6_K, &b, y.data(), 256);
  // Element 77 must sit on code 0 (value -32 steps of a negative scale).
  const float step = Fp16ToFp32(b.d) * -128.0f;
  CHECK(y[77] == step * -32.0f);
}

TEST_CASE("Q4_K of a constant negative block dequantizes near it",
          "[kernels][formats][q4_k]") {
  // Every sub-block collapses to scale 0 and min offset 3: the value comes
  // from dmin * m alone, so the error is fp16's rounding of dmin * 63.
  constexpr float kFp16RelativeStep = 1.0f / 2048.0f;
  const std::vector<float> x(256, -3.0f);
  BlockQ4_K b{};
  QuantizeRow(Format::kQ4_K, x.data(), &b, 256);
  std::vector<float> y(256);
  DequantizeRow(Format::kQ4_K, &b, y.data(), 256);
  for (float v : y) CHECK(std::fabs(v + 3.0f) <= 3.0f * kFp16RelativeStep);
}

TEST_CASE("Q8_K maps the max magnitude to -127 and fills bsums",
          "[kernels][formats][q8_k]") {
  std::mt19937 rng(8);
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  std::vector<float> x(512);
  for (float& v : x) v = uniform(rng);
  x[300] = 2.0f;  // block 1: positive extreme -> d < 0
  x[10] = -2.5f;  // block 0: negative extreme -> d > 0
  std::array<BlockQ8_K, 2> b{};
  QuantizeRow(Format::kQ8_K, x.data(), b.data(), 512);

  CHECK(b[0].d == 1.0f / (-127.0f / -2.5f));
  CHECK(b[0].qs[10] == -127);
  CHECK(b[1].d == 1.0f / (-127.0f / 2.0f));
  CHECK(b[1].qs[300 - 256] == -127);
  for (const BlockQ8_K& block : b) {
    for (int g = 0; g < 16; ++g) {
      int sum = 0;
      for (int i = 0; i < 16; ++i) sum += block.qs[16 * g + i];
      CHECK(block.bsums[g] == sum);
    }
  }
}

TEST_CASE("Q8_K of an all-zero block zeroes d, codes and bsums",
          "[kernels][formats][q8_k]") {
  const std::vector<float> x(256, 0.0f);
  BlockQ8_K b;
  std::memset(&b, 0xab, sizeof(b));
  QuantizeRow(Format::kQ8_K, x.data(), &b, 256);
  CHECK(b.d == 0.0f);
  CHECK(std::all_of(std::begin(b.qs), std::end(b.qs),
                    [](int8_t v) { return v == 0; }));
  CHECK(std::all_of(std::begin(b.bsums), std::end(b.bsums),
                    [](int16_t v) { return v == 0; }));
}

}  // namespace
}  // namespace lapbench::kernels
