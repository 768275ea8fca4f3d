// Rounding and scale searches shared by the K-quant reference quantizers.
#pragma once

#include <bit>
#include <cstdint>

namespace lapbench::kernels {

// Rounds to the nearest integer, ties to even, for |f| <= 4194303. Adding
// 1.5 * 2^23 puts the integer part in the low mantissa bits (the FPU rounds
// the sum to nearest even); reading them back avoids a libm call on
// baseline x86-64, which has no SSE4.1 round instruction.
inline int NearestInt(float f) {
  constexpr float kMagic = 12582912.0f;  // 1.5 * 2^23
  const auto bits = std::bit_cast<int32_t>(f + kMagic);
  return (bits & 0x007fffff) - 0x00400000;
}

// Options of the asymmetric (scale + min) search, as used by Q4_K.
struct AffineSearch {
  int nmax = 15;        // codes are 0..nmax
  float rmin = -1.0f;   // first candidate: iscale = (nmax + rmin) / range
  float rdelta = 0.1f;  // candidate step
  int nstep = 20;       // candidates rmin, rmin + rdelta, ... (nstep + 1)
};

// Fits x[i] ~= scale * codes[i] - min_offset with weights w over n elements
// (ggml's make_qkx2_quants with squared error): tries the min/max scale,
// then nstep + 1 stretched scales, each refined by a weighted least-squares
// fit of scale and min, keeping the lowest weighted squared error.
// `min_offset` is >= 0 (the fitted minimum is clamped to <= 0 and negated).
// Returns the scale; writes codes (0..nmax) and uses `scratch` (n bytes).
float SearchAffineScale(int n, const float* x, const float* w,
                        const AffineSearch& opts, uint8_t* codes,
                        uint8_t* scratch, float* min_offset);

// Fits x[i] ~= scale * (codes[i] - nmax) with weights x[i]^2 (ggml's
// make_qx_quants, rmse_type 1): starts from iscale = -nmax / max (max = the
// signed max-magnitude element) and tries 18 nearby iscales, keeping the
// best weighted least-squares fit. Codes are 0..2*nmax-1 (stored with the
// +nmax offset). Returns the signed scale, or 0 with all codes 0 when the
// group is all (near) zeros: |max| < 1e-15.
float SearchSymmetricScale(int n, int nmax, const float* x, uint8_t* codes);

}  // namespace lapbench::kernels
