// `lapbench model make` and `lapbench model quantize` from the command line.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/gguf/file_hash.h"
#include "harness/cli.h"
#include "harness/commands.h"

namespace lapbench::harness {
namespace {

int Run(std::vector<std::string> args) {
  args.insert(args.begin(), "lapbench");
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  return RunCli(static_cast<int>(argv.size()), argv.data());
}

std::string TempPath(std::string_view stem) {
  return (std::filesystem::temp_directory_path() /
          (std::string("lapbench-cli-") + std::string(stem) + "-" +
           std::to_string(::getpid()) + ".gguf"))
      .string();
}

TEST_CASE("model make and model quantize write the same Q8_0 file",
          "[harness][synth]") {
  const std::string f32 = TempPath("f32"), made = TempPath("made"),
                    converted = TempPath("converted");
  REQUIRE(Run({"model", "make", "--preset", "tiny-llama", "--format", "f32",
               "--seed", "3", "-o", f32}) == kExitOk);
  REQUIRE(Run({"model", "make", "--preset", "tiny-llama", "--format", "q8_0",
               "--seed", "3", "--threads", "1", "-o", made}) == kExitOk);
  REQUIRE(Run({"model", "quantize", f32, converted, "--format", "q8_0"}) ==
          kExitOk);
  CHECK(engine::gguf::FileSha256Hex(made) ==
        engine::gguf::FileSha256Hex(converted));
  CHECK(Run({"model", "quantize", made, TempPath("again"), "--format",
             "q4_0"}) == kExitBadInput);
  for (const std::string& p : {f32, made, converted}) {
    std::filesystem::remove(p);
  }
}

TEST_CASE("model make refuses unknown presets and formats",
          "[harness][synth]") {
  const std::string out = TempPath("bad");
  CHECK(Run({"model", "make", "--preset", "tiny-mistral", "--format", "q4_0",
             "-o", out}) == kExitBadInput);
  CHECK(Run({"model", "make", "--preset", "tiny-llama", "--format", "q5_k",
             "-o", out}) == kExitBadInput);
  CHECK(Run({"model", "make", "--preset", "tiny-llama", "--format", "q4_0"}) ==
        kExitBadInput);
  CHECK_FALSE(std::filesystem::exists(out));
}

}  // namespace
}  // namespace lapbench::harness
