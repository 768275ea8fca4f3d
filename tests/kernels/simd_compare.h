// Test helpers comparing a SIMD variant's operators with ref's on the same
// bytes (shared by the avx2 and avx512 suites).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "kernels/format.h"
#include "kernels/ops.h"
#include "kernels/quantize.h"
#include "kernels/ref/ref_kernels.h"

namespace lapbench::kernels::testing {

// Products: |variant - ref| / sum_c |W[r,c] x[c]| of the dequantized row.
// Both sides use identical weight and activation bytes and exact integer
// block sums, so they differ only in float summation order: at most one
// rounding (6e-8 relative) per block partial sum, under 1e-5 for the 448
// blocks of a 14336-column row. 1e-4 leaves headroom without hiding a
// wrong code or scale, which shows up as an error near 1.
constexpr double kProductTolerance = 1e-4;

// Element-wise operators and attention: relative to max(1, |ref|). The
// SIMD exp polynomial is within 2e-7 relative, and the sums it feeds add
// a few float roundings; 1e-5 is ten times that.
constexpr double kElementTolerance = 1e-5;

// Gaussian data with a few 20x outliers, as real activations and weights.
inline std::vector<float> RandomFloats(int64_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> v(static_cast<size_t>(n));
  for (auto& x : v) x = normal(rng);
  for (int64_t i = 0; i < n; i += 97) v[static_cast<size_t>(i)] *= 20.0f;
  return v;
}

// A quantized weight matrix with its dequantized copy.
struct Matrix {
  std::vector<uint8_t> bytes;
  std::vector<float> values;  // rows x cols, dequantized
  WeightView view;
};

inline Matrix MakeMatrix(Format format, int64_t rows, int64_t cols,
                         uint32_t seed) {
  Matrix m;
  const size_t row_bytes = RowBytes(format, cols);
  m.bytes.resize(row_bytes * static_cast<size_t>(rows));
  m.values.resize(static_cast<size_t>(rows * cols));
  const std::vector<float> src = RandomFloats(rows * cols, seed);
  for (int64_t r = 0; r < rows; ++r) {
    QuantizeRow(format, src.data() + r * cols, m.bytes.data() + r * row_bytes,
                cols);
    DequantizeRow(format, m.bytes.data() + r * row_bytes,
                  m.values.data() + r * cols, cols);
  }
  m.view = {m.bytes.data(), format, rows, cols, row_bytes};
  return m;
}

// n_tokens activation rows of `cols` floats quantized by ref.
struct Activations {
  std::vector<float> values;   // n_tokens x cols
  std::vector<uint8_t> bytes;  // n_tokens x row_bytes
  size_t row_bytes = 0;
};

inline Activations MakeActivations(Format weight, int64_t cols,
                                   int64_t n_tokens, uint32_t seed) {
  Activations a;
  const Format act = Info(weight).activation;
  a.row_bytes = RowBytes(act, cols);
  a.values = RandomFloats(cols * n_tokens, seed);
  a.bytes.resize(a.row_bytes * static_cast<size_t>(n_tokens));
  for (int64_t t = 0; t < n_tokens; ++t) {
    ref::RefKernels().quantize_act[Slot(act)](
        a.values.data() + t * cols, a.bytes.data() + t * a.row_bytes, cols);
  }
  return a;
}

// sum_c |W[r,c] x_t[c]|: the scale a product error is measured against.
inline double AbsDot(const Matrix& m, const Activations& a, int64_t r,
                     int64_t t) {
  const int64_t cols = m.view.cols;
  double sum = 0.0;
  for (int64_t c = 0; c < cols; ++c) {
    sum += std::fabs(double{m.values[static_cast<size_t>(r * cols + c)]} *
                     double{a.values[static_cast<size_t>(t * cols + c)]});
  }
  return std::max(sum, 1e-30);
}

// Largest normalised error of `k`'s matmul for `format` against ref's over
// a rows x cols matrix and n_tokens tokens (matvec when n_tokens is 0).
inline double ProductError(const KernelSet& k, Format format, int64_t rows,
                           int64_t cols, int64_t n_tokens) {
  const bool matvec = n_tokens == 0;
  const int64_t tokens = matvec ? 1 : n_tokens;
  const Matrix m = MakeMatrix(format, rows, cols, 11u);
  const Activations a = MakeActivations(format, cols, tokens, 23u);
  std::vector<float> want(static_cast<size_t>(rows * tokens));
  std::vector<float> got(want.size(), NAN);
  const KernelSet& ref = ref::RefKernels();
  if (matvec) {
    ref.matvec[Slot(format)](m.view, a.bytes.data(), want.data(), 0, rows);
    k.matvec[Slot(format)](m.view, a.bytes.data(), got.data(), 0, rows);
  } else {
    ref.matmul[Slot(format)](m.view, a.bytes.data(), a.row_bytes, tokens,
                             want.data(), rows, 0, rows);
    k.matmul[Slot(format)](m.view, a.bytes.data(), a.row_bytes, tokens,
                           got.data(), rows, 0, rows);
  }
  double worst = 0.0;
  for (int64_t t = 0; t < tokens; ++t) {
    for (int64_t r = 0; r < rows; ++r) {
      const size_t i = static_cast<size_t>(t * rows + r);
      const double err = std::fabs(double{got[i]} - double{want[i]});
      worst = std::max(worst,
                       std::isnan(err) ? INFINITY : err / AbsDot(m, a, r, t));
    }
  }
  return worst;
}

// Largest |variant - ref| / max(1, |ref|) over two float vectors.
inline double RelativeError(const std::vector<float>& got,
                            const std::vector<float>& want) {
  double worst = 0.0;
  for (size_t i = 0; i < got.size(); ++i) {
    const double err = std::fabs(double{got[i]} - double{want[i]}) /
                       std::max(1.0, std::fabs(double{want[i]}));
    worst = std::max(worst, std::isnan(err) ? INFINITY : err);
  }
  return worst;
}

}  // namespace lapbench::kernels::testing

namespace lapbench::kernels::testing {

// Row counts that exercise a full tile, a partial tile and a single row
// (tiles are 4 or 8 rows).
inline constexpr int64_t kAwkwardRows[] = {1, 7, 33};

// Column counts per format: one block, odd numbers of blocks (three: a
// pair and a single; seven: a group of four, a pair and a single), and a
// Gemma-class FFN row (14336). Float formats also get a length that is no
// multiple of any register width.
inline std::vector<int64_t> AwkwardCols(Format format) {
  const int64_t block = Info(format).block_elems;
  if (block == 1) return {1, 37, 14336};
  return {block, 3 * block, 7 * block, 14336};
}

// The weight formats a SIMD variant must cover.
inline constexpr Format kWeightFormats[] = {
    Format::kF32,  Format::kF16,  Format::kBf16, Format::kQ8_0,
    Format::kQ4_0, Format::kQ4_K, Format::kQ6_K,
};

}  // namespace lapbench::kernels::testing
