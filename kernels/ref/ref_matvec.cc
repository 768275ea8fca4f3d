// Reference matrix-vector products: one dot product per weight row, per
// format, with the per-block arithmetic of ggml's generic kernels.
#include "kernels/formats/blocks.h"
#include "kernels/quantize.h"
#include "kernels/ref/ref_kernels.h"

namespace lapbench::kernels::ref {
namespace {

// Dot product of one weight row of `cols` elements with the activations.
using RowDotFn = float (*)(const void* w_row, const void* x, int64_t cols);

// y[r] = dot(W[r, :], x) for r in [row_begin, row_end).
void MatVecRows(const WeightView& w, const void* x, float* y, int64_t row_begin,
                int64_t row_end, RowDotFn dot) {
  const auto* base = static_cast<const uint8_t*>(w.data);
  for (int64_t r = row_begin; r < row_end; ++r) {
    y[r] = dot(base + static_cast<size_t>(r) * w.row_bytes, x, w.cols);
  }
}

// Float formats: exact products summed in double, as ggml's ggml_float.
float DotF32(const void* w_row, const void* x, int64_t cols) {
  const auto* w = static_cast<const float*>(w_row);
  const auto* a = static_cast<const float*>(x);
  double sum = 0.0;
  for (int64_t c = 0; c < cols; ++c) sum += double{w[c]} * double{a[c]};
  return static_cast<float>(sum);
}

float DotF16(const void* w_row, const void* x, int64_t cols) {
  const auto* w = static_cast<const uint16_t*>(w_row);
  const auto* a = static_cast<const uint16_t*>(x);
  double sum = 0.0;
  for (int64_t c = 0; c < cols; ++c) {
    sum += double{Fp16ToFp32(w[c])} * double{Fp16ToFp32(a[c])};
  }
  return static_cast<float>(sum);
}

float DotBf16(const void* w_row, const void* x, int64_t cols) {
  const auto* w = static_cast<const uint16_t*>(w_row);
  const auto* a = static_cast<const uint16_t*>(x);
  double sum = 0.0;
  for (int64_t c = 0; c < cols; ++c) {
    sum += double{Bf16ToFp32(w[c])} * double{Bf16ToFp32(a[c])};
  }
  return static_cast<float>(sum);
}

// Q8_0 x Q8_0: sum_b d_w * d_a * sum_i qw_i * qa_i, inner sum in int32.
float DotQ8_0(const void* w_row, const void* x, int64_t cols) {
  const auto* w = static_cast<const BlockQ8_0*>(w_row);
  const auto* a = static_cast<const BlockQ8_0*>(x);
  float sum = 0.0f;
  for (int64_t b = 0; b < cols / kQK8_0; ++b) {
    int32_t sum_i = 0;
    for (int i = 0; i < kQK8_0; ++i) sum_i += w[b].qs[i] * a[b].qs[i];
    const float d = Fp16ToFp32(w[b].d) * Fp16ToFp32(a[b].d);
    sum += static_cast<float>(sum_i) * d;
  }
  return sum;
}

// The signed codes (q - 8) of a Q4_0 block, in element order.
void Q4_0Codes(const BlockQ4_0& block, int8_t* q) {
  for (int j = 0; j < kQK4_0 / 2; ++j) {
    q[j] = static_cast<int8_t>((block.qs[j] & 0xF) - 8);
    q[j + kQK4_0 / 2] = static_cast<int8_t>((block.qs[j] >> 4) - 8);
  }
}

// Q4_0 x Q8_0: as Q8_0 with the weight codes offset by -8.
float DotQ4_0(const void* w_row, const void* x, int64_t cols) {
  const auto* w = static_cast<const BlockQ4_0*>(w_row);
  const auto* a = static_cast<const BlockQ8_0*>(x);
  float sum = 0.0f;
  for (int64_t b = 0; b < cols / kQK4_0; ++b) {
    int8_t q[kQK4_0];
    Q4_0Codes(w[b], q);
    int32_t sum_i = 0;
    for (int i = 0; i < kQK4_0; ++i) sum_i += q[i] * a[b].qs[i];
    const float d = Fp16ToFp32(w[b].d) * Fp16ToFp32(a[b].d);
    sum += static_cast<float>(sum_i) * d;
  }
  return sum;
}

// The unsigned 4-bit codes of a Q4_K super-block, in element order.
void Q4_KCodes(const BlockQ4_K& block, uint8_t* q) {
  for (int c = 0; c < 4; ++c) {
    for (int l = 0; l < 32; ++l) {
      q[64 * c + l] = block.qs[32 * c + l] & 0xF;
      q[64 * c + 32 + l] = static_cast<uint8_t>(block.qs[32 * c + l] >> 4);
    }
  }
}

// Q4_K x Q8_K per super-block:
//   d_w d_a sum_j sc_j sum_{i in j} q_i qa_i - dmin_w d_a sum_g m_{g/2} bsum_g
// where the min term uses Q8_K's 16-element sums (bsums).
float DotQ4_K(const void* w_row, const void* x, int64_t cols) {
  const auto* w = static_cast<const BlockQ4_K*>(w_row);
  const auto* a = static_cast<const BlockQ8_K*>(x);
  float sum = 0.0f;
  for (int64_t b = 0; b < cols / kQK_K; ++b) {
    uint8_t q[kQK_K];
    Q4_KCodes(w[b], q);
    int32_t sum_scaled = 0;  // sum_j sc_j * sum_i q_i qa_i
    int32_t sum_mins = 0;    // sum_g m_{g/2} * bsum_g
    for (int j = 0; j < 8; ++j) {
      uint8_t sc = 0;
      uint8_t m = 0;
      GetScaleMinK4(j, w[b].scales, &sc, &m);
      int32_t sub = 0;
      for (int i = 32 * j; i < 32 * j + 32; ++i) sub += q[i] * a[b].qs[i];
      sum_scaled += sc * sub;
      sum_mins += m * (a[b].bsums[2 * j] + a[b].bsums[2 * j + 1]);
    }
    const float d = Fp16ToFp32(w[b].d) * a[b].d;
    const float dmin = Fp16ToFp32(w[b].dmin) * a[b].d;
    sum += d * static_cast<float>(sum_scaled) -
           dmin * static_cast<float>(sum_mins);
  }
  return sum;
}

// The signed codes (q - 32) of a Q6_K super-block, in element order.
void Q6_KCodes(const BlockQ6_K& block, int8_t* q) {
  for (int h = 0; h < 2; ++h) {
    const uint8_t* ql = block.ql + 64 * h;
    const uint8_t* qh = block.qh + 32 * h;
    int8_t* out = q + 128 * h;
    for (int l = 0; l < 32; ++l) {
      out[l] = static_cast<int8_t>(((ql[l] & 0xF) | ((qh[l] & 3) << 4)) - 32);
      out[l + 32] = static_cast<int8_t>(
          ((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32);
      out[l + 64] =
          static_cast<int8_t>(((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32);
      out[l + 96] = static_cast<int8_t>(
          ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32);
    }
  }
}

// Q6_K x Q8_K per super-block: d_w d_a sum_g scale_g sum_{i in g} q_i qa_i.
float DotQ6_K(const void* w_row, const void* x, int64_t cols) {
  const auto* w = static_cast<const BlockQ6_K*>(w_row);
  const auto* a = static_cast<const BlockQ8_K*>(x);
  float sum = 0.0f;
  for (int64_t b = 0; b < cols / kQK_K; ++b) {
    int8_t q[kQK_K];
    Q6_KCodes(w[b], q);
    int32_t sum_scaled = 0;
    for (int g = 0; g < kQK_K / 16; ++g) {
      int32_t sub = 0;
      for (int i = 16 * g; i < 16 * g + 16; ++i) sub += q[i] * a[b].qs[i];
      sum_scaled += w[b].scales[g] * sub;
    }
    const float d = Fp16ToFp32(w[b].d) * a[b].d;
    sum += d * static_cast<float>(sum_scaled);
  }
  return sum;
}

}  // namespace

void MatVecF32(const WeightView& w, const void* x, float* y, int64_t row_begin,
               int64_t row_end) {
  MatVecRows(w, x, y, row_begin, row_end, DotF32);
}

void MatVecF16(const WeightView& w, const void* x, float* y, int64_t row_begin,
               int64_t row_end) {
  MatVecRows(w, x, y, row_begin, row_end, DotF16);
}

void MatVecBf16(const WeightView& w, const void* x, float* y, int64_t row_begin,
                int64_t row_end) {
  MatVecRows(w, x, y, row_begin, row_end, DotBf16);
}

void MatVecQ8_0(const WeightView& w, const void* x, float* y, int64_t row_begin,
                int64_t row_end) {
  MatVecRows(w, x, y, row_begin, row_end, DotQ8_0);
}

void MatVecQ4_0(const WeightView& w, const void* x, float* y, int64_t row_begin,
                int64_t row_end) {
  MatVecRows(w, x, y, row_begin, row_end, DotQ4_0);
}

void MatVecQ4_K(const WeightView& w, const void* x, float* y, int64_t row_begin,
                int64_t row_end) {
  MatVecRows(w, x, y, row_begin, row_end, DotQ4_K);
}

void MatVecQ6_K(const WeightView& w, const void* x, float* y, int64_t row_begin,
                int64_t row_end) {
  MatVecRows(w, x, y, row_begin, row_end, DotQ6_K);
}

}  // namespace lapbench::kernels::ref
