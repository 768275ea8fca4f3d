// ref's RMSNorm, RoPE, softmax, GELU, SiLU, mul and add on hand-computed
// values.
#include <catch2/catch.hpp>
#include <cmath>
#include <numbers>
#include <vector>

#include "kernels/ref/ref_kernels.h"

namespace lapbench::kernels::ref {
namespace {

// Hand values are computed in float64; ref rounds each result to float and
// its intermediate steps to float or double, so a few float ulps of the
// magnitudes involved (~1.2e-7 each) cover every correct implementation.
constexpr double kFewFloatUlps = 5e-7;

TEST_CASE("RMSNorm of 1, 2, 3, 4 divides by sqrt(7.5) and applies the weight",
          "[kernels][ref][rms_norm]") {
  const std::vector<float> x = {1, 2, 3, 4};
  const std::vector<float> w = {2, 2, 1, 0.5f};
  std::vector<float> out(4);
  RmsNorm(x.data(), nullptr, out.data(), 4, 0.0f);
  const double inv_rms = 1.0 / std::sqrt(7.5);  // mean of squares 30 / 4
  for (size_t i = 0; i < 4; ++i) {
    CHECK(out[i] == Approx(x[i] * inv_rms).epsilon(kFewFloatUlps));
  }

  std::vector<float> in_place = x;
  RmsNorm(in_place.data(), w.data(), in_place.data(), 4, 0.0f);
  for (size_t i = 0; i < 4; ++i) {
    CHECK(in_place[i] == Approx(x[i] * inv_rms * w[i]).epsilon(kFewFloatUlps));
  }
}

TEST_CASE("RMSNorm adds eps inside the square root",
          "[kernels][ref][rms_norm]") {
  const std::vector<float> x = {0, 0, 0, 0};
  std::vector<float> out(4, 1.0f);
  RmsNorm(x.data(), nullptr, out.data(), 4, 1e-6f);
  for (float v : out) CHECK(v == 0.0f);
}

// Pair 0 turns by pos * freq_scale (theta_base^0 = 1); with base 100 and
// rotary_dim 4, pair 1 turns by a tenth of that.
RopeParams QuarterTurnParams(RopeLayout layout) {
  RopeParams p;
  p.n_heads = 1;
  p.head_dim = 4;
  p.rotary_dim = 4;
  p.theta_base = 100.0f;
  p.freq_scale = static_cast<float>(std::numbers::pi / 2);
  p.layout = layout;
  return p;
}

TEST_CASE("interleaved RoPE turns pairs (0,1) and (2,3)",
          "[kernels][ref][rope]") {
  std::vector<float> x = {1, 0, 1, 0};
  Rope(x.data(), QuarterTurnParams(RopeLayout::kInterleaved), 1);
  const double tenth = std::numbers::pi / 20;
  CHECK(x[0] == Approx(0.0).margin(kFewFloatUlps));
  CHECK(x[1] == Approx(1.0).epsilon(kFewFloatUlps));
  CHECK(x[2] == Approx(std::cos(tenth)).epsilon(kFewFloatUlps));
  CHECK(x[3] == Approx(std::sin(tenth)).epsilon(kFewFloatUlps));
}

TEST_CASE("half-split RoPE turns pairs (0,2) and (1,3)",
          "[kernels][ref][rope]") {
  std::vector<float> x = {1, 1, 0, 0};
  Rope(x.data(), QuarterTurnParams(RopeLayout::kHalfSplit), 1);
  const double tenth = std::numbers::pi / 20;
  CHECK(x[0] == Approx(0.0).margin(kFewFloatUlps));
  CHECK(x[2] == Approx(1.0).epsilon(kFewFloatUlps));
  CHECK(x[1] == Approx(std::cos(tenth)).epsilon(kFewFloatUlps));
  CHECK(x[3] == Approx(std::sin(tenth)).epsilon(kFewFloatUlps));
}

TEST_CASE("RoPE at position 0 leaves heads unchanged", "[kernels][ref][rope]") {
  std::vector<float> x = {0.5f, -2, 3, 7};
  const std::vector<float> before = x;
  Rope(x.data(), QuarterTurnParams(RopeLayout::kHalfSplit), 0);
  CHECK(x == before);
}

TEST_CASE(
    "partial RoPE leaves dimensions past rotary_dim alone and divides "
    "angles by freq_factors",
    "[kernels][ref][rope]") {
  RopeParams p = QuarterTurnParams(RopeLayout::kInterleaved);
  p.n_heads = 2;
  p.head_dim = 4;
  p.rotary_dim = 2;
  const float factors[] = {2.0f};  // pair 0 turns by pi/4, not pi/2
  p.freq_factors = factors;
  std::vector<float> x = {1, 0, 5, 6, 1, 0, 7, 8};
  Rope(x.data(), p, 1);
  const double diagonal = std::sqrt(0.5);
  for (int h = 0; h < 2; ++h) {
    CHECK(x[4 * h] == Approx(diagonal).epsilon(kFewFloatUlps));
    CHECK(x[4 * h + 1] == Approx(diagonal).epsilon(kFewFloatUlps));
  }
  CHECK(x[2] == 5.0f);
  CHECK(x[3] == 6.0f);
  CHECK(x[6] == 7.0f);
  CHECK(x[7] == 8.0f);
}

TEST_CASE("softmax sums to 1, keeps order and survives large inputs",
          "[kernels][ref][softmax]") {
  std::vector<float> x = {1, 3, 2, -4, 0.5f};
  Softmax(x.data(), 5);
  double sum = 0;
  for (float v : x) sum += v;
  CHECK(sum == Approx(1.0).epsilon(kFewFloatUlps));
  CHECK(x[1] > x[2]);
  CHECK(x[2] > x[0]);
  CHECK(x[0] > x[4]);
  CHECK(x[4] > x[3]);

  // exp(1000) overflows a float; subtracting the max must avoid it.
  std::vector<float> big = {1000, 1000};
  Softmax(big.data(), 2);
  CHECK(big[0] == 0.5f);
  CHECK(big[1] == 0.5f);
}

TEST_CASE("GELU (tanh form) at known points", "[kernels][ref][gelu]") {
  const std::vector<float> x = {0, 1, -1, 3};
  std::vector<float> out(4);
  Gelu(x.data(), out.data(), 4);
  CHECK(out[0] == 0.0f);
  CHECK(out[1] == Approx(0.8411919906082768).epsilon(kFewFloatUlps));
  CHECK(out[2] == Approx(-0.15880800939172324).epsilon(kFewFloatUlps));
  CHECK(out[3] == Approx(2.996362607918227).epsilon(kFewFloatUlps));
}

TEST_CASE("SiLU at known points", "[kernels][ref][silu]") {
  const std::vector<float> x = {0, 1, -1, 4};
  std::vector<float> out(4);
  Silu(x.data(), out.data(), 4);
  CHECK(out[0] == 0.0f);
  CHECK(out[1] == Approx(0.7310585786300049).epsilon(kFewFloatUlps));
  CHECK(out[2] == Approx(-0.2689414213699951).epsilon(kFewFloatUlps));
  CHECK(out[3] == Approx(3.928055160151634).epsilon(kFewFloatUlps));
}

TEST_CASE("mul and add work element-wise and in place",
          "[kernels][ref][arithmetic]") {
  std::vector<float> a = {1.5f, -2, 0};
  const std::vector<float> b = {2, 0.25f, 9};
  std::vector<float> product(3);
  Mul(a.data(), b.data(), product.data(), 3);
  CHECK(product == std::vector<float>{3, -0.5f, 0});
  Add(a.data(), b.data(), a.data(), 3);
  CHECK(a == std::vector<float>{3.5f, -1.75f, 9});
}

}  // namespace
}  // namespace lapbench::kernels::ref
