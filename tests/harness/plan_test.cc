// Tests the plan: expansion order and count, skip reasons on fixture
// machines built from hwloc, CPUID and meminfo fixtures, memory figures and
// the duration estimate.
#include "harness/plan.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "engine/synth/model_maker.h"
#include "harness/model_facts.h"
#include "harness/plan_estimate.h"
#include "probes/cpu.h"
#include "probes/memory.h"
#include "probes/sysfs.h"
#include "probes/topology.h"

namespace fs = std::filesystem;
using namespace lapbench::harness;  // NOLINT: the module under test
namespace probes = lapbench::probes;

namespace {

const fs::path kFixtures = LAPBENCH_FIXTURES_DIR;

// A machine from recorded inputs: an hwloc topology, a CPUID dump and a
// /proc + /sys tree for MemAvailable.
Machine FixtureMachine(const std::string& hwloc, const std::string& cpuid,
                       const std::string& memory) {
  probes::Topology topology =
      probes::ProbeTopology(kFixtures / "hwloc" / (hwloc + ".xml"));
  probes::CpuInfo cpu = probes::ProbeCpu(
      probes::FsRoot("/"), kFixtures / "cpuid" / (cpuid + ".raw"));
  probes::MemoryInfo mem = probes::ProbeMemory(
      probes::FsRoot(kFixtures / "memory" / memory), topology);
  std::optional<uint64_t> available;
  if (mem.planning_bytes) available = *mem.planning_bytes;
  return MakeMachine(topology, cpu.features, available);
}

// Hybrid Raptor Lake-P (6 P-cores with SMT, 8 E-cores): AVX2 and VNNI but
// no AVX-512; an 8 GB laptop.
Machine RaptorLake8Gb() {
  return FixtureMachine("intel-raptorlake-p-i7-1370p-cpuid",
                        "intel-raptorlake-p-i7-1370p", "laptop-8gb-zram");
}

// Westmere topology (2 cores, 4 PUs, one core kind) with a Kaby Lake CPU
// (AVX2, no AVX-512): a laptop without efficiency cores; 16 GB.
Machine DualCoreNoHybrid() {
  return FixtureMachine("intel-westmere-i7-m620-dell-latitude-e6410",
                        "intel-kabylake-u-i7-7500u", "laptop-16gb");
}

Suite SuiteOf(SuiteSweep sweep) {
  Suite suite;
  suite.name = "test";
  suite.sweep = std::move(sweep);
  return suite;
}

SuiteSweep OneCase(std::string model, std::string variant,
                   std::string placement, int threads) {
  return {{std::move(model)},
          {"q4_0"},
          {std::move(variant)},
          {threads},
          {std::move(placement)},
          {"f16"},
          {64},
          {32}};
}

PlannedCase PlanOne(const SuiteSweep& sweep, const Machine& machine) {
  Plan plan = PlanSuite(SuiteOf(sweep), machine);
  REQUIRE(plan.cases.size() == 1);
  return plan.cases.front();
}

}  // namespace

TEST_CASE("a sweep expands model-major with gen_tokens varying fastest",
          "[harness][plan]") {
  SuiteSweep sweep{{"tiny-llama", "tiny-gemma3"},
                   {"q4_0", "q8_0"},
                   {"best", "ref"},
                   {1, kAllThreads},
                   {"all", "physical"},
                   {"f16", "f32"},
                   {32, 64},
                   {8, 16}};
  std::vector<Case> cases = ExpandSweep(sweep);
  REQUIRE(cases.size() == 256);  // 2^8
  CHECK(cases[0].id == 1);
  CHECK(cases[0].gen_tokens == 8);
  CHECK(cases[1].gen_tokens == 16);
  CHECK(cases[2].prompt_tokens == 64);
  CHECK(cases[4].kv_type == "f32");
  CHECK(cases[8].placement == "physical");
  CHECK(cases[16].threads == kAllThreads);
  CHECK(cases[32].variant == "ref");
  CHECK(cases[64].format == "q8_0");
  CHECK(cases[128].model == "tiny-gemma3");
  CHECK(cases[255].id == 256);
}

