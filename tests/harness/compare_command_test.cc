// Tests of `lapbench compare` through the command line: its exit statuses
// (0 no regression, 1 regression, 2 unusable input), report-only, the
// machine check and the JUnit file.
#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "harness/cli.h"
#include "harness/commands.h"
#include "reports/report.h"

namespace lapbench::harness {
namespace {

namespace fs = std::filesystem;

fs::path TempDir() {
  const fs::path dir = fs::temp_directory_path() /
                       ("lapbench-compare-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  return dir;
}

std::string ReadText(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

struct Outcome {
  int status = -1;
  std::string out;  // what the command printed on stdout
};

// Runs `lapbench compare args...` with stdout captured in a file.
Outcome Compare(std::vector<std::string> args) {
  const std::vector<std::string> command = {"lapbench", "compare"};
  args.insert(args.begin(), command.begin(), command.end());
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  const fs::path out_path = TempDir() / "stdout.txt";
  std::fflush(stdout);
  const int saved = ::dup(1);
  const int file = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ::dup2(file, 1);
  ::close(file);
  Outcome outcome;
  outcome.status = RunCli(static_cast<int>(argv.size()), argv.data());
  std::fflush(stdout);
  ::dup2(saved, 1);
  ::close(saved);
  outcome.out = ReadText(out_path);
  return outcome;
}

std::string Fixture(const char* name) {
  return std::string(LAPBENCH_FIXTURES_DIR) + "/compare/" + name;
}

// A report of one measured case with these decode tokens/s samples.
reports::Report OneCaseReport(std::vector<double> decode_tokens_per_s) {
  reports::Report report;
  report.machine = {{"cpu", {{"brand", "Test CPU"}, {"n_logical_cpus", 2}}},
                    {"memory", {{"total_bytes", 16000000000}}}};
  report.suite = nlohmann::json::object();
  reports::CaseResult c;
  c.spec = {1, "tiny-llama", "",  "ab",  "q4_0", "ref",
            1, "all",        {0}, "f16", 8,      4};
  c.status = reports::CaseStatus::kMeasured;
  c.metrics.decode_tokens_per_s = reports::MakeMetric(decode_tokens_per_s);
  report.cases = {c};
  return report;
}

std::string Write(const reports::Report& report, const char* name) {
  const fs::path path = TempDir() / name;
  std::ofstream(path) << reports::ToJson(report).dump(1);
  return path.string();
}

const std::vector<double> kBase = {100, 101, 102, 103, 104};
const std::vector<double> kSlower = {90, 91, 92, 93, 94};

TEST_CASE("compare exits 1 on a regression, 0 without one or report-only",
          "[harness][compare]") {
  const std::string base = Write(OneCaseReport(kBase), "base.json");
  const std::string slower = Write(OneCaseReport(kSlower), "slower.json");
  const std::string junit = (TempDir() / "junit.xml").string();
  const Outcome regression = Compare({base, slower, "--junit", junit});
  CHECK(regression.status == kExitFailed);
  CHECK(regression.out.find("| decode_tokens_per_s | higher | 5 vs 5 | 102 | "
                            "92 | -9.8% | 0.00794 | **regression** |") !=
        std::string::npos);
  CHECK(ReadText(junit).find("<failure type=\"regression\"") !=
        std::string::npos);

  CHECK(Compare({base, slower, "--report-only"}).status == kExitOk);
  CHECK(Compare({base, slower, "--threshold", "0.2"}).status == kExitOk);
  CHECK(Compare({base, base}).status == kExitOk);
  CHECK(Compare({slower, base}).status == kExitOk);  // an improvement
}

TEST_CASE("compare exits 2 on input it cannot use", "[harness][compare]") {
  const std::string base = Write(OneCaseReport(kBase), "base.json");
  const std::string junk = (TempDir() / "junk.json").string();
  std::ofstream(junk) << "{\"schema\": ";
  nlohmann::json broken = reports::ToJson(OneCaseReport(kBase));
  broken["cases"][0]["spec"].erase("threads");
  const std::string missing = (TempDir() / "missing.json").string();
  std::ofstream(missing) << broken.dump();
  reports::Report other = OneCaseReport(kBase);
  other.cases[0].spec.threads = 2;
  const std::string unpaired = Write(other, "other.json");

  CHECK(Compare({base, (TempDir() / "absent.json").string()}).status ==
        kExitBadInput);
  CHECK(Compare({base, junk}).status == kExitBadInput);
  CHECK(Compare({base, missing}).status == kExitBadInput);
  CHECK(Compare({base, Fixture("gbench-new.json")}).status == kExitBadInput);
  const Outcome nothing = Compare({base, unpaired});
  CHECK(nothing.status == kExitBadInput);
  CHECK(nothing.out.find("Only in new (not compared)") != std::string::npos);
  CHECK(Compare({base, base, "--alpha", "1"}).status == kExitBadInput);
  CHECK(Compare({base, base, "--metrics", "tokens"}).status == kExitBadInput);
  CHECK(Compare({base}).status == kExitBadInput);
}

TEST_CASE("another machine or model file is refused unless allowed",
          "[harness][compare]") {
  const std::string base = Write(OneCaseReport(kBase), "base.json");
  reports::Report elsewhere = OneCaseReport(kSlower);
  elsewhere.machine["cpu"]["brand"] = "Other CPU";
  const std::string other_cpu = Write(elsewhere, "other-cpu.json");
  reports::Report remade = OneCaseReport(kSlower);
  remade.cases[0].spec.model_sha256 = "cd";
  const std::string other_model = Write(remade, "other-model.json");

  CHECK(Compare({base, other_cpu}).status == kExitBadInput);
  CHECK(Compare({base, other_model}).status == kExitBadInput);
  // Allowed, the regression is reported and does not fail.
  const Outcome allowed =
      Compare({base, other_cpu, "--allow-different-machine"});
  CHECK(allowed.status == kExitOk);
  CHECK(allowed.out.find("- compared although they differ: machine "
                         "cpu.brand: 'Test CPU' (base) vs 'Other CPU' "
                         "(new)") != std::string::npos);
  CHECK(allowed.out.find("**regression**") != std::string::npos);
}

TEST_CASE("compare pairs Google Benchmark repetitions and checks the host",
          "[harness][compare]") {
  const std::string base = Fixture("gbench-base.json");
  const Outcome q4_slower = Compare({base, Fixture("gbench-new.json")});
  CHECK(q4_slower.status == kExitFailed);
  CHECK(q4_slower.out.find("| real_time (ms) | lower | 5 vs 5 | 1.02 | 1.22 "
                           "| +19.6% | 0.00794 | **regression** |") !=
        std::string::npos);
  CHECK(Compare({base, Fixture("gbench-new.json"), "--metrics",
                 "weight_bytes_per_s"})
            .status == kExitFailed);
  CHECK(Compare({base, Fixture("gbench-other-host.json")}).status ==
        kExitBadInput);
  CHECK(Compare({base, Fixture("gbench-other-host.json"),
                 "--allow-different-machine"})
            .status == kExitOk);  // the same numbers: no change
  CHECK(Compare({base, Fixture("gbench-aggregates.json")}).status ==
        kExitBadInput);  // no repetitions: nothing compared
}

}  // namespace
}  // namespace lapbench::harness
