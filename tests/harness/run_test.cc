// End-to-end tests of `lapbench run`'s loop: a tiny suite on this machine
// writes a report that reads back, with monitor figures from a fixture
// tree and accuracy per format; a sustained-decode case gives a series; a
// SIGINT leaves a partial report; a stop request abandons the case in
// flight; a report replays its cases.
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "harness/case_runner.h"
#include "harness/run_loop.h"
#include "harness/stop_signal.h"
#include "harness/suite.h"
#include "harness/suite_json.h"
#include "probes/profile.h"
#include "reports/report.h"

namespace lapbench::harness {
namespace {

namespace fs = std::filesystem;
using reports::CaseStatus;

// A fresh directory for one test.
fs::path TestDir(const std::string& name) {
  const fs::path dir =
      fs::temp_directory_path() /
      ("lapbench-run-test-" + std::to_string(getpid()) + "-" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// tiny-llama in two formats, one thread, on the `all` and `physical`
// placements: the physical cases repeat the all cases (one thread takes
// the same first CPU), so 2 cases are measured and 2 skipped.
constexpr const char* kTinySuite = R"(
name = "tiny"
description = "tiny-llama, q4_0 and q8_0, ref, 1 thread"
[sweep]
models = ["tiny-llama"]
formats = ["q4_0", "q8_0"]
variants = ["ref"]
threads = [1]
placements = ["all", "physical"]
kv_types = ["f16"]
prompt_tokens = [8]
gen_tokens = [4]
[policy]
warmup_runs = 1
min_reps = 2
max_reps = 2
target_rel_ci = 0.5
)";

Machine ThisMachine() {
  probes::ProbeOptions options;
  options.measure = false;
  return MachineFromProfile(probes::ProbeMachine(options));
}

// The same sweep in f32 and q4_0, with accuracy over 16 positions.
constexpr const char* kAccuracySuite = R"(
name = "tiny-accuracy"
[sweep]
models = ["tiny-llama"]
formats = ["f32", "q4_0"]
variants = ["ref"]
threads = [1]
placements = ["all", "physical"]
prompt_tokens = [8]
gen_tokens = [4]
[policy]
warmup_runs = 0
min_reps = 1
max_reps = 1
accuracy = true
accuracy_tokens = 16
)";

// One case decoding without pause for 2 s after a warm-up run.
constexpr const char* kSustainedSuite = R"(
name = "tiny-throttle"
[sweep]
models = ["tiny-llama"]
variants = ["ref"]
threads = [1]
prompt_tokens = [8]
gen_tokens = [8]
[policy]
warmup_runs = 1
min_reps = 1
max_reps = 1
sustained_decode_s = 2
)";

// Sensors read from the laptop fixture (71 C, on battery, a RAPL counter
// that never moves), without the clock chain.
MonitorOptions LaptopMonitor() {
  MonitorOptions options;
  options.root = probes::FsRoot(std::string(LAPBENCH_FIXTURES_DIR) +
                                "/sysfs/intel-laptop");
  options.measure_clock = false;
  return options;
}

RunSetup TinySetup(const fs::path& dir, const char* suite_text = kTinySuite) {
  RunSetup setup;
  setup.suite = ParseSuite(suite_text, "tiny.toml");
  setup.plan = PlanSuite(setup.suite, ThisMachine());
  setup.machine = {{"cpu", "test"}};
  setup.seed = 3;
  setup.out_dir = dir / "out";
  setup.model_cache_dir = dir / "models";
  setup.monitor = LaptopMonitor();
  return setup;
}

bool Contains(const std::vector<std::string>& lines, const std::string& line) {
  return std::find(lines.begin(), lines.end(), line) != lines.end();
}

int CountLines(const fs::path& path) {
  std::ifstream in(path);
  int n = 0;
  for (std::string line; std::getline(in, line);) ++n;
  return n;
}

int CountStatus(const reports::Report& report, CaseStatus status) {
  int n = 0;
  for (const reports::CaseResult& c : report.cases) n += c.status == status;
  return n;
}

TEST_CASE("a tiny suite runs to a report that reads back with every case") {
  const fs::path dir = TestDir("full");
  const RunSetup setup = TinySetup(dir);
  const reports::Report written = RunPlan(setup);
  const reports::Report report =
      reports::LoadReport((setup.out_dir / "report.json").string());
  CHECK(report.partial == false);
  CHECK(report.seed == 3);
  REQUIRE(report.cases.size() == 4);
  CHECK(CountStatus(report, CaseStatus::kMeasured) == 2);
  CHECK(CountStatus(report, CaseStatus::kSkipped) == 2);
  CHECK(report.cases[1].reason == "same run as case 1");
  const reports::CaseResult& first = report.cases[0];
  CHECK(first.spec.model_path ==
        (dir / "models" / "tiny-llama-q4_0-seed0.gguf"));
  CHECK(first.spec.model_sha256.size() == 64);
  CHECK(first.metrics.decode_tokens_per_s.samples.size() == 2);
  CHECK(first.metrics.peak_rss_bytes.summary.n == 2);
  CHECK(first.decode_step_ms.size() == 2);
  CHECK(first.decode_step_ms[0].size() == 4);
  CHECK(!first.accuracy);
  CHECK(first.accuracy_note ==
        "not measured: accuracy is off in the suite's policy");
  CHECK(!first.throttle);
  REQUIRE(first.monitor);
  CHECK(first.monitor->n_samples >= 2);
  CHECK(first.monitor->cpu_temp_max_c == 71.0);
  CHECK(first.monitor->on_ac == false);
  CHECK(first.monitor->package_power_w == 0.0);
  CHECK(first.monitor->joules_per_token == 0.0);  // the counter never moves
  CHECK(!first.monitor->clock_ghz);
  CHECK(Contains(first.monitor->unavailable,
                 "clock: not available: not measured"));
  CHECK(!report.cases[1].monitor);  // skipped
  CHECK(CountLines(setup.out_dir / "cases.jsonl") == 4);
  CHECK(reports::ToJson(report) == reports::ToJson(written));
  fs::remove_all(dir);
}

TEST_CASE("each format's accuracy is attached to its cases, with notes") {
  const fs::path dir = TestDir("accuracy");
  const reports::Report report = RunPlan(TinySetup(dir, kAccuracySuite));
  REQUIRE(report.cases.size() == 4);
  const reports::CaseResult& f32 = report.cases[0];
  CHECK(f32.status == CaseStatus::kMeasured);
  CHECK(!f32.accuracy);
  CHECK(f32.accuracy_note == "the reference format itself");
  CHECK(report.cases[1].status == CaseStatus::kSkipped);
  CHECK(!report.cases[1].accuracy);
  CHECK(report.cases[1].accuracy_note == "not measured: case skipped");
  const reports::CaseResult& q4 = report.cases[2];
  CHECK(q4.status == CaseStatus::kMeasured);
  REQUIRE(q4.accuracy);
  CHECK(q4.accuracy_note.empty());
  CHECK(q4.accuracy->reference_format == "f32");
  CHECK(q4.accuracy->n_positions == 16);
  CHECK(q4.accuracy->mean_kl > 0);
  CHECK(q4.accuracy->max_kl >= q4.accuracy->mean_kl);
  CHECK(q4.accuracy->top1_agreement > 0);
  CHECK(q4.accuracy->top1_agreement <= 1);
  CHECK(report.cases[3].accuracy_note == "not measured: case skipped");
  const reports::Report back =
      reports::LoadReport((dir / "out" / "report.json").string());
  CHECK(reports::ToJson(back) == reports::ToJson(report));
  fs::remove_all(dir);
}

TEST_CASE("a sustained-decode case records a throttle series and analysis") {
  const fs::path dir = TestDir("sustained");
  const RunSetup setup = TinySetup(dir, kSustainedSuite);
  ModelFiles files(dir / "models");
  CaseRunOptions options;
  options.policy = setup.suite.policy;
  options.monitor = LaptopMonitor();
  const reports::CaseResult r = RunCase(setup.plan.cases[0], files, options);
  REQUIRE(r.status == CaseStatus::kMeasured);
  REQUIRE(r.throttle);
  const reports::CaseThrottle& t = *r.throttle;
  CHECK(t.interval_s == 1.0);
  CHECK(t.duration_s >= 2.0);
  REQUIRE(t.series.size() >= 2);
  CHECK(t.analysis.n_samples == t.series.size());
  CHECK(t.analysis.burst_tokens_per_s > 0);
  CHECK(t.analysis.temps_available == true);
  CHECK(t.series.back().cpu_temp_c == 71.0);
  std::vector<double> rates;
  for (const reports::ThrottleSample& s : t.series) {
    rates.push_back(s.tokens_per_s);
  }
  CHECK(r.metrics.decode_tokens_per_s.samples == rates);
  CHECK(r.metrics.decode_latency_p99_ms.samples.size() == rates.size());
  CHECK(r.metrics.prefill_tokens_per_s.summary.n == 1);
  CHECK(r.metrics.ttft_ms.summary.n == 1);
  CHECK(r.decode_step_ms.empty());
  REQUIRE(r.monitor);
  CHECK(r.monitor->n_samples >= 2);
  CHECK(r.monitor->joules_per_token == 0.0);
  fs::remove_all(dir);
}

TEST_CASE("a SIGINT after the first case leaves a partial report of it") {
  const fs::path dir = TestDir("sigint");
  RunSetup setup = TinySetup(dir);
  setup.after_case = [](const reports::CaseResult&) { std::raise(SIGINT); };
  const reports::Report report = RunPlan(setup);
  CHECK(RunExitStatus(report) == 128 + SIGINT);
  const reports::Report back =
      reports::LoadReport((setup.out_dir / "report.json").string());
  CHECK(back.partial == true);
  CHECK(back.partial_reason == "interrupted by SIGINT");
  REQUIRE(back.cases.size() == 1);
  CHECK(back.cases[0].status == CaseStatus::kMeasured);
  CHECK(CountLines(setup.out_dir / "cases.jsonl") == 1);
  // The rendered forms are written for a partial report too.
  std::ifstream md(setup.out_dir / "report.md");
  std::stringstream md_text;
  md_text << md.rdbuf();
  CHECK_THAT(md_text.str(), Catch::Contains("- Status: partial (interrupted "
                                            "by SIGINT)"));
  CHECK(fs::is_regular_file(setup.out_dir / "cases.csv"));
  CHECK(fs::is_regular_file(setup.out_dir / "report.html"));
  ClearStop();
  fs::remove_all(dir);
}

TEST_CASE("a stop request abandons the case in flight with its full runs") {
  const fs::path dir = TestDir("abandon");
  const RunSetup setup = TinySetup(dir);
  ModelFiles files(dir / "models");
  files.Get("tiny-llama", "q4_0", false);  // made before the checks count
  CaseRunOptions options;
  options.policy = setup.suite.policy;
  options.policy.warmup_runs = 0;
  // Checks come before the prefill and before each of the 4 decode steps:
  // 5 per run, so the 8th check falls in the second run.
  int checks = 0;
  options.stop = [&checks] { return ++checks >= 8; };
  options.stop_reason = [] { return std::string("test stop"); };
  const reports::CaseResult r = RunCase(setup.plan.cases[0], files, options);
  CHECK(r.status == CaseStatus::kAbandoned);
  CHECK(r.reason == "test stop");
  CHECK(r.metrics.decode_tokens_per_s.samples.size() == 1);
  fs::remove_all(dir);
}

TEST_CASE("a stop request while its model is made abandons the case") {
  const fs::path dir = TestDir("making");
  const RunSetup setup = TinySetup(dir);
  ModelFiles files(dir / "models");
  CaseRunOptions options;
  options.policy = setup.suite.policy;
  options.stop = [] { return true; };
  options.stop_reason = [] { return std::string("test stop"); };
  const reports::CaseResult r = RunCase(setup.plan.cases[0], files, options);
  CHECK(r.status == CaseStatus::kAbandoned);
  CHECK(r.reason == "test stop");
  CHECK(fs::is_empty(dir / "models"));
  fs::remove_all(dir);
}

TEST_CASE("a report's plan replays the same cases with their ids") {
  const fs::path dir = TestDir("replay");
  const RunSetup setup = TinySetup(dir);
  const nlohmann::json suite = SuiteJson(setup.suite, setup.plan);
  const auto [replayed_suite, plan] = ReplayPlan(suite, ThisMachine());
  CHECK(replayed_suite.name == "tiny");
  CHECK(replayed_suite.policy.max_reps == 2);
  REQUIRE(plan.cases.size() == 4);
  CHECK(plan.n_runnable == 2);
  CHECK(plan.cases[2].spec.id == 3);
  CHECK(plan.cases[2].format == "q8_0");
  CHECK(plan.cases[2].runnable == true);
  CHECK(plan.cases[3].skip_reason == "same run as case 3");
  CHECK(SuiteJson(replayed_suite, plan)["cases"] == suite["cases"]);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace lapbench::harness
