// Weights and activations for the product benchmarks.
#include "kernels/bench/bench_data.h"

#include <cstring>
#include <random>

#include "kernels/quantize.h"
#include "kernels/ref/ref_kernels.h"

namespace lapbench::kernels::bench {
namespace {

// Distinct rows in a weight pool: 64 rows of a 15360-column F32 matrix are
// 3.75 MiB, and the repetition period (64 rows) is far longer than any
// kernel's row tile, so no kernel sees the same row twice in a tile.
constexpr int64_t kPoolRows = 64;

// Normal values with a few outliers, the way real weights and activations
// spread, from a fixed seed.
std::vector<float> RandomValues(int64_t n, uint32_t seed) {
  std::mt19937 gen(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> v(static_cast<size_t>(n));
  for (float& x : v) x = normal(gen);
  for (size_t i = 0; i < v.size(); i += 97) v[i] *= 20.0f;
  return v;
}

// kPoolRows rows quantized into `format`, row_bytes apart.
std::vector<uint8_t> MakePool(Format format, int64_t cols, size_t row_bytes) {
  const std::vector<float> values = RandomValues(kPoolRows * cols, 17u);
  std::vector<uint8_t> pool(row_bytes * kPoolRows);
  for (int64_t r = 0; r < kPoolRows; ++r) {
    QuantizeRow(format, values.data() + r * cols, pool.data() + r * row_bytes,
                cols);
  }
  return pool;
}

}  // namespace

BenchWeights::BenchWeights(Format format, const ProductShape& shape,
                           int n_touch_threads)
    : buffer_(RowBytes(format, shape.cols, shape.name) *
                  static_cast<uint64_t>(shape.rows),
              n_touch_threads) {
  const size_t row_bytes = RowBytes(format, shape.cols, shape.name);
  view_ = {buffer_.data(), format, shape.rows, shape.cols, row_bytes};
  if (!buffer_.ok()) return;
  const std::vector<uint8_t> pool = MakePool(format, shape.cols, row_bytes);
  for (int64_t r = 0; r < shape.rows; r += kPoolRows) {
    const int64_t n = std::min(kPoolRows, shape.rows - r);
    std::memcpy(buffer_.data() + static_cast<size_t>(r) * row_bytes,
                pool.data(), static_cast<size_t>(n) * row_bytes);
  }
}

const BenchWeights& SharedWeights(Format format, const ProductShape& shape,
                                  int n_touch_threads) {
  static std::unique_ptr<BenchWeights> weights;
  static Format weights_format = Format::kF32;
  static std::string weights_shape;
  if (!weights || weights_format != format || weights_shape != shape.name) {
    weights.reset();  // free the old matrix before making the new one
    weights = std::make_unique<BenchWeights>(format, shape, n_touch_threads);
    weights_format = format;
    weights_shape = shape.name;
  }
  return *weights;
}

BenchActivations MakeActivations(Format weight, int64_t cols,
                                 int64_t n_tokens) {
  const Format act = Info(weight).activation;
  BenchActivations a;
  a.x_row_bytes = RowBytes(act, cols, "activations");
  a.bytes.resize(a.x_row_bytes * static_cast<size_t>(n_tokens));
  const std::vector<float> values = RandomValues(n_tokens * cols, 29u);
  for (int64_t t = 0; t < n_tokens; ++t) {
    ref::RefKernels().quantize_act[Slot(act)](
        values.data() + t * cols, a.bytes.data() + t * a.x_row_bytes, cols);
  }
  return a;
}

}  // namespace lapbench::kernels::bench
