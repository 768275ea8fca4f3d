// `lapbench throttle` from the command line, on a tiny synthetic model.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/cli.h"
#include "harness/commands.h"

namespace lapbench::harness {
namespace {

namespace fs = std::filesystem;

int Run(std::vector<std::string> args) {
  args.insert(args.begin(), "lapbench");
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  return RunCli(static_cast<int>(argv.size()), argv.data());
}

fs::path TempDir() {
  return fs::temp_directory_path() /
         ("lapbench-throttle-" + std::to_string(::getpid()));
}

TEST_CASE("throttle decodes a tiny preset and writes the series as JSON",
          "[harness][throttle]") {
  const fs::path dir = TempDir();
  const std::string json = (dir / "throttle.json").string();
  fs::create_directories(dir);
  REQUIRE(Run({"throttle", "--model", "tiny-llama", "--threads", "1",
               "--duration", "300ms", "--interval", "100ms", "--ctx", "16",
               "--prompt", "4", "--model-dir", dir.string(), "--json", json}) ==
          kExitOk);
  CHECK(fs::exists(dir / "tiny-llama-q4_0-seed0.gguf"));
  std::ifstream in(json);
  const nlohmann::json j = nlohmann::json::parse(in);
  CHECK(j["schema"] == "lapbench.throttle/1");
  CHECK(j["threads"] == 1);
  CHECK(j["n_ctx"] == 16);
  CHECK(j["analysis"]["n_samples"] == j["series"].size());
  CHECK(j["series"].size() >= 2);
  CHECK(j["analysis"]["burst_tokens_per_s"].get<double>() > 0);
  CHECK(j["context_resets"].get<int64_t>() >= 1);  // 16 positions fill fast
  CHECK(j["monitor"]["samples"].size() >= 2);
  fs::remove_all(dir);
}

TEST_CASE("throttle refuses a duration without a known unit",
          "[harness][throttle]") {
  CHECK(Run({"throttle", "--model", "tiny-llama", "--duration", "5x"}) ==
        kExitBadInput);
  CHECK(Run({"throttle", "--model", "tiny-llama", "--interval", "0s"}) ==
        kExitBadInput);
  CHECK(Run({"throttle", "--model", "tiny-llama", "--ctx", "16"}) ==
        kExitBadInput);  // the default 32-token prompt does not fit
}

}  // namespace
}  // namespace lapbench::harness
