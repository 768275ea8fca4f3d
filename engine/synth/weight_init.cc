// Weight values: a SplitMix64 counter stream and an Irwin-Hall normal.
#include "engine/synth/weight_init.h"

#include <cmath>
#include <string_view>

namespace lapbench::engine {
namespace {

constexpr uint64_t kGolden = 0x9E3779B97F4A7C15ull;

// SplitMix64's output function: a bijective 64-bit mixer.
constexpr uint64_t Mix(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

constexpr uint64_t Fnv1a(std::string_view s) {
  uint64_t h = 0xCBF29CE484222325ull;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001B3ull;
  }
  return h;
}

// An approximately normal integer: the sum of the four 16-bit lanes of one
// 64-bit draw, centred (Irwin-Hall with n = 4; tails end at 3.46 sigma,
// which real weight matrices rarely pass after quantization's clipping).
// No libm call, so no dependence on the C library's log or cos.
constexpr int64_t kLaneSumMean = 2 * 65535;

int64_t CentredLaneSum(uint64_t bits) {
  int64_t sum = static_cast<int64_t>(bits & 0xFFFF) +
                static_cast<int64_t>((bits >> 16) & 0xFFFF) +
                static_cast<int64_t>((bits >> 32) & 0xFFFF) +
                static_cast<int64_t>(bits >> 48);
  return sum - kLaneSumMean;
}

// Standard deviation of the lane sum: 4 uniform lanes of 65536 values,
// each of variance (65536^2 - 1) / 12. sqrt is correctly rounded in IEEE.
double LaneSumStd() { return std::sqrt((65536.0 * 65536.0 - 1.0) / 3.0); }

// Head size of the layer whose Q/K norm is `t` ({head_dim}).
float Gemma4QkNormCenter(const TensorSpec& t) {
  return static_cast<float>(
      1.0 / std::sqrt(std::sqrt(static_cast<double>(t.dims[0]))));
}

}  // namespace

TensorInit InitFor(const ModelPreset& preset, const TensorSpec& t,
                   uint64_t seed) {
  TensorInit init;
  init.key = Mix(seed ^ Mix(Fnv1a(t.name)));
  if (t.name == "rope_freqs.weight") {
    init.kind = TensorInit::Kind::kFixed;
    init.fixed = RopeFreqFactors(preset);
    return init;
  }
  if (t.name.ends_with("_norm.weight")) {
    bool qk_norm = t.name.ends_with(".attn_q_norm.weight") ||
                   t.name.ends_with(".attn_k_norm.weight");
    init.kind = TensorInit::Kind::kNearCenter;
    init.center = preset.arch == Architecture::kGemma4 && qk_norm
                      ? Gemma4QkNormCenter(t)
                      : 1.0f;
    init.scale = 0.02f * init.center;
    return init;
  }
  init.kind = TensorInit::Kind::kNormal;
  init.scale =
      static_cast<float>(1.0 / std::sqrt(static_cast<double>(t.dims[0])));
  return init;
}

void FillValues(const TensorInit& init, int64_t first, int64_t n, float* out) {
  if (init.kind == TensorInit::Kind::kFixed) {
    for (int64_t i = 0; i < n; ++i) {
      out[i] = init.fixed[static_cast<size_t>(first + i)];
    }
    return;
  }
  const auto unit = static_cast<float>(init.scale / LaneSumStd());
  for (int64_t i = 0; i < n; ++i) {
    uint64_t counter = static_cast<uint64_t>(first + i) + 1;
    auto z =
        static_cast<float>(CentredLaneSum(Mix(init.key + counter * kGolden)));
    out[i] = init.kind == TensorInit::Kind::kNormal
                 ? z * unit
                 : std::fma(z, unit, init.center);
  }
}

}  // namespace lapbench::engine
