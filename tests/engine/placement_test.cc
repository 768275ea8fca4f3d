// Tests the thread placements on real machines' hwloc topologies.
#include "engine/placement.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

namespace lapbench::engine {
namespace {

namespace fs = std::filesystem;

probes::Topology Load(const std::string& machine) {
  return probes::ProbeTopology(fs::path(LAPBENCH_FIXTURES_DIR) / "hwloc" /
                               (machine + ".xml"));
}

std::vector<int> Cpus(const probes::Topology& topology, const char* name,
                      int n_threads = 0) {
  return PlaceThreads(topology, name, n_threads).cpus;
}

using V = std::vector<int>;
using K = PlacementKind;

TEST_CASE("Placement names round-trip", "[engine][placement]") {
  for (K kind :
       {K::kAll, K::kPhysical, K::kPerformance, K::kEfficiency, K::kLowPower}) {
    REQUIRE(ParsePlacementName(PlacementName(kind)) == kind);
  }
  REQUIRE(PlacementName(K::kLowPower) == "low-power");
  REQUIRE(!ParsePlacementName("fast").has_value());
}

TEST_CASE(
    "Raptor Lake-P (6P with SMT + 8E) places P-cores, then E-cores, "
    "then P siblings",
    "[engine][placement]") {
  // Both fixtures: CoreType from CPUID, and kinds ranked from cpufreq only.
  for (const char* machine :
       {"intel-raptorlake-p-i7-1370p-cpuid",
        "intel-raptorlake-p-i7-1370p-hp-elitebook-840-g10-linux"}) {
    CAPTURE(machine);
    probes::Topology t = Load(machine);
    REQUIRE(Cpus(t, "all") == V{0,  2,  4,  6,  8, 10, 12, 13, 14, 15,
                                16, 17, 18, 19, 1, 3,  5,  7,  9,  11});
    REQUIRE(Cpus(t, "physical") ==
            V{0, 2, 4, 6, 8, 10, 12, 13, 14, 15, 16, 17, 18, 19});
    REQUIRE(Cpus(t, "performance") == V{0, 2, 4, 6, 8, 10, 1, 3, 5, 7, 9, 11});
    REQUIRE(Cpus(t, "efficiency") == V{12, 13, 14, 15, 16, 17, 18, 19});
    REQUIRE(Cpus(t, "all", 8) == V{0, 2, 4, 6, 8, 10, 12, 13});
    REQUIRE(Cpus(t, "performance", 6) == V{0, 2, 4, 6, 8, 10});
    REQUIRE(PlaceThreads(t, "performance", 0).note.empty());
    REQUIRE_THROWS_WITH(
        Cpus(t, "low-power"),
        "no CPUs for placement: 'low-power' (expected a CPU with low-power "
        "efficiency cores; this one has efficiency, performance)");
    REQUIRE(DistinctPlacements(t) == std::vector<K>{K::kAll, K::kPhysical,
                                                    K::kPerformance,
                                                    K::kEfficiency});
  }
}

TEST_CASE(
    "Arrow Lake-U (2P with SMT + 8E + 2 LP-E) has all five "
    "placements",
    "[engine][placement]") {
  probes::Topology t = Load("intel-arrowlake-u-ultra5-225u-cpuid");
  REQUIRE(Cpus(t, "all") == V{0, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 1, 3});
  REQUIRE(Cpus(t, "physical") == V{0, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13});
  REQUIRE(Cpus(t, "performance") == V{0, 2, 1, 3});
  REQUIRE(Cpus(t, "efficiency") == V{4, 5, 6, 7, 8, 9, 10, 11});
  REQUIRE(Cpus(t, "low-power") == V{12, 13});
  REQUIRE(DistinctPlacements(t) ==
          std::vector<K>{K::kAll, K::kPhysical, K::kPerformance, K::kEfficiency,
                         K::kLowPower});
}

TEST_CASE("Lakefield (1P + 4E, no SMT) puts its one P-core first",
          "[engine][placement]") {
  probes::Topology t = Load("intel-lakefield-i5-l16g7-linux-cpuid");
  REQUIRE(Cpus(t, "all") == V{4, 0, 1, 2, 3});
  REQUIRE(Cpus(t, "physical") == V{4, 0, 1, 2, 3});
  REQUIRE(PlaceThreads(t, "physical", 0).note ==
          "no SMT: physical is every logical CPU, the same as all");
  REQUIRE(Cpus(t, "performance") == V{4});
  REQUIRE(Cpus(t, "efficiency") == V{0, 1, 2, 3});
  REQUIRE(DistinctPlacements(t) ==
          std::vector<K>{K::kAll, K::kPerformance, K::kEfficiency});
}

TEST_CASE("Strix Point (4 Zen 5 + 8 Zen 5c, SMT) ranks Zen 5 first",
          "[engine][placement]") {
  probes::Topology t = Load("amd-zen5-strixpoint-ai9-hx370-cpuid");
  REQUIRE(Cpus(t, "all") == V{0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11,
                              12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23});
  REQUIRE(Cpus(t, "physical") == V{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
  REQUIRE(Cpus(t, "performance") == V{0, 1, 2, 3, 12, 13, 14, 15});
  REQUIRE(Cpus(t, "efficiency") ==
          V{4, 5, 6, 7, 8, 9, 10, 11, 16, 17, 18, 19, 20, 21, 22, 23});
}

TEST_CASE(
    "A non-hybrid laptop's performance placement is every CPU, with "
    "a note, and it has no efficiency placement",
    "[engine][placement]") {
  probes::Topology t = Load("intel-westmere-i7-m620-dell-latitude-e6410");
  // Cores hold PUs (0, 2) and (1, 3).
  REQUIRE(Cpus(t, "all") == V{0, 1, 2, 3});
  REQUIRE(Cpus(t, "physical") == V{0, 1});
  Placement performance = PlaceThreads(t, "performance", 0);
  REQUIRE(performance.cpus == V{0, 1, 2, 3});
  REQUIRE(performance.note ==
          "not a hybrid CPU: performance is every logical CPU, the same as "
          "all");
  REQUIRE_THROWS_WITH(Cpus(t, "efficiency"),
                      "no CPUs for placement: 'efficiency' (expected a hybrid "
                      "CPU with that core kind; this one has a single kind)");
  REQUIRE(DistinctPlacements(t) == std::vector<K>{K::kAll, K::kPhysical});
}

TEST_CASE(
    "A two-socket server fills first PUs of both sockets before "
    "siblings",
    "[engine][placement]") {
  probes::Topology t = Load("intel-sandybridge-ep-2x-xeon-e5-2650-server");
  V all(32);
  for (int i = 0; i < 32; ++i) all[static_cast<size_t>(i)] = i;
  REQUIRE(Cpus(t, "all") == all);
  REQUIRE(Cpus(t, "physical") == V(all.begin(), all.begin() + 16));
}

TEST_CASE("Unknown names and bad thread counts are clear errors",
          "[engine][placement]") {
  probes::Topology t = Load("intel-raptorlake-p-i7-1370p-cpuid");
  REQUIRE_THROWS_WITH(Cpus(t, "fast"),
                      "unknown placement: 'fast' (expected all, physical, "
                      "performance, efficiency or low-power)");
  REQUIRE_THROWS_WITH(Cpus(t, "physical", 15),
                      "thread count for placement physical: '15' (expected 0 "
                      "for all, or 1 to 14: its CPUs are 0,2,4,6,8,10,12-19)");
  REQUIRE_THROWS_AS(Cpus(t, "all", -1), PlacementError);
  REQUIRE(Cpus(t, "efficiency", 8).size() == 8);
  REQUIRE_THROWS_AS(Cpus(t, "efficiency", 9), PlacementError);
}

}  // namespace
}  // namespace lapbench::engine
