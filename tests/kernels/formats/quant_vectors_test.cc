// Byte-exact comparison with the vectors of tests/fixtures/quant/.
// The vectors come from make_vectors.py, an independent Python model of the
// GGUF reference quantizers; see tests/fixtures/quant/README.md.
#include <bit>
#include <catch2/catch.hpp>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "kernels/format.h"
#include "kernels/quantize.h"

namespace lapbench::kernels {
namespace {

struct BlockCase {
  std::string name;
  std::vector<float> input;     // one block of f32 values
  std::vector<uint8_t> expect;  // the reference block bytes
};

std::string FixturePath(const std::string& file) {
  return std::string(LAPBENCH_FIXTURES_DIR) + "/quant/" + file;
}

std::vector<uint8_t> ParseHexBytes(const std::string& hex) {
  std::vector<uint8_t> bytes;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    bytes.push_back(
        static_cast<uint8_t>(std::stoul(hex.substr(i, 2), nullptr, 16)));
  }
  return bytes;
}

// Reads "case", "input" and "expect" lines; '#' lines are comments.
std::vector<BlockCase> ReadBlockCases(const std::string& file) {
  std::ifstream in(FixturePath(file));
  REQUIRE(in.good());
  std::vector<BlockCase> cases;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string key;
    fields >> key;
    if (key == "case") {
      cases.emplace_back();
      fields >> cases.back().name;
    } else if (key == "input") {
      std::string word;
      while (fields >> word) {
        const auto bits = static_cast<uint32_t>(std::stoul(word, nullptr, 16));
        cases.back().input.push_back(std::bit_cast<float>(bits));
      }
    } else if (key == "expect") {
      std::string hex;
      fields >> hex;
      cases.back().expect = ParseHexBytes(hex);
    }
  }
  return cases;
}

void CheckBlockVectors(Format format, const std::string& file) {
  const std::vector<BlockCase> cases = ReadBlockCases(file);
  REQUIRE(cases.size() >= 10);
  std::vector<float> row;
  std::vector<uint8_t> row_expect;
  for (const BlockCase& c : cases) {
    INFO("case " << c.name);
    const auto n = static_cast<int64_t>(c.input.size());
    std::vector<uint8_t> got(RowBytes(format, n));
    QuantizeRow(format, c.input.data(), got.data(), n);
    CHECK(got == c.expect);
    row.insert(row.end(), c.input.begin(), c.input.end());
    row_expect.insert(row_expect.end(), c.expect.begin(), c.expect.end());
  }

  // The same blocks as one multi-block row.
  const auto n = static_cast<int64_t>(row.size());
  std::vector<uint8_t> got(RowBytes(format, n));
  QuantizeRow(format, row.data(), got.data(), n);
  CHECK(got == row_expect);
}

// Each line: f32 bits, expected 16-bit result bits.
void CheckScalarVectors(uint16_t (*convert)(float), const std::string& file) {
  std::ifstream in(FixturePath(file));
  REQUIRE(in.good());
  std::string line;
  int n_checked = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string in_hex, out_hex;
    fields >> in_hex >> out_hex;
    const auto bits = static_cast<uint32_t>(std::stoul(in_hex, nullptr, 16));
    INFO("input bits " << in_hex);
    CHECK(convert(std::bit_cast<float>(bits)) ==
          std::stoul(out_hex, nullptr, 16));
    ++n_checked;
  }
  CHECK(n_checked >= 200);
}

TEST_CASE("Q8_0 quantization matches the reference vectors byte for byte",
          "[kernels][formats][q8_0]") {
  CheckBlockVectors(Format::kQ8_0, "q8_0.txt");
}

TEST_CASE("Q4_0 quantization matches the reference vectors byte for byte",
          "[kernels][formats][q4_0]") {
  CheckBlockVectors(Format::kQ4_0, "q4_0.txt");
}

// The K-quant vectors model this file's algorithms (ggml's reference
// quantizers as described in docs/formats.md) in a second language with
// the same f32 operation order: they pin the bytes, catching any change to
// the searches, the rounding or the packing.
TEST_CASE("Q8_K quantization matches the model vectors byte for byte",
          "[kernels][formats][q8_k]") {
  CheckBlockVectors(Format::kQ8_K, "q8_k.txt");
}

TEST_CASE("Q6_K quantization matches the model vectors byte for byte",
          "[kernels][formats][q6_k]") {
  CheckBlockVectors(Format::kQ6_K, "q6_k.txt");
}

TEST_CASE("Q4_K quantization matches the model vectors byte for byte",
          "[kernels][formats][q4_k]") {
  CheckBlockVectors(Format::kQ4_K, "q4_k.txt");
}

TEST_CASE("F16 conversion matches the reference vectors",
          "[kernels][formats][f16]") {
  CheckScalarVectors(Fp32ToFp16, "f16.txt");
}

TEST_CASE("BF16 conversion matches the reference vectors",
          "[kernels][formats][bf16]") {
  CheckScalarVectors(Fp32ToBf16, "bf16.txt");
}

}  // namespace
}  // namespace lapbench::kernels
