// The CPU probe on the machine running the tests, and its JSON shape.
#include <sched.h>

#include <catch2/catch.hpp>
#include <thread>

#include "probes/cpu.h"

namespace lapbench::probes {

TEST_CASE("Live probing reads every logical CPU the process may use",
          "[probes][cpu]") {
  const CpuInfo cpu = ProbeCpu(FsRoot("/"), std::nullopt);
  CHECK(cpu.source == "live");
  cpu_set_t allowed;
  REQUIRE(sched_getaffinity(0, sizeof(allowed), &allowed) == 0);
  REQUIRE(cpu.n_logical_cpus.has_value());
  CHECK(*cpu.n_logical_cpus == CPU_COUNT(&allowed));
  // When nothing restricts the process, that is every online CPU.
  if (CPU_COUNT(&allowed) ==
      static_cast<int>(std::thread::hardware_concurrency())) {
    CHECK(*cpu.n_logical_cpus ==
          static_cast<int>(std::thread::hardware_concurrency()));
  }
  int kind_total = 0;
  for (const CoreKind& kind : cpu.core_kinds) kind_total += kind.n_logical;
  CHECK(kind_total == *cpu.n_logical_cpus);
  CHECK(cpu.vendor.has_value());
  CHECK(cpu.xcr0.has_value());
}

TEST_CASE("Live features agree with the OS and DetectCpuFeatures",
          "[probes][cpu]") {
  const CpuInfo cpu = ProbeCpu(FsRoot("/"), std::nullopt);
  const CpuFeatures detected = DetectCpuFeatures();
  for (CpuFeature f : AllCpuFeatures()) {
    INFO(CpuFeatureName(f));
    CHECK(cpu.features.Usable(f) == detected.Usable(f));
  }
  // /proc/cpuinfo exists on Linux; every disagreement would be counted.
  REQUIRE(cpu.os_cross_check.has_value());
  CHECK(*cpu.os_cross_check == "agrees with /proc/cpuinfo");
}

TEST_CASE("The CPU JSON has every field, null beside a reason when missing",
          "[probes][cpu]") {
  const CpuInfo cpu =
      ProbeCpu(FsRoot("/"), std::string(LAPBENCH_FIXTURES_DIR) +
                                "/cpuid/amd-zen4-phoenix-r9-7940h.raw");
  const nlohmann::json json = ToJson(cpu);
  for (const char* key : {"source",
                          "source_format",
                          "vendor",
                          "brand",
                          "codename",
                          "family",
                          "model",
                          "stepping",
                          "n_physical_cores",
                          "n_logical_cpus",
                          "l1d_bytes",
                          "l1d_instances",
                          "l2_bytes",
                          "l2_instances",
                          "l3_bytes",
                          "l3_instances",
                          "base_mhz",
                          "base_mhz_source",
                          "max_mhz",
                          "max_mhz_source",
                          "features",
                          "features_cpu",
                          "features_os_disabled",
                          "xcr0",
                          "xcr0_source",
                          "core_kinds",
                          "os_cross_check",
                          "warnings"}) {
    INFO(key);
    REQUIRE(json.contains(key));
  }
  for (const auto& [key, value] : json.items()) {
    if (!value.is_null() || key.find("_source") != std::string::npos) continue;
    INFO(key);
    CHECK(json.contains(key + "_reason"));
  }
  CHECK(json["codename"].is_null());
  CHECK(json["brand"] == "AMD Ryzen 9 7940H w/ Radeon 780M Graphics");
  CHECK(json["core_kinds"][0]["purpose"] == "performance");
  CHECK(json["core_kinds"][0]["logical_cpu_ids"].size() == 16);
  CHECK(json["features"]["avx512f"] == true);
  CHECK(json["l3_bytes"] == 16 << 20);
}

TEST_CASE("The summary names the brand, core kinds and usable features",
          "[probes][cpu]") {
  const CpuInfo cpu =
      ProbeCpu(FsRoot("/"), std::string(LAPBENCH_FIXTURES_DIR) +
                                "/cpuid/intel-meteorlake-h-ultra7-155h.raw");
  const std::string text = Summarize(cpu);
  CHECK_THAT(text, Catch::Contains("Intel(R) Core(TM) Ultra 7 155H"));
  CHECK_THAT(text, Catch::Contains("performance 6C/12T; efficiency 8C/8T; "
                                   "low-power efficiency 2C/2T"));
  CHECK_THAT(text, Catch::Contains("usable   sse4_2 avx avx2 fma f16c "
                                   "avx_vnni\n"));
}

}  // namespace lapbench::probes
