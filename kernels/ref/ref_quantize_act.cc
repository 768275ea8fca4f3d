// Reference activation quantizers: QuantizeRow into the pairing format.
#include <cstring>

#include "kernels/quantize.h"
#include "kernels/ref/ref_kernels.h"

namespace lapbench::kernels::ref {

void QuantizeActF32(const float* x, void* dst, int64_t n) {
  std::memcpy(dst, x, static_cast<size_t>(n) * sizeof(float));
}

void QuantizeActF16(const float* x, void* dst, int64_t n) {
  QuantizeRow(Format::kF16, x, dst, n);
}

void QuantizeActBf16(const float* x, void* dst, int64_t n) {
  QuantizeRow(Format::kBf16, x, dst, n);
}

void QuantizeActQ8_0(const float* x, void* dst, int64_t n) {
  QuantizeRow(Format::kQ8_0, x, dst, n);
}

void QuantizeActQ8_K(const float* x, void* dst, int64_t n) {
  QuantizeRow(Format::kQ8_K, x, dst, n);
}

}  // namespace lapbench::kernels::ref
