// `lapbench model info`: the summary of a GGUF file, as text and JSON.
#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli_capture.h"
#include "engine/gguf/gguf.h"
#include "harness/cli.h"
#include "harness/commands.h"

namespace lapbench::harness {
namespace {

using testing::RunCaptured;

std::string TempPath(std::string_view stem) {
  return (std::filesystem::temp_directory_path() /
          (std::string("lapbench-info-") + std::string(stem) + "-" +
           std::to_string(::getpid()) + ".gguf"))
      .string();
}

// A tiny llama-like file with one tensor lapbench computes and one it
// does not.
void WriteTinyModel(const std::string& path) {
  engine::gguf::GgufWriter w(path);
  w.SetString("general.architecture", "llama");
  w.SetU32("llama.block_count", 2);
  w.SetF32("llama.rope.freq_base", 500000.f);
  w.SetStringArray("tokenizer.ggml.tokens", {"a", "b"});
  w.AddTensor("token_embd.weight", kernels::Format::kQ8_0, {64, 2});
  w.AddTensor("blk.0.ffn_down.weight", 13u, {256, 1});
  w.WriteTensor(std::vector<std::byte>(136));
  w.WriteTensor(std::vector<std::byte>(176));
  w.Finish();
}

TEST_CASE("model info prints a GGUF file's formats and hyperparameters",
          "[harness][gguf]") {
  const std::string path = TempPath("tiny");
  WriteTinyModel(path);
  std::string out;
  REQUIRE(RunCaptured({"model", "info", path, "--json", "--sha256"}, out) ==
          kExitOk);
  nlohmann::json j = nlohmann::json::parse(out);
  CHECK(j["architecture"] == "llama");
  CHECK(j["gguf_version"] == 3);
  CHECK(j["n_tensors"] == 2);
  CHECK(j["n_params"] == 384);
  CHECK(j["file_size_bytes"] == std::filesystem::file_size(path));
  CHECK(j["hyperparameters"]["llama.block_count"] == 2);
  CHECK(j["hyperparameters"]["llama.rope.freq_base"] == 500000.0);
  CHECK(j["hyperparameters"].size() == 2);
  REQUIRE(j["formats"].size() == 2);
  CHECK(j["formats"][0]["format"] == "q5_k");  // largest first
  CHECK(j["formats"][0]["computed_by_lapbench"] == false);
  CHECK(j["formats"][1]["format"] == "q8_0");
  CHECK(j["formats"][1]["size_bytes"] == 136);
  CHECK(j["sha256"].get<std::string>().size() == 64);

  REQUIRE(RunCaptured({"model", "info", path}, out) == kExitOk);
  CHECK_THAT(out, Catch::Contains("architecture  llama"));
  CHECK_THAT(out, Catch::Contains("not computed"));
  std::filesystem::remove(path);
}

TEST_CASE("model info refuses a file that is not GGUF", "[harness][gguf]") {
  const std::string path = TempPath("bad");
  std::ofstream(path) << "not a model";
  std::string out;
  CHECK(RunCaptured({"model", "info", path}, out) == kExitBadInput);
  CHECK(out.empty());
  CHECK(RunCaptured({"model", "info", path + ".missing"}, out) ==
        kExitBadInput);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace lapbench::harness
