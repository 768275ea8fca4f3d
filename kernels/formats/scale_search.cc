// Scale searches of the K-quant reference quantizers (make_qkx2/qx_quants).
#include "kernels/formats/scale_search.h"

#include <algorithm>
#include <cmath>

namespace lapbench::kernels {
namespace {

// Below this magnitude a group is treated as all zeros (GROUP_MAX_EPS).
constexpr float kGroupMaxEps = 1e-15f;

int ClampInt(int v, int lo, int hi) { return std::max(lo, std::min(hi, v)); }

// The running best of the affine search; min is <= 0 and is also the
// origin of the next candidate's code grid, as in the reference.
struct AffineState {
  float min = 0.0f;
  float max = 0.0f;
  float scale = 0.0f;
  float error = 0.0f;
};

// Codes of x on the grid min + k / iscale, clamped to 0..nmax.
void AffineCodes(int n, const float* x, float min, float iscale, int nmax,
                 uint8_t* codes) {
  for (int i = 0; i < n; ++i) {
    const int l = NearestInt(iscale * (x[i] - min));
    codes[i] = static_cast<uint8_t>(ClampInt(l, 0, nmax));
  }
}

float WeightedSquaredError(int n, const float* x, const float* w,
                           const uint8_t* codes, float scale, float min) {
  float error = 0.0f;
  for (int i = 0; i < n; ++i) {
    const float diff = scale * static_cast<float>(codes[i]) + min - x[i];
    error += w[i] * (diff * diff);
  }
  return error;
}

// Weighted least squares for x ~= scale * code + min. Returns false when the
// codes are degenerate (all equal under the weights). A positive fitted min
// is clamped to 0 and the scale refitted alone, since mins are stored as
// non-negative offsets.
bool FitScaleAndMin(int n, const float* x, const float* w, const uint8_t* codes,
                    float* scale, float* min) {
  float sum_w = 0.0f, sum_x = 0.0f, sum_l = 0.0f, sum_l2 = 0.0f;
  float sum_xl = 0.0f;
  for (int i = 0; i < n; ++i) {
    const auto l = static_cast<float>(codes[i]);
    sum_w += w[i];
    sum_x += w[i] * x[i];
    sum_l += w[i] * l;
    sum_l2 += w[i] * l * l;
    sum_xl += w[i] * l * x[i];
  }
  const float det = sum_w * sum_l2 - sum_l * sum_l;
  if (!(det > 0.0f)) return false;
  *scale = (sum_w * sum_xl - sum_x * sum_l) / det;
  *min = (sum_l2 * sum_x - sum_l * sum_xl) / det;
  if (*min > 0.0f) {
    *min = 0.0f;
    *scale = sum_xl / sum_l2;
  }
  return true;
}

// Symmetric codes of x for iscale, in -nmax..nmax-1 (without the offset).
int SymmetricCode(float x, float iscale, int nmax) {
  return ClampInt(NearestInt(iscale * x), -nmax, nmax - 1);
}

// Weighted (w = x^2) sums for the least-squares scale of one iscale.
void SymmetricSums(int n, int nmax, const float* x, float iscale, float* sum_lx,
                   float* sum_l2) {
  *sum_lx = 0.0f;
  *sum_l2 = 0.0f;
  for (int i = 0; i < n; ++i) {
    const auto l = static_cast<float>(SymmetricCode(x[i], iscale, nmax));
    const float w = x[i] * x[i];
    *sum_lx += w * x[i] * l;
    *sum_l2 += w * l * l;
  }
}

void SymmetricCodes(int n, int nmax, const float* x, float iscale,
                    uint8_t* codes) {
  for (int i = 0; i < n; ++i) {
    codes[i] = static_cast<uint8_t>(SymmetricCode(x[i], iscale, nmax) + nmax);
  }
}

}  // namespace

float SearchAffineScale(int n, const float* x, const float* w,
                        const AffineSearch& opts, uint8_t* codes,
                        uint8_t* scratch, float* min_offset) {
  AffineState best;
  best.min = std::min(0.0f, *std::min_element(x, x + n));
  best.max = *std::max_element(x, x + n);
  if (best.max == best.min) {
    std::fill(codes, codes + n, uint8_t{0});
    *min_offset = -best.min;
    return 0.0f;
  }

  // Start from the plain min/max grid.
  const float first_iscale =
      static_cast<float>(opts.nmax) / (best.max - best.min);
  best.scale = 1.0f / first_iscale;
  AffineCodes(n, x, best.min, first_iscale, opts.nmax, codes);
  best.error = WeightedSquaredError(n, x, w, codes, best.scale, best.min);

  // Stretch the grid step by step; refit scale and min to each code set.
  for (int is = 0; is <= opts.nstep; ++is) {
    const float iscale = (opts.rmin + opts.rdelta * static_cast<float>(is) +
                          static_cast<float>(opts.nmax)) /
                         (best.max - best.min);
    AffineCodes(n, x, best.min, iscale, opts.nmax, scratch);
    float scale = 0.0f, min = 0.0f;
    if (!FitScaleAndMin(n, x, w, scratch, &scale, &min)) continue;
    const float error = WeightedSquaredError(n, x, w, scratch, scale, min);
    if (error < best.error) {
      std::copy(scratch, scratch + n, codes);
      best.error = error;
      best.scale = scale;
      best.min = min;
    }
  }
  *min_offset = -best.min;
  return best.scale;
}

float SearchSymmetricScale(int n, int nmax, const float* x, uint8_t* codes) {
  float amax = 0.0f, max = 0.0f;
  for (int i = 0; i < n; ++i) {
    if (std::fabs(x[i]) > amax) {
      amax = std::fabs(x[i]);
      max = x[i];
    }
  }
  if (amax < kGroupMaxEps) {
    std::fill(codes, codes + n, uint8_t{0});
    return 0.0f;
  }

  // Plain grid: the extreme element maps to code -nmax.
  const float fmax = static_cast<float>(nmax);
  float iscale = -fmax / max;
  SymmetricCodes(n, nmax, x, iscale, codes);
  float sum_lx = 0.0f, sum_l2 = 0.0f;
  SymmetricSums(n, nmax, x, iscale, &sum_lx, &sum_l2);
  float scale = sum_l2 != 0.0f ? sum_lx / sum_l2 : 0.0f;
  float best = scale * sum_lx;

  // Nearby grids; (sum_lx)^2 / sum_l2 is the error reduction of each fit.
  for (int is = -9; is <= 9; ++is) {
    if (is == 0) continue;
    iscale = -(fmax + 0.1f * static_cast<float>(is)) / max;
    SymmetricSums(n, nmax, x, iscale, &sum_lx, &sum_l2);
    if (sum_l2 > 0.0f && sum_lx * sum_lx > best * sum_l2) {
      SymmetricCodes(n, nmax, x, iscale, codes);
      scale = sum_lx / sum_l2;
      best = scale * sum_lx;
    }
  }
  return scale;
}

}  // namespace lapbench::kernels
