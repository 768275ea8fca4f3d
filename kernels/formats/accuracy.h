// Round-trip accuracy of a format: error of dequantize(quantize(x)) vs x.
#pragma once

#include <cstdint>
#include <span>

#include "kernels/format.h"

namespace lapbench::kernels {

// Errors of one round trip, in the units of the input and relative to it.
struct FormatAccuracy {
  int64_t n_elems = 0;
  double rmse = 0.0;           // sqrt(mean((y - x)^2))
  double max_abs_error = 0.0;  // max |y - x|
  double relative_rmse = 0.0;  // rmse / sqrt(mean(x^2)); 0 for an all-zero x
  double relative_max_abs_error = 0.0;  // max_abs_error / max |x|; 0 if x = 0
};

// Quantizes `x` as one row of `format` with QuantizeRow, dequantizes it,
// and measures the error against x. Throws FormatError when x.size() is
// not a multiple of the format's block. Precondition: x is finite.
FormatAccuracy MeasureAccuracy(Format format, std::span<const float> x);

// The same statistics for an already dequantized `y` against `x` (equal
// sizes), for comparing any two float vectors.
FormatAccuracy CompareToReference(std::span<const float> x,
                                  std::span<const float> y);

}  // namespace lapbench::kernels
