// Tests of the `lapbench run` command line: a run writes its report where
// --out says, and --replay runs the same cases with the same seed.
#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "cli_capture.h"
#include "harness/cli.h"
#include "harness/commands.h"
#include "reports/report.h"

namespace lapbench::harness {
namespace {

using testing::RunQuietly;

namespace fs = std::filesystem;

TEST_CASE("lapbench run writes a report to --out that --replay runs again") {
  const fs::path dir = fs::temp_directory_path() /
                       ("lapbench-run-command-" + std::to_string(getpid()));
  fs::remove_all(dir);
  const std::string cache = (dir / "models").string();
  REQUIRE(RunQuietly({"run",
                      "--suite",
                      "ci",
                      "--model",
                      "tiny-llama",
                      "--formats",
                      "q4_0",
                      "--variants",
                      "ref",
                      "-t",
                      "1",
                      "--prompt-tokens",
                      "8",
                      "--gen-tokens",
                      "2",
                      "--seed",
                      "5",
                      "--out",
                      (dir / "first").string(),
                      "--model-cache",
                      cache}) == kExitOk);
  const std::string first = (dir / "first" / "report.json").string();
  REQUIRE(RunQuietly({"run", "--replay", first, "--out",
                      (dir / "again").string(), "--model-cache", cache}) ==
          kExitOk);
  const reports::Report a = reports::LoadReport(first);
  const reports::Report b =
      reports::LoadReport((dir / "again" / "report.json").string());
  CHECK(b.seed == 5);
  REQUIRE(b.cases.size() == 1);
  CHECK(b.cases[0].status == reports::CaseStatus::kMeasured);
  CHECK(reports::ToJson(b.cases[0].spec) == reports::ToJson(a.cases[0].spec));
  CHECK(b.suite["cases"] == a.suite["cases"]);
  for (const char* rendered : {"report.md", "cases.csv", "report.html"}) {
    CHECK(fs::is_regular_file(dir / "first" / rendered));
  }
  fs::remove_all(dir);
}

TEST_CASE("lapbench run refuses suite overrides with --replay") {
  CHECK(RunQuietly({"run", "--replay", "/dev/null", "-t", "1"}) ==
        kExitBadInput);
}

}  // namespace
}  // namespace lapbench::harness
