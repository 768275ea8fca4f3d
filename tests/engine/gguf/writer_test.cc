// GgufWriter: what it writes reads back identically, and misuse is refused.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>

#include "engine/gguf/gguf.h"
#include "tests/engine/gguf/gguf_bytes.h"

namespace lapbench::engine::gguf {
namespace {

using testing::MemoryWriter;
using testing::Pattern;

// Metadata of every value type, in a fixed order.
void SetEveryType(GgufWriter& w) {
  w.SetString("general.architecture", "llama");
  w.SetU8("test.u8", 200);
  w.Set("test.i8", Value::Of<ValueType::kInt8>(-5));
  w.Set("test.u16", Value::Of<ValueType::kUint16>(65535));
  w.Set("test.i16", Value::Of<ValueType::kInt16>(-32768));
  w.SetU32("llama.block_count", 2);
  w.SetI32("test.i32", -7);
  w.SetF32("llama.rope.freq_base", 10000.5f);
  w.SetBool("test.bool", true);
  w.SetU64("test.u64", 1ull << 40);
  w.Set("test.i64", Value::Of<ValueType::kInt64>(int64_t{-1} << 40));
  w.Set("test.f64", Value::Of<ValueType::kFloat64>(0.25));
  w.SetStringArray("tokenizer.ggml.tokens", {"<s>", "", "a b", "\xe2\x96\x81"});
  w.SetF32Array("tokenizer.ggml.scores", {0.f, -1.5f, 2.f, 3.f});
  w.SetI32Array("tokenizer.ggml.token_type", {3, 1, 1, 6});
  w.SetU32Array("test.u32s", {1, 2});
  w.SetBoolArray("llama.attention.sliding_window_pattern", {true, false});
  Array inner;
  inner.elements.emplace<std::vector<int32_t>>(std::vector<int32_t>{4, 5});
  Array outer;
  outer.elements.emplace<std::vector<Value>>(
      std::vector<Value>{Value::Of<ValueType::kArray>(inner),
                         Value::Of<ValueType::kArray>(inner)});
  w.Set("test.nested", Value::Of<ValueType::kArray>(outer));
}

TEST_CASE("GGUF round trip keeps metadata in order and tensor bytes",
          "[engine][gguf]") {
  std::vector<std::byte> out;
  GgufWriter w = MemoryWriter(out);
  SetEveryType(w);
  w.SetU32("general.alignment", 64);
  CHECK(w.AddTensor("token_embd.weight", kernels::Format::kQ4_0, {64, 3}) ==
        2 * 18 * 3);
  CHECK(w.AddTensor("blk.0.ffn_down.weight", 13u, {256, 2}) == 2 * 176);
  CHECK(w.AddTensor("output_norm.weight", kernels::Format::kF32, {5}) == 20);
  std::vector<std::byte> a = Pattern(108, 1), b = Pattern(352, 2),
                         c = Pattern(20, 3);
  w.WriteTensor(a);
  w.WriteTensor(b);
  w.WriteTensor(c);
  w.Finish();

  GgufFile file = GgufFile::FromBytes(out);
  CHECK(file.version() == 3);
  CHECK(file.alignment() == 64);
  CHECK(file.architecture() == "llama");
  CHECK(file.file_size_bytes() == out.size());
  REQUIRE(file.metadata().size() == 19);
  CHECK(file.metadata()[0].key == "general.architecture");
  CHECK(file.metadata()[18].key == "general.alignment");
  CHECK(*file.Find("test.i64") ==
        Value::Of<ValueType::kInt64>(int64_t{-1} << 40));
  CHECK(file.Find("test.nested")->ToString() == "[[4, 5], [4, 5]]");
  CHECK(file.GetStringArray("tokenizer.ggml.tokens")[3] == "\xe2\x96\x81");
  CHECK(file.Find("llama.attention.sliding_window_pattern")->ToString() ==
        "[true, false]");

  // The same metadata written again compares equal value by value.
  std::vector<std::byte> again;
  GgufWriter w2 = MemoryWriter(again);
  SetEveryType(w2);
  w2.Finish();
  GgufFile file2 = GgufFile::FromBytes(again);
  for (size_t i = 0; i < file2.metadata().size(); ++i) {
    CHECK(file2.metadata()[i].key == file.metadata()[i].key);
    CHECK(file2.metadata()[i].value == file.metadata()[i].value);
  }

  REQUIRE(file.tensors().size() == 3);
  const TensorInfo& down = file.tensors()[1];
  CHECK(down.name == "blk.0.ffn_down.weight");
  CHECK(down.dims == std::vector<int64_t>{256, 2});
  CHECK(down.type == 13);
  CHECK_FALSE(down.format.has_value());
  CHECK(down.offset == 128);  // 108 bytes padded to 64
  CHECK(down.size_bytes == 352);
  CHECK(file.tensors()[2].offset == 128 + 384);
  CHECK(file.data_offset_bytes() % 64 == 0);
  const std::vector<std::byte>* expected[] = {&a, &b, &c};
  for (size_t i = 0; i < 3; ++i) {
    const TensorInfo& t = file.tensors()[i];
    CHECK(std::equal(expected[i]->begin(), expected[i]->end(),
                     file.TensorData(t)));
  }
}

TEST_CASE("GGUF views expose computable tensors as matrices and refuse others",
          "[engine][gguf]") {
  std::vector<std::byte> out;
  GgufWriter w = MemoryWriter(out);
  w.AddTensor("a", kernels::Format::kQ4_0, {64, 3, 2});
  w.AddTensor("b", 13u, {256});
  w.WriteTensor(Pattern(216, 0));
  w.WriteTensor(Pattern(176, 0));
  w.Finish();
  GgufFile file = GgufFile::FromBytes(out, "m.gguf");

  kernels::WeightView view = file.View(file.GetTensor("a"));
  CHECK(view.rows == 6);
  CHECK(view.cols == 64);
  CHECK(view.row_bytes == 36);
  CHECK(view.format == kernels::Format::kQ4_0);
  CHECK(view.data == file.TensorData(file.tensors()[0]));
  CHECK_THROWS_WITH(
      file.View(file.GetTensor("b")),
      "m.gguf: tensor 'b' has a type lapbench does not compute: 'q5_k' "
      "(expected one of f32, f16, bf16, q8_0, q6_k, q4_k, q4_0)");
  CHECK_THROWS_WITH(file.GetTensor("c"),
                    "m.gguf: missing tensor: 'c' (expected in the file)");
}

TEST_CASE("GGUF files on disk map privately: rewritten tensors stay in memory",
          "[engine][gguf]") {
  std::string path = "/tmp/lapbench_gguf_test_" + std::to_string(getpid());
  {
    GgufWriter w(path);
    w.SetString("general.architecture", "gemma3");
    w.AddTensor("t", kernels::Format::kF32, {8});
    w.WriteTensor(Pattern(32, 9));
    w.Finish();
  }
  {
    GgufFile file = GgufFile::Open(path);
    CHECK(file.path() == path);
    CHECK(file.architecture() == "gemma3");
    std::byte* data = file.MutableTensorData(file.tensors()[0]);
    data[0] = std::byte{0xee};
    CHECK(file.TensorData(file.tensors()[0])[0] == std::byte{0xee});
  }
  GgufFile reread = GgufFile::Open(path);
  CHECK(reread.TensorData(reread.tensors()[0])[0] == Pattern(32, 9)[0]);
  std::remove(path.c_str());
}

TEST_CASE("A huge-page copy of a GGUF file holds the mapping's bytes",
          "[engine][gguf]") {
  std::string path = "/tmp/lapbench_gguf_copy_" + std::to_string(getpid());
  {
    GgufWriter w(path);
    w.SetString("general.architecture", "llama");
    w.AddTensor("a", kernels::Format::kF32, {8, 3});
    w.AddTensor("b", kernels::Format::kQ8_0, {64});
    w.WriteTensor(Pattern(96, 1));
    w.WriteTensor(Pattern(68, 2));
    w.Finish();
  }
  const GgufFile mapped = GgufFile::Open(path);
  {
    GgufFile copy = GgufFile::Open(path, FileMemory::kHugePageCopy);
    CHECK(copy.file_size_bytes() == mapped.file_size_bytes());
    CHECK(copy.architecture() == "llama");
    REQUIRE(copy.tensors().size() == 2);
    for (size_t i = 0; i < 2; ++i) {
      const TensorInfo& t = copy.tensors()[i];
      CHECK(std::memcmp(copy.TensorData(t),
                        mapped.TensorData(mapped.tensors()[i]),
                        t.size_bytes) == 0);
    }
    // The copy is this process's: writing it leaves the file alone.
    copy.MutableTensorData(copy.tensors()[0])[0] = std::byte{0xee};
    CHECK(copy.TensorData(copy.tensors()[0])[0] == std::byte{0xee});
  }
  const GgufFile again = GgufFile::Open(path, FileMemory::kHugePageCopy);
  CHECK(again.TensorData(again.tensors()[0])[0] == Pattern(96, 1)[0]);
  std::remove(path.c_str());
}

TEST_CASE("GGUF writer refuses bad shapes, sizes and missing tensor data",
          "[engine][gguf]") {
  std::vector<std::byte> out;
  GgufWriter w = MemoryWriter(out);
  CHECK_THROWS_WITH(w.AddTensor("q", kernels::Format::kQ4_0, {33}),
                    "<memory>: bad shape of q4_0 tensor 'q': '33' (expected 1 "
                    "to 4 positive dims, the first a multiple of 32)");
  CHECK_THROWS_WITH(w.AddTensor("z", kernels::Format::kF32, {1, 0}),
                    "<memory>: bad shape of f32 tensor 'z': '1 x 0' (expected "
                    "1 to 4 positive dims, the first a multiple of 1)");
  CHECK_THROWS_WITH(w.AddTensor("u", 4u, {32}),
                    "<memory>: unknown type of tensor 'u': '4' (expected a "
                    "GGUF tensor type id)");
  w.AddTensor("t", kernels::Format::kF32, {4});
  w.AddTensor("s", kernels::Format::kF32, {4});
  CHECK_THROWS_WITH(w.AddTensor("t", kernels::Format::kF32, {4}),
                    "<memory>: duplicate tensor name: 't' (expected each name "
                    "once)");
  CHECK_THROWS_WITH(w.WriteTensor(Pattern(12, 0)),
                    "<memory>: data of tensor 't' has the wrong size: '12 "
                    "bytes' (expected 16)");
  w.WriteTensor(Pattern(16, 0));
  CHECK_THROWS_WITH(w.SetU32("late", 1),
                    "<memory>: cannot add metadata after tensor data was "
                    "written: 'late' (expected all metadata and tensors "
                    "declared first)");
  CHECK_THROWS_WITH(w.Finish(),
                    "<memory>: tensor declared but not written: 's' (expected "
                    "data for all 2 tensors)");
}

TEST_CASE("GGUF writer streams a tensor in parts to the same bytes",
          "[engine][gguf]") {
  std::vector<std::byte> whole;
  GgufWriter a = MemoryWriter(whole);
  a.AddTensor("t", kernels::Format::kF32, {4, 3});
  a.AddTensor("s", kernels::Format::kF32, {2});
  a.WriteTensor(Pattern(48, 1));
  a.WriteTensor(Pattern(8, 2));
  a.Finish();

  std::vector<std::byte> parts;
  GgufWriter b = MemoryWriter(parts);
  b.AddTensor("t", kernels::Format::kF32, {4, 3});
  b.AddTensor("s", kernels::Format::kF32, {2});
  const std::vector<std::byte> t = Pattern(48, 1);
  b.WriteTensorPart(std::span(t).subspan(0, 16));
  b.WriteTensorPart(std::span(t).subspan(16, 32));
  b.WriteTensorPart(Pattern(8, 2));
  b.Finish();
  CHECK(parts == whole);
}

TEST_CASE("GGUF writer refuses parts that overrun or leave a tensor short",
          "[engine][gguf]") {
  std::vector<std::byte> out;
  GgufWriter w = MemoryWriter(out);
  w.AddTensor("t", kernels::Format::kF32, {4});
  w.WriteTensorPart(Pattern(12, 0));
  CHECK_THROWS_WITH(w.WriteTensorPart(Pattern(8, 0)),
                    "<memory>: data of tensor 't' overruns it: '8 bytes' "
                    "(expected at most the 4 bytes left of 16)");
  CHECK_THROWS_WITH(w.Finish(),
                    "<memory>: tensor partly written: 't' (12 of 16 bytes; "
                    "expected all of it)");
}

TEST_CASE("GGUF writer refuses an alignment that is not a power of two",
          "[engine][gguf]") {
  std::vector<std::byte> out;
  GgufWriter w = MemoryWriter(out);
  w.SetU32("general.alignment", 48);
  CHECK_THROWS_WITH(w.Finish(),
                    "<memory>: bad general.alignment: '48' (expected a uint32 "
                    "power of two)");
}

}  // namespace
}  // namespace lapbench::engine::gguf
