// Packed GGUF/ggml block structs, byte-for-byte as stored in GGUF files.
#pragma once

#include <cstdint>

namespace lapbench::kernels {

// Elements per block. The 32-element formats share one geometry; the
// K-quants group 256 elements into a super-block.
inline constexpr int kQK4_0 = 32;
inline constexpr int kQK8_0 = 32;
inline constexpr int kQK_K = 256;
// Bytes of the packed 6-bit scale/min table of Q4_K (8 scales + 8 mins).
inline constexpr int kKScaleBytes = 12;

// All fields are little-endian; fp16 values are IEEE binary16 bit patterns
// (decode with Fp16ToFp32 from kernels/quantize.h). Every member is naturally
// aligned at its offset, so no packing pragma is needed; the static_asserts
// pin the sizes to the GGUF ones.

// Q4_0: x[e] = d * (q[e] - 8), q in 0..15. qs[j] holds element j in its low
// nibble and element j + 16 in its high nibble.
struct BlockQ4_0 {
  uint16_t d;              // fp16 scale
  uint8_t qs[kQK4_0 / 2];  // 32 4-bit codes
};
static_assert(sizeof(BlockQ4_0) == 18, "BlockQ4_0 must match GGUF (18 B)");

// Q8_0: x[e] = d * qs[e].
struct BlockQ8_0 {
  uint16_t d;         // fp16 scale
  int8_t qs[kQK8_0];  // 32 signed codes in -127..127
};
static_assert(sizeof(BlockQ8_0) == 34, "BlockQ8_0 must match GGUF (34 B)");

// Q4_K: eight 32-element sub-blocks j with 6-bit scale sc[j] and min m[j]:
//   x = d * sc[j] * q - dmin * m[j], q in 0..15.
// qs[32c + l] holds element 64c + l (low nibble, sub-block 2c) and element
// 64c + 32 + l (high nibble, sub-block 2c + 1); c = 0..3, l = 0..31.
struct BlockQ4_K {
  uint16_t d;                    // fp16 super-scale of the scales
  uint16_t dmin;                 // fp16 super-scale of the mins
  uint8_t scales[kKScaleBytes];  // packed 6-bit sc[8], m[8]; GetScaleMinK4
  uint8_t qs[kQK_K / 2];         // 256 4-bit codes
};
static_assert(sizeof(BlockQ4_K) == 144, "BlockQ4_K must match GGUF (144 B)");

// Q6_K: x[e] = d * scales[e / 16] * (q[e] - 32), q in 0..63. For half h
// (elements 128h..128h+127), QL = ql + 64h, QH = qh + 32h, l = 0..31:
//   128h + l      : QL[l] & 0xF,      (QH[l] >> 0) & 3
//   128h + 32 + l : QL[l + 32] & 0xF, (QH[l] >> 2) & 3
//   128h + 64 + l : QL[l] >> 4,       (QH[l] >> 4) & 3
//   128h + 96 + l : QL[l + 32] >> 4,  (QH[l] >> 6) & 3
// with q = low4 | (high2 << 4).
struct BlockQ6_K {
  uint8_t ql[kQK_K / 2];      // low 4 bits of the codes
  uint8_t qh[kQK_K / 4];      // high 2 bits of the codes
  int8_t scales[kQK_K / 16];  // one signed scale per 16 elements
  uint16_t d;                 // fp16 super-scale, stored last
};
static_assert(sizeof(BlockQ6_K) == 210, "BlockQ6_K must match GGUF (210 B)");

// Q8_K (activations of the K-quant dot products): x[e] = d * qs[e] with an
// f32 d; bsums[g] is the sum of qs[16g .. 16g + 15].
struct BlockQ8_K {
  float d;                    // f32 scale (negative when the max is > 0)
  int8_t qs[kQK_K];           // 256 signed codes in -128..127
  int16_t bsums[kQK_K / 16];  // 16-element code sums for the Q4_K min term
};
static_assert(sizeof(BlockQ8_K) == 292, "BlockQ8_K must match GGUF (292 B)");

// Decodes the 6-bit scale `sc` and min `m` of Q4_K sub-block j (0..7) from
// the 12-byte table: bytes 0-3 hold sc[0..3] in bits 0-5, bytes 4-7 hold
// m[0..3]; bytes 8-11 hold the low 4 bits of sc[4..7] (low nibble) and
// m[4..7] (high nibble), whose top 2 bits sit in bits 6-7 of bytes 0-7.
inline void GetScaleMinK4(int j, const uint8_t* scales, uint8_t* sc,
                          uint8_t* m) {
  if (j < 4) {
    *sc = static_cast<uint8_t>(scales[j] & 63);
    *m = static_cast<uint8_t>(scales[j + 4] & 63);
  } else {
    *sc = static_cast<uint8_t>((scales[j + 4] & 0xF) |
                               ((scales[j - 4] >> 6) << 4));
    *m = static_cast<uint8_t>((scales[j + 4] >> 4) | ((scales[j] >> 6) << 4));
  }
}

}  // namespace lapbench::kernels
