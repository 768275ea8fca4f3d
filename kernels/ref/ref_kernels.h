// The portable reference operators: plain C++, the oracle for every variant.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/ops.h"

namespace lapbench::kernels::ref {

// The `ref` operator table: every operator, every weight format.
const KernelSet& RefKernels();

// Activation quantizers (QuantizeActFn), one per activation format; each
// writes QuantizeRow's bytes, so the layouts are the GGUF blocks.
void QuantizeActF32(const float* x, void* dst, int64_t n);
void QuantizeActF16(const float* x, void* dst, int64_t n);
void QuantizeActBf16(const float* x, void* dst, int64_t n);
void QuantizeActQ8_0(const float* x, void* dst, int64_t n);
void QuantizeActQ8_K(const float* x, void* dst, int64_t n);

// Matrix-vector products (MatVecFn), one per weight format. `x` is in the
// activation format of the weight (Info(w.format).activation).
void MatVecF32(const WeightView& w, const void* x, float* y, int64_t row_begin,
               int64_t row_end);
void MatVecF16(const WeightView& w, const void* x, float* y, int64_t row_begin,
               int64_t row_end);
void MatVecBf16(const WeightView& w, const void* x, float* y, int64_t row_begin,
                int64_t row_end);
void MatVecQ8_0(const WeightView& w, const void* x, float* y, int64_t row_begin,
                int64_t row_end);
void MatVecQ4_0(const WeightView& w, const void* x, float* y, int64_t row_begin,
                int64_t row_end);
void MatVecQ4_K(const WeightView& w, const void* x, float* y, int64_t row_begin,
                int64_t row_end);
void MatVecQ6_K(const WeightView& w, const void* x, float* y, int64_t row_begin,
                int64_t row_end);

// Matrix-matrix products (MatMulFn): the matching MatVec once per token.
void MatMulF32(const WeightView& w, const void* x, size_t x_row_bytes,
               int64_t n_tokens, float* y, int64_t y_stride, int64_t row_begin,
               int64_t row_end);
void MatMulF16(const WeightView& w, const void* x, size_t x_row_bytes,
               int64_t n_tokens, float* y, int64_t y_stride, int64_t row_begin,
               int64_t row_end);
void MatMulBf16(const WeightView& w, const void* x, size_t x_row_bytes,
                int64_t n_tokens, float* y, int64_t y_stride, int64_t row_begin,
                int64_t row_end);
void MatMulQ8_0(const WeightView& w, const void* x, size_t x_row_bytes,
                int64_t n_tokens, float* y, int64_t y_stride, int64_t row_begin,
                int64_t row_end);
void MatMulQ4_0(const WeightView& w, const void* x, size_t x_row_bytes,
                int64_t n_tokens, float* y, int64_t y_stride, int64_t row_begin,
                int64_t row_end);
void MatMulQ4_K(const WeightView& w, const void* x, size_t x_row_bytes,
                int64_t n_tokens, float* y, int64_t y_stride, int64_t row_begin,
                int64_t row_end);
void MatMulQ6_K(const WeightView& w, const void* x, size_t x_row_bytes,
                int64_t n_tokens, float* y, int64_t y_stride, int64_t row_begin,
                int64_t row_end);

// RMSNorm (RmsNormFn): sum of squares in double, as ggml does.
void RmsNorm(const float* x, const float* weight, float* out, int64_t n,
             float eps);

// RoPE (RopeFn) in both layouts; angles computed in double.
void Rope(float* x, const RopeParams& p, int64_t pos);

// Softmax (SoftmaxFn): max-subtracted, sum in double.
void Softmax(float* x, int64_t n);

// Activations and element-wise arithmetic (UnaryFn, BinaryFn).
void Gelu(const float* x, float* out, int64_t n);  // tanh form
void Silu(const float* x, float* out, int64_t n);
void Mul(const float* a, const float* b, float* out, int64_t n);
void Add(const float* a, const float* b, float* out, int64_t n);

// Attention of one query position over an F32 or F16 KV cache (AttentionFn).
void Attention(const AttentionParams& p, int64_t head_begin, int64_t head_end);

}  // namespace lapbench::kernels::ref
