// Tests of the RAPL probe and of energy deltas across counter wrap-around.
#include "probes/rapl.h"

#include <catch2/catch.hpp>

namespace lapbench::probes {
namespace {

FsRoot Tree(const char* name) {
  return FsRoot(std::string(LAPBENCH_FIXTURES_DIR) + "/sysfs/" + name);
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

constexpr uint64_t kIntelRangeUj = 262143328850;

TEST_CASE("RAPL lists Intel package, subzones and psys with limits",
          "[probes][rapl]") {
  RaplInfo info = ProbeRapl(Tree("intel-laptop"));
  REQUIRE(info.zones.size() == 4);
  CHECK(info.none_reason.empty());

  const RaplZone& package = info.zones[0];
  CHECK(package.path_name == "intel-rapl:0");
  CHECK(package.control_type == "intel-rapl");
  CHECK(package.parent.empty());
  CHECK(*package.name == "package-0");
  CHECK(*package.enabled);
  CHECK(*package.energy_uj == 48213399871);
  CHECK(*package.max_energy_range_uj == kIntelRangeUj);
  REQUIRE(package.constraints.size() == 2);
  CHECK(*package.constraints[0].name == "long_term");
  CHECK(*package.constraints[0].power_limit_uw == 28000000);
  CHECK(*package.constraints[0].time_window_us == 27983872);
  CHECK(*package.constraints[1].name == "short_term");
  CHECK(*package.constraints[1].power_limit_uw == 64000000);

  CHECK(info.zones[1].path_name == "intel-rapl:0:0");
  CHECK(info.zones[1].parent == "intel-rapl:0");
  CHECK(*info.zones[1].name == "core");
  CHECK(*info.zones[2].name == "uncore");
  CHECK(*info.zones[3].name == "psys");
  CHECK(info.zones[3].parent.empty());
}

TEST_CASE("RAPL on the AMD laptop reports energy without limits",
          "[probes][rapl]") {
  RaplInfo info = ProbeRapl(Tree("amd-laptop"));
  REQUIRE(info.zones.size() == 1);
  CHECK(*info.zones[0].name == "package-0");
  CHECK(*info.zones[0].max_energy_range_uj == 65535999984);
  CHECK(info.zones[0].constraints.empty());
  CHECK(*ReadEnergyUj(Tree("amd-laptop"), info.zones[0]) == 20451112301);
}

TEST_CASE("RAPL on a VM has no zones and says why", "[probes][rapl]") {
  RaplInfo info = ProbeRapl(Tree("empty"));
  CHECK(info.zones.empty());
  CHECK(Contains(info.none_reason, "powercap' does not exist"));
  nlohmann::json j = ToJson(info);
  CHECK(j["zones"].empty());
  CHECK(j["none_reason"] == info.none_reason);
}

TEST_CASE("RAPL names the file of each malformed counter", "[probes][rapl]") {
  RaplInfo info = ProbeRapl(Tree("malformed"));
  REQUIRE(info.zones.size() == 1);
  const RaplZone& zone = info.zones[0];
  CHECK(Contains(zone.energy_uj.reason(), "energy_uj' holds '-5'"));
  CHECK(Contains(zone.max_energy_range_uj.reason(),
                 "max_energy_range_uj' holds 'unlimited'"));
  CHECK(Contains(zone.enabled.reason(), "enabled' does not exist"));
  REQUIRE(zone.constraints.size() == 1);
  CHECK(Contains(zone.constraints[0].power_limit_uw.reason(),
                 "constraint_0_power_limit_uw' holds '15 W'"));

  nlohmann::json j = ToJson(info)["zones"][0];
  CHECK(j["energy_uj"].is_null());
  CHECK(j["energy_uj_reason"] == zone.energy_uj.reason());
}

TEST_CASE("energy delta handles the counter wrapping around",
          "[probes][rapl]") {
  Reading<uint64_t> range = kIntelRangeUj;
  CHECK(*EnergyDeltaUj(1000, 5000, range) == 4000);
  CHECK(*EnergyDeltaUj(7, 7, range) == 0);
  // 100 µJ before the wrap point, 250 µJ after it.
  CHECK(*EnergyDeltaUj(kIntelRangeUj - 100, 250, range) == 350);

  Reading<uint64_t> unknown = Reading<uint64_t>::Missing("no range file");
  CHECK(*EnergyDeltaUj(10, 20, unknown) == 10);
  Reading<uint64_t> wrapped = EnergyDeltaUj(20, 10, unknown);
  REQUIRE_FALSE(wrapped.has_value());
  CHECK(Contains(wrapped.reason(), "no range file"));

  Reading<uint64_t> beyond = EnergyDeltaUj(10, kIntelRangeUj + 1, range);
  REQUIRE_FALSE(beyond.has_value());
  CHECK(Contains(beyond.reason(), "exceeds max_energy_range_uj"));
}

TEST_CASE("average power divides energy by the interval", "[probes][rapl]") {
  // 3 J over 0.5 s is 6 W.
  CHECK(*AveragePowerUw(3000000, 500000000) == 6000000);
  CHECK(*AveragePowerUw(0, 1) == 0);
  CHECK_FALSE(AveragePowerUw(5, 0).has_value());
  CHECK_FALSE(AveragePowerUw(5, -1).has_value());
}

}  // namespace
}  // namespace lapbench::probes
