// Tests of run config files: what `lapbench recommend -o` writes reads back
// the same, `lapbench run --config` and `lapbench model bench --config`
// accept it, and a config naming two values is refused with its line.
#include "harness/run_config.h"

#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "cli_capture.h"
#include "harness/cli.h"
#include "harness/commands.h"
#include "reports/report.h"

namespace lapbench::harness {
namespace {

using testing::RunQuietly;

namespace fs = std::filesystem;

fs::path TempDir(const std::string& stem) {
  const fs::path dir = fs::temp_directory_path() /
                       ("lapbench-" + stem + "-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

TEST_CASE("run config: the TOML written reads back the same") {
  const RunConfig preset{"llama3.2-1b", "q8_0", "avx2", 2,
                         "physical",    "f32",  128,    16};
  const std::string text =
      RunConfigToml(preset, "recommended", "a \"quoted\" line", {"note"});
  CHECK(
      text.starts_with("# note\nname = \"recommended\"\n"
                       "description = \"a \\\"quoted\\\" line\"\n"));
  CHECK(RunConfigOf(ParseRunConfig(text, "w.toml")) == preset);

  const RunConfig file{
      "/tmp/my model.gguf", "q4_0", "best", kAllThreads, "all", "f16", 64, 0};
  const std::string file_text = RunConfigToml(file, "n", "d", {});
  CHECK(file_text.find("formats") == std::string::npos);
  CHECK(file_text.find("threads = [\"all\"]") != std::string::npos);
  CHECK(RunConfigOf(ParseRunConfig(file_text, "w.toml")) == file);
}

TEST_CASE("run config: two values of a sweep key are refused with the line") {
  const std::string text =
      "name = \"c\"\n[sweep]\nmodels = [\"tiny-llama\"]\n"
      "formats = [\"q4_0\"]\nthreads = [1, 2]\n";
  CHECK_THROWS_WITH(ParseRunConfig(text, "c.toml"),
                    "c.toml:5: sweep.threads: '[ 1, 2 ]' (expected a single "
                    "value: a config file names one configuration)");
  CHECK_THROWS_WITH(
      ParseRunConfig("[sweep]\nmodels = [\"tiny-llama\"]\nthred = 1\n",
                     "c.toml"),
      Catch::Contains("c.toml:3: unknown key: 'sweep.thred'"));
}

// A report of two tiny-llama configurations measured on a machine with
// 8 GiB to plan against.
reports::Report TwoConfigReport() {
  reports::Report report;
  report.machine = {{"memory", {{"planning_bytes", uint64_t{8} << 30}}}};
  report.suite = {{"name", "ci"}};
  for (int threads : {1, 2}) {
    reports::CaseResult c;
    c.spec = {threads, "tiny-llama", "",      std::string(64, 'a'),
              "q8_0",  "ref",        threads, "all",
              {},      "f16",        8,       2};
    c.status = reports::CaseStatus::kMeasured;
    c.metrics.decode_tokens_per_s =
        reports::MakeMetric({100.0 * threads, 100.0 * threads});
    c.metrics.ttft_ms = reports::MakeMetric({2, 2});
    c.metrics.peak_rss_bytes = reports::MakeMetric({1e7, 1e7});
    report.cases.push_back(c);
  }
  return report;
}

TEST_CASE("run config: recommend -o writes what run and model bench read") {
  const fs::path dir = TempDir("recommend-config");
  const std::string report = (dir / "report.json").string();
  std::ofstream(report) << reports::ToJson(TwoConfigReport()).dump();
  const std::string winner = (dir / "winner.toml").string();
  REQUIRE(RunQuietly({"recommend", "--report", report, "--model", "tiny-llama",
                      "--context", "512", "-o", winner}) == kExitOk);
  const RunConfig config = RunConfigOf(LoadRunConfig(winner));
  CHECK(config ==
        RunConfig{"tiny-llama", "q8_0", "ref", 2, "all", "f16", 8, 2});
  CHECK(RunQuietly({"run", "--config", winner, "--dry-run"}) == kExitOk);
  CHECK(RunQuietly({"run", "--config", winner, "--suite", "ci"}) ==
        kExitBadInput);

  // model bench with the winner's settings on a file made here.
  const std::string model = (dir / "tiny.gguf").string();
  REQUIRE(RunQuietly({"model", "make", "--preset", "tiny-llama", "--format",
                      "q8_0", "-o", model}) == kExitOk);
  std::ofstream(dir / "file.toml") << RunConfigToml(
      {model, "q8_0", "ref", 1, "all", "f16", 8, 2}, "f", "d", {});
  const int status =
      RunQuietly({"model", "bench", "--config", (dir / "file.toml").string(),
                  "--budget", "0.05"});
  CHECK(status != kExitBadInput);
  std::ofstream(dir / "two.toml")
      << "[sweep]\nmodels = [\"" << model << "\"]\nthreads = [1, 2]\n";
  CHECK(RunQuietly({"model", "bench", "--config",
                    (dir / "two.toml").string()}) == kExitBadInput);
  fs::remove_all(dir);
}

TEST_CASE("recommend without --report measures a focused sweep first") {
  const fs::path dir = TempDir("recommend-sweep");
  const std::string winner = (dir / "winner.toml").string();
  REQUIRE(RunQuietly({"recommend", "--model", "tiny-llama", "--context", "256",
                      "--sweep-out", (dir / "sweep").string(), "--model-cache",
                      (dir / "models").string(), "-o", winner}) == kExitOk);
  const reports::Report report =
      reports::LoadReport((dir / "sweep" / "report.json").string());
  CHECK(report.suite["name"] == "recommend");
  CHECK(report.suite["sweep"]["formats"] ==
        nlohmann::json::array({"q4_0", "q8_0"}));
  CHECK(RunConfigOf(LoadRunConfig(winner)).model == "tiny-llama");
  CHECK(RunQuietly({"recommend", "--model", "tiny-mistral"}) == kExitBadInput);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace lapbench::harness