TEST_CASE("a .gguf model is planned once in its own format",
          "[harness][plan]") {
  SuiteSweep sweep{{"tiny-llama", "m.gguf"},
                   {"q4_0", "q8_0"},
                   {"best"},
                   {1},
                   {"all"},
                   {"f16"},
                   {32},
                   {8}};
  std::vector<Case> cases = ExpandSweep(sweep);
  REQUIRE(cases.size() == 3);
  CHECK(cases[2].model == "m.gguf");
  CHECK(cases[2].format == kFileFormatMark);
}

TEST_CASE("the fixture machines offer the placements their topology has",
          "[harness][plan]") {
  Machine hybrid = RaptorLake8Gb();
  REQUIRE(hybrid.placements.size() == 5);
  CHECK(hybrid.placements[0].cpus.size() == 20);          // all
  CHECK(hybrid.placements[1].cpus.size() == 14);          // physical
  CHECK(hybrid.placements[2].cpus.size() == 12);          // performance
  CHECK(hybrid.placements[3].cpus.size() == 8);           // efficiency
  CHECK(hybrid.placements[4].cpus.empty());               // low-power
  CHECK(*hybrid.available_bytes == 3'120'876ull * 1024);  // MemAvailable
  Machine plain = DualCoreNoHybrid();
  CHECK(plain.placements[0].cpus == std::vector<int>{0, 1, 2, 3});
  CHECK(plain.placements[3].cpus.empty());
}

TEST_CASE("a variant the CPU lacks is skipped naming the missing features",
          "[harness][plan]") {
  PlannedCase p =
      PlanOne(OneCase("tiny-llama", "avx512", "all", 1), RaptorLake8Gb());
  CHECK_FALSE(p.runnable);
  CHECK(p.skip_reason ==
        "CPU lacks avx512f, avx512bw, avx512vl, avx512dq, avx512_vnni "
        "(variant avx512 needs avx2, fma, f16c, avx512f, avx512bw, avx512vl, "
        "avx512dq, avx512_vnni)");
  CHECK(p.estimate.min_s == 0);
}

TEST_CASE("best resolves to the fastest variant the CPU can run",
          "[harness][plan]") {
  PlannedCase p =
      PlanOne(OneCase("tiny-llama", "best", "all", 1), RaptorLake8Gb());
  CHECK(p.runnable);
  CHECK(p.variant == "avx2");
  Machine avx512 = FixtureMachine("intel-westmere-i7-m620-dell-latitude-e6410",
                                  "intel-icelake-i7-1065g7", "laptop-16gb");
  CHECK(PlanOne(OneCase("tiny-llama", "best", "all", 1), avx512).variant ==
        "avx512");
}

TEST_CASE("a variant without kernels for the weight format is skipped",
          "[harness][plan]") {
  PlannedCase p =
      PlanOne(OneCase("tiny-llama", "onednn", "all", 1), DualCoreNoHybrid());
  CHECK(p.skip_reason == "variant onednn has no matvec/matmul for q4_0");
}

TEST_CASE("placements the topology lacks are skipped with the reason",
          "[harness][plan]") {
  PlannedCase e = PlanOne(OneCase("tiny-llama", "ref", "efficiency", 1),
                          DualCoreNoHybrid());
  CHECK(e.skip_reason ==
        "no CPUs for placement: 'efficiency' (expected a hybrid CPU with that "
        "core kind; this one has a single kind)");
  PlannedCase lp =
      PlanOne(OneCase("tiny-llama", "ref", "low-power", 1), RaptorLake8Gb());
  CHECK_FALSE(lp.runnable);
  PlannedCase ok =
      PlanOne(OneCase("tiny-llama", "ref", "efficiency", 8), RaptorLake8Gb());
  CHECK(ok.runnable);
  CHECK(ok.cpus.size() == 8);
}

