// The avx2 variant (AVX2 + FMA + F16C): its operator table and kernels.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/ops.h"

namespace lapbench::kernels::avx2 {

// The avx2 operator table. Reading it is safe on any x86-64 CPU; calling
// its functions requires AVX2, FMA and F16C (the registry checks).
const KernelSet& Avx2Kernels();

// Activation quantizers (QuantizeActFn). Q8_0 rounds ties to even, as
// ggml's x86 code does (ref rounds ties away from zero); the others give
// exactly ref's bytes.
void QuantizeActQ8_0Avx2(const float* x, void* dst, int64_t n);
void QuantizeActQ8_KAvx2(const float* x, void* dst, int64_t n);
void QuantizeActF16Avx2(const float* x, void* dst, int64_t n);
void QuantizeActBf16Avx2(const float* x, void* dst, int64_t n);

// Matrix-vector products (MatVecFn): four rows at a time, each row read
// once, with the activation block shared by the four rows.
void MatVecF32Avx2(const WeightView& w, const void* x, float* y,
                   int64_t row_begin, int64_t row_end);
void MatVecF16Avx2(const WeightView& w, const void* x, float* y,
                   int64_t row_begin, int64_t row_end);
void MatVecBf16Avx2(const WeightView& w, const void* x, float* y,
                    int64_t row_begin, int64_t row_end);
void MatVecQ8_0Avx2(const WeightView& w, const void* x, float* y,
                    int64_t row_begin, int64_t row_end);
void MatVecQ4_0Avx2(const WeightView& w, const void* x, float* y,
                    int64_t row_begin, int64_t row_end);
void MatVecQ4_KAvx2(const WeightView& w, const void* x, float* y,
                    int64_t row_begin, int64_t row_end);
void MatVecQ6_KAvx2(const WeightView& w, const void* x, float* y,
                    int64_t row_begin, int64_t row_end);

// Matrix-matrix products (MatMulFn): tiles of rows x tokens, so a weight
// block is decoded once and used for every token of the tile.
void MatMulF32Avx2(const WeightView& w, const void* x, size_t x_row_bytes,
                   int64_t n_tokens, float* y, int64_t y_stride,
                   int64_t row_begin, int64_t row_end);
void MatMulF16Avx2(const WeightView& w, const void* x, size_t x_row_bytes,
                   int64_t n_tokens, float* y, int64_t y_stride,
                   int64_t row_begin, int64_t row_end);
void MatMulBf16Avx2(const WeightView& w, const void* x, size_t x_row_bytes,
                    int64_t n_tokens, float* y, int64_t y_stride,
                    int64_t row_begin, int64_t row_end);
void MatMulQ8_0Avx2(const WeightView& w, const void* x, size_t x_row_bytes,
                    int64_t n_tokens, float* y, int64_t y_stride,
                    int64_t row_begin, int64_t row_end);
void MatMulQ4_0Avx2(const WeightView& w, const void* x, size_t x_row_bytes,
                    int64_t n_tokens, float* y, int64_t y_stride,
                    int64_t row_begin, int64_t row_end);
void MatMulQ4_KAvx2(const WeightView& w, const void* x, size_t x_row_bytes,
                    int64_t n_tokens, float* y, int64_t y_stride,
                    int64_t row_begin, int64_t row_end);
void MatMulQ6_KAvx2(const WeightView& w, const void* x, size_t x_row_bytes,
                    int64_t n_tokens, float* y, int64_t y_stride,
                    int64_t row_begin, int64_t row_end);

// Normalisation, activations and element-wise arithmetic, 8 floats at a
// time (same contracts as ops.h).
void RmsNormAvx2(const float* x, const float* weight, float* out, int64_t n,
                 float eps);
void SoftmaxAvx2(float* x, int64_t n);
void GeluAvx2(const float* x, float* out, int64_t n);
void SiluAvx2(const float* x, float* out, int64_t n);
void MulAvx2(const float* a, const float* b, float* out, int64_t n);
void AddAvx2(const float* a, const float* b, float* out, int64_t n);

// Attention over an F32 or F16 KV cache (AttentionFn): vectorised q.k dot
// products and the weighted sum of V rows.
void AttentionAvx2(const AttentionParams& p, int64_t head_begin,
                   int64_t head_end);

}  // namespace lapbench::kernels::avx2
