// Tests of `compare` on sample sets whose outcome is known: a clear
// regression, a large but noisy change, a significant but tiny change, too
// few samples, an improvement, unpaired cases, machine facts, Google
// Benchmark JSON with repetitions, and the exact Markdown and JUnit text.
#include "reports/compare.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <string>
#include <vector>

namespace lapbench::reports {
namespace {

constexpr const char* kCase = "tiny/q4_0";

BenchCase Case(std::string name,
               std::map<std::string, std::vector<double>> samples) {
  BenchCase c;
  c.name = std::move(name);
  c.samples = std::move(samples);
  return c;
}

BenchFile ReportFile(std::string path, std::vector<BenchCase> cases) {
  BenchFile file;
  file.path = std::move(path);
  file.kind = BenchKind::kLapbenchReport;
  file.cases = std::move(cases);
  return file;
}

// Compares one case's decode tokens/s, base against new.
MetricRow CompareDecode(std::vector<double> base, std::vector<double> next) {
  const BenchFile b =
      ReportFile("b", {Case(kCase, {{"decode_tokens_per_s", base}})});
  const BenchFile n =
      ReportFile("n", {Case(kCase, {{"decode_tokens_per_s", next}})});
  const CompareMetric decode{"decode_tokens_per_s", Direction::kHigherIsBetter};
  const CompareResult r = CompareBenchFiles(b, n, {&decode, 1}, {});
  REQUIRE(r.rows.size() == 1);
  return r.rows[0];
}

TEST_CASE("A clear 10% drop in decode tokens/s is a regression",
          "[reports][compare]") {
  const MetricRow row =
      CompareDecode({100, 101, 102, 103, 104}, {90, 91, 92, 93, 94});
  CHECK(row.verdict == Verdict::kRegression);
  CHECK(row.n_base == 5);
  CHECK(row.n_new == 5);
  CHECK(row.reason ==
        "regression: median 102 -> 92 (-9.8%, worse by more than the 5.0% "
        "threshold), p = 0.007937 <= 0.05 (exact, U = 25, 5 vs 5)");
}

TEST_CASE("A large but noisy change is no change: not significant",
          "[reports][compare]") {
  const MetricRow row = CompareDecode({100, 101, 130, 131}, {85, 86, 115, 116});
  CHECK(row.verdict == Verdict::kNoChange);
  CHECK(row.comparison->large);
  CHECK(!row.comparison->significant);
}

TEST_CASE("A significant but tiny change is no change: under the threshold",
          "[reports][compare]") {
  const MetricRow row =
      CompareDecode({100, 101, 102, 103, 104}, {98, 98.5, 99, 99.5, 99.9});
  CHECK(row.verdict == Verdict::kNoChange);
  CHECK(row.comparison->significant);
  CHECK(!row.comparison->large);
}

TEST_CASE("Three samples a side are too few to decide, however far apart",
          "[reports][compare]") {
  const MetricRow row = CompareDecode({100, 101, 102}, {50, 51, 52});
  CHECK(row.verdict == Verdict::kTooFewSamples);
  CHECK(row.reason.starts_with("too few samples: 3 vs 3"));
}

TEST_CASE("A metric with samples on one side only is too few samples",
          "[reports][compare]") {
  const MetricRow row = CompareDecode({100, 101, 102, 103}, {});
  CHECK(row.verdict == Verdict::kTooFewSamples);
  CHECK(!row.comparison);
  CHECK(row.reason == "too few samples: none in new");
}

TEST_CASE("A lower TTFT is an improvement", "[reports][compare]") {
  const BenchFile b =
      ReportFile("b", {Case(kCase, {{"ttft_ms", {10, 11, 12, 13, 14}}})});
  const BenchFile n =
      ReportFile("n", {Case(kCase, {{"ttft_ms", {5, 6, 7, 8, 9}}})});
  const CompareResult r = CompareBenchFiles(
      b, n, DefaultCompareMetrics(BenchKind::kLapbenchReport), {});
  REQUIRE(r.rows.size() == 1);  // the other defaults have no samples
  CHECK(r.rows[0].metric.name == "ttft_ms");
  CHECK(r.rows[0].verdict == Verdict::kImprovement);
  CHECK(r.Count(Verdict::kRegression) == 0);
}

TEST_CASE("Cases in one file only are listed, not dropped",
          "[reports][compare]") {
  const std::vector<double> s = {1, 2, 3, 4};
  const BenchFile b = ReportFile(
      "b", {Case("kept", {{"ttft_ms", s}}), Case("gone", {{"ttft_ms", s}}),
            Case("skipped", {{"ttft_ms", s}})});
  BenchCase skipped = Case("skipped", {});
  skipped.not_measured = "skipped: the CPU lacks avx512f";
  const BenchFile n =
      ReportFile("n", {Case("added", {{"ttft_ms", s}}),
                       Case("kept", {{"ttft_ms", s}}), skipped});
  const CompareResult r = CompareBenchFiles(
      b, n, DefaultCompareMetrics(BenchKind::kLapbenchReport), {});
  CHECK(r.n_paired == 2);
  CHECK(r.rows.size() == 1);
  CHECK(r.only_in_base == std::vector<std::string>{"gone"});
  CHECK(r.only_in_new == std::vector<std::string>{"added"});
  REQUIRE(r.not_measured.size() == 1);
  CHECK(r.not_measured[0].name == "skipped");
  CHECK(r.not_measured[0].reason ==
        "base: measured; new: skipped: the CPU lacks avx512f");
}

TEST_CASE("Files of two kinds are refused", "[reports][compare]") {
  BenchFile g = ReportFile("g.json", {});
  g.kind = BenchKind::kGoogleBenchmark;
  const BenchFile r = ReportFile("r.json", {});
  REQUIRE_THROWS_WITH(CheckSameKind(r, g),
                      "'r.json' is a lapbench report but 'g.json' is Google "
                      "Benchmark JSON (expected two files of one kind)");
}

TEST_CASE("Report cases pair by spec, not by id, path or CPU list",
          "[reports][compare]") {
  CaseSpec a{3, "/home/a/m.gguf", "/home/a/m.gguf", "",    "q8_0", "avx2",
             2, "physical",       {0, 2},           "f16", 64,     16};
  CaseSpec b = a;
  b.id = 9;
  b.model = "/srv/models/m.gguf";
  b.cpus = {1, 3};
  CHECK(CaseKey(a) ==
        "m.gguf/q8_0/avx2/threads:2/physical/kv:f16/"
        "prompt:64/gen:16");
  CHECK(CaseKey(a) == CaseKey(b));
  b.threads = 1;
  CHECK(CaseKey(a) != CaseKey(b));
}

Report TwoCaseReport() {
  Report report;
  report.machine = {{"cpu",
                     {{"vendor", "GenuineIntel"},
                      {"brand", "Test CPU"},
                      {"family", 6},
                      {"model", 207},
                      {"n_physical_cores", 2},
                      {"n_logical_cpus", 2}}},
                    {"memory", {{"total_bytes", 16000000000}}}};
  CaseResult measured;
  measured.spec = {1, "tiny-llama", "",  "ab",  "q4_0", "ref",
                   1, "all",        {0}, "f16", 8,      4};
  measured.status = CaseStatus::kMeasured;
  measured.metrics.decode_tokens_per_s = MakeMetric({1, 2, 3, 4});
  CaseResult skipped = measured;
  skipped.status = CaseStatus::kSkipped;
  skipped.reason = "no avx512";
  report.cases = {measured, measured, skipped};
  return report;
}

TEST_CASE("A report becomes cases keyed by spec, repeats numbered",
          "[reports][compare]") {
  const BenchFile f = BenchFileFromReport(TwoCaseReport(), "r.json");
  const std::string key =
      "tiny-llama/q4_0/ref/threads:1/all/kv:f16/prompt:8/gen:4";
  REQUIRE(f.cases.size() == 3);
  CHECK(f.cases[0].name == key);
  CHECK(f.cases[1].name == key + " (2)");
  CHECK(f.cases[2].name == key + " (3)");
  CHECK(f.cases[0].samples.at("decode_tokens_per_s") ==
        std::vector<double>{1, 2, 3, 4});
  CHECK(f.cases[0].model_sha256 == "ab");
  CHECK(f.cases[2].not_measured == "skipped: no avx512");
  CHECK(f.machine[1].name == "cpu.brand");
  CHECK(f.machine[1].value == "Test CPU");
}

TEST_CASE("Another CPU, RAM far apart or another model file is flagged",
          "[reports][compare]") {
  const Report report = TwoCaseReport();
  const BenchFile base = BenchFileFromReport(report, "b");
  CHECK(ComparabilityProblems(base, base).empty());

  Report other = report;
  other.machine["cpu"]["brand"] = "Other CPU";
  other.machine["memory"]["total_bytes"] = 15500000000;  // within 5%
  CHECK(ComparabilityProblems(base, BenchFileFromReport(other, "n")) ==
        std::vector<std::string>{
            "machine cpu.brand: 'Test CPU' (base) vs 'Other CPU' (new)"});

  other = report;
  other.machine["memory"]["total_bytes"] = 8000000000;
  other.machine["cpu"].erase("n_logical_cpus");  // unknown: not compared
  other.cases[0].spec.model_sha256 = "cd";
  CHECK(ComparabilityProblems(base, BenchFileFromReport(other, "n")) ==
        std::vector<std::string>{
            "machine memory.total_bytes: 16000000000 (base) vs 8000000000 "
            "(new), more than 5% apart",
            "model file of case "
            "'tiny-llama/q4_0/ref/threads:1/all/kv:f16/prompt:8/gen:4': "
            "sha256 ab (base) vs cd (new)"});
}

TEST_CASE("Benchmark names lose their repeats part only",
          "[reports][compare]") {
  CHECK(BenchmarkBaseName("BM_X/8/repeats:5/real_time") == "BM_X/8/real_time");
  CHECK(BenchmarkBaseName("BM_X/repeats:12") == "BM_X");
  CHECK(BenchmarkBaseName("BM_X/repeats:5x/real_time") ==
        "BM_X/repeats:5x/real_time");
}

std::string Fixture(const char* name) {
  return std::string(LAPBENCH_FIXTURES_DIR) + "/compare/" + name;
}

TEST_CASE("Google Benchmark repetitions are the samples, aggregates not",
          "[reports][compare]") {
  const BenchFile base = LoadBenchFile(Fixture("gbench-base.json"));
  CHECK(base.kind == BenchKind::kGoogleBenchmark);
  REQUIRE(base.cases.size() == 4);
  const BenchCase& q4 = base.cases[0];
  CHECK(q4.name ==
        "BM_MatVec/ref/q4_0/llama32_1b_attn_q_2048x2048/n_threads:1/"
        "real_time");
  CHECK(q4.time_unit == "ms");
  CHECK(q4.samples.at("real_time") ==
        std::vector<double>{1.00, 1.01, 1.02, 1.03, 1.04});
  CHECK(q4.samples.at("weight_bytes_per_s").size() == 5);
  CHECK(!q4.samples.contains("iterations"));
  CHECK(base.cases[3].not_measured == "error: weights do not fit");
  CHECK(base.machine[0].name == "host_name");
  CHECK(base.machine[0].value == "ci-host");
}

TEST_CASE("Google Benchmark runs pair by name across units and repeats",
          "[reports][compare]") {
  const BenchFile base = LoadBenchFile(Fixture("gbench-base.json"));
  const BenchFile next = LoadBenchFile(Fixture("gbench-new.json"));
  CHECK(ComparabilityProblems(base, next).empty());
  const CompareResult r = CompareBenchFiles(
      base, next, DefaultCompareMetrics(BenchKind::kGoogleBenchmark), {});
  REQUIRE(r.rows.size() == 2);
  CHECK(r.rows[0].unit == "ms");
  CHECK(r.rows[0].verdict == Verdict::kRegression);
  CHECK(r.rows[0].comparison->median_new == Approx(1.22));
  CHECK(r.rows[1].verdict == Verdict::kNoChange);
  CHECK(r.only_in_base == std::vector<std::string>{"BM_Gone/real_time"});
  CHECK(r.only_in_new == std::vector<std::string>{"BM_Added/real_time"});
  REQUIRE(r.not_measured.size() == 1);
  CHECK(r.not_measured[0].reason ==
        "base: error: weights do not fit; new: measured");
}

TEST_CASE("A Google Benchmark clock only differs when far apart",
          "[reports][compare]") {
  std::ifstream in(Fixture("gbench-base.json"));
  nlohmann::json json = nlohmann::json::parse(in);
  const BenchFile base = BenchFileFromGoogleBenchmark(json, "b");
  json["context"]["mhz_per_cpu"] = 2000;  // 23% below 2600
  CHECK(ComparabilityProblems(base, BenchFileFromGoogleBenchmark(json, "n"))
            .empty());
  json["context"]["mhz_per_cpu"] = 1000;
  json["context"]["caches"][2]["size"] = 1048576;
  CHECK(ComparabilityProblems(base, BenchFileFromGoogleBenchmark(json, "n")) ==
        std::vector<std::string>{
            "machine mhz_per_cpu: 2600 (base) vs 1000 (new), more than 25% "
            "apart",
            "machine caches: 'L1 Data 49152 B x1, L1 Instruction 32768 B x1, "
            "L2 Unified 2097152 B x1, L3 Unified 110100480 B x2' (base) vs "
            "'L1 Data 49152 B x1, L1 Instruction 32768 B x1, L2 Unified "
            "1048576 B x1, L3 Unified 110100480 B x2' (new)"});
}

TEST_CASE("Counters need a known direction or a :higher/:lower suffix",
          "[reports][compare]") {
  const BenchFile base = LoadBenchFile(Fixture("gbench-base.json"));
  const std::vector<std::string> names = {"weight_bytes_per_s",
                                          "n_threads:lower"};
  const std::vector<CompareMetric> metrics =
      ParseCompareMetrics(names, base, base);
  CHECK(metrics[0].direction == Direction::kHigherIsBetter);
  CHECK(metrics[1].direction == Direction::kLowerIsBetter);
  const std::vector<std::string> unknown = {"n_threads"};
  CHECK_THROWS_WITH(ParseCompareMetrics(unknown, base, base),
                    "--metrics: 'n_threads' (expected n_threads:higher or "
                    "n_threads:lower: which way is better is not known for "
                    "this counter)");
  const std::vector<std::string> missing = {"tokens"};
  CHECK_THROWS_AS(ParseCompareMetrics(missing, base, base), CompareInputError);
}

TEST_CASE("Neither kind of JSON is refused with what it is",
          "[reports][compare]") {
  CHECK_THROWS_WITH(
      BenchFileFromJson({{"schema", "lapbench.throttle/1"}}, "t.json"),
      "'t.json' is a 'lapbench.throttle/1' file (expected a lapbench "
      "report, \"schema\": \"lapbench.report/1\", or Google Benchmark JSON "
      "with \"context\" and \"benchmarks\")");
  CHECK_THROWS_WITH(
      BenchFileFromJson(
          nlohmann::json::parse(
              R"({"context": {}, "benchmarks": [{"name": "BM_X"}]})"),
          "g.json"),
      "'g.json': missing field benchmarks[0].time_unit (expected ns, us, ms "
      "or s)");
  CHECK_THROWS_AS(
      BenchFileFromJson(nlohmann::json::parse(
                            R"({"context": {}, "benchmarks": [{"name": "BM_X",
                                "error_occurred": "yes"}]})"),
                        "g.json"),
      CompareInputError);
  CHECK_THROWS_AS(LoadBenchFile(Fixture("no-such-file.json")),
                  CompareInputError);
}

