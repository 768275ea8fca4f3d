// Tests of `lapbench report`: each format rendered to -o, and the exit
// status of a report that cannot be read.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "harness/cli.h"
#include "harness/commands.h"
#include "reports/render.h"
#include "tests/reports/render_sample.h"

namespace lapbench::harness {
namespace {

namespace fs = std::filesystem;

int RunLapbench(std::vector<std::string> args) {
  args.insert(args.begin(), "lapbench");
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  return RunCli(static_cast<int>(argv.size()), argv.data());
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void WriteFile(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

// A fresh directory for one test, named after the process.
fs::path TestDir(const std::string& name) {
  const fs::path dir =
      fs::temp_directory_path() / (name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

TEST_CASE("lapbench report writes each form of a report to -o",
          "[harness][report]") {
  const fs::path dir = TestDir("lapbench-report-command");
  const fs::path json = dir / "report.json";
  WriteFile(json, reports::ToJson(reports::SampleRenderReport()).dump(2));
  const reports::Report report = reports::LoadReport(json.string());
  for (const reports::RenderedForm& form : reports::AllRenderedForms()) {
    INFO(form.format);
    const fs::path out = dir / form.file_name;
    CHECK(RunLapbench({"report", json.string(), "--format", form.format, "-o",
                       out.string()}) == kExitOk);
    CHECK(ReadFile(out) == form.render(report));
  }
  fs::remove_all(dir);
}

TEST_CASE("lapbench report refuses what it cannot read with exit 2",
          "[harness][report]") {
  const fs::path dir = TestDir("lapbench-report-command-bad");
  const fs::path wrong_schema = dir / "wrong.json";
  WriteFile(wrong_schema, R"({"schema": "lapbench.report/9"})");
  const fs::path not_json = dir / "not.json";
  WriteFile(not_json, "{ not json");
  CHECK(RunLapbench({"report", wrong_schema.string()}) == kExitBadInput);
  CHECK(RunLapbench({"report", not_json.string()}) == kExitBadInput);
  CHECK(RunLapbench({"report", (dir / "missing.json").string()}) ==
        kExitBadInput);
  const fs::path good = dir / "report.json";
  WriteFile(good, reports::ToJson(reports::SampleRenderReport()).dump());
  CHECK(RunLapbench({"report", good.string(), "--format", "pdf"}) ==
        kExitBadInput);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace lapbench::harness
