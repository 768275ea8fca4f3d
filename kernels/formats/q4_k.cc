// Q4_K: 256-element super-blocks of eight scaled, offset 4-bit sub-blocks.
#include <algorithm>
#include <cmath>

#include "kernels/formats/row_codecs.h"
#include "kernels/formats/scale_search.h"
#include "kernels/quantize.h"

namespace lapbench::kernels {
namespace {

constexpr int kSubBlock = 32;
constexpr int kSubBlocks = kQK_K / kSubBlock;  // 8
constexpr int kMaxCode = 15;
// Sub-block scales and mins are stored as 6-bit multiples of d and dmin.
constexpr int kMaxScaleCode = 63;

// The reference search for Q4_K: 21 stretched grids from nmax - 1.
constexpr AffineSearch kQ4_KSearch = {
    .nmax = kMaxCode, .rmin = -1.0f, .rdelta = 0.1f, .nstep = 20};

// Inverse of GetScaleMinK4: packs 6-bit scale `sc` and min `m` of
// sub-block j into the 12-byte table (which must start zeroed).
void PutScaleMinK4(int j, uint8_t sc, uint8_t m, uint8_t* scales) {
  if (j < 4) {
    scales[j] = sc;
    scales[j + 4] = m;
    return;
  }
  scales[j + 4] = static_cast<uint8_t>((sc & 0xF) | ((m & 0xF) << 4));
  scales[j - 4] = static_cast<uint8_t>(scales[j - 4] | ((sc >> 4) << 6));
  scales[j] = static_cast<uint8_t>(scales[j] | ((m >> 4) << 6));
}

// Step 1: per sub-block scale and min offset, weighted by av + |x| so large
// elements count more but small ones still matter.
void SearchSubBlocks(const float* x, float* scale, float* min_offset,
                     uint8_t* codes) {
  float weights[kSubBlock];
  uint8_t scratch[kSubBlock];
  for (int j = 0; j < kSubBlocks; ++j) {
    const float* xs = x + j * kSubBlock;
    float sum_x2 = 0.0f;
    for (int l = 0; l < kSubBlock; ++l) sum_x2 += xs[l] * xs[l];
    const float av_x = std::sqrt(sum_x2 / static_cast<float>(kSubBlock));
    for (int l = 0; l < kSubBlock; ++l) weights[l] = av_x + std::fabs(xs[l]);
    scale[j] =
        SearchAffineScale(kSubBlock, xs, weights, kQ4_KSearch,
                          codes + j * kSubBlock, scratch, &min_offset[j]);
  }
}

// Step 2: quantizes the eight scales and mins to 6 bits against d, dmin.
void StoreScales(const float* scale, const float* min_offset, BlockQ4_K* y) {
  constexpr auto kMaxScale = static_cast<float>(kMaxScaleCode);
  const float max_scale =
      std::max(0.0f, *std::max_element(scale, scale + kSubBlocks));
  const float max_min =
      std::max(0.0f, *std::max_element(min_offset, min_offset + kSubBlocks));
  const float inv_scale = max_scale > 0.0f ? kMaxScale / max_scale : 0.0f;
  const float inv_min = max_min > 0.0f ? kMaxScale / max_min : 0.0f;
  std::fill(y->scales, y->scales + kKScaleBytes, uint8_t{0});
  for (int j = 0; j < kSubBlocks; ++j) {
    // The search never returns a negative scale; the clamp keeps a 6-bit
    // field even if it did.
    const int ls =
        std::clamp(NearestInt(inv_scale * scale[j]), 0, kMaxScaleCode);
    const int lm =
        std::clamp(NearestInt(inv_min * min_offset[j]), 0, kMaxScaleCode);
    PutScaleMinK4(j, static_cast<uint8_t>(ls), static_cast<uint8_t>(lm),
                  y->scales);
  }
  y->d = Fp32ToFp16(max_scale / kMaxScale);
  y->dmin = Fp32ToFp16(max_min / kMaxScale);
}

// Step 3: re-rounds every element against the scales as stored, so the
// codes absorb the 6-bit and fp16 rounding of the scales.
void RequantizeWithStoredScales(const float* x, const BlockQ4_K& y,
                                uint8_t* codes) {
  const float d = Fp16ToFp32(y.d);
  const float dmin = Fp16ToFp32(y.dmin);
  for (int j = 0; j < kSubBlocks; ++j) {
    uint8_t sc = 0, m = 0;
    GetScaleMinK4(j, y.scales, &sc, &m);
    const float step = d * static_cast<float>(sc);
    if (step == 0.0f) continue;  // keep the search's codes
    const float offset = dmin * static_cast<float>(m);
    for (int l = 0; l < kSubBlock; ++l) {
      const int q = NearestInt((x[j * kSubBlock + l] + offset) / step);
      codes[j * kSubBlock + l] =
          static_cast<uint8_t>(std::clamp(q, 0, kMaxCode));
    }
  }
}

// qs[32c + l]: element 64c + l low, element 64c + 32 + l high.
void PackCodes(const uint8_t* codes, uint8_t* qs) {
  for (int c = 0; c < kQK_K / 64; ++c) {
    for (int l = 0; l < 32; ++l) {
      qs[32 * c + l] = static_cast<uint8_t>(codes[64 * c + l] |
                                            (codes[64 * c + 32 + l] << 4));
    }
  }
}

void QuantizeBlockQ4_K(const float* x, BlockQ4_K* y) {
  float scale[kSubBlocks];
  float min_offset[kSubBlocks];
  uint8_t codes[kQK_K];
  SearchSubBlocks(x, scale, min_offset, codes);
  StoreScales(scale, min_offset, y);
  RequantizeWithStoredScales(x, *y, codes);
  PackCodes(codes, y->qs);
}

void DequantizeBlockQ4_K(const BlockQ4_K& x, float* y) {
  const float d = Fp16ToFp32(x.d);
  const float dmin = Fp16ToFp32(x.dmin);
  for (int c = 0; c < kQK_K / 64; ++c) {
    uint8_t sc_lo = 0, m_lo = 0, sc_hi = 0, m_hi = 0;
    GetScaleMinK4(2 * c, x.scales, &sc_lo, &m_lo);
    GetScaleMinK4(2 * c + 1, x.scales, &sc_hi, &m_hi);
    const float d_lo = d * static_cast<float>(sc_lo);
    const float min_lo = dmin * static_cast<float>(m_lo);
    const float d_hi = d * static_cast<float>(sc_hi);
    const float min_hi = dmin * static_cast<float>(m_hi);
    for (int l = 0; l < 32; ++l) {
      const uint8_t q = x.qs[32 * c + l];
      y[64 * c + l] = d_lo * static_cast<float>(q & 0xF) - min_lo;
      y[64 * c + 32 + l] = d_hi * static_cast<float>(q >> 4) - min_hi;
    }
  }
}

}  // namespace

void QuantizeRowQ4_K(const float* x, BlockQ4_K* y, int64_t n) {
  for (int64_t b = 0; b < n / kQK_K; ++b) {
    QuantizeBlockQ4_K(x + b * kQK_K, y + b);
  }
}

void DequantizeRowQ4_K(const BlockQ4_K* x, float* y, int64_t n) {
  for (int64_t b = 0; b < n / kQK_K; ++b) {
    DequantizeBlockQ4_K(x[b], y + b * kQK_K);
  }
}

}  // namespace lapbench::kernels