// One pair with a regression and too few samples, and a base case with
// markup in its name.
CompareResult SmallResult() {
  const BenchFile b = ReportFile(
      "base.json",
      {Case(kCase, {{"decode_tokens_per_s", {100, 101, 102, 103, 104}},
                    {"ttft_ms", {10, 11, 12}}}),
       Case("a<b>&\"c'", {})});
  const BenchFile n = ReportFile(
      "new.json", {Case(kCase, {{"decode_tokens_per_s", {90, 91, 92, 93, 94}},
                                {"ttft_ms", {10, 11, 12}}})});
  return CompareBenchFiles(
      b, n, DefaultCompareMetrics(BenchKind::kLapbenchReport), {});
}

TEST_CASE("The JUnit XML of a small comparison, exactly",
          "[reports][compare]") {
  CHECK(CompareJunitXml(SmallResult()) ==
        R"xml(<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="lapbench compare" tests="3" failures="1" errors="0" skipped="2">
  <testsuite name="lapbench report" tests="3" failures="1" errors="0" skipped="2">
    <properties>
      <property name="base" value="base.json"/>
      <property name="new" value="new.json"/>
      <property name="alpha" value="0.05"/>
      <property name="threshold" value="0.05"/>
      <property name="report_only" value="false"/>
    </properties>
    <testcase classname="tiny/q4_0" name="decode_tokens_per_s">
      <failure type="regression" message="regression: median 102 -&gt; 92 (-9.8%, worse by more than the 5.0% threshold), p = 0.007937 &lt;= 0.05 (exact, U = 25, 5 vs 5)"/>
    </testcase>
    <testcase classname="tiny/q4_0" name="ttft_ms">
      <skipped message="too few samples: 3 vs 3 give p &gt;= 0.1 at best, above alpha 0.05; 4 vs 4 is the least that can decide"/>
    </testcase>
    <testcase classname="a&lt;b&gt;&amp;&quot;c&apos;" name="only in base">
      <skipped message="only in base: not compared"/>
    </testcase>
  </testsuite>
</testsuites>
)xml");
}

TEST_CASE("The Markdown of a small comparison, exactly", "[reports][compare]") {
  CompareResult r = SmallResult();
  r.report_only = true;
  CHECK(CompareMarkdown(r) == R"md(## lapbench compare: lapbench report

- base: `base.json` (2 cases)
- new: `new.json` (1 case)
- rule: a regression is a change with Mann-Whitney p <= 0.05 (two-sided) and a median more than 5% worse than base
- report only: regressions are listed but do not fail

| case | metric | better | n | base median | new median | change | p | verdict |
| --- | --- | --- | --- | ---: | ---: | ---: | ---: | --- |
| `tiny/q4_0` | decode_tokens_per_s | higher | 5 vs 5 | 102 | 92 | -9.8% | 0.00794 | **regression** |
| `tiny/q4_0` | ttft_ms | lower | 3 vs 3 | 11 | 11 | +0.0% | - | too few samples |

Only in base (not compared):

- `a<b>&"c'`

**1 regression**, 0 improvements, 0 no change, 1 too few samples in 2 comparisons of 1 paired case; 0 not measured, 1 only in base, 0 only in new.
)md");
}

}  // namespace
}  // namespace lapbench::reports
