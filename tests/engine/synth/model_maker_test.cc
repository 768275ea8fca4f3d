// Synthetic models: deterministic bytes, exact size estimates, readable
// metadata and weights of the intended scale.
#include "engine/synth/model_maker.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/gguf/file_hash.h"
#include "engine/gguf/gguf.h"
#include "engine/synth/hashing_sink.h"
#include "engine/synth/weight_init.h"
#include "kernels/quantize.h"
#include "synth_test_files.h"

namespace lapbench::engine {
namespace {

using testing::TempModelPath;

MadeModel Make(std::string_view preset, std::string_view format, uint64_t seed,
               const std::string& path, int n_threads = 0) {
  MakeModelOptions options;
  options.seed = seed;
  options.n_threads = n_threads;
  return MakeModel(FindPreset(preset), FindFileFormat(format), path, options);
}

// The expected hashes pin the bytes across machines and compilers: a
// change here means every report's synthetic model changed. Recorded on
// x86-64 Linux, GCC, the first version of the maker.
TEST_CASE("Synthetic model bytes match the recorded SHA-256",
          "[engine][synth]") {
  TempModelPath a("pinned-f32"), b("pinned-q4_0");
  CHECK(Make("tiny-llama", "f32", 7, a.str()).sha256 ==
        "6a8c16ec0777a6d04772ab977fbec14c1b859884b665ccbe422b28131698842d");
  CHECK(Make("tiny-gemma4", "q4_0", 7, b.str()).sha256 ==
        "c09f110180dddd72d8f8f637f726ad35cf20cfcb097295897e04862dbdee610b");
}

TEST_CASE("The same preset, format and seed give the same bytes",
          "[engine][synth]") {
  TempModelPath a("same-a"), b("same-b"), c("other-seed");
  MadeModel one = Make("tiny-gemma3", "q4_k", 3, a.str(), 1);
  MadeModel two = Make("tiny-gemma3", "q4_k", 3, b.str(), 2);
  CHECK(one.sha256 == two.sha256);
  CHECK(one.sha256 == gguf::FileSha256Hex(a.str()));
  CHECK(one.sha256.size() == 64);
  CHECK(Make("tiny-gemma3", "q4_k", 4, c.str()).sha256 != one.sha256);
}

TEST_CASE("EstimateFileBytes equals the written size", "[engine][synth]") {
  for (std::string_view preset : {"tiny-llama", "tiny-gemma3", "tiny-gemma4"}) {
    for (const FileFormat& format : AllFileFormats()) {
      TempModelPath path("estimate");
      MadeModel made = Make(preset, format.name, 1, path.str());
      INFO(preset << " " << format.name);
      CHECK(EstimateFileBytes(FindPreset(preset), format) == made.size_bytes);
    }
  }
}

TEST_CASE("A made model reads back with its metadata and tensor types",
          "[engine][synth]") {
  TempModelPath path("readback");
  MadeModel made = Make("tiny-gemma4", "q4_k_m", 5, path.str());
  gguf::GgufFile file = gguf::GgufFile::Open(path.str());
  CHECK(file.architecture() == "gemma4");
  CHECK(file.GetU32("general.file_type") == 15);
  CHECK(file.GetU32("general.quantization_version") == 2);
  CHECK(file.GetU64("lapbench.synthetic.seed") == 5);
  CHECK(file.GetString("lapbench.synthetic.preset") == "tiny-gemma4");
  CHECK(file.GetString("tokenizer.ggml.model") == "llama");
  std::vector<std::string> tokens =
      file.GetStringArray("tokenizer.ggml.tokens");
  REQUIRE(tokens.size() == 512);
  CHECK(tokens[1] == "<s>");
  CHECK(tokens[4 + 0x41] == "<0x41>");
  CHECK(tokens[511] == "t511");
  CHECK(file.GetU32("tokenizer.ggml.bos_token_id") == 1);
  CHECK(file.GetI32Array("tokenizer.ggml.token_type").size() == 512);
  REQUIRE(file.tensors().size() == made.tensor_types.size());
  for (size_t i = 0; i < made.tensor_types.size(); ++i) {
    CHECK(file.tensors()[i].name == made.tensor_types[i].name);
    CHECK(file.tensors()[i].format == made.tensor_types[i].format);
  }
  CHECK(file.file_size_bytes() == made.size_bytes);
}

TEST_CASE("Unquantized files carry no quantization version",
          "[engine][synth]") {
  TempModelPath path("f16");
  Make("tiny-llama", "f16", 0, path.str());
  gguf::GgufFile file = gguf::GgufFile::Open(path.str());
  CHECK(file.GetU32("general.file_type") == 1);
  CHECK(file.Find("general.quantization_version") == nullptr);
}

TEST_CASE("Quantized tensors hold the quantized generated rows",
          "[engine][synth]") {
  TempModelPath path("rows");
  Make("tiny-llama", "q8_0", 11, path.str());
  gguf::GgufFile file = gguf::GgufFile::Open(path.str());
  const gguf::TensorInfo& t = file.GetTensor("blk.1.ffn_down.weight");
  REQUIRE(t.format == kernels::Format::kQ8_0);
  TensorInit init = InitFor(FindPreset("tiny-llama"), {t.name, t.dims}, 11);
  std::vector<float> values(static_cast<size_t>(t.n_elems()));
  FillValues(init, 0, t.n_elems(), values.data());
  std::vector<std::byte> expected(t.size_bytes);
  size_t row_bytes = kernels::RowBytes(kernels::Format::kQ8_0, t.cols());
  for (int64_t r = 0; r < t.rows(); ++r) {
    kernels::QuantizeRow(kernels::Format::kQ8_0, values.data() + r * t.cols(),
                         expected.data() + r * row_bytes, t.cols());
  }
  CHECK(std::memcmp(file.TensorData(t), expected.data(), t.size_bytes) == 0);
}

// Mean and standard deviation of an F32 tensor.
std::pair<double, double> Moments(const gguf::GgufFile& file,
                                  std::string_view name) {
  const gguf::TensorInfo& t = file.GetTensor(name);
  const auto* v = reinterpret_cast<const float*>(file.TensorData(t));
  double sum = 0, sum_sq = 0;
  for (int64_t i = 0; i < t.n_elems(); ++i) {
    sum += v[i];
    sum_sq += static_cast<double>(v[i]) * v[i];
  }
  double n = static_cast<double>(t.n_elems());
  double mean = sum / n;
  return {mean, std::sqrt(sum_sq / n - mean * mean)};
}

TEST_CASE("Weights have the intended scale", "[engine][synth]") {
  TempModelPath path("scale");
  Make("tiny-gemma4", "f32", 2, path.str());
  gguf::GgufFile file = gguf::GgufFile::Open(path.str());
  // Matrices: std 1/sqrt(fan-in); 65k+ samples put the estimate within 2%.
  auto [q_mean, q_std] = Moments(file, "blk.0.attn_q.weight");
  CHECK(std::abs(q_mean) < 0.002);
  CHECK(q_std == Approx(1.0 / 16).epsilon(0.02));
  auto [d_mean, d_std] = Moments(file, "blk.0.ffn_down.weight");
  CHECK(d_std == Approx(1.0 / std::sqrt(512.0)).epsilon(0.02));
  // Norms near 1; Gemma 4's Q/K norms near head_dim^-1/4.
  auto [n_mean, n_std] = Moments(file, "blk.0.attn_norm.weight");
  CHECK(n_mean == Approx(1.0).epsilon(0.01));
  CHECK(n_std == Approx(0.02).epsilon(0.25));
  CHECK(Moments(file, "blk.0.attn_q_norm.weight").first ==
        Approx(std::pow(64.0, -0.25)).epsilon(0.01));
  CHECK(Moments(file, "blk.5.attn_k_norm.weight").first ==
        Approx(std::pow(128.0, -0.25)).epsilon(0.01));
  const gguf::TensorInfo& rope = file.GetTensor("rope_freqs.weight");
  const auto* f = reinterpret_cast<const float*>(file.TensorData(rope));
  CHECK(rope.n_elems() == 64);
  CHECK(f[15] == 1.0f);
  CHECK(f[16] == 1e30f);
}

TEST_CASE("Making a model with an unwritable path is an error naming it",
          "[engine][synth]") {
  CHECK_THROWS_WITH(Make("tiny-llama", "q4_0", 0, "/nonexistent-dir/x.gguf"),
                    Catch::Matchers::Contains("/nonexistent-dir/x.gguf"));
}

TEST_CASE("A model file appears only when complete", "[engine][synth]") {
  const TempModelPath path("complete");
  {
    std::FILE* old = std::fopen(path.str().c_str(), "wb");
    REQUIRE(old != nullptr);
    std::fputs("an earlier file", old);
    std::fclose(old);
  }
  const std::string partial = path.str() + ".partial";
  {
    HashingFileSink sink(path.str());
    const std::byte bytes[3] = {};
    sink.Write(bytes);
    CHECK(std::filesystem::exists(partial));
    // Destroyed without Finish(), as when writing fails half way.
  }
  CHECK_FALSE(std::filesystem::exists(partial));
  CHECK(std::filesystem::file_size(path.str()) == 15);  // untouched

  HashingFileSink sink(path.str());
  const std::byte bytes[3] = {};
  sink.Write(bytes);
  CHECK(sink.Finish().size() == 64);
  CHECK_FALSE(std::filesystem::exists(partial));
  CHECK(std::filesystem::file_size(path.str()) == 3);
}

}  // namespace
}  // namespace lapbench::engine
