// Rows that a format cannot hold are FormatErrors naming the offending value.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "kernels/format.h"
#include "kernels/formats/accuracy.h"
#include "kernels/quantize.h"

namespace lapbench::kernels {
namespace {

using Catch::Matchers::Contains;

TEST_CASE("QuantizeRow rejects a row that is not whole blocks",
          "[kernels][formats]") {
  std::vector<float> x(300, 1.0f);
  std::vector<uint8_t> dst(4096);
  CHECK_THROWS_MATCHES(QuantizeRow(Format::kQ4_0, x.data(), dst.data(), 33),
                       FormatError,
                       Catch::Message("QuantizeRow: row length 33 is not a "
                                      "multiple of the 32-element block of "
                                      "q4_0"));
  CHECK_THROWS_WITH(QuantizeRow(Format::kQ4_K, x.data(), dst.data(), 288),
                    Contains("288") && Contains("256"));
  CHECK_THROWS_AS(QuantizeRow(Format::kQ8_0, x.data(), dst.data(), -32),
                  FormatError);
}

TEST_CASE("DequantizeRow rejects a row that is not whole blocks",
          "[kernels][formats]") {
  std::vector<uint8_t> src(4096);
  std::vector<float> y(512);
  CHECK_THROWS_WITH(DequantizeRow(Format::kQ6_K, src.data(), y.data(), 100),
                    Contains("100") && Contains("q6_k"));
  CHECK_THROWS_AS(DequantizeRow(Format::kQ8_K, src.data(), y.data(), 255),
                  FormatError);
}

TEST_CASE("RowBytes names the tensor whose row cannot be stored",
          "[kernels][formats]") {
  CHECK_THROWS_WITH(RowBytes(Format::kQ4_K, 2880, "blk.0.ffn_down.weight"),
                    Contains("blk.0.ffn_down.weight") && Contains("2880"));
  CHECK(RowBytes(Format::kQ4_K, 3072) == 12 * 144);
  CHECK(RowBytes(Format::kBf16, 7) == 14);
}

TEST_CASE("MeasureAccuracy rejects data that is not whole blocks",
          "[kernels][formats][accuracy]") {
  const std::vector<float> x(40, 0.5f);
  CHECK_THROWS_AS(MeasureAccuracy(Format::kQ8_0, x), FormatError);
  CHECK(MeasureAccuracy(Format::kF16, x).rmse == 0.0);  // 0.5 is exact
}

TEST_CASE("QuantizeRow rejects NaN and infinity in block formats",
          "[kernels][formats]") {
  std::vector<float> x(256, 1.0f);
  // Room for the widest row: F32 (the F16 case below needs 512 bytes).
  std::vector<uint8_t> dst(RowBytes(Format::kF32, 256));
  x[17] = std::nanf("");
  CHECK_THROWS_MATCHES(QuantizeRow(Format::kQ4_0, x.data(), dst.data(), 32),
                       FormatError,
                       Catch::Message("QuantizeRow: element 17 of a q4_0 row: "
                                      "'nan' (expected a finite value)"));
  x[17] = 1.0f;
  x[200] = -INFINITY;
  for (Format f :
       {Format::kQ8_0, Format::kQ4_K, Format::kQ6_K, Format::kQ8_K}) {
    CHECK_THROWS_WITH(QuantizeRow(f, x.data(), dst.data(), 256),
                      Contains("element 200") && Contains("-inf"));
  }
  // Float formats keep IEEE specials.
  CHECK_NOTHROW(QuantizeRow(Format::kF16, x.data(), dst.data(), 256));
  uint16_t half = 0;
  std::memcpy(&half, dst.data() + 2 * 200, sizeof(half));
  CHECK(half == 0xfc00);
}

TEST_CASE("A zero-length row converts nothing", "[kernels][formats]") {
  CHECK_NOTHROW(QuantizeRow(Format::kQ4_K, nullptr, nullptr, 0));
  CHECK_NOTHROW(DequantizeRow(Format::kF32, nullptr, nullptr, 0));
}

}  // namespace
}  // namespace lapbench::kernels
