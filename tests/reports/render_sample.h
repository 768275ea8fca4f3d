// A hand-built report for the renderer tests: two measured cases (one
// with accuracy, a monitor and a sustained-decode series, one whose model
// path holds HTML's special characters), a skipped case whose reason needs
// CSV quoting and a failed one.
#pragma once

#include "reports/report.h"

namespace lapbench::reports {

inline CaseResult SampleMeasuredCase() {
  CaseResult c;
  c.spec = {1,      "tiny-llama", "/cache/tiny-llama-q4_0.gguf",
            "ab12", "q4_0",       "avx2",
            1,      "all",        {0},
            "f16",  16,           2};
  c.status = CaseStatus::kMeasured;
  c.load_s = 0.25;
  c.warmup_runs = 1;
  c.decode_step_ms = {{1.5, 2.0}, {1.25, 1.75}};
  CaseMetrics& m = c.metrics;
  m.prefill_tokens_per_s = MakeMetric({2000, 2100, 1900, 2000, 2000, 2000});
  m.ttft_ms = MakeMetric({10, 10, 10, 10, 10, 10});
  m.decode_tokens_per_s = MakeMetric({500, 510, 490, 505, 495, 500});
  m.decode_latency_p99_ms = MakeMetric({2.5, 2.5, 2.5, 2.5, 2.5, 2.5});
  m.peak_rss_bytes = MakeMetric(std::vector<double>(6, 100 << 20));
  c.accuracy = CaseAccuracy{"f32", 128, 0.054, 0.31, 0.875};
  CaseMonitor monitor;
  monitor.n_samples = 4;
  monitor.clock_ghz = 3.5;
  monitor.joules_per_token = 0.25;
  monitor.on_ac = true;
  c.monitor = monitor;
  CaseThrottle throttle;
  throttle.duration_s = 4;
  throttle.interval_s = 1;
  throttle.series = {{1, 100, std::nullopt, 60.0, 95.0, std::nullopt},
                     {2, 100, std::nullopt, 70.0, 95.0, std::nullopt},
                     {3, 80, std::nullopt, 95.0, 95.0, std::nullopt},
                     {4, 80, std::nullopt, 95.0, 95.0, std::nullopt}};
  throttle.analysis = AnalyzeThrottle(throttle.series);
  c.throttle = throttle;
  return c;
}

inline CaseResult SampleSpecialCase() {
  CaseResult c;
  c.spec = {2,
            "/models/<x&\"y\">.gguf",
            "/models/<x&\"y\">.gguf",
            "",
            "q8_0",
            "ref",
            2,
            "all",
            {0, 1},
            "f16",
            16,
            2};
  c.status = CaseStatus::kMeasured;
  c.decode_step_ms = {{4.0, 4.5}};
  c.metrics.decode_tokens_per_s = MakeMetric({250, 260, 240});
  c.metrics.prefill_tokens_per_s = MakeMetric({900, 1000, 1100});
  c.accuracy_note = "not asked for";
  return c;
}

inline Report SampleRenderReport() {
  Report report;
  report.machine = {
      {"cpu",
       {{"brand", "Test CPU <X&Y>"},
        {"n_physical_cores", 4},
        {"n_logical_cpus", 8}}},
      {"memory", {{"total_bytes", 17179869184}}},
      {"gpu", {{"devices", {{{"name", "Iris Xe"}, {"integrated", true}}}}}}};
  report.build = {"0123abcd", "GNU 13.2.0", "-O2", "Release"};
  report.suite = {{"name", "tiny"}};
  report.seed = 7;
  report.started_utc = "2026-12-04T09:12:00Z";
  report.finished_utc = "2026-12-04T09:13:00Z";
  report.partial = true;
  report.partial_reason = "interrupted by SIGINT";
  report.environment_warnings = {"battery: on battery"};
  CaseResult skipped;
  skipped.spec.id = 3;
  skipped.spec.model = "tiny-llama";
  skipped.status = CaseStatus::kSkipped;
  skipped.reason = "needs avx512f, \"not\" here\nsecond line";
  CaseResult failed;
  failed.spec.id = 4;
  failed.spec.model = "tiny-llama";
  failed.status = CaseStatus::kFailed;
  failed.reason = "model too big";
  report.cases = {SampleMeasuredCase(), SampleSpecialCase(), skipped, failed};
  return report;
}

}  // namespace lapbench::reports
