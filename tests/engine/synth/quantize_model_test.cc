// Quantizing a float model: reference bytes, kept metadata, clear refusals.
#include "engine/synth/quantize_model.h"

#include <catch2/catch.hpp>
#include <cstring>
#include <string>
#include <vector>

#include "engine/gguf/file_hash.h"
#include "engine/gguf/gguf.h"
#include "kernels/quantize.h"
#include "synth_test_files.h"

namespace lapbench::engine {
namespace {

using kernels::Format;
using testing::TempModelPath;

void MakeTiny(std::string_view preset, std::string_view format,
              const std::string& path) {
  MakeModelOptions options;
  options.seed = 9;
  MakeModel(FindPreset(preset), FindFileFormat(format), path, options);
}

// Every tensor of `out` in `format` equals quantizing the float rows of
// the same tensor of `in` directly.
void CheckRowsQuantizedDirectly(const gguf::GgufFile& in,
                                const gguf::GgufFile& out, Format format) {
  int n_checked = 0;
  for (const gguf::TensorInfo& o : out.tensors()) {
    if (o.format != format) continue;
    const gguf::TensorInfo& i = in.GetTensor(o.name);
    std::vector<float> row(static_cast<size_t>(i.cols()));
    std::vector<std::byte> block(kernels::RowBytes(format, i.cols()));
    size_t in_row = kernels::RowBytes(*i.format, i.cols());
    for (int64_t r = 0; r < i.rows(); ++r) {
      kernels::DequantizeRow(*i.format, in.TensorData(i) + r * in_row,
                             row.data(), i.cols());
      kernels::QuantizeRow(format, row.data(), block.data(), i.cols());
      INFO(o.name << " row " << r);
      REQUIRE(std::memcmp(out.TensorData(o) + r * block.size(), block.data(),
                          block.size()) == 0);
    }
    ++n_checked;
  }
  CHECK(n_checked > 10);
}

TEST_CASE("Q8_0 and Q4_0 blocks equal quantizing the F32 rows directly",
          "[engine][synth]") {
  TempModelPath f32("f32"), q8("q8"), q4("q4");
  MakeTiny("tiny-gemma3", "f32", f32.str());
  QuantizeModel(f32.str(), q8.str(), FindFileFormat("q8_0"));
  QuantizeModel(f32.str(), q4.str(), FindFileFormat("q4_0"));
  gguf::GgufFile in = gguf::GgufFile::Open(f32.str());
  CheckRowsQuantizedDirectly(in, gguf::GgufFile::Open(q8.str()), Format::kQ8_0);
  CheckRowsQuantizedDirectly(in, gguf::GgufFile::Open(q4.str()), Format::kQ4_0);
}

TEST_CASE("BF16 input is quantized from its widened rows", "[engine][synth]") {
  TempModelPath bf16("bf16"), q8("q8");
  MakeTiny("tiny-llama", "bf16", bf16.str());
  QuantizeModel(bf16.str(), q8.str(), FindFileFormat("q8_0"));
  CheckRowsQuantizedDirectly(gguf::GgufFile::Open(bf16.str()),
                             gguf::GgufFile::Open(q8.str()), Format::kQ8_0);
}

TEST_CASE("Quantizing a made F32 model gives the made model's bytes",
          "[engine][synth]") {
  // Same metadata order, same type table, same reference quantizers.
  for (std::string_view format : {"q8_0", "q4_0", "q4_k_m", "f16"}) {
    TempModelPath f32("f32"), made("made"), converted("converted");
    MakeTiny("tiny-gemma4", "f32", f32.str());
    MakeTiny("tiny-gemma4", format, made.str());
    QuantizedModel q =
        QuantizeModel(f32.str(), converted.str(), FindFileFormat(format));
    INFO(format);
    CHECK(q.sha256 == gguf::FileSha256Hex(made.str()));
  }
}

TEST_CASE("Quantizing keeps the metadata and sets the file type",
          "[engine][synth]") {
  TempModelPath f32("f32"), q4("q4");
  MakeTiny("tiny-llama", "f32", f32.str());
  QuantizeModelOptions pure;
  pure.pure = true;
  QuantizedModel q =
      QuantizeModel(f32.str(), q4.str(), FindFileFormat("q4_0"), pure);
  gguf::GgufFile in = gguf::GgufFile::Open(f32.str());
  gguf::GgufFile out = gguf::GgufFile::Open(q4.str());
  CHECK(out.GetU32("general.file_type") == 2);
  CHECK(out.GetU32("general.quantization_version") == 2);
  CHECK(out.metadata().size() == in.metadata().size() + 1);
  for (const gguf::KeyValue& kv : in.metadata()) {
    if (kv.key == "general.file_type") continue;
    INFO(kv.key);
    REQUIRE(out.Find(kv.key) != nullptr);
    CHECK(*out.Find(kv.key) == kv.value);
  }
  CHECK(out.GetTensor("output.weight").format == Format::kQ4_0);
  CHECK(out.GetTensor("output_norm.weight").format == Format::kF32);
  CHECK(q.size_bytes == out.file_size_bytes());
}

TEST_CASE("A quantized input is refused, naming the tensor and its type",
          "[engine][synth]") {
  TempModelPath q4("q4"), out("out");
  MakeTiny("tiny-llama", "q4_0", q4.str());
  CHECK_THROWS_MATCHES(
      QuantizeModel(q4.str(), out.str(), FindFileFormat("q8_0")), SynthError,
      Catch::Message(q4.str() +
                     ": input is already quantized: tensor "
                     "'token_embd.weight' is 'q4_0' (expected f32, f16 or "
                     "bf16 tensors; quantize from the float model)"));
}

TEST_CASE("Quantizing a file onto itself is refused", "[engine][synth]") {
  TempModelPath f32("f32");
  MakeTiny("tiny-llama", "f32", f32.str());
  CHECK_THROWS_AS(QuantizeModel(f32.str(), f32.str(), FindFileFormat("q8_0")),
                  SynthError);
  CHECK(gguf::GgufFile::Open(f32.str()).tensors().size() == 22);
}

TEST_CASE("A missing input is a GGUF error naming the path",
          "[engine][synth]") {
  TempModelPath out("out");
  CHECK_THROWS_WITH(
      QuantizeModel("/nonexistent/in.gguf", out.str(), FindFileFormat("q8_0")),
      Catch::Matchers::Contains("/nonexistent/in.gguf"));
}

}  // namespace
}  // namespace lapbench::engine
