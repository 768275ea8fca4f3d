// Reference matrix-matrix products: the matching matrix-vector product run
// once per token, so prefill is exactly n_tokens decodes.
#include "kernels/ref/ref_kernels.h"

namespace lapbench::kernels::ref {
namespace {

// Runs `matvec` for each of the n_tokens activation rows of X.
void MatMulByTokens(MatVecFn matvec, const WeightView& w, const void* x,
                    size_t x_row_bytes, int64_t n_tokens, float* y,
                    int64_t y_stride, int64_t row_begin, int64_t row_end) {
  const auto* x_bytes = static_cast<const uint8_t*>(x);
  for (int64_t t = 0; t < n_tokens; ++t) {
    matvec(w, x_bytes + static_cast<size_t>(t) * x_row_bytes, y + t * y_stride,
           row_begin, row_end);
  }
}

}  // namespace

void MatMulF32(const WeightView& w, const void* x, size_t x_row_bytes,
               int64_t n_tokens, float* y, int64_t y_stride, int64_t row_begin,
               int64_t row_end) {
  MatMulByTokens(MatVecF32, w, x, x_row_bytes, n_tokens, y, y_stride, row_begin,
                 row_end);
}

void MatMulF16(const WeightView& w, const void* x, size_t x_row_bytes,
               int64_t n_tokens, float* y, int64_t y_stride, int64_t row_begin,
               int64_t row_end) {
  MatMulByTokens(MatVecF16, w, x, x_row_bytes, n_tokens, y, y_stride, row_begin,
                 row_end);
}

void MatMulBf16(const WeightView& w, const void* x, size_t x_row_bytes,
                int64_t n_tokens, float* y, int64_t y_stride, int64_t row_begin,
                int64_t row_end) {
  MatMulByTokens(MatVecBf16, w, x, x_row_bytes, n_tokens, y, y_stride,
                 row_begin, row_end);
}

void MatMulQ8_0(const WeightView& w, const void* x, size_t x_row_bytes,
                int64_t n_tokens, float* y, int64_t y_stride, int64_t row_begin,
                int64_t row_end) {
  MatMulByTokens(MatVecQ8_0, w, x, x_row_bytes, n_tokens, y, y_stride,
                 row_begin, row_end);
}

void MatMulQ4_0(const WeightView& w, const void* x, size_t x_row_bytes,
                int64_t n_tokens, float* y, int64_t y_stride, int64_t row_begin,
                int64_t row_end) {
  MatMulByTokens(MatVecQ4_0, w, x, x_row_bytes, n_tokens, y, y_stride,
                 row_begin, row_end);
}

void MatMulQ4_K(const WeightView& w, const void* x, size_t x_row_bytes,
                int64_t n_tokens, float* y, int64_t y_stride, int64_t row_begin,
                int64_t row_end) {
  MatMulByTokens(MatVecQ4_K, w, x, x_row_bytes, n_tokens, y, y_stride,
                 row_begin, row_end);
}

void MatMulQ6_K(const WeightView& w, const void* x, size_t x_row_bytes,
                int64_t n_tokens, float* y, int64_t y_stride, int64_t row_begin,
                int64_t row_end) {
  MatMulByTokens(MatVecQ6_K, w, x, x_row_bytes, n_tokens, y, y_stride,
                 row_begin, row_end);
}

}  // namespace lapbench::kernels::ref