TEST_CASE("more threads than the placement's CPUs is skipped",
          "[harness][plan]") {
  PlannedCase p =
      PlanOne(OneCase("tiny-llama", "ref", "physical", 3), DualCoreNoHybrid());
  CHECK(p.skip_reason == "3 threads but placement physical has 2 CPUs");
  PlannedCase all =
      PlanOne(OneCase("tiny-llama", "ref", "physical", kAllThreads),
              DualCoreNoHybrid());
  CHECK(all.runnable);
  CHECK(all.n_threads == 2);
}

TEST_CASE("a model that does not fit in 8 GB is skipped with the figures",
          "[harness][plan]") {
  SuiteSweep sweep = OneCase("llama3.1-8b", "ref", "all", 1);
  sweep.formats = {"f16"};
  PlannedCase p = PlanOne(sweep, RaptorLake8Gb());
  CHECK_FALSE(p.runnable);
  REQUIRE(p.memory);
  // 32 layers x K and V x 8 KV heads x 128 dims x 2 bytes per token.
  CHECK(p.memory->kv_cache_bytes == 131072u * 96);
  CHECK(p.skip_reason ==
        "does not fit in RAM: model needs 15.00 GiB (weights 14.96 GiB, KV "
        "cache 12.0 MiB for 96 tokens, scratch 23.5 MiB) but 2.98 GiB is "
        "available; the weights and scratch alone do not fit");
  PlannedCase small =
      PlanOne(OneCase("llama3.2-1b", "ref", "all", 1), RaptorLake8Gb());
  CHECK(small.runnable);
  // 16 layers x K and V x 8 KV heads x 64 dims x 2 bytes (f16) per token.
  CHECK(small.memory->kv_cache_bytes == 32768u * 96);
}

TEST_CASE("a context beyond the model's trained length is skipped",
          "[harness][plan]") {
  SuiteSweep sweep = OneCase("tiny-llama", "ref", "all", 1);
  sweep.prompt_tokens = {2040};
  sweep.gen_tokens = {16};
  CHECK(PlanOne(sweep, DualCoreNoHybrid()).skip_reason ==
        "context of 2056 tokens exceeds the model's trained 2048");
}

TEST_CASE("a case on the same CPUs as an earlier one is skipped as a repeat",
          "[harness][plan]") {
  // Westmere with SMT: `all` lists each core's first PU before siblings,
  // so 2 threads of `all` are the 2 CPUs of `physical`.
  SuiteSweep sweep = OneCase("tiny-llama", "ref", "all", 2);
  sweep.placements = {"all", "physical"};
  Plan plan = PlanSuite(SuiteOf(sweep), DualCoreNoHybrid());
  REQUIRE(plan.cases.size() == 2);
  CHECK(plan.cases[0].runnable);
  CHECK(plan.cases[1].skip_reason == "same run as case 1");
  CHECK(plan.n_runnable == 1);
  CHECK(plan.n_skipped == 1);
}

TEST_CASE("an unreadable model file is skipped, not attempted",
          "[harness][plan]") {
  PlannedCase p = PlanOne(OneCase("/nonexistent/m.gguf", "ref", "all", 1),
                          DualCoreNoHybrid());
  CHECK_FALSE(p.runnable);
  CHECK(p.skip_reason.rfind("cannot read model: ", 0) == 0);
  CHECK(p.skip_reason.find("/nonexistent/m.gguf") != std::string::npos);
}

