// QuantizeRow / DequantizeRow: checks the row length, dispatches by format.
#include "kernels/quantize.h"

#include <fmt/format.h>

#include <cmath>
#include <cstring>

#include "kernels/formats/row_codecs.h"

namespace lapbench::kernels {
namespace {

// Block quantizers derive a scale from the block maximum: one NaN or
// infinity would silently ruin the block (and a NaN reaching Q4_0's
// truncating cast is undefined behaviour), so such input is rejected.
// Float formats convert non-finite values as IEEE defines.
void RequireFinite(Format format, const float* src, int64_t n) {
  if (Info(format).block_elems == 1) return;
  for (int64_t i = 0; i < n; ++i) {
    if (!std::isfinite(src[i])) {
      throw FormatError(fmt::format(
          "QuantizeRow: element {} of a {} row: '{}' (expected a finite "
          "value)",
          i, Info(format).name, src[i]));
    }
  }
}

}  // namespace

void QuantizeRow(Format format, const float* src, void* dst, int64_t n) {
  // Throws FormatError naming the row length and the block size.
  const size_t row_bytes = RowBytes(format, n, "QuantizeRow");
  if (row_bytes == 0) return;
  RequireFinite(format, src, n);
  switch (format) {
    case Format::kF32:
      std::memcpy(dst, src, row_bytes);
      return;
    case Format::kF16:
      return QuantizeRowF16(src, static_cast<uint16_t*>(dst), n);
    case Format::kBf16:
      return QuantizeRowBf16(src, static_cast<uint16_t*>(dst), n);
    case Format::kQ8_0:
      return QuantizeRowQ8_0(src, static_cast<BlockQ8_0*>(dst), n);
    case Format::kQ4_0:
      return QuantizeRowQ4_0(src, static_cast<BlockQ4_0*>(dst), n);
    case Format::kQ4_K:
      return QuantizeRowQ4_K(src, static_cast<BlockQ4_K*>(dst), n);
    case Format::kQ6_K:
      return QuantizeRowQ6_K(src, static_cast<BlockQ6_K*>(dst), n);
    case Format::kQ8_K:
      return QuantizeRowQ8_K(src, static_cast<BlockQ8_K*>(dst), n);
  }
}

void DequantizeRow(Format format, const void* src, float* dst, int64_t n) {
  const size_t row_bytes = RowBytes(format, n, "DequantizeRow");
  if (row_bytes == 0) return;
  switch (format) {
    case Format::kF32:
      std::memcpy(dst, src, row_bytes);
      return;
    case Format::kF16:
      return DequantizeRowF16(static_cast<const uint16_t*>(src), dst, n);
    case Format::kBf16:
      return DequantizeRowBf16(static_cast<const uint16_t*>(src), dst, n);
    case Format::kQ8_0:
      return DequantizeRowQ8_0(static_cast<const BlockQ8_0*>(src), dst, n);
    case Format::kQ4_0:
      return DequantizeRowQ4_0(static_cast<const BlockQ4_0*>(src), dst, n);
    case Format::kQ4_K:
      return DequantizeRowQ4_K(static_cast<const BlockQ4_K*>(src), dst, n);
    case Format::kQ6_K:
      return DequantizeRowQ6_K(static_cast<const BlockQ6_K*>(src), dst, n);
    case Format::kQ8_K:
      return DequantizeRowQ8_K(static_cast<const BlockQ8_K*>(src), dst, n);
  }
}

}  // namespace lapbench::kernels
