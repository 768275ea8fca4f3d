// Tests the hwloc topology probe on real machines' XML and on this machine.
#include "probes/topology.h"

#include <sched.h>

#include <array>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "probes/probe_error.h"

namespace lapbench::probes {
namespace {

namespace fs = std::filesystem;

const fs::path kHwlocDir = fs::path(LAPBENCH_FIXTURES_DIR) / "hwloc";

constexpr std::array<const char*, 7> kMachines = {
    "intel-raptorlake-p-i7-1370p-hp-elitebook-840-g10-linux",
    "intel-lakefield-i5-l16g7-linux-cpuid",
    "intel-raptorlake-p-i7-1370p-cpuid",
    "intel-arrowlake-u-ultra5-225u-cpuid",
    "amd-zen5-strixpoint-ai9-hx370-cpuid",
    "intel-westmere-i7-m620-dell-latitude-e6410",
    "intel-sandybridge-ep-2x-xeon-e5-2650-server",
};

Topology Load(const std::string& machine) {
  return ProbeTopology(kHwlocDir / (machine + ".xml"));
}

// What hwloc-calc printed for one CPU kind in NAME.expected.txt.
struct ExpectedKind {
  int n_cores = 0;
  int n_pus = 0;
  std::vector<int> pus;  // sorted
};

// The "--number-of" counts and "cpukind N:" lines of NAME.expected.txt.
struct Expected {
  std::map<std::string, int> counts;  // "package" -> 1, "l3cache" -> 2...
  std::vector<ExpectedKind> kinds;    // by kind index
};

std::vector<int> ParseIntList(const std::string& text) {
  std::vector<int> values;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    values.push_back(std::stoi(item));
  }
  std::sort(values.begin(), values.end());
  return values;
}

Expected ReadExpected(const std::string& machine) {
  std::ifstream in(kHwlocDir / (machine + ".expected.txt"));
  REQUIRE(in);
  Expected expected;
  const std::array<std::string, 7> kTypes = {
      "package", "numanode", "l3cache", "l2cache", "l1dcache", "core", "pu"};
  for (std::string line; std::getline(in, line);) {
    for (const std::string& type : kTypes) {
      if (line.rfind(type + ":", 0) == 0 && expected.counts.count(type) == 0) {
        expected.counts[type] = std::stoi(line.substr(type.size() + 1));
      }
    }
    ExpectedKind kind;
    int index = 0;
    char list[512] = {};
    if (std::sscanf(line.c_str(),
                    "cpukind %d: cores %d, PUs %d, PU os_index list %511s",
                    &index, &kind.n_cores, &kind.n_pus, list) == 4) {
      kind.pus = ParseIntList(list);
      expected.kinds.push_back(kind);
    }
  }
  return expected;
}

// Sums the instances of the cache groups at `level` whose type is one of
// `types` (hwloc-calc counts unified L1s as l1dcache).
int CountCaches(const Topology& t, int level,
                const std::vector<std::string>& types) {
  int n = 0;
  for (const CacheInfo& cache : t.caches) {
    if (cache.level != level) continue;
    if (std::find(types.begin(), types.end(), cache.type) == types.end()) {
      continue;
    }
    n += cache.n_instances;
  }
  return n;
}

const CacheInfo* FindCache(const Topology& t, int level, uint64_t size_bytes) {
  for (const CacheInfo& cache : t.caches) {
    if (cache.level == level && cache.size_bytes == size_bytes) return &cache;
  }
  return nullptr;
}

constexpr uint64_t kKiB = 1024;
constexpr uint64_t kMiB = 1024 * kKiB;

}  // namespace

TEST_CASE("Every fixture XML gives the object counts hwloc-calc recorded",
          "[probes][topology]") {
  for (const char* machine : kMachines) {
    DYNAMIC_SECTION(machine) {
      Expected expected = ReadExpected(machine);
      REQUIRE(expected.counts.size() == 7);
      Topology t = Load(machine);
      CHECK(t.n_packages == expected.counts["package"]);
      CHECK(t.n_numa_nodes == expected.counts["numanode"]);
      CHECK(CountCaches(t, 3, {"unified"}) == expected.counts["l3cache"]);
      CHECK(CountCaches(t, 2, {"unified"}) == expected.counts["l2cache"]);
      CHECK(CountCaches(t, 1, {"data", "unified"}) ==
            expected.counts["l1dcache"]);
      CHECK(t.n_cores == expected.counts["core"]);
      CHECK(t.n_pus == expected.counts["pu"]);
      CHECK(t.all_pus.size() == t.n_pus);
      CHECK(t.one_pu_per_core.size() == t.n_cores);
    }
  }
}

