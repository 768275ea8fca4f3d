// Hand-checked Q8_0 and Q4_0 blocks: layouts, rounding rules, round trips.
#include <array>
#include <catch2/catch.hpp>
#include <cstdint>
#include <random>
#include <vector>

#include "kernels/format.h"
#include "kernels/formats/blocks.h"
#include "kernels/quantize.h"

namespace lapbench::kernels {
namespace {

constexpr uint16_t kHalfOne = 0x3c00;        // 1.0
constexpr uint16_t kHalfMinusHalf = 0xb800;  // -0.5

BlockQ4_0 QuantizeQ4_0(const std::array<float, 32>& x) {
  BlockQ4_0 block{};
  QuantizeRow(Format::kQ4_0, x.data(), &block, 32);
  return block;
}

// Code of element e (0..31) in a Q4_0 block: j low, j + 16 high.
int CodeQ4_0(const BlockQ4_0& b, int e) {
  return e < 16 ? (b.qs[e] & 0xF) : (b.qs[e - 16] >> 4);
}

TEST_CASE("Q4_0 of a block led by -8 stores d = 1 and rounds half up",
          "[kernels][formats][q4_0]") {
  std::array<float, 32> x{};
  for (int e = 0; e < 16; ++e) x[e] = static_cast<float>(e - 8);  // -8..7
  const std::array<float, 16> tail = {0.5f,  0.4f, -0.5f, -0.6f, 7.4f, 7.5f,
                                      7.6f,  1.5f, 2.5f,  -1.5f, 0.0f, 3.0f,
                                      -7.5f, 6.5f, 0.49f, -0.49f};
  std::copy(tail.begin(), tail.end(), x.begin() + 16);
  const BlockQ4_0 b = QuantizeQ4_0(x);

  // d = max / -8 = -8 / -8 = 1; id = 1; code = trunc(x + 8.5), max 15.
  CHECK(b.d == kHalfOne);
  for (int e = 0; e < 16; ++e) CHECK(CodeQ4_0(b, e) == e);
  const std::array<int, 16> tail_codes = {9,  8, 8, 7,  15, 15, 15, 10,
                                          11, 7, 8, 11, 1,  15, 8,  8};
  for (int k = 0; k < 16; ++k) {
    INFO("element " << 16 + k << " = " << tail[k]);
    CHECK(CodeQ4_0(b, 16 + k) == tail_codes[k]);
  }
}

TEST_CASE("Q4_0 gives d the opposite sign of a positive extreme",
          "[kernels][formats][q4_0]") {
  std::array<float, 32> x{};
  x[3] = 4.0f;  // first of the two largest magnitudes: it wins
  x[20] = -4.0f;
  x[5] = 1.0f;
  x[6] = 0.25f;
  const BlockQ4_0 b = QuantizeQ4_0(x);

  // d = 4 / -8 = -0.5, id = -2: code = trunc(-2x + 8.5).
  CHECK(b.d == kHalfMinusHalf);
  CHECK(CodeQ4_0(b, 3) == 0);    // 0.5 -> 0: value -8 * d = 4
  CHECK(CodeQ4_0(b, 20) == 15);  // 16.5 -> 16, clamped: value 7 * d = -3.5
  CHECK(CodeQ4_0(b, 5) == 6);    // 6.5 -> 6: value -2 * d = 1
  CHECK(CodeQ4_0(b, 6) == 8);    // 8.0 -> 8: value 0
  CHECK(CodeQ4_0(b, 0) == 8);
}

TEST_CASE("Q4_0 of an all-zero block has d = -0 and every code 8",
          "[kernels][formats][q4_0]") {
  const BlockQ4_0 b = QuantizeQ4_0({});
  // d = max / -8 with max = +0 is -0 in IEEE arithmetic: fp16 0x8000.
  CHECK(b.d == 0x8000);
  for (uint8_t q : b.qs) CHECK(q == 0x88);
}

TEST_CASE("Q4_0 dequantizes element j from the low nibble, j + 16 high",
          "[kernels][formats][q4_0]") {
  BlockQ4_0 b{};
  b.d = kHalfMinusHalf;
  for (int j = 0; j < 16; ++j) {
    b.qs[j] = static_cast<uint8_t>(j | ((15 - j) << 4));
  }
  std::array<float, 32> y{};
  DequantizeRow(Format::kQ4_0, &b, y.data(), 32);
  for (int j = 0; j < 16; ++j) {
    CHECK(y[j] == -0.5f * static_cast<float>(j - 8));
    CHECK(y[j + 16] == -0.5f * static_cast<float>(7 - j));
  }
}

TEST_CASE("Q4_0 round trip is exact for values on its grid",
          "[kernels][formats][q4_0]") {
  std::mt19937 rng(11);
  std::uniform_int_distribution<int> code(-8, 7);
  std::vector<float> x(32 * 64);
  for (int b = 0; b < 64; ++b) {
    // A power-of-two step keeps d, 1/d and every x * (1/d) exact; one
    // element at -8 steps makes the step the block's d.
    const float step = std::ldexp(1.0f, b % 20 - 10);
    for (int e = 0; e < 32; ++e)
      x[32 * b + e] = step * static_cast<float>(code(rng));
    x[32 * b + b % 32] = -8.0f * step;
  }
  std::vector<uint8_t> q(RowBytes(Format::kQ4_0, 32 * 64));
  std::vector<float> y(x.size());
  QuantizeRow(Format::kQ4_0, x.data(), q.data(), 32 * 64);
  DequantizeRow(Format::kQ4_0, q.data(), y.data(), 32 * 64);
  CHECK(y == x);
}

TEST_CASE("Q8_0 rounds half away from zero with d from the max magnitude",
          "[kernels][formats][q8_0]") {
  std::array<float, 32> x{};
  // 127 makes d = 1 exactly, so the .5 values are exact ties.
  const std::array<float, 8> head = {127.0f, -0.5f, 0.5f,  1.5f,
                                     2.5f,   -2.5f, 3.49f, -126.6f};
  std::copy(head.begin(), head.end(), x.begin());
  BlockQ8_0 b{};
  QuantizeRow(Format::kQ8_0, x.data(), &b, 32);

  CHECK(b.d == kHalfOne);
  const std::array<int, 8> codes = {127, -1, 1, 2, 3, -3, 3, -127};
  for (int e = 0; e < 8; ++e) CHECK(b.qs[e] == codes[e]);
  for (int e = 8; e < 32; ++e) CHECK(b.qs[e] == 0);
}

TEST_CASE("Q8_0 stores a negative extreme as -127 with a positive d",
          "[kernels][formats][q8_0]") {
  std::array<float, 32> x{};
  x[31] = -254.0f;  // d = 2
  x[0] = 3.0f;      // 1.5 -> 2 (away from zero)
  x[1] = -5.0f;     // -2.5 -> -3
  BlockQ8_0 b{};
  QuantizeRow(Format::kQ8_0, x.data(), &b, 32);
  CHECK(b.d == 0x4000);  // 2.0
  CHECK(b.qs[31] == -127);
  CHECK(b.qs[0] == 2);
  CHECK(b.qs[1] == -3);
}

TEST_CASE("Q8_0 round trip is exact for values on its grid",
          "[kernels][formats][q8_0]") {
  std::mt19937 rng(12);
  std::uniform_int_distribution<int> code(-127, 127);
  std::vector<float> x(32 * 64);
  for (int b = 0; b < 64; ++b) {
    // d = amax / 127 = step exactly when one element is +-127 steps.
    const float step = std::ldexp(1.0f, b % 24 - 12);
    for (int e = 0; e < 32; ++e)
      x[32 * b + e] = step * static_cast<float>(code(rng));
    x[32 * b + (b * 7) % 32] = (b % 2 ? 127.0f : -127.0f) * step;
  }
  std::vector<uint8_t> q(RowBytes(Format::kQ8_0, 32 * 64));
  std::vector<float> y(x.size());
  QuantizeRow(Format::kQ8_0, x.data(), q.data(), 32 * 64);
  DequantizeRow(Format::kQ8_0, q.data(), y.data(), 32 * 64);
  CHECK(y == x);
}

}  // namespace
}  // namespace lapbench::kernels
