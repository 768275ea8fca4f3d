// Per-format row quantizers and dequantizers behind QuantizeRow/DequantizeRow.
#pragma once

#include <cstdint>

#include "kernels/formats/blocks.h"

namespace lapbench::kernels {

// Each function converts one row of `n` elements. Preconditions (checked by
// QuantizeRow/DequantizeRow, not here): n is a multiple of the format's
// block, the buffers hold n elements / n / block_elems blocks, and the
// input floats of the block formats are finite. Quantizers follow ggml's
// quantize_row_*_ref.

// F16 and BF16: one element per 16-bit word, round to nearest even.
void QuantizeRowF16(const float* x, uint16_t* y, int64_t n);
void DequantizeRowF16(const uint16_t* x, float* y, int64_t n);
void QuantizeRowBf16(const float* x, uint16_t* y, int64_t n);
void DequantizeRowBf16(const uint16_t* x, float* y, int64_t n);

void QuantizeRowQ8_0(const float* x, BlockQ8_0* y, int64_t n);
void DequantizeRowQ8_0(const BlockQ8_0* x, float* y, int64_t n);

void QuantizeRowQ4_0(const float* x, BlockQ4_0* y, int64_t n);
void DequantizeRowQ4_0(const BlockQ4_0* x, float* y, int64_t n);

void QuantizeRowQ4_K(const float* x, BlockQ4_K* y, int64_t n);
void DequantizeRowQ4_K(const BlockQ4_K* x, float* y, int64_t n);

void QuantizeRowQ6_K(const float* x, BlockQ6_K* y, int64_t n);
void DequantizeRowQ6_K(const BlockQ6_K* x, float* y, int64_t n);

void QuantizeRowQ8_K(const float* x, BlockQ8_K* y, int64_t n);
void DequantizeRowQ8_K(const BlockQ8_K* x, float* y, int64_t n);

}  // namespace lapbench::kernels