TEST_CASE("Every fixture XML gives the CPU kinds hwloc-calc recorded",
          "[probes][topology]") {
  for (const char* machine : kMachines) {
    DYNAMIC_SECTION(machine) {
      Expected expected = ReadExpected(machine);
      Topology t = Load(machine);
      REQUIRE(t.core_kinds.size() == expected.kinds.size());
      CHECK(t.hybrid == (expected.kinds.size() > 1));
      for (size_t i = 0; i < expected.kinds.size(); ++i) {
        INFO("kind " << i);
        CHECK(t.core_kinds[i].efficiency_rank == static_cast<int>(i));
        CHECK(t.core_kinds[i].n_cores == expected.kinds[i].n_cores);
        CHECK(t.core_kinds[i].n_pus == expected.kinds[i].n_pus);
        CHECK(t.core_kinds[i].cpuset.pus == expected.kinds[i].pus);
      }
    }
  }
}

TEST_CASE("EliteBook 1370P splits P and E cores by frequency alone",
          "[probes][topology]") {
  Topology t = Load(kMachines[0]);
  REQUIRE(t.core_kinds.size() == 2);
  const CoreKindSet& e = t.core_kinds[0];
  const CoreKindSet& p = t.core_kinds[1];
  CHECK(e.kind == "efficiency");
  CHECK(e.cpuset.ToList() == "12-19");
  CHECK(e.max_freq_mhz.value_or(0) == 3900);
  CHECK(e.base_freq_mhz.value_or(0) == 1400);
  CHECK(p.kind == "performance");
  CHECK(p.cpuset.ToList() == "0-11");
  CHECK(p.max_freq_mhz.value_or(0) == 5000);
  CHECK(p.base_freq_mhz.value_or(0) == 1900);
  CHECK_FALSE(p.hwloc_core_type.has_value());
  CHECK(p.hwloc_core_type.reason().find("CoreType") != std::string::npos);

  CHECK(t.smt);
  CHECK(t.performance_pus.ToList() == "0-11");
  CHECK(t.one_pu_per_core.ToList() == "0,2,4,6,8,10,12-19");
  CHECK(t.total_numa_memory_bytes.value_or(0) == 33269227520u);
}

TEST_CASE("EliteBook 1370P caches keep P-core and E-cluster L2s apart",
          "[probes][topology]") {
  Topology t = Load(kMachines[0]);
  const CacheInfo* p_l2 = FindCache(t, 2, 1280 * kKiB);
  const CacheInfo* e_l2 = FindCache(t, 2, 2 * kMiB);
  const CacheInfo* l3 = FindCache(t, 3, 24 * kMiB);
  REQUIRE(p_l2 != nullptr);
  REQUIRE(e_l2 != nullptr);
  REQUIRE(l3 != nullptr);
  CHECK(p_l2->n_instances == 6);
  CHECK(p_l2->pus_per_instance == 2);
  CHECK(p_l2->cores_per_instance == 1);
  CHECK(e_l2->n_instances == 2);
  CHECK(e_l2->pus_per_instance == 4);
  CHECK(e_l2->cores_per_instance == 4);
  CHECK(e_l2->cpuset.ToList() == "12-19");
  CHECK(l3->n_instances == 1);
  CHECK(l3->pus_per_instance == 20);
}

TEST_CASE("Lakefield has one P-core on PU 4 and four E-cores",
          "[probes][topology]") {
  Topology t = Load(kMachines[1]);
  REQUIRE(t.core_kinds.size() == 2);
  CHECK(t.core_kinds[0].kind == "efficiency");
  CHECK(t.core_kinds[0].hwloc_core_type.value_or("") == "IntelAtom");
  CHECK(t.core_kinds[0].cpuset.ToList() == "0-3");
  CHECK(t.core_kinds[0].n_cores == 4);
  CHECK(t.core_kinds[1].kind == "performance");
  CHECK(t.core_kinds[1].hwloc_core_type.value_or("") == "IntelCore");
  CHECK(t.core_kinds[1].max_freq_mhz.value_or(0) == 3000);
  CHECK(t.core_kinds[1].n_cores == 1);
  CHECK(t.performance_pus.ToList() == "4");
  CHECK_FALSE(t.smt);
  CHECK(t.numa_memory_bytes == std::vector<uint64_t>{3949694976u});
}

