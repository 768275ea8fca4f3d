// Tests of the machine comparison table: grouping by model file and suite,
// the best configuration per machine, sorting, metric selection, missing
// values and the three renderings; and finding reports in directories.
#include "reports/machine_table.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "reports/report_inputs.h"

namespace lapbench::reports {
namespace {

namespace fs = std::filesystem;

const std::string kShaA(64, 'a');
const std::string kShaB(64, 'b');

nlohmann::json MachineJson(const std::string& brand, int64_t cores,
                           int64_t logical, uint64_t ram_bytes) {
  return {{"cpu",
           {{"brand", brand},
            {"n_physical_cores", cores},
            {"n_logical_cpus", logical}}},
          {"memory", {{"total_bytes", ram_bytes}}},
          {"gpu",
           {{"devices", {{{"name", "Radeon 780M"}, {"integrated", true}}}}}}};
}

// A measured case of model "m" with the given file hash and decode/TTFT
// samples; no prefill, throttle or energy figures.
CaseResult Measured(int id, const std::string& sha, const std::string& format,
                    int threads, std::vector<double> decode,
                    std::vector<double> ttft) {
  CaseResult c;
  c.spec.id = id;
  c.spec.model = "m";
  c.spec.model_sha256 = sha;
  c.spec.format = format;
  c.spec.variant = "avx2";
  c.spec.threads = threads;
  c.spec.placement = "all";
  c.spec.kv_type = "f16";
  c.spec.prompt_tokens = 64;
  c.spec.gen_tokens = 32;
  c.status = CaseStatus::kMeasured;
  c.metrics.decode_tokens_per_s = MakeMetric(std::move(decode));
  c.metrics.ttft_ms = MakeMetric(std::move(ttft));
  return c;
}

SourcedReport Sourced(const std::string& path, nlohmann::json machine,
                      const std::string& suite, std::vector<CaseResult> cases) {
  Report r;
  r.machine = std::move(machine);
  r.suite = {{"name", suite}};
  r.cases = std::move(cases);
  return {path, std::move(r)};
}

// Two machines; the first measured two model files, the second one.
std::vector<SourcedReport> TwoMachines() {
  return {Sourced("a.json", MachineJson("CPU A", 8, 16, 32ull << 30), "quick",
                  {Measured(1, kShaA, "q4_0", 4, {10, 11, 12}, {300}),
                   Measured(2, kShaB, "q8_0", 4, {7, 8, 9}, {400})}),
          Sourced("b.json", MachineJson("CPU B", 4, 8, 16ull << 30), "quick",
                  {Measured(1, kShaA, "q4_0", 4, {20, 21, 22}, {200})})};
}

TEST_CASE("table: two model files are never in one table") {
  const auto groups = BuildTableGroups(TwoMachines(), TableOptions{});
  REQUIRE(groups.size() == 2);
  CHECK(groups[0].model_sha256 == kShaA);
  CHECK(groups[0].rows.size() == 2);
  CHECK(groups[1].model_sha256 == kShaB);
  REQUIRE(groups[1].rows.size() == 1);
  CHECK(groups[1].rows[0].machine.cpu_brand == "CPU A");
  CHECK(groups[0].Title() == "m q4_0, suite quick, prompt 64, gen 32");
}

TEST_CASE("table: the same format name with another file hash is apart") {
  auto reports = TwoMachines();
  reports[1].report.cases[0].spec.model_sha256 = std::string(64, 'c');
  const auto groups = BuildTableGroups(reports, TableOptions{});
  REQUIRE(groups.size() == 3);
  for (const TableGroup& g : groups) CHECK(g.rows.size() == 1);
}

TEST_CASE("table: one file is one table whatever the model is called") {
  auto reports = TwoMachines();
  reports[1].report.cases[0].spec.model = "/models/m-q4_0.gguf";
  const auto groups = BuildTableGroups(reports, TableOptions{});
  REQUIRE(groups.size() == 2);
  CHECK(groups[0].model_sha256 == kShaA);
  CHECK(groups[0].rows.size() == 2);
}

TEST_CASE("table: another suite is another table") {
  auto reports = TwoMachines();
  reports[1].report.suite["name"] = "standard";
  const auto groups = BuildTableGroups(reports, TableOptions{});
  // Ordered by model, format, then suite.
  REQUIRE(groups.size() == 3);
  CHECK(groups[0].suite == "quick");
  CHECK(groups[0].rows.size() == 1);
  CHECK(groups[1].suite == "standard");
  CHECK(groups[1].rows[0].machine.cpu_brand == "CPU B");
  CHECK(groups[2].format == "q8_0");
}

TEST_CASE("table: rows sort by decode, best first, by default") {
  const auto groups = BuildTableGroups(TwoMachines(), TableOptions{});
  const TableGroup& g = groups[0];
  CHECK(g.rows[0].machine.cpu_brand == "CPU B");
  CHECK(g.rows[0].values[0]->value == 21);
  CHECK(g.rows[1].machine.cpu_brand == "CPU A");
  CHECK(g.rows[1].values[0]->value == 11);
}

TEST_CASE("table: --sort ttft puts the lowest first; missing figures last") {
  auto reports = TwoMachines();
  reports.push_back(Sourced("c.json", MachineJson("CPU C", 2, 4, 8ull << 30),
                            "quick",
                            {Measured(1, kShaA, "q4_0", 2, {30}, {})}));
  TableOptions options;
  options.metrics = {TableMetric::kTtft};
  options.sort = TableMetric::kTtft;
  const auto groups = BuildTableGroups(reports, options);
  const TableGroup& g = groups[0];
  REQUIRE(g.rows.size() == 3);
  CHECK(g.rows[0].machine.cpu_brand == "CPU B");
  CHECK(g.rows[1].machine.cpu_brand == "CPU A");
  CHECK(g.rows[2].machine.cpu_brand == "CPU C");
  CHECK_FALSE(g.rows[2].values[0].has_value());
}

TEST_CASE("table: a machine's row comes from its best decode configuration") {
  auto reports = TwoMachines();
  reports[0].report.cases.push_back(
      Measured(3, kShaA, "q4_0", 8, {14, 15, 16}, {250}));
  const auto groups = BuildTableGroups(reports, TableOptions{});
  const MachineTableRow& a = groups[0].rows[1];
  CHECK(a.machine.cpu_brand == "CPU A");
  CHECK(a.config == "avx2, 8 threads (all), kv f16");
  CHECK(a.source == "a.json case 3");
  CHECK(a.n_candidates == 2);
  CHECK(a.values[0]->value == 15);
  CHECK(a.values[2]->value == 250);  // TTFT of the same case
}

TEST_CASE("table: reports of one machine merge unless --per-report") {
  auto reports = TwoMachines();
  reports.push_back(Sourced("b2.json", MachineJson("CPU B", 4, 8, 16ull << 30),
                            "quick",
                            {Measured(5, kShaA, "q4_0", 1, {9}, {500})}));
  auto merged = BuildTableGroups(reports, TableOptions{});
  CHECK(merged[0].rows.size() == 2);
  CHECK(merged[0].rows[0].source == "b.json case 1");
  TableOptions per_report;
  per_report.row_per_report = true;
  auto apart = BuildTableGroups(reports, per_report);
  CHECK(apart[0].rows.size() == 3);
}

TEST_CASE("table: --metrics chooses the columns and their order") {
  TableOptions options;
  options.metrics = {TableMetric::kTtft, TableMetric::kDecode};
  const auto groups = BuildTableGroups(TwoMachines(), options);
  const MachineTableRow& b = groups[0].rows[0];
  REQUIRE(b.values.size() == 2);
  CHECK(b.values[0]->value == 200);
  CHECK(b.values[1]->value == 21);
  const std::string md =
      RenderTables({groups[0]}, options.metrics, TableOutput::kMarkdown);
  CHECK(
      md.find("| CPU | physical cores | logical CPUs | RAM | iGPU | TTFT ms | "
              "decode tok/s | config | from |") != std::string::npos);
}

TEST_CASE("table: a missing figure is a dash, never a guess") {
  const auto groups = BuildTableGroups(TwoMachines(), TableOptions{});
  const std::string md =
      RenderTables({groups[1]}, AllTableMetrics(), TableOutput::kMarkdown);
  CHECK(
      md ==
      "## m q8_0, suite quick, prompt 64, gen 32\n\n"
      "model file sha256 " +
          kShaB +
          "; each row is the machine's best decode configuration; [low, "
          "high] is the 95% interval of the median; \u2014 means not "
          "measured.\n\n"
          "| CPU | physical cores | logical CPUs | RAM | iGPU | decode tok/s | "
          "prefill tok/s | TTFT ms | sustained/burst | J/token | config | "
          "from |\n"
          "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | "
          "--- | --- |\n"
          "| CPU A | 8 | 16 | 32.0 GiB | Radeon 780M | 8.00 [7.00, 9.00] | "
          "\u2014 | 400 [400, 400] | \u2014 | \u2014 | avx2, 4 threads "
          "(all), kv f16 | a.json case 2 |\n\n");
}

TEST_CASE("table: CSV leaves missing figures empty and quotes text") {
  auto reports = TwoMachines();
  reports[0].report.machine["cpu"]["brand"] = "CPU, \"A\"";
  TableOptions options;
  options.metrics = {TableMetric::kDecode, TableMetric::kJoulesPerToken};
  const auto groups = BuildTableGroups(reports, options);
  const std::string csv =
      RenderTables({groups[1]}, options.metrics, TableOutput::kCsv);
  CHECK(csv ==
        "model,format,model_sha256,suite,prompt_tokens,gen_tokens,cpu_brand,"
        "physical_cores,logical_cpus,ram_bytes,igpu,decode,decode_ci_low,"
        "decode_ci_high,jpt,jpt_ci_low,jpt_ci_high,config,source\n"
        "m,q8_0," +
            kShaB +
            ",quick,64,32,\"CPU, \"\"A\"\"\",8,16,34359738368,Radeon 780M,8,"
            "7,9,,,,\"avx2, 4 threads (all), kv f16\",a.json case 2\n");
}

TEST_CASE("table: HTML escapes text and shows energy and ratio figures") {
  auto reports = TwoMachines();
  CaseResult& c = reports[0].report.cases[1];
  reports[0].report.machine["cpu"]["brand"] = "<CPU A>";
  CaseMonitor monitor;
  monitor.joules_per_token = 0.25;
  c.monitor = monitor;
  CaseThrottle throttle;
  // Burst 10 tok/s (seconds 2-6), sustained 5 (the last third).
  for (int t = 1; t <= 9; ++t) {
    ThrottleSample sample;
    sample.t_s = t;
    sample.tokens_per_s = t <= 6 ? 10 : 5;
    throttle.series.push_back(sample);
  }
  throttle.analysis = AnalyzeThrottle(throttle.series);
  c.throttle = throttle;
  const auto groups = BuildTableGroups(reports, TableOptions{});
  const std::string html =
      RenderTables({groups[1]}, AllTableMetrics(), TableOutput::kHtml);
  CHECK(html.find("<td>&lt;CPU A&gt;</td>") != std::string::npos);
  CHECK(html.find("<td>0.250</td>") != std::string::npos);
  CHECK(html.find("<td>0.500</td>") != std::string::npos);  // 5 / 10
}

TEST_CASE("table: the machine's iGPU is named, none, or unknown") {
  nlohmann::json m = MachineJson("X", 1, 2, 1);
  CHECK(IdentifyMachine(m).igpu == "Radeon 780M");
  m["gpu"]["devices"] = nlohmann::json::array();
  CHECK(IdentifyMachine(m).igpu == "none");
  m["gpu"]["devices"] = {{{"name", "virtio"}, {"integrated", nullptr}}};
  CHECK_FALSE(IdentifyMachine(m).igpu.has_value());
  CHECK_FALSE(IdentifyMachine(nlohmann::json::object()).ram_bytes);
}

TEST_CASE("table: groups are chosen by model and format") {
  const auto groups = BuildTableGroups(TwoMachines(), TableOptions{});
  CHECK(SelectTableGroups(groups, "m", "q8_0").size() == 1);
  CHECK(SelectTableGroups(groups, "m", "Q8_0").size() == 1);
  CHECK(SelectTableGroups(groups, "m", "").size() == 2);
  CHECK(SelectTableGroups(groups, "other", "").empty());
  CHECK(WidestTableGroup(groups).model_sha256 == kShaA);
}

TEST_CASE("report inputs: a directory skips non-reports, a named file not") {
  const fs::path dir = fs::temp_directory_path() /
                       ("lapbench-table-inputs-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "run1");
  Report r;
  r.machine = nlohmann::json::object();
  r.suite = {{"name", "quick"}};
  std::ofstream(dir / "run1" / "report.json") << ToJson(r).dump();
  std::ofstream(dir / "probe.json") << R"({"schema": "lapbench.probe/1"})";
  std::vector<std::string> warnings;
  const auto found = FindAndLoadReports({dir.string()}, warnings);
  REQUIRE(found.size() == 1);
  CHECK(found[0].path == (dir / "run1" / "report.json").string());
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].starts_with("skipped " + (dir / "probe.json").string()));
  CHECK_THROWS_AS(FindAndLoadReports({(dir / "probe.json").string()}, warnings),
                  ReportError);
  CHECK_THROWS_AS(FindAndLoadReports({(dir / "none.json").string()}, warnings),
                  ReportError);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace lapbench::reports
