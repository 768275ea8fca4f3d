// Round-trip accuracy of a format: error of dequantize(quantize(x)) vs x.
#include "kernels/formats/accuracy.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "kernels/quantize.h"

namespace lapbench::kernels {

FormatAccuracy CompareToReference(std::span<const float> x,
                                  std::span<const float> y) {
  if (x.size() != y.size()) {
    throw FormatError(fmt::format(
        "accuracy: length of the dequantized row: '{}' (expected {})", y.size(),
        x.size()));
  }
  FormatAccuracy acc;
  acc.n_elems = static_cast<int64_t>(x.size());
  if (x.empty()) return acc;

  // Sums in double so the statistics do not add their own rounding.
  double sum_sq_error = 0.0, sum_sq_x = 0.0, max_abs_x = 0.0;
  for (size_t i = 0; i < x.size(); ++i) {
    const double error = static_cast<double>(y[i]) - x[i];
    sum_sq_error += error * error;
    sum_sq_x += static_cast<double>(x[i]) * x[i];
    acc.max_abs_error = std::max(acc.max_abs_error, std::fabs(error));
    max_abs_x = std::max(max_abs_x, std::fabs(static_cast<double>(x[i])));
  }
  const auto n = static_cast<double>(x.size());
  acc.rmse = std::sqrt(sum_sq_error / n);
  const double rms_x = std::sqrt(sum_sq_x / n);
  acc.relative_rmse = rms_x > 0.0 ? acc.rmse / rms_x : 0.0;
  acc.relative_max_abs_error =
      max_abs_x > 0.0 ? acc.max_abs_error / max_abs_x : 0.0;
  return acc;
}

FormatAccuracy MeasureAccuracy(Format format, std::span<const float> x) {
  const auto n = static_cast<int64_t>(x.size());
  std::vector<uint8_t> blocks(RowBytes(format, n, "accuracy input"));
  std::vector<float> y(x.size());
  QuantizeRow(format, x.data(), blocks.data(), n);
  DequantizeRow(format, blocks.data(), y.data(), n);
  return CompareToReference(x, y);
}

}  // namespace lapbench::kernels