TEST_CASE("Raptor Lake from CPUID names kinds by CoreType, memory unknown",
          "[probes][topology]") {
  Topology t = Load(kMachines[2]);
  REQUIRE(t.core_kinds.size() == 2);
  CHECK(t.core_kinds[0].hwloc_core_type.value_or("") == "IntelAtom");
  CHECK(t.core_kinds[0].cpuset.ToList() == "12-19");
  CHECK(t.core_kinds[1].hwloc_core_type.value_or("") == "IntelCore");
  CHECK(t.performance_pus.ToList() == "0-11");
  CHECK_FALSE(t.total_numa_memory_bytes.has_value());
  CHECK(t.total_numa_memory_bytes.reason().find("NUMA node") !=
        std::string::npos);
}

TEST_CASE("Arrow Lake-U has low-power E, E and P kinds", "[probes][topology]") {
  Topology t = Load(kMachines[3]);
  REQUIRE(t.core_kinds.size() == 3);
  CHECK(t.core_kinds[0].kind == "low-power efficiency");
  CHECK(t.core_kinds[0].cpuset.ToList() == "12-13");
  CHECK(t.core_kinds[1].kind == "efficiency");
  CHECK(t.core_kinds[1].cpuset.ToList() == "4-11");
  CHECK(t.core_kinds[2].kind == "performance");
  CHECK(t.core_kinds[2].cpuset.ToList() == "0-3");
  CHECK(t.core_kinds[2].n_cores == 2);
  CHECK(t.performance_pus.ToList() == "0-3");
  CHECK(t.one_pu_per_core.ToList() == "0,2,4-13");
}

TEST_CASE("Strix Point has 4 performance and 8 efficiency cores, two L3s",
          "[probes][topology]") {
  Topology t = Load(kMachines[4]);
  REQUIRE(t.core_kinds.size() == 2);
  // hwloc's v2.x branch misspells this CoreType; the rank still decides.
  CHECK(t.core_kinds[0].hwloc_core_type.value_or("") == "AMDEfficieny");
  CHECK(t.core_kinds[0].kind == "efficiency");
  CHECK(t.core_kinds[0].n_cores == 8);
  CHECK(t.core_kinds[1].kind == "performance");
  CHECK(t.core_kinds[1].n_cores == 4);
  CHECK(t.performance_pus.ToList() == "0-3,12-15");

  const CacheInfo* big_l3 = FindCache(t, 3, 16 * kMiB);
  const CacheInfo* small_l3 = FindCache(t, 3, 8 * kMiB);
  REQUIRE(big_l3 != nullptr);
  REQUIRE(small_l3 != nullptr);
  CHECK(big_l3->n_instances == 1);
  CHECK(big_l3->cpuset.ToList() == "0-3,12-15");
  CHECK(small_l3->n_instances == 1);
  CHECK(small_l3->cores_per_instance == 8);
}

TEST_CASE("Westmere laptop: not hybrid, SMT siblings, one Intel iGPU",
          "[probes][topology]") {
  Topology t = Load(kMachines[5]);
  CHECK_FALSE(t.hybrid);
  CHECK(t.core_kinds.empty());
  CHECK(t.smt);
  // The siblings are P#0/P#2 and P#1/P#3, so the first PU of each core is
  // 0 and 1, not 0 and 2.
  CHECK(t.one_pu_per_core.ToList() == "0-1");
  CHECK(t.all_pus.ToList() == "0-3");
  CHECK(t.performance_pus == t.all_pus);
  CHECK(t.total_numa_memory_bytes.value_or(0) == 4014030848u);

  REQUIRE(t.pci_display_devices.size() == 1);
  const PciDisplayDevice& igpu = t.pci_display_devices[0];
  CHECK(igpu.bus_id == "0000:00:02.0");
  CHECK(igpu.vendor_id == 0x8086);
  CHECK(igpu.device_id == 0x0046);
  CHECK(igpu.class_id == 0x0300);
  CHECK(igpu.name ==
        "Intel Corporation Core Processor Integrated Graphics Controller");
}

