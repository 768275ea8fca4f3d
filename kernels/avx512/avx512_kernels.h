// The avx512 variant (AVX-512 F/BW/VL/DQ + VNNI, optional AVX512-BF16):
// its operator table and kernels.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/ops.h"

namespace lapbench::kernels::avx512 {

// The avx512 operator table for this CPU. The variant requires AVX2, FMA,
// F16C and AVX-512 F/BW/VL/DQ/VNNI (the registry checks them before any
// call); VNNI is required rather than optional because a CPU with AVX-512
// but no VNNI (Skylake-SP) gains little over avx2, which it then gets.
// AVX512-BF16 is optional: the BF16 entries use vdpbf16ps only when
// DetectCpuFeatures() reports it usable, else the widen-and-FMA kernels.
// Reading the table is safe on any x86-64 CPU.
const KernelSet& Avx512Kernels();
// The table with (use_bf16 = true) or without AVX512-BF16 instructions;
// tests use it to check both BF16 paths on a CPU that has BF16.
const KernelSet& Avx512Kernels(bool use_bf16);

// Matrix-vector products (MatVecFn), 8 rows at a time. Q8_0 and Q4_0 use
// vpdpbusd on two blocks per 512-bit register; the K-quants use vpdpwssd
// with the per-sub-block scales.
void MatVecF32Avx512(const WeightView& w, const void* x, float* y,
                     int64_t row_begin, int64_t row_end);
void MatVecF16Avx512(const WeightView& w, const void* x, float* y,
                     int64_t row_begin, int64_t row_end);
void MatVecBf16Avx512(const WeightView& w, const void* x, float* y,
                      int64_t row_begin, int64_t row_end);
void MatVecBf16DotAvx512(const WeightView& w, const void* x, float* y,
                         int64_t row_begin, int64_t row_end);  // vdpbf16ps
void MatVecQ8_0Avx512(const WeightView& w, const void* x, float* y,
                      int64_t row_begin, int64_t row_end);
void MatVecQ4_0Avx512(const WeightView& w, const void* x, float* y,
                      int64_t row_begin, int64_t row_end);
void MatVecQ4_KAvx512(const WeightView& w, const void* x, float* y,
                      int64_t row_begin, int64_t row_end);
void MatVecQ6_KAvx512(const WeightView& w, const void* x, float* y,
                      int64_t row_begin, int64_t row_end);

// Matrix-matrix products (MatMulFn), tiles of 4 rows x 4 tokens.
void MatMulF32Avx512(const WeightView& w, const void* x, size_t x_row_bytes,
                     int64_t n_tokens, float* y, int64_t y_stride,
                     int64_t row_begin, int64_t row_end);
void MatMulF16Avx512(const WeightView& w, const void* x, size_t x_row_bytes,
                     int64_t n_tokens, float* y, int64_t y_stride,
                     int64_t row_begin, int64_t row_end);
void MatMulBf16Avx512(const WeightView& w, const void* x, size_t x_row_bytes,
                      int64_t n_tokens, float* y, int64_t y_stride,
                      int64_t row_begin, int64_t row_end);
void MatMulBf16DotAvx512(const WeightView& w, const void* x, size_t x_row_bytes,
                         int64_t n_tokens, float* y, int64_t y_stride,
                         int64_t row_begin,
                         int64_t row_end);  // vdpbf16ps
void MatMulQ8_0Avx512(const WeightView& w, const void* x, size_t x_row_bytes,
                      int64_t n_tokens, float* y, int64_t y_stride,
                      int64_t row_begin, int64_t row_end);
void MatMulQ4_0Avx512(const WeightView& w, const void* x, size_t x_row_bytes,
                      int64_t n_tokens, float* y, int64_t y_stride,
                      int64_t row_begin, int64_t row_end);
void MatMulQ4_KAvx512(const WeightView& w, const void* x, size_t x_row_bytes,
                      int64_t n_tokens, float* y, int64_t y_stride,
                      int64_t row_begin, int64_t row_end);
void MatMulQ6_KAvx512(const WeightView& w, const void* x, size_t x_row_bytes,
                      int64_t n_tokens, float* y, int64_t y_stride,
                      int64_t row_begin, int64_t row_end);

}  // namespace lapbench::kernels::avx512
