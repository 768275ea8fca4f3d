// Tests of the measured profile: arithmetic, ISA gating, budgets, JSON.
#include "probes/measure.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <thread>

#include "probes/measure/timing.h"

namespace lapbench::probes {
namespace {

constexpr uint64_t kMiB = 1ull << 20;

bool PositiveFinite(const Reading<double>& r) {
  return r.has_value() && std::isfinite(*r) && *r > 0;
}

// A CPU with every feature present and enabled, then edited per test.
CpuFeatures AllFeatures() {
  CpuFeatures cpu;
  cpu.cpu.fill(true);
  cpu.os_enabled.fill(true);
  return cpu;
}

// The host's features minus AVX-512: tests stay legal on any x86-64 CPU
// and still see an ISA reported missing.
CpuFeatures HostWithoutAvx512() {
  CpuFeatures cpu = DetectCpuFeatures();
  cpu.cpu[CpuFeatures::Index(CpuFeature::kAvx512F)] = false;
  return cpu;
}

TEST_CASE("FLOPs per iteration are chains x lanes x 2", "[probes][measure]") {
  CHECK(FlopsIsaChains(FlopsIsa::kAvx512F) == 12);
  CHECK(FlopsIsaLanes(FlopsIsa::kScalar) == 1);
  CHECK(FlopsIsaLanes(FlopsIsa::kSse2) == 4);
  CHECK(FlopsIsaLanes(FlopsIsa::kAvx2Fma) == 8);
  CHECK(FlopsIsaLanes(FlopsIsa::kAvx512F) == 16);
  CHECK(FlopsPerIteration(FlopsIsa::kScalar) == 24);
  CHECK(FlopsPerIteration(FlopsIsa::kSse2) == 96);
  CHECK(FlopsPerIteration(FlopsIsa::kAvx2Fma) == 192);
  CHECK(FlopsPerIteration(FlopsIsa::kAvx512F) == 384);
}

TEST_CASE("Triad counts two loads and one store of 8 bytes per element",
          "[probes][measure]") {
  CHECK(TriadPassBytes(1000) == 24000);
  CHECK(ReadPassBytes(256 * kMiB) == 256 * kMiB);
  // 30 lines split in three: 10 lines of 8 doubles per array.
  CHECK(TriadElements(30 * 64) == 80);
  // A remainder smaller than three lines is left unused.
  CHECK(TriadElements(30 * 64 + 191) == 80);
  const uint64_t buffer_bytes = 256 * kMiB;
  CHECK(3 * TriadElements(buffer_bytes) * 8 <= buffer_bytes);
}

TEST_CASE("Bandwidth buffer is 8x the LLC and at least 256 MiB",
          "[probes][measure]") {
  std::vector<std::string> notes;
  MeasureOptions options;
  options.llc_bytes = 64 * kMiB;
  CHECK(PlanBandwidthBufferBytes(options, notes) == 512 * kMiB);
  options.llc_bytes = 8 * kMiB;
  CHECK(PlanBandwidthBufferBytes(options, notes) == 256 * kMiB);
  CHECK(notes.empty());
  // An odd LLC size is rounded up to whole 2 MiB huge pages.
  options.llc_bytes = 33 * kMiB + 1;
  CHECK(PlanBandwidthBufferBytes(options, notes) == 266 * kMiB);
}

TEST_CASE("Bandwidth buffer is capped by its share of available RAM",
          "[probes][measure]") {
  std::vector<std::string> notes;
  MeasureOptions options;
  options.llc_bytes = 64 * kMiB;
  options.available_bytes = 1024 * kMiB;
  options.max_ram_fraction = 0.25;
  CHECK(PlanBandwidthBufferBytes(options, notes) == 256 * kMiB);
  REQUIRE(notes.size() == 1);
  CHECK_THAT(notes[0], Catch::Contains("capped at 256 MiB"));
}

TEST_CASE("Bandwidth buffer never exceeds 1 GiB, whatever the LLC claims",
          "[probes][measure]") {
  // A VM reporting a 260 MiB shared L3, as this project's CI machine does.
  std::vector<std::string> notes;
  MeasureOptions options;
  options.llc_bytes = 260 * kMiB;
  CHECK(PlanBandwidthBufferBytes(options, notes) == 1024 * kMiB);
  REQUIRE(notes.size() == 1);
  CHECK(notes[0] ==
        "bandwidth buffer capped at 1024 MiB instead of 2080 MiB (8x the "
        "reported 260 MiB LLC): only 3.9x that cache");
}

TEST_CASE("Unknown LLC size gives the minimum buffer and a note",
          "[probes][measure]") {
  std::vector<std::string> notes;
  MeasureOptions options;
  CHECK(PlanBandwidthBufferBytes(options, notes) == 256 * kMiB);
  REQUIRE(notes.size() == 1);
  CHECK_THAT(notes[0], Catch::StartsWith("LLC size unknown"));
}

TEST_CASE("ISAs the CPU lacks are reported missing with a reason",
          "[probes][measure]") {
  CpuFeatures none;
  CHECK(FlopsIsaUnusableReason(FlopsIsa::kScalar, none).empty());
  CHECK(FlopsIsaUnusableReason(FlopsIsa::kSse2, none).empty());
  CHECK(FlopsIsaUnusableReason(FlopsIsa::kAvx2Fma, none) == "CPU lacks avx2");
  CHECK(FlopsIsaUnusableReason(FlopsIsa::kAvx512F, none) ==
        "CPU lacks avx512f");

  CpuFeatures no_fma = AllFeatures();
  no_fma.cpu[CpuFeatures::Index(CpuFeature::kFma)] = false;
  CHECK(FlopsIsaUnusableReason(FlopsIsa::kAvx2Fma, no_fma) == "CPU lacks fma");

  const FlopsResult r = MeasurePeakFlops(FlopsIsa::kAvx512F, none, 2, 1.0);
  CHECK_FALSE(r.flops_per_s.has_value());
  CHECK(r.flops_per_s.reason() == "CPU lacks avx512f");
  CHECK(r.n_threads == 2);
  CHECK(r.n_repetitions == 0);
}

TEST_CASE("AVX-512 without OS-saved ZMM state is reported missing",
          "[probes][measure]") {
  CpuFeatures cpu = AllFeatures();
  cpu.os_enabled[CpuFeatures::Index(CpuFeature::kAvx512F)] = false;
  CHECK(FlopsIsaUnusableReason(FlopsIsa::kAvx512F, cpu) ==
        "OS does not enable ZMM state (XCR0)");
  CHECK(FlopsIsaUnusableReason(FlopsIsa::kAvx2Fma, cpu).empty());
}

TEST_CASE("Thread team runs every thread at the same time",
          "[probes][measure]") {
  // Each thread waits (up to a generous timeout) until all have started:
  // only truly concurrent threads all see the full count.
  constexpr int kThreads = 3;
  std::atomic<int> started{0};
  std::atomic<int> saw_all{0};
  measure::RunTogether(kThreads, false, [&](int) {
    started.fetch_add(1);
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (started.load() < kThreads &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::yield();
    }
    if (started.load() == kThreads) saw_all.fetch_add(1);
  });
  CHECK(saw_all.load() == kThreads);
}

TEST_CASE("Repetitions keep the best time and stop at the budget",
          "[probes][measure]") {
  int calls = 0;
  const double times_s[] = {0.3, 0.1, 0.2};
  const measure::BestTime capped = measure::RepeatBest(1e9, 3, [&] {
    return measure::RunTime{times_s[calls++], 1};
  });
  CHECK(calls == 3);
  CHECK(capped.n_repetitions == 3);
  CHECK(capped.best_s == 0.1);

  calls = 0;
  const measure::BestTime once = measure::RepeatBest(0.0, 3, [&] {
    return measure::RunTime{times_s[calls++], 1};
  });
  CHECK(calls == 1);
  CHECK(once.best_s == 0.3);
}

TEST_CASE("Calibration scales the iteration count to the target time",
          "[probes][measure]") {
  // A synthetic loop taking exactly 1 us per iteration.
  auto run_s = [](uint64_t n) { return static_cast<double>(n) * 1e-6; };
  CHECK(measure::CalibrateIterations(run_s, 0.01) == 10000);
  CHECK(measure::CalibrateIterations(run_s, 0.0) == 1);
}

TEST_CASE("Tiny budgets still give positive finite results",
          "[probes][measure]") {
  const CpuFeatures cpu = DetectCpuFeatures();
  for (FlopsIsa isa : AllFlopsIsas()) {
    if (!FlopsIsaUnusableReason(isa, cpu).empty()) continue;
    const FlopsResult r = MeasurePeakFlops(isa, cpu, 1, 0.0);
    INFO(FlopsIsaName(isa));
    CHECK(PositiveFinite(r.flops_per_s));
    CHECK(r.n_repetitions == 1);
  }
  CHECK(PositiveFinite(MeasureClockHz(0.0)));
  CHECK(PositiveFinite(MeasureClockHzByMultiply(0.0)));

  BandwidthBuffer buffer(8 * kMiB, 1);
  REQUIRE(buffer.ok());
  const BandwidthResult bw = MeasureBandwidth(buffer, 2, 0.0);
  CHECK(PositiveFinite(bw.read_bytes_per_s));
  CHECK(PositiveFinite(bw.triad_bytes_per_s));
  // One pass, timed in one segment per LLC-multiple of the buffer.
  CHECK(bw.n_repetitions == static_cast<int>(kBandwidthBufferLlcMultiple));
  CHECK(bw.buffer_bytes == 8 * kMiB);
}

TEST_CASE("A buffer that cannot be allocated gives reasons, not a crash",
          "[probes][measure]") {
  // 2^62 bytes: no machine has that much address space to hand out.
  BandwidthBuffer buffer(uint64_t{1} << 62, 1);
  REQUIRE_FALSE(buffer.ok());
  CHECK_THAT(buffer.error(), Catch::StartsWith("cannot allocate"));
  const BandwidthResult bw = MeasureBandwidth(buffer, 1, 1.0);
  CHECK_FALSE(bw.read_bytes_per_s.has_value());
  CHECK(bw.triad_bytes_per_s.reason() == buffer.error());
}

TEST_CASE("Machine measurement covers every ISA and both thread counts",
          "[probes][measure]") {
  MeasureOptions options;
  options.n_threads = 2;
  options.llc_bytes = 1 * kMiB;
  options.budget_s = 0.2;
  const Measurements m = MeasureMachine(options, HostWithoutAvx512());

  CHECK(PositiveFinite(m.clock_hz));
  REQUIRE(m.bandwidth.size() == 2);
  CHECK(m.bandwidth[0].n_threads == 1);
  CHECK(m.bandwidth[1].n_threads == 2);
  for (const BandwidthResult& r : m.bandwidth) {
    CHECK(r.buffer_bytes == kMinBandwidthBufferBytes);
    CHECK(PositiveFinite(r.read_bytes_per_s));
    CHECK(PositiveFinite(r.triad_bytes_per_s));
  }
  REQUIRE(m.peak_flops.size() == 2 * kFlopsIsaCount);
  for (const FlopsResult& r : m.peak_flops) {
    INFO(FlopsIsaName(r.isa) << " x" << r.n_threads);
    if (r.isa == FlopsIsa::kAvx512F) {
      CHECK(r.flops_per_s.reason() == "CPU lacks avx512f");
    } else if (r.isa != FlopsIsa::kAvx2Fma) {
      CHECK(PositiveFinite(r.flops_per_s));
    }
  }
  CHECK(m.peak_flops.back().n_threads == 2);
  CHECK(m.duration_s > 0);
}

TEST_CASE("JSON shows missing measurements as null beside a reason",
          "[probes][measure]") {
  Measurements m;
  m.clock_hz = Reading<double>::Missing("chain did not run");
  m.peak_flops.push_back({FlopsIsa::kAvx512F,
                          Reading<double>::Missing("CPU lacks avx512f"), 1, 0});
  m.bandwidth.push_back({4e10, 3e10, 2, 256 * kMiB, 3});
  m.duration_s = 1.5;
  const nlohmann::json j = ToJson(m);
  CHECK(j["clock_hz"].is_null());
  CHECK(j["clock_hz_reason"] == "chain did not run");
  CHECK(j["peak_flops"][0]["isa"] == "avx512f");
  CHECK(j["peak_flops"][0]["flops_per_s"].is_null());
  CHECK(j["peak_flops"][0]["flops_per_s_reason"] == "CPU lacks avx512f");
  CHECK(j["bandwidth"][0]["read_bytes_per_s"] == 4e10);
  CHECK(j["bandwidth"][0]["n_threads"] == 2);
  CHECK(j["duration_s"] == 1.5);
  CHECK_THAT(Summarize(m), Catch::Contains("unknown (CPU lacks avx512f)"));
}

}  // namespace
}  // namespace lapbench::probes
