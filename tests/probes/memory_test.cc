// Tests the memory probe on /proc + /sys fixture trees and on this machine.
#include "probes/memory.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "probes/sysfs.h"
#include "probes/topology.h"

namespace lapbench::probes {
namespace {

namespace fs = std::filesystem;

const fs::path kMemoryDir = fs::path(LAPBENCH_FIXTURES_DIR) / "memory";

constexpr uint64_t kKiB = 1024;

// A topology whose only relevant part is hwloc's NUMA memory total.
Topology WithNumaBytes(Reading<uint64_t> bytes) {
  Topology topology;
  topology.source = "test";
  topology.total_numa_memory_bytes = std::move(bytes);
  return topology;
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("16 GB laptop meminfo gives exact byte values (kB is KiB)",
          "[probes][memory]") {
  MemoryInfo m = ProbeMemory(FsRoot(kMemoryDir / "laptop-16gb"),
                             WithNumaBytes(15981768 * kKiB));
  CHECK(m.total_bytes.value_or(0) == 16365330432u);  // 15981768 KiB
  CHECK(m.available_bytes.value_or(0) == 11034220 * kKiB);
  CHECK(m.swap_total_bytes.value_or(0) == 16777212 * kKiB);
  CHECK(m.swap_free_bytes.value_or(0) == 16777212 * kKiB);
  CHECK(m.swap_kind.value_or("") == "disk");
  CHECK(m.hugepage_size_bytes.value_or(0) == 2097152u);
  CHECK(m.hugepages_total.value_or(-1) == 0);
  CHECK(m.thp_enabled.value_or("") == "madvise");
  CHECK(m.thp_defrag.value_or("") == "madvise");
  CHECK(m.planning_bytes.value_or(0) == 11034220 * kKiB);
  CHECK(Contains(m.used_for_planning, "MemAvailable"));
  CHECK(m.warnings.empty());
}

TEST_CASE("8 GB laptop with zram swap reads THP always and zram",
          "[probes][memory]") {
  MemoryInfo m = ProbeMemory(FsRoot(kMemoryDir / "laptop-8gb-zram"),
                             WithNumaBytes(7990564 * kKiB));
  CHECK(m.total_bytes.value_or(0) == 7990564 * kKiB);
  CHECK(m.available_bytes.value_or(0) == 3120876 * kKiB);
  CHECK(m.swap_total_bytes.value_or(0) == 7990268 * kKiB);
  CHECK(m.swap_free_bytes.value_or(0) == 6722504 * kKiB);
  CHECK(m.swap_kind.value_or("") == "zram");
  CHECK(m.thp_enabled.value_or("") == "always");
  CHECK(m.thp_defrag.value_or("") == "defer+madvise");
}

TEST_CASE("hwloc and meminfo disagreeing by over 10% gives both and a warning",
          "[probes][memory]") {
  // About the figures of the development VM: hwloc 4.9 GB, meminfo 23 GiB.
  MemoryInfo m = ProbeMemory(FsRoot(kMemoryDir / "laptop-16gb"),
                             WithNumaBytes(5194457088u));
  CHECK(m.hwloc_numa_bytes.value_or(0) == 5194457088u);
  CHECK(m.total_bytes.value_or(0) == 15981768 * kKiB);
  REQUIRE(m.warnings.size() == 1);
  CHECK(Contains(m.warnings[0], "hwloc"));
  CHECK(Contains(m.warnings[0], "MemTotal"));
  CHECK(m.planning_bytes.value_or(0) == 11034220 * kKiB);
}

TEST_CASE("hwloc within 10% of meminfo gives no warning", "[probes][memory]") {
  // 5% more than MemTotal, as when firmware-reserved memory is counted.
  MemoryInfo m = ProbeMemory(FsRoot(kMemoryDir / "laptop-16gb"),
                             WithNumaBytes(15981768 * kKiB / 100 * 105));
  CHECK(m.warnings.empty());
}

TEST_CASE("Malformed meminfo and THP lines are reasons, not crashes",
          "[probes][memory]") {
  MemoryInfo m = ProbeMemory(
      FsRoot(kMemoryDir / "malformed"),
      WithNumaBytes(Reading<uint64_t>::Missing("no memory in this XML")));
  CHECK(m.total_bytes.value_or(0) == 16302048 * kKiB);

  REQUIRE_FALSE(m.available_bytes.has_value());
  CHECK(Contains(m.available_bytes.reason(), "line 3"));
  CHECK(Contains(m.available_bytes.reason(), "'MemAvailable:       lots kB'"));
  REQUIRE_FALSE(m.swap_total_bytes.has_value());
  CHECK(Contains(m.swap_total_bytes.reason(), "expected a size in kB"));
  REQUIRE_FALSE(m.swap_free_bytes.has_value());
  CHECK(Contains(m.swap_free_bytes.reason(), "no SwapFree line"));
  REQUIRE_FALSE(m.hugepages_total.has_value());
  CHECK(Contains(m.hugepages_total.reason(), "-4"));

  REQUIRE_FALSE(m.thp_enabled.has_value());
  CHECK(Contains(m.thp_enabled.reason(), "always madvise never"));
  REQUIRE_FALSE(m.thp_defrag.has_value());
  CHECK(Contains(m.thp_defrag.reason(), "defrag"));
  CHECK_FALSE(m.swap_kind.has_value());

  CHECK_FALSE(m.planning_bytes.has_value());
  CHECK(Contains(m.used_for_planning, "none"));
  REQUIRE(m.warnings.size() == 1);
  CHECK(Contains(m.warnings[0], "this line has no colon"));
}

TEST_CASE("An empty root gives every memory field null with a reason",
          "[probes][memory]") {
  MemoryInfo m = ProbeMemory(FsRoot(kMemoryDir / "no-such-root"),
                             WithNumaBytes(Reading<uint64_t>::Missing("x")));
  nlohmann::json j = ToJson(m);
  for (const char* key :
       {"total_bytes", "available_bytes", "swap_total_bytes", "swap_free_bytes",
        "swap_kind", "thp_enabled", "thp_defrag", "hugepage_size_bytes",
        "hugepages_total", "hwloc_numa_bytes", "planning_bytes"}) {
    INFO(key);
    CHECK(j[key].is_null());
    CHECK(j[std::string(key) + "_reason"].is_string());
  }
  CHECK(Contains(j["total_bytes_reason"], "meminfo"));
  CHECK(Contains(j["thp_enabled_reason"], "transparent huge pages"));
}

TEST_CASE("The live memory probe reads this machine's meminfo",
          "[probes][memory]") {
  Topology topology = ProbeTopology(std::nullopt);
  MemoryInfo m = ProbeMemory(FsRoot("/"), topology);
  REQUIRE(m.total_bytes.has_value());
  REQUIRE(m.available_bytes.has_value());
  CHECK(*m.available_bytes <= *m.total_bytes);
  CHECK(m.planning_bytes.value_or(0) == *m.available_bytes);
  CHECK(m.hwloc_numa_bytes.has_value());
  CHECK_FALSE(Summarize(m).empty());
}

}  // namespace lapbench::probes
