// F16 and BF16 rows: element-wise conversions of a whole row.
#include "kernels/formats/row_codecs.h"
#include "kernels/quantize.h"

namespace lapbench::kernels {

void QuantizeRowF16(const float* x, uint16_t* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = Fp32ToFp16(x[i]);
}

void DequantizeRowF16(const uint16_t* x, float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = Fp16ToFp32(x[i]);
}

void QuantizeRowBf16(const float* x, uint16_t* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = Fp32ToBf16(x[i]);
}

void DequantizeRowBf16(const uint16_t* x, float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = Bf16ToFp32(x[i]);
}

}  // namespace lapbench::kernels
