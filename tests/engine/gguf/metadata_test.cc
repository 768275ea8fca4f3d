// GgufFile's typed getters: lenient integer widths, strict everything else,
// and messages naming the key and the expected type.
#include <catch2/catch.hpp>

#include "engine/gguf/gguf.h"
#include "tests/engine/gguf/gguf_bytes.h"

namespace lapbench::engine::gguf {
namespace {

GgufFile MetadataFile() {
  std::vector<std::byte> out;
  GgufWriter w = testing::MemoryWriter(out);
  w.SetU8("u8", 7);
  w.SetI32("i32", 4096);
  w.SetI32("negative", -1);
  w.SetU64("big", uint64_t{1} << 33);
  w.Set("f64", Value::Of<ValueType::kFloat64>(0.5));
  w.SetF32("f32", 1e-6f);
  w.SetString("name", "tiny");
  w.SetBool("flag", true);
  w.SetU32Array("counts", {1, 2, 3});
  w.Set("wide", Value::Of<ValueType::kArray>(
                    Array{std::vector<uint64_t>{uint64_t{1} << 40}}));
  w.Set("doubles",
        Value::Of<ValueType::kArray>(Array{std::vector<double>{0.25, 2.0}}));
  w.SetStringArray("tokens", {"a", "b"});
  w.Finish();
  return GgufFile::FromBytes(out, "m.gguf");
}

TEST_CASE("GGUF integer getters accept any integer type that fits",
          "[engine][gguf]") {
  GgufFile file = MetadataFile();
  CHECK(file.GetU32("u8") == 7);
  CHECK(file.GetU32("i32") == 4096);
  CHECK(file.GetU64("big") == uint64_t{1} << 33);
  CHECK(file.GetI32Array("counts") == std::vector<int32_t>{1, 2, 3});
  CHECK(file.FindU32("absent") == std::nullopt);
  CHECK(file.FindU32("u8") == 7u);
  CHECK_THROWS_WITH(file.GetU32("negative"),
                    "m.gguf: byte 58: metadata key 'negative' has the wrong "
                    "type: 'int32' (expected an integer from 0 to "
                    "4294967295)");
  CHECK_THROWS_WITH(file.GetU32("big"),
                    "m.gguf: byte 82: metadata key 'big' has the wrong type: "
                    "'uint64' (expected an integer from 0 to 4294967295)");
  CHECK_THROWS_WITH(file.GetI32Array("wide"),
                    Catch::Contains("metadata key 'wide' has the wrong type: "
                                    "'array of uint64' (expected array of "
                                    "integers that fit int32)"));
}

TEST_CASE("GGUF float, string and bool getters check the stored type",
          "[engine][gguf]") {
  GgufFile file = MetadataFile();
  CHECK(file.GetF32("f64") == 0.5f);
  CHECK(file.GetF32("f32") == 1e-6f);
  CHECK(file.GetString("name") == "tiny");
  CHECK(file.GetBool("flag"));
  CHECK(file.GetF32Array("doubles") == std::vector<float>{0.25f, 2.0f});
  CHECK(file.GetStringArray("tokens") == std::vector<std::string>{"a", "b"});
  CHECK(file.FindString("absent") == std::nullopt);
  CHECK_THROWS_WITH(file.GetF32("i32"),
                    Catch::EndsWith("metadata key 'i32' has the wrong type: "
                                    "'int32' (expected float32 or float64)"));
  CHECK_THROWS_WITH(file.FindString("flag"),
                    Catch::EndsWith("metadata key 'flag' has the wrong type: "
                                    "'bool' (expected string)"));
  CHECK_THROWS_WITH(file.GetStringArray("counts"),
                    Catch::EndsWith("'array of uint32' (expected array of "
                                    "string)"));
  CHECK_THROWS_WITH(file.GetBool("absent"),
                    "m.gguf: missing metadata key: 'absent' (expected bool)");
}

TEST_CASE("GGUF values render on one line with long arrays elided",
          "[engine][gguf]") {
  CHECK(Value::Of<ValueType::kString>(std::string("a\"b\n")).ToString() ==
        "\"a\\\"b\\x0a\"");
  Array a{std::vector<int32_t>{1, 2, 3, 4}};
  CHECK(Value::Of<ValueType::kArray>(a).ToString(2) == "[1, 2, ... (4 items)]");
  CHECK(Value::Of<ValueType::kInt8>(-3).ToString() == "-3");
  CHECK(Value::Of<ValueType::kFloat32>(0.5f).ToString() == "0.5");
}

}  // namespace
}  // namespace lapbench::engine::gguf
