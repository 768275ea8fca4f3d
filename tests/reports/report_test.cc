// Tests of the run report: its JSON round trip and the reader's errors.
#include "reports/report.h"

#include <catch2/catch.hpp>

namespace lapbench::reports {
namespace {

Report SampleReport() {
  Report report;
  report.machine = {{"cpu", {{"name", "Test CPU"}}}};
  report.build = {"0123abcd", "GNU 13.2.0", "-O2", "Release"};
  report.suite = {{"name", "tiny"}};
  report.seed = 7;
  report.started_utc = "2026-12-04T09:12:00Z";
  report.finished_utc = "2026-12-04T09:13:00Z";
  report.partial = true;
  report.partial_reason = "interrupted by SIGINT";
  report.environment_warnings = {"battery: on battery"};
  report.environment_not_checked = {"not checked: turbo: no cpufreq"};
  CaseResult measured;
  measured.spec = {1, "tiny-llama", "/tmp/m.gguf", "ab12", "q4_0", "avx2",
                   1, "all",        {0},           "f16",  16,     8};
  measured.status = CaseStatus::kMeasured;
  measured.load_s = 0.25;
  measured.warmup_runs = 1;
  measured.decode_step_ms = {{1.5, 2.0}, {1.25, 1.75}};
  measured.metrics.decode_tokens_per_s = MakeMetric({500, 510, 490});
  measured.metrics.peak_rss_bytes = MakeMetric({1e6, 1e6, 1e6});
  CaseResult skipped;
  skipped.spec.id = 2;
  skipped.status = CaseStatus::kSkipped;
  skipped.reason = "same run as case 1";
  report.cases = {measured, skipped};
  return report;
}

TEST_CASE("a report reads back exactly as it was written") {
  const Report report = SampleReport();
  const nlohmann::json json = ToJson(report);
  const Report back = ParseReport(json.dump());
  CHECK(ToJson(back) == json);
  CHECK(back.cases.size() == 2);
  CHECK(back.cases[0].status == CaseStatus::kMeasured);
  CHECK(back.cases[0].metrics.decode_tokens_per_s.summary.median == 500);
  CHECK(back.cases[1].reason == "same run as case 1");
  CHECK(json["schema"] == "lapbench.report/1");
}

TEST_CASE("a metric summarizes its samples with the median interval") {
  const Metric m = MakeMetric({3, 1, 2});
  CHECK(m.summary.n == 3);
  CHECK(m.summary.median == 2);
  CHECK(m.summary.ci_low == 1);
  CHECK(m.summary.ci_high == 3);
  CHECK(m.summary.ci_reached == false);
  CHECK(m.summary.ci_coverage == Approx(0.75));
  CHECK(MakeMetric({}).summary.n == 0);
}

TEST_CASE("a report of another schema version is refused by name") {
  nlohmann::json json = ToJson(SampleReport());
  json["schema"] = "lapbench.report/9";
  CHECK_THROWS_WITH(ReportFromJson(json),
                    "unknown report schema: 'lapbench.report/9' (expected "
                    "'lapbench.report/1')");
}

TEST_CASE("a missing report field is named by its path") {
  nlohmann::json json = ToJson(SampleReport());
  json["cases"][1]["spec"].erase("threads");
  CHECK_THROWS_WITH(ReportFromJson(json),
                    "missing report field: 'cases[1].spec.threads' (expected "
                    "an integer)");
}

TEST_CASE("a mistyped report field is named with its value") {
  nlohmann::json json = ToJson(SampleReport());
  json["cases"][0]["metrics"]["ttft_ms"]["samples"][0] = "fast";
  CHECK_THROWS_WITH(ReportFromJson(json),
                    "bad report field cases[0].metrics.ttft_ms.samples[0]: "
                    "'\"fast\"' (expected a number)");
  json = ToJson(SampleReport());
  json["cases"][0]["status"] = "done";
  CHECK_THROWS_WITH(ReportFromJson(json),
                    "bad report field cases[0].status: '\"done\"' (expected "
                    "measured, skipped, failed or abandoned)");
}

TEST_CASE("text that is not JSON is refused as such") {
  CHECK_THROWS_AS(ParseReport("{"), ReportError);
}

}  // namespace
}  // namespace lapbench::reports
