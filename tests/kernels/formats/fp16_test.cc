// Tests of the binary16 and bfloat16 conversions (rounding, specials).
#include <bit>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>

#include "kernels/quantize.h"

namespace lapbench::kernels {
namespace {

float FromBits(uint32_t bits) { return std::bit_cast<float>(bits); }

bool IsHalfNan(uint16_t h) { return (h & 0x7c00) == 0x7c00 && (h & 0x3ff); }

TEST_CASE("F16 round-trips every binary16 value that is not NaN",
          "[kernels][formats][f16]") {
  for (uint32_t h = 0; h <= 0xffff; ++h) {
    const auto half = static_cast<uint16_t>(h);
    if (IsHalfNan(half)) continue;
    INFO("half bits " << h);
    REQUIRE(Fp32ToFp16(Fp16ToFp32(half)) == half);
  }
}

TEST_CASE("F16 decodes subnormals, infinities and NaN",
          "[kernels][formats][f16]") {
  CHECK(Fp16ToFp32(0x0001) == std::ldexp(1.0f, -24));
  CHECK(Fp16ToFp32(0x03ff) == 1023 * std::ldexp(1.0f, -24));
  CHECK(Fp16ToFp32(0x0400) == std::ldexp(1.0f, -14));
  CHECK(Fp16ToFp32(0x3c00) == 1.0f);
  CHECK(Fp16ToFp32(0xc000) == -2.0f);
  CHECK(Fp16ToFp32(0x7bff) == 65504.0f);
  CHECK(std::bit_cast<uint32_t>(Fp16ToFp32(0x8000)) == 0x80000000u);
  CHECK(Fp16ToFp32(0x7c00) == INFINITY);
  CHECK(Fp16ToFp32(0xfc00) == -INFINITY);
  CHECK(std::isnan(Fp16ToFp32(0x7e00)));
}

TEST_CASE("F16 rounds to nearest with ties to even",
          "[kernels][formats][f16]") {
  // 1 + 2^-11 lies halfway between 1 and the next binary16 (1 + 2^-10).
  CHECK(Fp32ToFp16(1.0f + std::ldexp(1.0f, -11)) == 0x3c00);
  CHECK(Fp32ToFp16(1.0f + 3 * std::ldexp(1.0f, -11)) == 0x3c02);
  CHECK(Fp32ToFp16(std::nextafter(1.0f + std::ldexp(1.0f, -11), 2.0f)) ==
        0x3c01);
  CHECK(Fp32ToFp16(-1.0f) == 0xbc00);
  CHECK(Fp32ToFp16(0.1f) == 0x2e66);
}

TEST_CASE("F16 overflows to infinity from 65520 up",
          "[kernels][formats][f16]") {
  CHECK(Fp32ToFp16(65504.0f) == 0x7bff);
  CHECK(Fp32ToFp16(std::nextafter(65520.0f, 0.0f)) == 0x7bff);
  CHECK(Fp32ToFp16(65520.0f) == 0x7c00);
  CHECK(Fp32ToFp16(-1.0e6f) == 0xfc00);
  CHECK(Fp32ToFp16(INFINITY) == 0x7c00);
  CHECK(Fp32ToFp16(-INFINITY) == 0xfc00);
}

TEST_CASE("F16 produces subnormals and rounds them to even",
          "[kernels][formats][f16]") {
  CHECK(Fp32ToFp16(std::ldexp(1.0f, -24)) == 0x0001);
  CHECK(Fp32ToFp16(std::ldexp(1.0f, -25)) == 0x0000);  // tie -> 0
  CHECK(Fp32ToFp16(std::ldexp(1.5f, -24)) == 0x0002);  // tie -> 2
  CHECK(Fp32ToFp16(std::ldexp(2.5f, -24)) == 0x0002);  // tie -> 2
  CHECK(Fp32ToFp16(std::ldexp(1.0f, -26)) == 0x0000);
  CHECK(Fp32ToFp16(-std::ldexp(3.0f, -24)) == 0x8003);
  // Halfway between the largest subnormal and the smallest normal.
  CHECK(Fp32ToFp16(std::ldexp(1.0f, -14) - std::ldexp(1.0f, -25)) == 0x0400);
  CHECK(Fp32ToFp16(FromBits(0x00000001)) == 0x0000);  // f32 subnormal
  CHECK(Fp32ToFp16(-0.0f) == 0x8000);
}

TEST_CASE("F16 turns every NaN into a quiet NaN with its sign",
          "[kernels][formats][f16]") {
  CHECK(Fp32ToFp16(FromBits(0x7fc00000)) == 0x7e00);
  CHECK(Fp32ToFp16(FromBits(0x7f800001)) == 0x7e00);
  CHECK(Fp32ToFp16(FromBits(0xffc00001)) == 0xfe00);
}

TEST_CASE("BF16 round-trips every bfloat16 value that is not NaN",
          "[kernels][formats][bf16]") {
  for (uint32_t h = 0; h <= 0xffff; ++h) {
    const auto bf = static_cast<uint16_t>(h);
    const float f = Bf16ToFp32(bf);
    INFO("bf16 bits " << h);
    REQUIRE(std::bit_cast<uint32_t>(f) == h << 16);
    if (!std::isnan(f)) REQUIRE(Fp32ToBf16(f) == bf);
  }
}

TEST_CASE("BF16 rounds to nearest even and keeps NaN quiet",
          "[kernels][formats][bf16]") {
  CHECK(Fp32ToBf16(FromBits(0x3f808000)) == 0x3f80);  // tie -> even
  CHECK(Fp32ToBf16(FromBits(0x3f818000)) == 0x3f82);  // tie -> even
  CHECK(Fp32ToBf16(FromBits(0x3f808001)) == 0x3f81);
  CHECK(Fp32ToBf16(FromBits(0x7f7fffff)) == 0x7f80);  // max f32 -> inf
  CHECK(Fp32ToBf16(FromBits(0x00000001)) == 0x0000);  // subnormal tie
  CHECK(Fp32ToBf16(FromBits(0x00018000)) == 0x0002);  // not flushed
  // A NaN whose payload sits in the dropped bits must not become inf.
  CHECK(Fp32ToBf16(FromBits(0x7f800001)) == 0x7fc0);
  CHECK(Fp32ToBf16(FromBits(0xff810000)) == 0xffc1);
}

}  // namespace
}  // namespace lapbench::kernels
