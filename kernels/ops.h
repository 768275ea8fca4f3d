// The operator set every kernel variant implements, as plain function types.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "kernels/format.h"

namespace lapbench::kernels {

// A weight matrix of `rows` x `cols` in `format`, row-major: row r starts at
// data + r * row_bytes and holds `cols` elements (cols / block_elems blocks).
// Products compute y[r] = sum_c W[r, c] * x[c]: cols is the reduction axis.
struct WeightView {
  const void* data = nullptr;
  Format format = Format::kF32;
  int64_t rows = 0;
  int64_t cols = 0;
  size_t row_bytes = 0;
};

// Converts one activation row of `n` floats to the activation format of a
// weight format (Info(weight).activation) at `dst`.
using QuantizeActFn = void (*)(const float* x, void* dst, int64_t n);

// Matrix-vector product over rows [row_begin, row_end):
//   y[r] = dot(W[r, :], x)   with x in the activation format of W.
// y points at the full output vector (length w.rows).
using MatVecFn = void (*)(const WeightView& w, const void* x, float* y,
                          int64_t row_begin, int64_t row_end);

// Matrix-matrix product over weight rows [row_begin, row_end) for every
// token t in [0, n_tokens):
//   y[t * y_stride + r] = dot(W[r, :], X[t, :])
// X is n_tokens activation rows, each x_row_bytes apart.
using MatMulFn = void (*)(const WeightView& w, const void* x,
                          size_t x_row_bytes, int64_t n_tokens, float* y,
                          int64_t y_stride, int64_t row_begin, int64_t row_end);

// out = x / sqrt(mean(x^2) + eps) * weight (weight may be null: no scale).
// x and out have n elements and may alias.
using RmsNormFn = void (*)(const float* x, const float* weight, float* out,
                           int64_t n, float eps);

// How a head's dimensions pair up for rotation.
enum class RopeLayout {
  kInterleaved,  // pairs (2i, 2i+1): Llama's GGUF layout ("norm")
  kHalfSplit,    // pairs (i, i + rotary_dim/2): Gemma, Qwen ("neox")
};

// Rotates the first rotary_dim dimensions of each of n_heads heads of x
// (head_dim apart) for position `pos`. Pair i turns by
//   pos * freq_scale * theta_base^(-2i/rotary_dim) / freq_factors[i]
// (freq_factors may be null, meaning all ones).
struct RopeParams {
  int64_t n_heads = 0;
  int64_t head_dim = 0;
  int64_t rotary_dim = 0;
  float theta_base = 10000.0f;
  float freq_scale = 1.0f;
  const float* freq_factors = nullptr;  // [rotary_dim / 2] or null
  RopeLayout layout = RopeLayout::kHalfSplit;
};
using RopeFn = void (*)(float* x, const RopeParams& p, int64_t pos);

// In-place softmax over n elements.
using SoftmaxFn = void (*)(float* x, int64_t n);

// Element-wise: out[i] = f(x[i]) or a[i] op b[i]; arrays may alias.
using UnaryFn = void (*)(const float* x, float* out, int64_t n);
using BinaryFn = void (*)(const float* a, const float* b, float* out,
                          int64_t n);

// Attention of one query position over a KV cache.
// q:   [n_heads][head_dim] floats.
// k,v: [n_ctx][n_kv_heads][head_dim] in kv_format (F32 or F16), row t at
//      k + t * kv_row_bytes; only positions [first, pos] are read, where
//      first = window > 0 ? max(0, pos - window + 1) : 0.
// out: [n_heads][head_dim] floats.
// scores: scratch, a row of at least (pos + 1) floats per head of the
//      range: head_begin + i uses row i, at scores + i * scores_stride.
// Query head h reads KV head h / (n_heads / n_kv_heads) (grouped-query).
// logit = scale * dot(q, k); with softcap > 0, logit = softcap *
// tanh(logit / softcap).
struct AttentionParams {
  const float* q = nullptr;
  const void* k = nullptr;
  const void* v = nullptr;
  Format kv_format = Format::kF32;
  size_t kv_row_bytes = 0;
  float* out = nullptr;
  float* scores = nullptr;
  int64_t scores_stride = 0;  // floats between the heads' rows in `scores`
  int64_t n_heads = 0;
  int64_t n_kv_heads = 0;
  int64_t head_dim = 0;
  int64_t pos = 0;
  int64_t window = 0;
  float scale = 1.0f;
  float softcap = 0.0f;
};
// Computes heads [head_begin, head_end).
using AttentionFn = void (*)(const AttentionParams& p, int64_t head_begin,
                             int64_t head_end);

// Number of slots in per-format tables: one past the largest GGUF type id
// lapbench supports.
inline constexpr size_t kFormatSlots = 31;
inline size_t Slot(Format f) { return static_cast<size_t>(f); }

// One variant's implementation of the operator set. A null entry means the
// variant does not cover that operator (or that operator x format).
struct KernelSet {
  std::array<QuantizeActFn, kFormatSlots> quantize_act{};  // by act. format
  std::array<MatVecFn, kFormatSlots> matvec{};             // by weight format
  std::array<MatMulFn, kFormatSlots> matmul{};             // by weight format
  RmsNormFn rms_norm = nullptr;
  RopeFn rope = nullptr;
  SoftmaxFn softmax = nullptr;
  UnaryFn gelu = nullptr;  // tanh approximation
  UnaryFn silu = nullptr;
  BinaryFn mul = nullptr;
  BinaryFn add = nullptr;
  AttentionFn attention = nullptr;  // KV cache in F32 or F16
};

}  // namespace lapbench::kernels
