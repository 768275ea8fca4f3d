// Tests of `lapbench recommend` on hand-built reports whose answer is
// known: RAM fit with exact figures, sustained over burst decode, the more
// precise format inside the noise, each objective, and a suggestion when
// nothing fits.
#include "harness/recommend.h"

#include <catch2/catch.hpp>
#include <cmath>

#include "engine/model/kv_cache.h"
#include "harness/model_facts.h"

namespace lapbench::harness {
namespace {

using reports::CaseResult;
using reports::MakeMetric;

constexpr uint64_t kGiB = uint64_t{1} << 30;
constexpr uint64_t kPeakRss = 100 << 20;  // 100 MiB

// A stand-in file hash per format: one model file per format.
std::string ShaOf(const std::string& format) {
  return std::string(64 - format.size(), '0') + format;
}

CaseResult Measured(int id, const std::string& format, int threads,
                    std::vector<double> decode, std::vector<double> ttft) {
  CaseResult c;
  c.spec.id = id;
  c.spec.model = "tiny-llama";
  c.spec.model_sha256 = ShaOf(format);
  c.spec.format = format;
  c.spec.variant = "ref";
  c.spec.threads = threads;
  c.spec.placement = "all";
  c.spec.kv_type = "f16";
  c.spec.prompt_tokens = 64;
  c.spec.gen_tokens = 32;
  c.status = reports::CaseStatus::kMeasured;
  c.metrics.decode_tokens_per_s = MakeMetric(std::move(decode));
  c.metrics.ttft_ms = MakeMetric(std::move(ttft));
  c.metrics.peak_rss_bytes = MakeMetric(
      {static_cast<double>(kPeakRss), static_cast<double>(kPeakRss - 4096)});
  return c;
}

reports::Report ReportOf(std::vector<CaseResult> cases) {
  reports::Report r;
  r.machine = {{"cpu", {{"brand", "Test CPU"}}},
               {"memory", {{"planning_bytes", 64 * kGiB}}}};
  r.suite = {{"name", "test"}};
  r.cases = std::move(cases);
  return r;
}

RecommendOptions Options(Objective objective = Objective::kDecode) {
  RecommendOptions o;
  o.model = "tiny-llama";
  o.context_tokens = 512;
  o.objective = objective;
  return o;
}

TEST_CASE(
    "recommend: a configuration that does not fit is excluded, "
    "with its exact need") {
  // tiny-llama: 4 layers x 2 KV heads x 16 head size x (K + V) x 2 bytes.
  const uint64_t kv_per_token = engine::KvBytesPerToken(
      PresetConfig("tiny-llama"), kernels::Format::kF16);
  REQUIRE(kv_per_token == 512);
  // Peak RSS at 96 tokens plus the KV cache of the 2048 - 96 more.
  const uint64_t need = kPeakRss + 512 * (2048 - 96);
  REQUIRE(need == 105857024);
  const auto with_margin =
      static_cast<uint64_t>(std::ceil(static_cast<double>(need) * 1.1));
  const reports::Report report =
      ReportOf({Measured(1, "q4_0", 1, {100, 101, 102}, {5, 5, 5})});
  RecommendOptions o = Options();
  o.context_tokens = 2048;
  o.available_bytes = with_margin;
  const Recommendation fits = Recommend(report, o);
  REQUIRE(fits.ranked.size() == 1);
  CHECK(fits.ranked[0].memory.need_bytes == need);
  CHECK(fits.ranked[0].memory.with_margin_bytes == with_margin);
  CHECK(fits.ranked[0].memory.planned_bytes < need);

  o.available_bytes = with_margin - 1;
  const Recommendation short_by_one = Recommend(report, o);
  CHECK(short_by_one.ranked.empty());
  REQUIRE(short_by_one.excluded.size() == 1);
  CHECK(short_by_one.excluded[0].reason ==
        "does not fit: needs 101.0 MiB for 2048 tokens (peak RSS at 96 "
        "tokens plus the KV cache beyond: 101.0 MiB; engine plan: 2.8 MiB), "
        "111.0 MiB with the 10% margin; 111.0 MiB available");
}

TEST_CASE("recommend: a context beyond the model's training is excluded") {
  RecommendOptions o = Options();
  o.context_tokens = 4096;
  const Recommendation rec =
      Recommend(ReportOf({Measured(1, "q4_0", 1, {100}, {5})}), o);
  REQUIRE(rec.excluded.size() == 1);
  CHECK(rec.excluded[0].reason ==
        "context of 4096 tokens exceeds the model's trained 2048");
}

TEST_CASE("recommend: sustained decode replaces the burst rate") {
  CaseResult hot = Measured(1, "q4_0", 2, {100, 100, 100}, {5, 5, 5});
  CaseResult sustained = hot;
  sustained.spec.id = 2;
  reports::CaseThrottle t;
  // Burst 100 tok/s; the last third of the series at 60.
  for (int s = 1; s <= 9; ++s) {
    reports::ThrottleSample sample;
    sample.t_s = s;
    sample.tokens_per_s = s <= 6 ? 100 : 60;
    t.series.push_back(sample);
  }
  t.analysis = reports::AnalyzeThrottle(t.series);
  sustained.throttle = t;
  const CaseResult cool = Measured(3, "q4_0", 1, {80, 80, 80}, {5, 5, 5});
  const Recommendation rec =
      Recommend(ReportOf({hot, sustained, cool}), Options());
  REQUIRE(rec.ranked.size() == 2);
  CHECK(rec.ranked[0].spec.id == 3);
  CHECK(rec.ranked[1].spec.id == 1);
  CHECK(rec.ranked[1].decode->median == 60);
  CHECK(rec.ranked[1].sustained_case_id == 2);
  CHECK(rec.ranked[1].reason ==
        "decode 60.0 tok/s [60.0, 60.0], sustained after throttling (case "
        "2, burst 100 tok/s); behind the winner beyond the noise");
}

TEST_CASE("recommend: a throttle run's sustained rate joins a suite's run") {
  const CaseResult quick = Measured(1, "q4_0", 2, {100, 100, 100}, {5, 5, 5});
  CaseResult sustained = Measured(1, "q4_0", 2, {}, {});
  reports::CaseThrottle t;
  for (int s = 1; s <= 9; ++s) {
    reports::ThrottleSample sample;
    sample.t_s = s;
    sample.tokens_per_s = s <= 6 ? 100 : 70;
    t.series.push_back(sample);
  }
  t.analysis = reports::AnalyzeThrottle(t.series);
  sustained.throttle = t;
  std::vector<std::string> origins;
  const reports::Report merged =
      MergeRunReports({{"quick.json", ReportOf({quick, quick})},
                       {"hot.json", ReportOf({sustained})}},
                      origins);
  CHECK(origins ==
        std::vector<std::string>{"cases 1-2 are quick.json cases 1, 1",
                                 "case 3 is hot.json case 1"});
  const Recommendation rec = Recommend(merged, Options());
  REQUIRE(rec.ranked.size() == 1);
  CHECK(rec.ranked[0].spec.id == 1);
  CHECK(rec.ranked[0].sustained_case_id == 3);
  CHECK(rec.ranked[0].decode->median == 70);
  CHECK(rec.ranked[0].ttft_ms->median == 5);

  reports::Report elsewhere = ReportOf({sustained});
  elsewhere.machine["cpu"]["brand"] = "Other CPU";
  CHECK_THROWS_AS(MergeRunReports({{"quick.json", ReportOf({quick})},
                                   {"other.json", elsewhere}},
                                  origins),
                  RecommendError);
}

TEST_CASE("recommend: the more precise format wins inside the noise") {
  const CaseResult q4 = Measured(1, "q4_0", 1, {95, 100, 105}, {5, 5, 5});
  const CaseResult q8 = Measured(2, "q8_0", 1, {90, 97, 104}, {5, 5, 5});
  const Recommendation rec = Recommend(ReportOf({q4, q8}), Options());
  REQUIRE(rec.ranked.size() == 2);
  CHECK(rec.ranked[0].spec.format == "q8_0");
  CHECK(rec.ranked[0].reason ==
        "decode 97.0 tok/s [90.0, 104]; preferred to q4_0 ref, 1 thread "
        "(all), kv f16 (case 1) (decode 100 tok/s [95.0, 105]): their "
        "intervals overlap, so the difference is noise, and q8_0 is the more "
        "precise format");
  CHECK(rec.ranked[1].reason ==
        "decode 100 tok/s [95.0, 105]; inside the winner's noise, in a "
        "format no more precise");
}

TEST_CASE("recommend: a faster format wins outside the noise") {
  const CaseResult q4 = Measured(1, "q4_0", 1, {95, 100, 105}, {5, 5, 5});
  const CaseResult q8 = Measured(2, "q8_0", 1, {50, 51, 52}, {5, 5, 5});
  const Recommendation rec = Recommend(ReportOf({q4, q8}), Options());
  REQUIRE(rec.ranked.size() == 2);
  CHECK(rec.ranked[0].spec.format == "q4_0");
  CHECK(rec.ranked[0].reason ==
        "decode 100 tok/s [95.0, 105]; the best measured");
}

TEST_CASE("recommend: intervals apart are not noise however wide") {
  // 28 tok/s apart, less than q4_0's interval is wide (40), but the
  // intervals [80, 120] and [70, 74] do not meet.
  const CaseResult q4 = Measured(1, "q4_0", 1, {80, 100, 120}, {5, 5, 5});
  const CaseResult q8 = Measured(2, "q8_0", 1, {70, 72, 74}, {5, 5, 5});
  const Recommendation rec = Recommend(ReportOf({q4, q8}), Options());
  REQUIRE(rec.ranked.size() == 2);
  CHECK(rec.ranked[0].spec.format == "q4_0");
  CHECK(rec.ranked[1].reason ==
        "decode 72.0 tok/s [70.0, 74.0]; behind the winner beyond the noise");
}

TEST_CASE("recommend: the ttft objective takes the lowest TTFT") {
  const CaseResult a = Measured(1, "q4_0", 1, {100, 100, 100}, {9, 9, 9});
  const CaseResult b = Measured(2, "q4_0", 2, {50, 50, 50}, {4, 4, 4});
  const CaseResult c = Measured(3, "q4_0", 4, {70, 70, 70}, {6, 6, 6});
  const Recommendation rec =
      Recommend(ReportOf({a, b, c}), Options(Objective::kTtft));
  REQUIRE(rec.ranked.size() == 3);
  CHECK(rec.ranked[0].spec.id == 2);
  CHECK(rec.ranked[1].spec.id == 3);
  CHECK(rec.ranked[2].spec.id == 1);
}

TEST_CASE("recommend: the energy objective takes the fewest joules") {
  CaseResult a = Measured(1, "q4_0", 1, {100}, {5});
  CaseResult b = Measured(2, "q4_0", 2, {120}, {5});
  reports::CaseMonitor m;
  m.joules_per_token = 0.5;
  a.monitor = m;
  m.joules_per_token = 0.75;
  b.monitor = m;
  const Recommendation rec =
      Recommend(ReportOf({a, b}), Options(Objective::kEnergy));
  REQUIRE(rec.ranked.size() == 2);
  CHECK(rec.ranked[0].spec.id == 1);
  CHECK(rec.ranked[0].reason == "0.500 J/token; the best measured");
}

TEST_CASE("recommend: the energy objective needs energy figures") {
  CaseResult a = Measured(1, "q4_0", 1, {100}, {5});
  reports::CaseMonitor m;
  m.unavailable = {"package power: no RAPL counter under /sys/class/powercap"};
  a.monitor = m;
  CHECK_THROWS_WITH(
      Recommend(ReportOf({a}), Options(Objective::kEnergy)),
      "--objective energy: no case of the report has joules per token (the "
      "machine has no readable RAPL energy counter: package power: no RAPL "
      "counter under /sys/class/powercap); choose decode, ttft or balanced");
  // Without monitor figures, the probe profile says why.
  reports::Report no_monitor = ReportOf({Measured(1, "q4_0", 1, {100}, {5})});
  no_monitor.machine["rapl"] = {{"zones", nlohmann::json::array()},
                                {"none_reason", "no powercap"}};
  CHECK_THROWS_WITH(
      Recommend(no_monitor, Options(Objective::kEnergy)),
      Catch::Contains("no readable RAPL energy counter: probe: no powercap"));
}

TEST_CASE("recommend: balanced weighs decode against TTFT") {
  // a: decode 1.0 of the best, TTFT 0.5 of the best: sqrt(0.5) = 0.707.
  // b: decode 0.9 of the best, the best TTFT: sqrt(0.9) = 0.949.
  const CaseResult a = Measured(1, "q4_0", 1, {100, 100, 100}, {20, 20, 20});
  const CaseResult b = Measured(2, "q4_0", 2, {90, 90, 90}, {10, 10, 10});
  const Recommendation rec =
      Recommend(ReportOf({a, b}), Options(Objective::kBalanced));
  REQUIRE(rec.ranked.size() == 2);
  CHECK(rec.ranked[0].spec.id == 2);
  CHECK(rec.ranked[0].score == Approx(std::sqrt(0.9)));
  CHECK(rec.ranked[1].score == Approx(std::sqrt(0.5)));
}

TEST_CASE("recommend: when nothing fits, a lighter format is suggested") {
  CaseResult big = Measured(1, "q8_0", 1, {10}, {50});
  big.spec.model = "llama3.2-3b";
  big.metrics.peak_rss_bytes = MakeMetric({});
  RecommendOptions o = Options();
  o.model = "llama3.2-3b";
  o.context_tokens = 4096;
  o.available_bytes = 3 * kGiB;
  const Recommendation rec = Recommend(ReportOf({big}), o);
  CHECK(rec.ranked.empty());
  CHECK(rec.suggestion.starts_with("llama3.2-3b in q4_k_m would fit"));
}

TEST_CASE("recommend: an unknown model names the report's models") {
  CHECK_THROWS_WITH(
      Recommend(ReportOf({Measured(1, "q4_0", 1, {1}, {1})}),
                [] {
                  RecommendOptions o = Options();
                  o.model = "gemma3-1b";
                  return o;
                }()),
      "no measured case of model 'gemma3-1b' in the report (expected one "
      "of: tiny-llama)");
}

TEST_CASE("recommend: format precision ranks f32 first and q4_0 last") {
  CHECK(PrecisionRank("f32") == 0);
  CHECK(PrecisionRank("q8_0") == 3);
  CHECK(PrecisionRank("q4_0") == 6);
  CHECK(PrecisionRank("mystery") == 7);
}

}  // namespace
}  // namespace lapbench::harness
