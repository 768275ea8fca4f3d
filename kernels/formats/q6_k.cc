// Q6_K: 256-element super-blocks of sixteen int8-scaled 6-bit groups.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "kernels/formats/row_codecs.h"
#include "kernels/formats/scale_search.h"
#include "kernels/quantize.h"

namespace lapbench::kernels {
namespace {

constexpr int kGroup = 16;
constexpr int kGroups = kQK_K / kGroup;  // 16
// Codes are q in 0..63 meaning q - 32.
constexpr int kCodeOffset = 32;
// Group scales are int8 multiples of d; the extreme group gets -128.
constexpr float kScaleRange = 128.0f;
constexpr float kGroupMaxEps = 1e-15f;

// Step 1: a signed least-squares scale per 16-element group.
void SearchGroups(const float* x, float* scale, uint8_t* codes) {
  for (int g = 0; g < kGroups; ++g) {
    scale[g] = SearchSymmetricScale(kGroup, kCodeOffset, x + g * kGroup,
                                    codes + g * kGroup);
  }
}

// The group scale of largest magnitude, keeping its sign.
float SignedMaxScale(const float* scale) {
  float max_abs = 0.0f, max_scale = 0.0f;
  for (int g = 0; g < kGroups; ++g) {
    if (std::fabs(scale[g]) > max_abs) {
      max_abs = std::fabs(scale[g]);
      max_scale = scale[g];
    }
  }
  return max_scale;
}

// Steps 2-3: int8 group scales against d = 1 / iscale, then the codes
// re-rounded against the scales as stored.
void StoreScalesAndCodes(const float* x, const float* scale, float max_scale,
                         BlockQ6_K* y, uint8_t* codes) {
  const float iscale = -kScaleRange / max_scale;
  y->d = Fp32ToFp16(1.0f / iscale);
  for (int g = 0; g < kGroups; ++g) {
    y->scales[g] =
        static_cast<int8_t>(std::min(127, NearestInt(iscale * scale[g])));
  }
  const float d = Fp16ToFp32(y->d);
  for (int g = 0; g < kGroups; ++g) {
    const float step = d * static_cast<float>(y->scales[g]);
    if (step == 0.0f) continue;  // keep the search's codes
    for (int i = 0; i < kGroup; ++i) {
      const int q = NearestInt(x[g * kGroup + i] / step);
      codes[g * kGroup + i] = static_cast<uint8_t>(
          std::clamp(q, -kCodeOffset, kCodeOffset - 1) + kCodeOffset);
    }
  }
}

// Splits each 6-bit code into ql (low 4 bits) and qh (high 2 bits) in the
// order of the table in blocks.h.
void PackCodes(const uint8_t* codes, BlockQ6_K* y) {
  for (int h = 0; h < 2; ++h) {
    const uint8_t* c = codes + 128 * h;
    uint8_t* ql = y->ql + 64 * h;
    uint8_t* qh = y->qh + 32 * h;
    for (int l = 0; l < 32; ++l) {
      ql[l] = static_cast<uint8_t>((c[l] & 0xF) | ((c[l + 64] & 0xF) << 4));
      ql[l + 32] =
          static_cast<uint8_t>((c[l + 32] & 0xF) | ((c[l + 96] & 0xF) << 4));
      qh[l] = static_cast<uint8_t>((c[l] >> 4) | ((c[l + 32] >> 4) << 2) |
                                   ((c[l + 64] >> 4) << 4) |
                                   ((c[l + 96] >> 4) << 6));
    }
  }
}

void QuantizeBlockQ6_K(const float* x, BlockQ6_K* y) {
  float scale[kGroups];
  uint8_t codes[kQK_K];
  SearchGroups(x, scale, codes);
  const float max_scale = SignedMaxScale(scale);
  if (std::fabs(max_scale) < kGroupMaxEps) {
    std::memset(y, 0, sizeof(*y));  // all-zero block: d = 0
    return;
  }
  StoreScalesAndCodes(x, scale, max_scale, y, codes);
  PackCodes(codes, y);
}

void DequantizeBlockQ6_K(const BlockQ6_K& x, float* y) {
  const float d = Fp16ToFp32(x.d);
  for (int h = 0; h < 2; ++h) {
    const uint8_t* ql = x.ql + 64 * h;
    const uint8_t* qh = x.qh + 32 * h;
    const int8_t* sc = x.scales + 8 * h;
    float* out = y + 128 * h;
    for (int l = 0; l < 32; ++l) {
      // Element 32k + l sits in group 2k + l / 16 of this half.
      const int q[4] = {(ql[l] & 0xF) | (((qh[l] >> 0) & 3) << 4),
                        (ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4),
                        (ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4),
                        (ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)};
      for (int k = 0; k < 4; ++k) {
        const float group_d = d * static_cast<float>(sc[2 * k + l / 16]);
        out[32 * k + l] = group_d * static_cast<float>(q[k] - kCodeOffset);
      }
    }
  }
}

}  // namespace

void QuantizeRowQ6_K(const float* x, BlockQ6_K* y, int64_t n) {
  for (int64_t b = 0; b < n / kQK_K; ++b) {
    QuantizeBlockQ6_K(x + b * kQK_K, y + b);
  }
}

void DequantizeRowQ6_K(const BlockQ6_K* x, float* y, int64_t n) {
  for (int64_t b = 0; b < n / kQK_K; ++b) {
    DequantizeBlockQ6_K(x[b], y + b * kQK_K);
  }
}

}  // namespace lapbench::kernels
