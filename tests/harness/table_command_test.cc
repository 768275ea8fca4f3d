// Tests of the `lapbench table` and `lapbench recommend` command lines:
// what they accept, and their exit statuses.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
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

using testing::RunCaptured;

namespace fs = std::filesystem;

// A report of one q4_0 case of a 3B preset at 16 decode tokens/s.
reports::Report OneCaseReport(const std::string& brand) {
  reports::Report r;
  r.machine = {{"cpu", {{"brand", brand}}},
               {"memory", {{"planning_bytes", uint64_t{1} << 30}}}};
  r.suite = {{"name", "quick"}};
  reports::CaseResult c;
  c.spec = {1,      "llama3.2-3b", "", std::string(64, 'a'),
            "q4_0", "avx2",        2,  "all",
            {},     "f16",         64, 32};
  c.status = reports::CaseStatus::kMeasured;
  c.metrics.decode_tokens_per_s = reports::MakeMetric({16, 16});
  c.metrics.ttft_ms = reports::MakeMetric({400, 400});
  c.metrics.peak_rss_bytes = reports::MakeMetric({2e9, 2e9});
  r.cases = {c};
  return r;
}

struct Fixture {
  fs::path dir = fs::temp_directory_path() /
                 ("lapbench-table-command-" + std::to_string(getpid()));
  Fixture() {
    fs::remove_all(dir);
    fs::create_directories(dir / "b");
    std::ofstream(dir / "a.json") << reports::ToJson(OneCaseReport("A")).dump();
    std::ofstream(dir / "b" / "report.json")
        << reports::ToJson(OneCaseReport("B")).dump();
    std::ofstream(dir / "b" / "notes.json") << "{}";
  }
  ~Fixture() { fs::remove_all(dir); }
};

TEST_CASE("lapbench table merges a directory's reports into one table") {
  Fixture f;
  std::string out;
  REQUIRE(RunCaptured({"table", f.dir.string(), "--metrics", "decode",
                       "--output", "csv"},
                      out) == kExitOk);
  // The header and one line per machine; notes.json was skipped.
  CHECK(std::count(out.begin(), out.end(), '\n') == 3);
  CHECK(out.find(",A,") != std::string::npos);
  CHECK(out.find(",B,") != std::string::npos);
}

TEST_CASE("lapbench table refuses bad metrics, outputs and files") {
  Fixture f;
  std::string out;
  CHECK(RunCaptured({"table", f.dir.string(), "--metrics", "speed"}, out) ==
        kExitBadInput);
  CHECK(RunCaptured({"table", f.dir.string(), "--output", "pdf"}, out) ==
        kExitBadInput);
  CHECK(RunCaptured({"table", (f.dir / "b" / "notes.json").string()}, out) ==
        kExitBadInput);
  CHECK(RunCaptured({"table", f.dir.string(), "--format", "q8_0"}, out) ==
        kExitBadInput);
}

TEST_CASE("lapbench recommend exits 1 with a suggestion when nothing fits") {
  Fixture f;
  std::string out;
  CHECK(
      RunCaptured({"recommend", "--report", (f.dir / "a.json").string(),
                   "--model", "llama3.2-3b", "-o", (f.dir / "w.toml").string()},
                  out) == kExitFailed);
  CHECK(out.find("nothing fits: ") != std::string::npos);
  CHECK_FALSE(fs::exists(f.dir / "w.toml"));
}

}  // namespace
}  // namespace lapbench::harness
