// Tests of the Markdown and CSV forms of a report and the machine line
// they share.
#include "reports/render_text.h"

#include <catch2/catch.hpp>
#include <sstream>

#include "render_sample.h"
#include "reports/render.h"

namespace lapbench::reports {
namespace {

// The lines of `text` split at "\n".
std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

bool HasLine(const std::string& text, const std::string& line) {
  const std::vector<std::string> lines = Lines(text);
  return std::find(lines.begin(), lines.end(), line) != lines.end();
}

TEST_CASE("the machine line reads cores, RAM and the iGPU from the profile",
          "[reports][render]") {
  CHECK(MachineSummary(SampleRenderReport().machine) ==
        "Test CPU <X&Y>, 4 cores / 8 threads, 16.0 GiB RAM, iGPU Iris Xe");
}

TEST_CASE("the machine line names what the profile lacks",
          "[reports][render]") {
  CHECK(MachineSummary(nlohmann::json()) ==
        "unknown CPU, cores unknown, RAM unknown, iGPU unknown");
  const nlohmann::json nulls = {
      {"cpu", {{"brand", nullptr}, {"n_logical_cpus", 8}}},
      {"memory", {{"total_bytes", nullptr}}},
      {"gpu",
       {{"devices",
         {{{"name", "dGPU"}, {"integrated", false}},
          {{"name", nullptr},
           {"integrated", true},
           {"vendor_id", "0x8086"},
           {"device_id", "0xa7a0"}}}}}}};
  CHECK(MachineSummary(nulls) ==
        "unknown CPU, 8 threads, RAM unknown, iGPU 0x8086:0xa7a0");
  const nlohmann::json no_igpu = {
      {"gpu", {{"devices", nlohmann::json::array()}}}};
  CHECK_THAT(MachineSummary(no_igpu), Catch::EndsWith("no iGPU found"));
}

TEST_CASE("a case label leaves out what a skipped case lacks",
          "[reports][render]") {
  CHECK(CaseSpecLabel(SampleMeasuredCase().spec) ==
        "case 1, tiny-llama q4_0 avx2 t=1 all");
  CaseSpec bare;
  bare.id = 3;
  bare.model = "m";
  CHECK(CaseSpecLabel(bare) == "case 3, m");
}

TEST_CASE("the Markdown summary heads with the machine and the run's status",
          "[reports][render]") {
  const std::vector<std::string> lines =
      Lines(RenderMarkdown(SampleRenderReport()));
  REQUIRE(lines.size() > 6);
  CHECK(lines[0] == "# lapbench report: tiny");
  CHECK(lines[2] ==
        "- Machine: Test CPU \\<X&Y\\>, 4 cores / 8 threads, 16.0 GiB RAM, "
        "iGPU Iris Xe");
  CHECK(lines[3] == "- Build: 0123abcd, GNU 13.2.0, Release");
  CHECK(lines[4] ==
        "- Run: 2026-12-04T09:12:00Z to 2026-12-04T09:13:00Z, seed 7");
  CHECK(lines[5] ==
        "- Status: partial (interrupted by SIGINT); cases: 2 measured, 1 "
        "skipped, 1 failed");
}

TEST_CASE("the Markdown results table has a row per measured case",
          "[reports][render]") {
  const std::string md = RenderMarkdown(SampleRenderReport());
  CHECK(HasLine(md, "- battery: on battery"));
  CHECK(HasLine(md,
                "| case | model | format | variant | threads | placement | "
                "kv | decode tok/s | prefill tok/s | TTFT ms | p99 token ms "
                "| peak RSS MiB | KL (nats) | top-1 | J/token |"));
  CHECK(HasLine(md,
                "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- "
                "| --- | --- | --- | --- | --- |"));
  CHECK(HasLine(md,
                "| 1 | tiny-llama | q4_0 | avx2 | 1 | all | f16 | 500.0 ± "
                "10.0 | 2000.0 | 10.0 | 2.50 | 100 | 0.0540 | 87.5% | 0.2500 "
                "|"));
  CHECK(HasLine(md,
                "| 2 | /models/\\<x&\"y\"\\>.gguf | q8_0 | ref | 2 | all | f16 "
                "| 250.0 ± 10.0\\* | 1000.0 | - | - | - | - | - | - |"));
}

TEST_CASE("the Markdown summary lists unmeasured cases and throttling",
          "[reports][render]") {
  const std::string md = RenderMarkdown(SampleRenderReport());
  CHECK(HasLine(md, "## Not measured"));
  CHECK(HasLine(md,
                "- case 3, tiny-llama: skipped: needs avx512f, \"not\" here "
                "second line"));
  CHECK(HasLine(md, "- case 4, tiny-llama: failed: model too big"));
  CHECK(HasLine(md, "## Sustained decode"));
  CHECK(HasLine(md,
                "| 1 | tiny-llama | q4_0 | avx2 | 1 | 4 | 80.0 | 80.0 | "
                "1.000 | none | reached 95.0 C at 3.0 s | 95.0 |"));
}

TEST_CASE("a report without a measured case says so and has no table",
          "[reports][render]") {
  Report report = SampleRenderReport();
  report.cases.resize(0);
  report.partial = false;
  report.environment_warnings.clear();
  const std::string md = RenderMarkdown(report);
  CHECK(HasLine(md, "- Status: complete; cases: none"));
  CHECK(HasLine(md, "- Environment: no warnings"));
  CHECK(HasLine(md, "No case was measured."));
  CHECK_THAT(md, !Catch::Contains("| case |"));
}

// The CSV's header: the spec, the outcome, five columns per metric, then
// accuracy, monitor and throttle.
std::string ExpectedCsvHeader() {
  std::string header =
      "id,model,model_path,model_sha256,format,variant,threads,placement,"
      "cpus,kv_type,prompt_tokens,gen_tokens,status,reason,load_s,"
      "warmup_runs";
  for (const char* metric :
       {"prefill_tokens_per_s", "ttft_ms", "decode_tokens_per_s",
        "decode_latency_p50_ms", "decode_latency_p90_ms",
        "decode_latency_p99_ms", "decode_latency_max_ms", "peak_rss_bytes"}) {
    for (const char* part : {"median", "ci_low", "ci_high", "cv", "n"}) {
      header += fmt::format(",{}_{}", metric, part);
    }
  }
  return header +
         ",accuracy_reference_format,accuracy_n_positions,accuracy_mean_kl,"
         "accuracy_max_kl,accuracy_top1_agreement,accuracy_note,"
         "monitor_n_samples,monitor_clock_ghz,monitor_cpu_temp_max_c,"
         "monitor_package_power_w,monitor_joules_per_token,monitor_on_ac,"
         "throttle_burst_tokens_per_s,throttle_sustained_tokens_per_s,"
         "throttle_ratio,throttle_drop_10pct_s,throttle_trip_reached_s\r\n";
}

TEST_CASE("the CSV has the header and one record per case",
          "[reports][render]") {
  const std::string csv = RenderCsv(SampleRenderReport());
  REQUIRE_THAT(csv, Catch::StartsWith(ExpectedCsvHeader()));
  const std::string empty_metric = ",,,,,0";
  std::string skipped =
      "3,tiny-llama,,,,,0,,,,0,0,skipped,\"needs avx512f, \"\"not\"\" "
      "here\nsecond line\",0,0";
  std::string failed = "4,tiny-llama,,,,,0,,,,0,0,failed,model too big,0,0";
  for (int i = 0; i < 8; ++i) {
    skipped += empty_metric;
    failed += empty_metric;
  }
  const std::string no_extras = ",,,,,,,,,,,,,,,,,\r\n";
  CHECK_THAT(csv, Catch::EndsWith(skipped + no_extras + failed + no_extras));
}

TEST_CASE("a measured case's CSV record has its figures", "[reports][render]") {
  Report report = SampleRenderReport();
  report.cases.resize(1);
  const std::string csv = RenderCsv(report);
  const std::string record = csv.substr(ExpectedCsvHeader().size());
  CHECK(record ==
        "1,tiny-llama,/cache/tiny-llama-q4_0.gguf,ab12,q4_0,avx2,1,all,0,f16,"
        "16,2,measured,,0.25,1,"
        "2000,1900,2100,0.03162277660168379,6,"  // prefill
        "10,10,10,0,6,"                          // ttft
        "500,490,510,0.01414213562373095,6,"     // decode
        ",,,,0,,,,,0,"                           // p50, p90: none
        "2.5,2.5,2.5,0,6,"                       // p99
        ",,,,0,"                                 // max: none
        "104857600,104857600,104857600,0,6,"     // peak RSS
        "f32,128,0.054,0.31,0.875,,"             // accuracy
        "4,3.5,,,0.25,true,"                     // monitor
        "80,80,1,,3"                             // throttle
        "\r\n");
}

TEST_CASE("CSV cpus are a cpulist and quoted when they hold a comma",
          "[reports][render]") {
  Report report = SampleRenderReport();
  report.cases.resize(1);
  report.cases[0].spec.cpus = {0, 1, 2, 3, 8};
  CHECK_THAT(RenderCsv(report), Catch::Contains(",all,\"0-3,8\",f16,"));
}

}  // namespace
}  // namespace lapbench::reports
