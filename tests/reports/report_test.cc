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
  measured.accuracy = CaseAccuracy{"f32", 128, 0.054, 0.31, 0.875};
  CaseMonitor monitor;
  monitor.n_samples = 4;
  monitor.clock_ghz = 3.5;
  monitor.on_ac = true;
  monitor.unavailable = {"package power: no RAPL counter"};
  measured.monitor = monitor;
  CaseThrottle throttle;
  throttle.duration_s = 4;
  throttle.interval_s = 1;
  throttle.series = {{1, 100, 3.5, 60.0, 95.0, std::nullopt},
                     {2, 100, 3.5, 70.0, 95.0, std::nullopt},
                     {3, 80, 3.0, 95.0, 95.0, std::nullopt},
                     {4, 80, 3.0, 95.0, 95.0, std::nullopt}};
  throttle.analysis = AnalyzeThrottle(throttle.series);
  measured.throttle = throttle;
  CaseResult skipped;
  skipped.spec.id = 2;
  skipped.status = CaseStatus::kSkipped;
  skipped.reason = "same run as case 1";
  skipped.accuracy_note = "not measured: the case was skipped";
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
  REQUIRE(back.cases[0].accuracy);
  CHECK(back.cases[0].accuracy->top1_agreement == 0.875);
  REQUIRE(back.cases[0].monitor);
  CHECK(back.cases[0].monitor->clock_ghz == 3.5);
  CHECK_FALSE(back.cases[0].monitor->joules_per_token);
  REQUIRE(back.cases[0].throttle);
  CHECK(back.cases[0].throttle->analysis.trip_reached_s == 3);
  CHECK_FALSE(back.cases[1].accuracy);
  CHECK_FALSE(back.cases[1].throttle);
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

namespace lapbench::reports {
namespace {

TEST_CASE("a throttle series that cannot be analysed is a report error") {
  nlohmann::json json = ToJson(SampleReport());
  for (auto& sample : json["cases"][0]["throttle"]["series"]) {
    sample["tokens_per_s"] = 0;  // a burst of zero has no ratio
  }
  CHECK_THROWS_AS(ReportFromJson(json), ReportError);
}

TEST_CASE("a case without its accuracy key is refused by path") {
  nlohmann::json json = ToJson(SampleReport());
  json["cases"][1].erase("accuracy");
  CHECK_THROWS_WITH(ReportFromJson(json),
                    "missing report field: 'cases[1].accuracy' (expected an "
                    "object or null)");
}

}  // namespace
}  // namespace lapbench::reports