TEST_CASE("a .gguf model is checked with its own format and file size",
          "[harness][plan]") {
  namespace engine = lapbench::engine;
  fs::path path = fs::temp_directory_path() / "lapbench_plan_test.gguf";
  engine::MadeModel made =
      engine::MakeModel(engine::FindPreset("tiny-llama"),
                        engine::FindFileFormat("q8_0"), path.string());
  SuiteSweep sweep = OneCase(path.string(), "best", "all", 1);
  sweep.variants = {"best", "onednn"};
  Plan plan = PlanSuite(SuiteOf(sweep), DualCoreNoHybrid());
  fs::remove(path);
  REQUIRE(plan.cases.size() == 2);
  CHECK(plan.cases[0].runnable);
  CHECK(plan.cases[0].format == "q8_0");
  CHECK(plan.cases[0].variant == "avx2");
  CHECK(plan.cases[0].weights_bytes == made.size_bytes);
  CHECK(plan.cases[1].skip_reason ==
        "variant onednn has no matvec/matmul for q8_0");
  CHECK(plan.setup_s == 0);  // nothing to write
}

TEST_CASE("without a RAM figure the fit is not checked and the plan says so",
          "[harness][plan]") {
  Machine machine = DualCoreNoHybrid();
  machine.available_bytes.reset();
  Plan plan =
      PlanSuite(SuiteOf(OneCase("tiny-llama", "ref", "all", 1)), machine);
  CHECK(plan.cases[0].runnable);
  CHECK_FALSE(plan.cases[0].memory);
  CHECK(plan.notes.back() == "available RAM unknown: memory fit not checked");
}

TEST_CASE("a case's estimate follows bytes, bandwidth and assumed FLOP/s",
          "[harness][plan]") {
  ModelFacts model;
  model.n_params = 1'000'000'000;
  model.weights_bytes = 1'000'000'000;
  Machine machine;
  machine.read_bytes_per_s_1t = 10e9;
  machine.read_bytes_per_s_all = 20e9;
  MeasurePolicy policy;  // 1 warm-up, 3 to 10 runs
  // 2 avx2 threads: a pass over the weights takes 1 GB / 20 GB/s = 0.05 s;
  // a token's 2 GFLOP at 2 x 20 GFLOP/s takes 0.05 s.
  CaseEstimate e = EstimateCase(model, "avx2", 2, 100, 10, policy, machine);
  CHECK(e.prefill_s == Approx(0.05 + 100 * 0.05));
  CHECK(e.decode_s == Approx(10 * 0.05));
  CHECK(e.min_s == Approx(4 * 5.55));
  CHECK(e.max_s == Approx(11 * 5.55));
  policy.sustained_decode_s = 600;
  e = EstimateCase(model, "avx2", 2, 100, 10, policy, machine);
  CHECK(e.min_s == Approx(5.55 + 5.05 + 600));
  CHECK(e.max_s == e.min_s);
}

TEST_CASE("the total adds model writing and respects the time budget",
          "[harness][plan]") {
  SuiteSweep sweep = OneCase("tiny-llama", "ref", "all", 1);
  sweep.threads = {1, 2};
  Suite suite = SuiteOf(sweep);
  Plan plan = PlanSuite(suite, DualCoreNoHybrid());
  REQUIRE(plan.n_runnable == 2);
  double min_s = plan.cases[0].estimate.min_s + plan.cases[1].estimate.min_s;
  double max_s = plan.cases[0].estimate.max_s + plan.cases[1].estimate.max_s;
  CHECK(plan.setup_s > 0);  // one synthetic file, written once
  CHECK(plan.total_min_s == Approx(plan.setup_s + min_s));
  CHECK(plan.total_max_s == Approx(plan.setup_s + max_s));
  suite.policy.time_budget_s = (min_s + max_s) / 2;
  plan = PlanSuite(suite, DualCoreNoHybrid());
  CHECK(plan.total_max_s == Approx(plan.setup_s + (min_s + max_s) / 2));
}

TEST_CASE("durations print in s, min or h", "[harness][plan]") {
  CHECK(FormatDuration(45) == "45 s");
  CHECK(FormatDuration(192) == "3.2 min");
  CHECK(FormatDuration(5400) == "1.5 h");
}