TEST_CASE("Sandy Bridge server: two 32 GB NUMA nodes and five displays",
          "[probes][topology]") {
  Topology t = Load(kMachines[6]);
  CHECK_FALSE(t.hybrid);
  CHECK(t.smt);
  CHECK(t.one_pu_per_core.ToList() == "0-15");
  CHECK(t.performance_pus.ToList() == "0-31");
  CHECK(t.numa_memory_bytes ==
        std::vector<uint64_t>{34330173440u, 34359738368u});
  CHECK(t.total_numa_memory_bytes.value_or(0) == 34330173440u + 34359738368u);

  std::map<std::string, PciDisplayDevice> by_bus;
  for (const PciDisplayDevice& d : t.pci_display_devices) by_bus[d.bus_id] = d;
  REQUIRE(by_bus.size() == 5);
  CHECK(by_bus.at("0000:05:03.0").class_id == 0x0300);
  CHECK(by_bus.at("0000:05:03.0").vendor_id == 0x102b);
  CHECK(by_bus.at("0000:84:00.1").device_id == 0x6798);
  CHECK(by_bus.at("0000:03:00.0").class_id == 0x0302);
  CHECK(by_bus.at("0000:03:00.0").name ==
        "NVIDIA Corporation Tesla M2075 Dual-Slot Computing Processor Module");
  CHECK(by_bus.count("0000:83:00.0") == 1);
  CHECK(by_bus.count("0000:84:00.0") == 1);
}

TEST_CASE("A truncated topology XML is a ProbeError naming the file",
          "[probes][topology]") {
  fs::path path = kHwlocDir / "truncated-westmere.xml";
  CHECK_THROWS_AS(ProbeTopology(path), ProbeError);
  CHECK_THROWS_WITH(ProbeTopology(path),
                    Catch::Contains(path.string()) && Catch::Contains("hwloc"));
}

TEST_CASE("A missing topology XML is a ProbeError naming the file",
          "[probes][topology]") {
  fs::path path = kHwlocDir / "no-such-machine.xml";
  CHECK_THROWS_AS(ProbeTopology(path), ProbeError);
  CHECK_THROWS_WITH(ProbeTopology(path), Catch::Contains(path.string()) &&
                                             Catch::Contains("no such file"));
}

TEST_CASE("Core kinds without CoreType or rank are named unknown",
          "[probes][topology]") {
  std::vector<CoreKindSet> kinds(2);
  std::string warning = NameCoreKinds(kinds);
  CHECK(kinds[0].kind == "unknown");
  CHECK(kinds[1].kind == "unknown");
  CHECK(warning.find("2 of 2") != std::string::npos);
}

TEST_CASE("Core kinds with an unfamiliar CoreType fall back to their rank",
          "[probes][topology]") {
  std::vector<CoreKindSet> kinds(2);
  kinds[0].efficiency_rank = 0;
  kinds[0].hwloc_core_type = std::string("FutureLittle");
  kinds[1].efficiency_rank = 1;
  kinds[1].hwloc_core_type = std::string("FutureBig");
  CHECK(NameCoreKinds(kinds).empty());
  CHECK(kinds[0].kind == "efficiency");
  CHECK(kinds[1].kind == "performance");
}

TEST_CASE("CpuSet lists runs the way Linux cpulists do", "[probes][topology]") {
  CHECK(CpuSet{}.ToList().empty());
  CHECK(CpuSet{{5}}.ToList() == "5");
  CHECK(CpuSet{{0, 1, 2, 3, 8}}.ToList() == "0-3,8");
  CHECK(CpuSet{{0, 2, 4, 5}}.ToList() == "0,2,4-5");
}

TEST_CASE("JSON of a topology carries the thread sets and null reasons",
          "[probes][topology]") {
  nlohmann::json j = ToJson(Load(kMachines[2]));
  CHECK(j["performance_pus"] == "0-11");
  CHECK(j["core_kinds"][1]["kind"] == "performance");
  CHECK(j["core_kinds"][1]["max_freq_mhz"].is_null());
  CHECK(j["core_kinds"][1]["max_freq_mhz_reason"].is_string());
  CHECK(j["total_numa_memory_bytes"].is_null());
  CHECK(j["total_numa_memory_bytes_reason"].is_string());
}

TEST_CASE("The live probe sees every PU this process may run on",
          "[probes][topology]") {
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  REQUIRE(sched_getaffinity(0, sizeof(allowed), &allowed) == 0);
  Topology t = ProbeTopology(std::nullopt);
  CHECK(t.source == "live");
  CHECK(t.n_pus == CPU_COUNT(&allowed));
  CHECK(t.all_pus.size() == t.n_pus);
  CHECK(t.n_cores >= 1);
  CHECK(t.total_numa_memory_bytes.has_value());
  CHECK_FALSE(Summarize(t).empty());
}

}  // namespace lapbench::probes
