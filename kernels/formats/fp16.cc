// IEEE binary16 and bfloat16 conversions in portable C++ (no F16C needed).
#include <bit>
#include <cstdint>

#include "kernels/quantize.h"

namespace lapbench::kernels {
namespace {

constexpr uint32_t kF32SignMask = 0x80000000u;
constexpr uint32_t kF32AbsMask = 0x7fffffffu;
constexpr uint32_t kF32Inf = 0x7f800000u;
// Smallest normal binary16, 2^-14, as f32 bits.
constexpr uint32_t kF32MinNormalHalf = 0x38800000u;
// 65520 = halfway between 65504 (largest binary16, odd mantissa) and 2^16:
// ties-to-even rounds it, and everything above, to infinity.
constexpr uint32_t kF32HalfOverflow = 0x477ff000u;
// Re-biases an f32 exponent (bias 127) to binary16 (bias 15): 112 << 23.
constexpr uint32_t kExponentRebias = 112u << 23;
constexpr uint16_t kHalfInf = 0x7c00;
constexpr uint16_t kHalfQuietNan = 0x7e00;

// Shifts `mantissa` right by `shift` bits (1..31), rounding to nearest with
// ties to even.
uint32_t ShiftRightRoundEven(uint32_t mantissa, int shift) {
  const uint32_t kept = mantissa >> shift;
  const uint32_t rest = mantissa & ((1u << shift) - 1u);
  const uint32_t half = 1u << (shift - 1);
  const bool round_up = rest > half || (rest == half && (kept & 1u) != 0);
  return kept + (round_up ? 1u : 0u);
}

// |f| < 2^-14 as f32 bits -> binary16 subnormal (or zero) bits.
uint16_t SubnormalHalfBits(uint32_t abs_bits) {
  const int biased_exponent = static_cast<int>(abs_bits >> 23);
  // A binary16 subnormal counts units of 2^-24; the f32 value is
  // (2^23 | mantissa) * 2^(biased_exponent - 150), so the unit count is
  // that significand shifted right by 126 - biased_exponent.
  const int shift = 126 - biased_exponent;
  if (shift > 24) return 0;  // below 2^-25: rounds to zero
  const uint32_t significand = (abs_bits & 0x7fffffu) | 0x800000u;
  return static_cast<uint16_t>(ShiftRightRoundEven(significand, shift));
}

}  // namespace

float Fp16ToFp32(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  const uint32_t exponent = (h >> 10) & 0x1fu;
  const uint32_t mantissa = h & 0x3ffu;
  if (exponent == 0) {
    // Zero or subnormal: mantissa * 2^-24, exact in f32.
    const float magnitude = static_cast<float>(mantissa) * 0x1p-24f;
    return std::bit_cast<float>(std::bit_cast<uint32_t>(magnitude) | sign);
  }
  if (exponent == 31) {
    return std::bit_cast<float>(sign | kF32Inf | (mantissa << 13));
  }
  return std::bit_cast<float>(sign | ((exponent << 23) + kExponentRebias) |
                              (mantissa << 13));
}

uint16_t Fp32ToFp16(float f) {
  const uint32_t bits = std::bit_cast<uint32_t>(f);
  const auto sign = static_cast<uint16_t>((bits & kF32SignMask) >> 16);
  const uint32_t abs_bits = bits & kF32AbsMask;
  if (abs_bits > kF32Inf) return sign | kHalfQuietNan;
  if (abs_bits >= kF32HalfOverflow) return sign | kHalfInf;
  if (abs_bits < kF32MinNormalHalf) return sign | SubnormalHalfBits(abs_bits);

  // Normal: drop 13 mantissa bits with ties to even; a carry out of the
  // mantissa correctly bumps the exponent.
  const uint32_t rounded = abs_bits + 0xfffu + ((abs_bits >> 13) & 1u);
  return sign | static_cast<uint16_t>((rounded - kExponentRebias) >> 13);
}

float Bf16ToFp32(uint16_t h) {
  return std::bit_cast<float>(static_cast<uint32_t>(h) << 16);
}

uint16_t Fp32ToBf16(float f) {
  const uint32_t bits = std::bit_cast<uint32_t>(f);
  if ((bits & kF32AbsMask) > kF32Inf) {
    // NaN: keep sign and payload top, force the quiet bit so truncation
    // cannot turn it into infinity.
    return static_cast<uint16_t>((bits >> 16) | 0x0040u);
  }
  // Ties to even on the 16 dropped bits; overflow carries into infinity.
  const uint32_t rounded = bits + 0x7fffu + ((bits >> 16) & 1u);
  return static_cast<uint16_t>(rounded >> 16);
}

}  // namespace lapbench::kernels
