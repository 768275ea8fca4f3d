// Conversions between F32 and every format (reference algorithms).
#pragma once

#include <cstdint>

#include "kernels/format.h"

namespace lapbench::kernels {

// Quantizes `n` floats into `format` blocks at `dst`, with the reference
// algorithm of ggml (`quantize_row_*_ref`): Q8_0 and Q4_0 give exactly its
// bytes. Precondition: n is a multiple of Info(format).block_elems and
// dst holds RowBytes(format, n) bytes.
void QuantizeRow(Format format, const float* src, void* dst, int64_t n);

// Expands `n` elements of `format` at `src` into floats.
void DequantizeRow(Format format, const void* src, float* dst, int64_t n);

// IEEE binary16 <-> float, round to nearest even, as stored in GGUF.
float Fp16ToFp32(uint16_t h);
uint16_t Fp32ToFp16(float f);
// bfloat16 <-> float, round to nearest even, NaN kept quiet.
float Bf16ToFp32(uint16_t h);
uint16_t Fp32ToBf16(float f);

}  // namespace lapbench::kernels
