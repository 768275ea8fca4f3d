// The CPU probe on the 15 real CPUID dumps, against their recorded facts.
#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "probes/cpu.h"

namespace lapbench::probes {
namespace {

using nlohmann::json;

const std::string kCpuidDir = std::string(LAPBENCH_FIXTURES_DIR) + "/cpuid/";

const std::vector<std::string> kDumps = {
    "amd-zen2-renoir-r5-4500u",         "amd-zen3-cezanne-r7-5800h",
    "amd-zen3plus-rembrandt-r7-6800hs", "amd-zen4-hawkpoint-r7-8845hs",
    "amd-zen4-phoenix-r9-7940h",        "amd-zen5-strixpoint-ai9-hx370",
    "intel-alderlake-h-i7-12700h",      "intel-arrowlake-h-ultra9-285h",
    "intel-icelake-i7-1065g7",          "intel-kabylake-u-i7-7500u",
    "intel-lunarlake-ultra9-288v",      "intel-meteorlake-h-ultra7-155h",
    "intel-raptorlake-p-i7-1370p",      "intel-raptorlake-u-i7-1365u",
    "intel-tigerlake-i7-1165g7",
};

// The raw_cpuid_bits flag names and the features they are.
const std::map<std::string, CpuFeature> kRawFlags = {
    {"avx", CpuFeature::kAvx},
    {"avx2", CpuFeature::kAvx2},
    {"fma3", CpuFeature::kFma},
    {"f16c", CpuFeature::kF16c},
    {"avx512f", CpuFeature::kAvx512F},
    {"avx512_vnni", CpuFeature::kAvx512Vnni},
    {"avx_vnni", CpuFeature::kAvxVnni},
    {"avx512_bf16", CpuFeature::kAvx512Bf16},
};

json LoadExpected(const std::string& name) {
  std::ifstream in(kCpuidDir + name + ".expected.json");
  REQUIRE(in);
  return json::parse(in);
}

CpuInfo ProbeDump(const std::string& name) {
  return ProbeCpu(FsRoot("/"), kCpuidDir + name + ".raw");
}

int Int(const json& text) { return std::stoi(text.get<std::string>()); }

bool IsUnknown(const CpuInfo& cpu, CpuFeature f) {
  for (CpuFeature unknown : cpu.features_unknown) {
    if (unknown == f) return true;
  }
  return false;
}

// One cache level of an upstream block: size in KB (-1: none), instances.
void CheckCache(const CacheLevel& level, const json& block,
                const std::string& prefix) {
  const int kb = Int(block[prefix + "-cache"]);
  const int instances = Int(block[prefix + "-instances"]);
  if (kb < 0) {
    CHECK_FALSE(level.size_bytes.has_value());
  } else {
    REQUIRE(level.size_bytes.has_value());
    CHECK(*level.size_bytes == int64_t{kb} * 1024);
  }
  // Upstream writes -1 where it could not count instances.
  if (instances >= 0) {
    REQUIRE(level.instances.has_value());
    CHECK(*level.instances == instances);
  }
}

}  // namespace

TEST_CASE("Every dump gives the CPUID feature bits recorded for it",
          "[probes][cpu]") {
  for (const std::string& name : kDumps) {
    INFO(name);
    const json expected = LoadExpected(name);
    const CpuInfo cpu = ProbeDump(name);
    for (const json& run : expected["raw_cpuid_bits"]["per_logical_cpu_runs"]) {
      for (const auto& [flag, feature] : kRawFlags) {
        INFO(flag);
        const json& bit = run["flags"][flag];
        if (bit.is_null()) {
          CHECK(IsUnknown(cpu, feature));
        } else {
          CHECK_FALSE(IsUnknown(cpu, feature));
          CHECK(cpu.features.CpuHas(feature) == bit.get<bool>());
          // Every dump's OS enabled the state its CPU supports.
          CHECK(cpu.features.Usable(feature) == bit.get<bool>());
        }
      }
    }
  }
}

TEST_CASE("Every dump gives upstream's core kinds grouped by purpose",
          "[probes][cpu]") {
  for (const std::string& name : kDumps) {
    INFO(name);
    const json types = LoadExpected(name)["upstream_expected"]["cpu_types"];
    const CpuInfo cpu = ProbeDump(name);
    REQUIRE(cpu.core_kinds.size() == types.size());
    int total_cores = 0, total_logical = 0;
    for (size_t i = 0; i < types.size(); ++i) {
      const CoreKind& kind = cpu.core_kinds[i];
      INFO(types[i]["purpose"].get<std::string>());
      CHECK(kind.purpose == types[i]["purpose"].get<std::string>());
      CHECK(kind.n_cores == Int(types[i]["cores"]));
      CHECK(kind.n_logical == Int(types[i]["logical"]));
      total_cores += kind.n_cores;
      total_logical += kind.n_logical;
    }
    CHECK(cpu.n_physical_cores.value_or(-1) == total_cores);
    CHECK(cpu.n_logical_cpus.value_or(-1) == total_logical);
  }
}

TEST_CASE("Every dump gives upstream's cache sizes and instances per kind",
          "[probes][cpu]") {
  for (const std::string& name : kDumps) {
    INFO(name);
    const json types = LoadExpected(name)["upstream_expected"]["cpu_types"];
    const CpuInfo cpu = ProbeDump(name);
    REQUIRE(cpu.core_kinds.size() == types.size());
    for (size_t i = 0; i < types.size(); ++i) {
      INFO(cpu.core_kinds[i].purpose);
      CheckCache(cpu.core_kinds[i].l1d, types[i], "l1d");
      CheckCache(cpu.core_kinds[i].l2, types[i], "l2");
      CheckCache(cpu.core_kinds[i].l3, types[i], "l3");
    }
  }
}

TEST_CASE("Every dump gives upstream's display family, model and stepping",
          "[probes][cpu]") {
  for (const std::string& name : kDumps) {
    INFO(name);
    const json first = LoadExpected(name)["upstream_expected"]["cpu_types"][0];
    const CpuInfo cpu = ProbeDump(name);
    CHECK(cpu.family.value_or(-1) == Int(first["extfamily"]));
    CHECK(cpu.model.value_or(-1) == Int(first["extmodel"]));
    CHECK(cpu.stepping.value_or(-1) == Int(first["stepping"]));
  }
}

TEST_CASE("Every dump's brand string comes out without padding",
          "[probes][cpu]") {
  for (const std::string& name : kDumps) {
    INFO(name);
    const json lib = LoadExpected(name)["libcpuid_0_6_2"]["all"];
    std::string padded = lib["cpu_types"][0]["brand"].get<std::string>();
    const CpuInfo cpu = ProbeDump(name);
    REQUIRE(cpu.brand.has_value());
    CHECK(padded.rfind(*cpu.brand, 0) == 0);
    CHECK(padded.find_first_not_of(' ', cpu.brand->size()) ==
          std::string::npos);
    CHECK(cpu.brand->front() != ' ');
    CHECK(cpu.brand->back() != ' ');
  }
}

TEST_CASE("Codenames appear only where libcpuid 0.6.2 knows the CPU",
          "[probes][cpu]") {
  // The README of the fixtures lists these as named wrongly by 0.6.2.
  const std::vector<std::string> stale = {
      "intel-raptorlake-p-i7-1370p",    "intel-raptorlake-u-i7-1365u",
      "intel-meteorlake-h-ultra7-155h", "intel-lunarlake-ultra9-288v",
      "intel-arrowlake-h-ultra9-285h",  "amd-zen4-phoenix-r9-7940h",
      "amd-zen4-hawkpoint-r7-8845hs",   "amd-zen5-strixpoint-ai9-hx370"};
  for (const std::string& name : kDumps) {
    INFO(name);
    const json lib = LoadExpected(name)["libcpuid_0_6_2"]["all"];
    const CpuInfo cpu = ProbeDump(name);
    if (std::find(stale.begin(), stale.end(), name) != stale.end()) {
      CHECK_FALSE(cpu.codename.has_value());
      CHECK_THAT(cpu.codename.reason(),
                 Catch::Contains("database predates this CPU"));
    } else {
      REQUIRE(cpu.codename.has_value());
      CHECK(*cpu.codename ==
            lib["cpu_types"][0]["codename"].get<std::string>());
    }
  }
}

TEST_CASE("Meteor Lake's two runs of P-cores form one performance kind",
          "[probes][cpu]") {
  const CpuInfo cpu = ProbeDump("intel-meteorlake-h-ultra7-155h");
  REQUIRE(cpu.core_kinds.size() == 3);
  // Leaf 0x1A order: P x2, E x8, P x10, E x2 (the LP E-cores last).
  std::vector<int> p_ids = {0, 1};
  for (int id = 10; id < 20; ++id) p_ids.push_back(id);
  CHECK(cpu.core_kinds[0].logical_cpu_ids == p_ids);
  CHECK(cpu.core_kinds[2].purpose == "low-power efficiency");
  CHECK(cpu.core_kinds[2].logical_cpu_ids == std::vector<int>{20, 21});
  CHECK_FALSE(cpu.core_kinds[2].l3.size_bytes.has_value());
}

TEST_CASE("Strix Point's Zen 5c cores are found from leaf 0x80000026",
          "[probes][cpu]") {
  const CpuInfo cpu = ProbeDump("amd-zen5-strixpoint-ai9-hx370");
  REQUIRE(cpu.core_kinds.size() == 2);
  CHECK(cpu.core_kinds[0].l3.size_bytes.value_or(0) == 16 << 20);
  CHECK(cpu.core_kinds[1].l3.size_bytes.value_or(0) == 8 << 20);
  CHECK(cpu.l3.instances.value_or(0) == 2);
  // libcpuid 0.6.2 sees one general type; the probe says it differs.
  bool warned = false;
  for (const std::string& w : cpu.warnings) {
    warned |= w.find("libcpuid 0.6.2 reports the core types") == 0;
  }
  CHECK(warned);
}

TEST_CASE("AMD Zen 4 dumps report AVX-512 that libcpuid 0.6.2 misses",
          "[probes][cpu]") {
  for (std::string name :
       {"amd-zen4-phoenix-r9-7940h", "amd-zen4-hawkpoint-r7-8845hs"}) {
    INFO(name);
    const CpuInfo cpu = ProbeDump(name);
    CHECK(cpu.features.Usable(CpuFeature::kAvx512F));
    CHECK(cpu.features.Usable(CpuFeature::kAvx512Bw));
    CHECK(cpu.features.Usable(CpuFeature::kAvx512Vl));
    CHECK(cpu.features.Usable(CpuFeature::kAvx512Vnni));
    CHECK_FALSE(cpu.features.CpuHas(CpuFeature::kAvx512Fp16));
  }
}

}  // namespace lapbench::probes
