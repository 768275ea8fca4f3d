// Round-trip accuracy of every format on seeded normal, uniform and
// outlier data, against bounds derived from each format's step size.
#include "kernels/formats/accuracy.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "kernels/format.h"
#include "kernels/quantize.h"

namespace lapbench::kernels {
namespace {

// 64 super-blocks: enough elements that the RMSE of uniform rounding noise
// is estimated to within about 0.4% (one standard deviation).
constexpr int64_t kRowElems = 256 * 64;

// Half an ulp of each float format, relative: the worst rounding error of
// a normal value. Subnormal results err by at most 2^-25 (F16) absolute,
// far below these bounds times the data's maximum.
constexpr double kF16RelativeError = 0x1p-11;
constexpr double kBf16RelativeError = 0x1p-8;

// fp16 storage of a block scale d changes it by up to 2^-11 relative; a
// code c then moves by |c| * 2^-11 steps.
constexpr double kFp16ScaleError = 0x1p-11;
// f32 rounding inside the quantizers (x * id, 1 / d): a few 2^-24 relative
// errors, allowed for with room to spare.
constexpr double kFloatSlack = 1e-5;

// RMSE limits relative to the rounding noise of a plain grid (step / sqrt
// 12 per element, see PlainGridRmse). Rounding to a uniform grid gives
// exactly that noise in expectation; 5% covers sampling spread and the
// fp16 scale.
constexpr double kRoundingNoiseMargin = 1.05;
// Q4_0 stops at code +7 while the extreme maps to -8, so values beyond 7.5
// steps on the other side clamp with up to a full step of error.
constexpr double kQ4_0NoiseMargin = 1.15;
// The K-quant searches start from the plain grid and keep another scale
// only when it lowers the (weighted) error, so they must not exceed it.
constexpr double kKQuantNoiseMargin = 1.0;

enum class Data { kNormal, kUniform, kOutliers };

std::string DataName(Data data) {
  switch (data) {
    case Data::kNormal:
      return "normal";
    case Data::kUniform:
      return "uniform";
    case Data::kOutliers:
      return "outliers";
  }
  return "?";
}

// Seeded test rows: N(0, 1); U(-1, 1); N(0, 1) with 1% of elements scaled
// by 50, the heavy-tailed channels of real LLM weights.
std::vector<float> MakeData(Data data, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  std::uniform_int_distribution<int> percent(0, 99);
  std::vector<float> x(kRowElems);
  for (float& v : x) {
    v = data == Data::kUniform ? uniform(rng) : normal(rng);
    if (data == Data::kOutliers && percent(rng) == 0) v *= 50.0f;
  }
  return x;
}

// RMS rounding noise of a grid per group of `group` elements: step =
// max|x| / levels (symmetric) or (max - min(0, min)) / levels (affine).
double PlainGridRmse(const std::vector<float>& x, int group, double levels,
                     bool affine) {
  double sum_sq = 0.0;
  for (size_t g = 0; g < x.size(); g += static_cast<size_t>(group)) {
    const auto [lo, hi] =
        std::minmax_element(x.begin() + g, x.begin() + g + group);
    const double amax = std::max(std::fabs(*lo), std::fabs(*hi));
    const double range = std::max(*hi, 0.0f) - std::min(*lo, 0.0f);
    const double step = (affine ? range : amax) / levels;
    sum_sq += group * step * step / 12.0;
  }
  return std::sqrt(sum_sq / static_cast<double>(x.size()));
}

std::vector<float> RoundTrip(Format format, const std::vector<float>& x) {
  const auto n = static_cast<int64_t>(x.size());
  std::vector<uint8_t> q(RowBytes(format, n));
  std::vector<float> y(x.size());
  QuantizeRow(format, x.data(), q.data(), n);
  DequantizeRow(format, q.data(), y.data(), n);
  return y;
}

// Checks every element against `bound_per_amax` * (its block's max |x|).
void CheckBlockMaxError(Format format, int block, double bound_per_amax) {
  for (Data data : {Data::kNormal, Data::kUniform, Data::kOutliers}) {
    const std::vector<float> x = MakeData(data, 1);
    const std::vector<float> y = RoundTrip(format, x);
    for (size_t b = 0; b < x.size(); b += static_cast<size_t>(block)) {
      float amax = 0.0f;
      for (int i = 0; i < block; ++i) {
        amax = std::max(amax, std::fabs(x[b + i]));
      }
      for (int i = 0; i < block; ++i) {
        INFO(DataName(data) << " element " << b + i << " = " << x[b + i]);
        REQUIRE(std::fabs(y[b + i] - x[b + i]) <= bound_per_amax * amax);
      }
    }
  }
}

TEST_CASE("F32 round trip is exact", "[kernels][formats][accuracy]") {
  const std::vector<float> x = MakeData(Data::kOutliers, 2);
  CHECK(RoundTrip(Format::kF32, x) == x);
}

TEST_CASE("F16 and BF16 errors stay within half an ulp",
          "[kernels][formats][accuracy]") {
  for (Data data : {Data::kNormal, Data::kUniform, Data::kOutliers}) {
    INFO(DataName(data));
    const std::vector<float> x = MakeData(data, 3);
    const FormatAccuracy f16 = MeasureAccuracy(Format::kF16, x);
    const FormatAccuracy bf16 = MeasureAccuracy(Format::kBf16, x);
    CHECK(f16.relative_max_abs_error <= kF16RelativeError);
    CHECK(f16.relative_rmse <= kF16RelativeError);
    CHECK(bf16.relative_max_abs_error <= kBf16RelativeError);
    CHECK(bf16.relative_rmse <= kBf16RelativeError);
    CHECK(f16.rmse > 0.0);  // random data is not all representable
  }
}

TEST_CASE("Q8_0 errors stay within half a step plus the fp16 scale error",
          "[kernels][formats][accuracy][q8_0]") {
  // step d = amax / 127; codes reach 127, so fp16(d) moves a value by up to
  // 127 * 2^-11 steps.
  CheckBlockMaxError(Format::kQ8_0, 32,
                     (0.5 + 127 * kFp16ScaleError + kFloatSlack) / 127);
}

TEST_CASE("Q4_0 errors stay within one step plus the fp16 scale error",
          "[kernels][formats][accuracy][q4_0]") {
  // step |d| = amax / 8; unclamped codes err by half a step, the clamped
  // code +7 by up to one step (a value at +8 steps); |code - 8| <= 8.
  CheckBlockMaxError(Format::kQ4_0, 32,
                     (1.0 + 8 * kFp16ScaleError + kFloatSlack) / 8);
}

TEST_CASE("Q8_K errors stay within half a step",
          "[kernels][formats][accuracy][q8_k]") {
  // d is stored in f32, so only rounding to the grid amax / 127 remains.
  CheckBlockMaxError(Format::kQ8_K, 256, (0.5 + kFloatSlack) / 127);
}

struct GridCase {
  Format format;
  int group;      // elements sharing one step
  double levels;  // steps per max|x| (symmetric) or per range (affine)
  bool affine;
  double margin;
};

TEST_CASE("Every quantized format's RMSE is at most its grid's noise",
          "[kernels][formats][accuracy]") {
  const GridCase cases[] = {
      {Format::kQ8_0, 32, 127, false, kRoundingNoiseMargin},
      {Format::kQ8_K, 256, 127, false, kRoundingNoiseMargin},
      {Format::kQ4_0, 32, 8, false, kQ4_0NoiseMargin},
      {Format::kQ6_K, 16, 32, false, kKQuantNoiseMargin},
      {Format::kQ4_K, 32, 15, true, kKQuantNoiseMargin},
  };
  for (const GridCase& c : cases) {
    for (Data data : {Data::kNormal, Data::kUniform, Data::kOutliers}) {
      const std::vector<float> x = MakeData(data, 4);
      const FormatAccuracy acc = MeasureAccuracy(c.format, x);
      INFO(Info(c.format).name << " on " << DataName(data));
      CHECK(acc.rmse <=
            c.margin * PlainGridRmse(x, c.group, c.levels, c.affine));
      CHECK(acc.rmse > 0.0);
    }
  }
}

TEST_CASE("K-quants beat the legacy format of similar size",
          "[kernels][formats][accuracy]") {
  for (Data data : {Data::kNormal, Data::kUniform, Data::kOutliers}) {
    INFO(DataName(data));
    const std::vector<float> x = MakeData(data, 5);
    const double q4_0 = MeasureAccuracy(Format::kQ4_0, x).rmse;
    const double q4_k = MeasureAccuracy(Format::kQ4_K, x).rmse;
    const double q6_k = MeasureAccuracy(Format::kQ6_K, x).rmse;
    const double q8_0 = MeasureAccuracy(Format::kQ8_0, x).rmse;
    CHECK(q4_k < q4_0);  // both 4.5 bits per weight
    CHECK(q6_k < q4_k);
    CHECK(q8_0 < q6_k);
  }
}

TEST_CASE("MeasureAccuracy reports relative errors against the data",
          "[kernels][formats][accuracy]") {
  const std::vector<float> x = {3.0f, -4.0f};
  const std::vector<float> y = {3.0f, -3.0f};
  const FormatAccuracy acc = CompareToReference(x, y);
  CHECK(acc.n_elems == 2);
  CHECK(acc.max_abs_error == 1.0);
  CHECK(acc.rmse == std::sqrt(0.5));
  CHECK(acc.relative_max_abs_error == 0.25);
  CHECK(acc.relative_rmse == std::sqrt(0.5) / std::sqrt(12.5));
  CHECK(CompareToReference({}, {}).rmse == 0.0);
}

}  // namespace
}  // namespace lapbench::kernels
