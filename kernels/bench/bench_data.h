// Weights and activations for the product benchmarks, at real model shapes.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kernels/ops.h"
#include "probes/measure.h"

namespace lapbench::kernels::bench {

// One weight matrix a model multiplies by: y[rows] = W[rows][cols] x[cols].
struct ProductShape {
  std::string name;  // "gemma3_12b_ffn_up_3840x15360" (cols x rows)
  int64_t rows = 0;  // outputs
  int64_t cols = 0;  // inputs, the reduction axis
};

// A weight matrix in `format` that lives in huge-page-advised memory with
// every page written before any timing. Its rows repeat a pool of distinct
// quantized rows: the speed of a product does not depend on the values,
// and quantizing hundreds of megabytes row by row would take minutes.
class BenchWeights {
 public:
  BenchWeights(Format format, const ProductShape& shape, int n_touch_threads);
  bool ok() const { return buffer_.ok(); }
  const std::string& error() const { return buffer_.error(); }
  const WeightView& view() const { return view_; }
  uint64_t size_bytes() const { return view_.row_bytes * view_.rows; }

 private:
  probes::BandwidthBuffer buffer_;
  WeightView view_;
};

// The weights of (format, shape), made on first use and kept until another
// (format, shape) is asked for, so consecutive benchmarks of one matrix
// share it and at most one large matrix is alive at a time.
const BenchWeights& SharedWeights(Format format, const ProductShape& shape,
                                  int n_touch_threads);

// n_tokens activation rows of `cols` values quantized by ref into the
// activation format of `weight`, rows packed x_row_bytes apart.
struct BenchActivations {
  std::vector<uint8_t> bytes;  // [n_tokens][x_row_bytes]
  size_t x_row_bytes = 0;
};
BenchActivations MakeActivations(Format weight, int64_t cols, int64_t n_tokens);

}  // namespace lapbench::kernels::bench
