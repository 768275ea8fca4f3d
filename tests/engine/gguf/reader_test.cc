// GgufFile on malformed input: every problem is a GgufError naming the
// byte offset, and no prefix of a valid file gets through.
#include <catch2/catch.hpp>
#include <string>

#include "engine/gguf/gguf.h"
#include "tests/engine/gguf/gguf_bytes.h"

namespace lapbench::engine::gguf {
namespace {

using testing::Bytes;
using testing::MemoryWriter;
using testing::Pattern;

constexpr uint32_t kF32 = 0;
constexpr uint32_t kQ4_0 = 2;
constexpr uint32_t kF64 = 28;

// The reader's message for `bytes`, or "no error".
std::string ErrorOf(std::span<const std::byte> bytes) {
  try {
    GgufFile::FromBytes(bytes, "f.gguf");
  } catch (const GgufError& e) {
    return e.what();
  }
  return "no error";
}
std::string ErrorOf(const Bytes& b) { return ErrorOf(b.span()); }

// A small valid file with metadata of several types, a nested array and two
// tensors; the last tensor's size is a multiple of the alignment, so the
// file ends with data, not padding.
std::vector<std::byte> SmallValidFile() {
  std::vector<std::byte> out;
  GgufWriter w = MemoryWriter(out);
  w.SetString("general.architecture", "qwen3");
  w.SetU32("qwen3.block_count", 1);
  w.SetF32("qwen3.rope.freq_base", 1e6f);
  w.SetBool("tokenizer.ggml.add_bos_token", false);
  w.SetStringArray("tokenizer.ggml.tokens", {"a", "bc"});
  w.SetI32Array("tokenizer.ggml.token_type", {1, 3});
  w.SetF32Array("test.empty", {});
  Array inner;
  inner.elements.emplace<std::vector<uint8_t>>(std::vector<uint8_t>{7});
  Array outer;
  outer.elements.emplace<std::vector<Value>>(
      std::vector<Value>{Value::Of<ValueType::kArray>(inner)});
  w.Set("test.nested", Value::Of<ValueType::kArray>(outer));
  w.AddTensor("a", kernels::Format::kQ4_0, {32, 1});
  w.AddTensor("b", kernels::Format::kF32, {8});
  w.WriteTensor(Pattern(18, 1));
  w.WriteTensor(Pattern(32, 2));
  w.Finish();
  return out;
}

TEST_CASE("GGUF reader accepts a small valid file of version 2 and 3",
          "[engine][gguf]") {
  std::vector<std::byte> file = SmallValidFile();
  GgufFile parsed = GgufFile::FromBytes(file);
  CHECK(parsed.tensors().size() == 2);
  CHECK(parsed.Find("test.nested")->ToString() == "[[7]]");
  CHECK(parsed.GetF32Array("test.empty").empty());
  file[4] = std::byte{2};
  CHECK(GgufFile::FromBytes(file).version() == 2);
}

TEST_CASE("GGUF reader refuses every truncation of a valid file",
          "[engine][gguf]") {
  std::vector<std::byte> file = SmallValidFile();
  for (size_t n = 0; n < file.size(); ++n) {
    INFO("cut at byte " << n << " of " << file.size());
    CHECK_THROWS_AS(GgufFile::FromBytes(std::span(file).first(n)), GgufError);
  }
}

TEST_CASE("GGUF reader names bad magic, versions and short files",
          "[engine][gguf]") {
  CHECK(ErrorOf(Bytes()) ==
        "f.gguf: byte 0: too short for a GGUF file: '0 bytes' (expected at "
        "least 24)");
  CHECK(ErrorOf(Bytes().U32(0x4c4d4747).U32(3).U64(0).U64(0)) ==
        "f.gguf: byte 0: not a GGUF file: magic 'GGML' (expected 'GGUF')");
  CHECK(ErrorOf(Bytes().U32(0x01020304).U32(3)) ==
        "f.gguf: byte 0: not a GGUF file: magic '\\x04\\x03\\x02\\x01' "
        "(expected 'GGUF')");
  CHECK(ErrorOf(Bytes().Header(0, 0, 1)) ==
        "f.gguf: byte 4: GGUF version 1 is obsolete: '1' (expected version 2 "
        "or 3; convert the model again with a current llama.cpp)");
  CHECK(ErrorOf(Bytes().Header(0, 0, 0x03000000)) ==
        "f.gguf: byte 4: GGUF version looks byte-swapped: '50331648' "
        "(expected a little-endian file, version 2 or 3)");
  CHECK(ErrorOf(Bytes().Header(0, 0, 4)) ==
        "f.gguf: byte 4: unsupported GGUF version: '4' (expected 2 or 3)");
  CHECK(ErrorOf(Bytes().Header(0, 0).span().first(20)) ==
        "f.gguf: byte 16: file ends in the metadata count: '4 bytes left' "
        "(expected 8)");
  CHECK(ErrorOf(Bytes().Header(0, 0)) == "no error");
}

TEST_CASE("GGUF reader refuses absurd counts before allocating",
          "[engine][gguf]") {
  CHECK(ErrorOf(Bytes().Header(uint64_t{1} << 60, 0)) ==
        "f.gguf: byte 8: tensor count too large for the file: "
        "'1152921504606846976' (expected at most 0 in 0 bytes)");
  CHECK(ErrorOf(Bytes().Header(0, ~uint64_t{0}).Zeros(26)) ==
        "f.gguf: byte 16: metadata count too large for the file: "
        "'18446744073709551615' (expected at most 2 in 26 bytes)");
  CHECK(ErrorOf(Bytes().Header(0, 1).U64(uint64_t{1} << 62).Zeros(5)) ==
        "f.gguf: byte 24: key of metadata record 0 runs past the end of the "
        "file: '4611686018427387904 bytes' (expected at most 5)");
  CHECK(ErrorOf(Bytes().Header(0, 1).Str("k").U32(9).U32(4).U64(1000).U32(1)) ==
        "f.gguf: byte 41: array in the value of 'k' runs past the end of the "
        "file: '1000 uint32 elements' (expected at most 1)");
  CHECK(ErrorOf(Bytes().Header(0, 1).Str("k").U32(9).U32(8).U64(2).Str("x").U64(
            ~uint64_t{0})) ==
        "f.gguf: byte 58: value of 'k' runs past the end of the file: "
        "'18446744073709551615 bytes' (expected at most 0)");
}

TEST_CASE("GGUF reader refuses bad value types, bools and deep nesting",
          "[engine][gguf]") {
  CHECK(ErrorOf(Bytes().Header(0, 1).Str("k").U32(13).U8(0)) ==
        "f.gguf: byte 33: unknown type of 'k': '13' (expected a GGUF value "
        "type 0 to 12)");
  CHECK(ErrorOf(Bytes().Header(0, 1).Str("k").U32(9).U32(99).U64(0)) ==
        "f.gguf: byte 37: unknown element type of the array in the value of "
        "'k': '99' (expected a GGUF value type 0 to 12)");
  CHECK(ErrorOf(Bytes().Header(0, 1).Str("k").U32(7).U8(2)) ==
        "f.gguf: byte 37: bad bool value of 'k': '2' (expected 0 or 1)");
  CHECK(
      ErrorOf(Bytes().Header(0, 1).Str("k").U32(9).U32(7).U64(2).U8(1).U8(3)) ==
      "f.gguf: byte 50: bad bool value of 'k': '3' (expected 0 or 1)");

  // 16 nested levels are fine, the 17th is refused.
  auto nested = [](int levels) {
    Bytes b;
    b.Header(0, 1).Str("k").U32(9);
    for (int i = 0; i < levels - 1; ++i) b.U32(9).U64(1);
    return b.U32(0).U64(1).U8(5);
  };
  CHECK(ErrorOf(nested(16)) == "no error");
  CHECK(ErrorOf(nested(17)) ==
        "f.gguf: byte 229: arrays nested too deep in the value of 'k': '17 "
        "levels' (expected at most 16)");
}

TEST_CASE("GGUF reader refuses duplicate, empty and mistyped keys",
          "[engine][gguf]") {
  CHECK(ErrorOf(Bytes().Header(0, 2).KeyU32("a", 1).KeyU32("a", 2)) ==
        "f.gguf: byte 41: duplicate metadata key: 'a' (expected each key "
        "once; first at byte 24)");
  CHECK(ErrorOf(Bytes().Header(0, 1).KeyU32("", 1)) ==
        "f.gguf: byte 24: empty metadata key: '' (expected a non-empty key)");
  CHECK(ErrorOf(Bytes().Header(0, 1).KeyU32("general.alignment", 48)) ==
        "f.gguf: byte 24: general.alignment is not a power of two: '48' "
        "(expected a power of two)");
  CHECK(ErrorOf(Bytes().Header(0, 1).KeyU32("general.alignment", 0)) ==
        "f.gguf: byte 24: general.alignment is not a power of two: '0' "
        "(expected a power of two)");
  CHECK(ErrorOf(Bytes().Header(0, 1).Str("general.alignment").U32(5).U32(64)) ==
        "f.gguf: byte 24: general.alignment has the wrong type: 'int32' "
        "(expected uint32)");
}

TEST_CASE("GGUF reader refuses bad tensor shapes and types", "[engine][gguf]") {
  CHECK(ErrorOf(Bytes().Header(1, 0).Tensor("t", {1, 1, 1, 1, 1}, kF32, 0)) ==
        "f.gguf: byte 33: bad dimension count of tensor 't': '5' (expected 1 "
        "to 4)");
  CHECK(ErrorOf(Bytes().Header(1, 0).Tensor("t", {}, kF32, 0).Zeros(8)) ==
        "f.gguf: byte 33: bad dimension count of tensor 't': '0' (expected 1 "
        "to 4)");
  CHECK(ErrorOf(Bytes().Header(1, 0).Tensor("t", {4, 0}, kF32, 0)) ==
        "f.gguf: byte 45: bad dimension 1 of tensor 't': '0' (expected 1 to "
        "9223372036854775807)");
  CHECK(ErrorOf(Bytes().Header(1, 0).Tensor("t", {~uint64_t{0}}, kF32, 0)) ==
        "f.gguf: byte 37: bad dimension 0 of tensor 't': "
        "'18446744073709551615' (expected 1 to 9223372036854775807)");
  CHECK(ErrorOf(Bytes().Header(1, 0).Tensor(
            "t", {uint64_t{1} << 32, uint64_t{1} << 32}, kF32, 0)) ==
        "f.gguf: byte 45: element count of tensor 't' overflows: '4294967296 "
        "x 4294967296' (expected at most 2^63-1 elements)");
  CHECK(ErrorOf(Bytes().Header(1, 0).Tensor("t", {uint64_t{1} << 60, 4}, kF64,
                                            0)) ==
        "f.gguf: byte 33: byte size of f64 tensor 't' overflows: "
        "'1152921504606846976 x 4' (expected under 2^64 bytes)");
  CHECK(ErrorOf(Bytes().Header(1, 0).Tensor("t", {33}, kQ4_0, 0)) ==
        "f.gguf: byte 33: row length of q4_0 tensor 't' is not a multiple of "
        "its block: '33' (expected a multiple of 32)");
  CHECK(ErrorOf(Bytes().Header(1, 0).Tensor("t", {32}, 4, 0))
            .starts_with("f.gguf: byte 45: unknown type of tensor 't': '4' "
                         "(expected one of 0 "
                         "f32, 1 f16, 2 q4_0, 3 q4_1, 6 q5_0,"));
  CHECK(ErrorOf(Bytes().Header(1, 0).Tensor("", {8}, kF32, 0)) ==
        "f.gguf: byte 24: empty tensor name: '' (expected a non-empty name)");
}

TEST_CASE("GGUF reader refuses misplaced tensor data", "[engine][gguf]") {
  CHECK(
      ErrorOf(
          Bytes().Header(1, 0).Tensor("t", {8}, kF32, 4).PadTo(32).Zeros(64)) ==
      "f.gguf: byte 49: data offset of tensor 't' is not aligned: '4' "
      "(expected a multiple of 32)");
  CHECK(
      ErrorOf(
          Bytes().Header(1, 0).Tensor("t", {8}, kF32, 0).PadTo(32).Zeros(16)) ==
      "f.gguf: byte 49: data of tensor 't' runs past the end of the file: "
      "'offset 0 + 32 bytes' (expected at most 16 bytes of data)");
  CHECK(ErrorOf(Bytes()
                    .Header(1, 0)
                    .Tensor("t", {8}, kF32, ~uint64_t{0} - 31)
                    .PadTo(32)
                    .Zeros(64)) ==
        "f.gguf: byte 49: data of tensor 't' runs past the end of the file: "
        "'offset 18446744073709551584 + 32 bytes' (expected at most 64 bytes "
        "of data)");
  CHECK(ErrorOf(Bytes().Header(1, 0).Tensor("t", {8}, kF32, 0)) ==
        "f.gguf: byte 57: file ends before its data section: '57 bytes' "
        "(expected at least 64)");
  CHECK(ErrorOf(Bytes()
                    .Header(2, 0)
                    .Tensor("a", {16}, kF32, 0)
                    .Tensor("b", {8}, kF32, 32)
                    .PadTo(32)
                    .Zeros(96)) ==
        "f.gguf: byte 82: data of tensor 'b' overlaps tensor 'a': 'offset "
        "32' (expected at least 64)");
  CHECK(ErrorOf(Bytes()
                    .Header(2, 0)
                    .Tensor("a", {8}, kF32, 0)
                    .Tensor("a", {8}, kF32, 32)
                    .PadTo(32)
                    .Zeros(64)) ==
        "f.gguf: byte 57: duplicate tensor name: 'a' (expected each name "
        "once)");
  // Data stored out of record order is fine as long as nothing overlaps.
  CHECK(ErrorOf(Bytes()
                    .Header(2, 0)
                    .Tensor("a", {8}, kF32, 32)
                    .Tensor("b", {8}, kF32, 0)
                    .PadTo(32)
                    .Zeros(64)) == "no error");
}

TEST_CASE("GGUF reader keeps tensor types it does not compute",
          "[engine][gguf]") {
  Bytes b;
  b.Header(1, 0).Tensor("q5", {256}, 13, 0).PadTo(32).Zeros(176);
  GgufFile file = GgufFile::FromBytes(b.span());
  REQUIRE(file.tensors().size() == 1);
  CHECK(file.tensors()[0].type == 13);
  CHECK(file.tensors()[0].size_bytes == 176);
  CHECK_FALSE(file.tensors()[0].format.has_value());
}

TEST_CASE("GGUF open names missing files and directories", "[engine][gguf]") {
  CHECK_THROWS_WITH(GgufFile::Open("/nonexistent/m.gguf"),
                    "/nonexistent/m.gguf: cannot open: 'No such file or "
                    "directory' (expected a readable GGUF file)");
  CHECK_THROWS_WITH(GgufFile::Open("/tmp"),
                    "/tmp: not a regular file: 'directory' (expected a GGUF "
                    "file)");
}

}  // namespace
}  // namespace lapbench::engine::gguf
