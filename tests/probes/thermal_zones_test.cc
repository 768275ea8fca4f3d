// Tests for reading thermal zones from the sysfs fixture trees.
#include "probes/thermal_zones.h"

#include <catch2/catch.hpp>
#include <string>

namespace lapbench::probes {
namespace {

FsRoot Tree(const std::string& name) {
  return FsRoot(std::string(LAPBENCH_FIXTURES_DIR) + "/sysfs/" + name);
}

using Catch::Matchers::Contains;

TEST_CASE("Intel laptop zones are read in order with types and temperatures",
          "[probes][thermal]") {
  std::vector<ThermalZone> zones = ReadThermalZones(Tree("intel-laptop"));
  REQUIRE(zones.size() == 5);
  CHECK(zones[0].name == "thermal_zone0");
  CHECK(*zones[0].type == "acpitz");
  CHECK(*zones[0].temp_mc == 53000);
  CHECK(*zones[0].mode == "enabled");
  CHECK(*zones[1].type == "INT3400 Thermal");
  CHECK(*zones[1].temp_mc == 20000);
  CHECK(zones[1].trips.empty());
  CHECK(*zones[2].type == "pch_cannonlake");
  CHECK(*zones[2].temp_mc == 48000);
  CHECK(*zones[4].type == "x86_pkg_temp");
  CHECK(*zones[4].temp_mc == 71000);
}

TEST_CASE("Intel laptop trip points keep type, temperature and hysteresis",
          "[probes][thermal]") {
  std::vector<ThermalZone> zones = ReadThermalZones(Tree("intel-laptop"));
  REQUIRE(zones.size() == 5);
  REQUIRE(zones[0].trips.size() == 1);
  CHECK(zones[0].trips[0].index == 0);
  CHECK(*zones[0].trips[0].type == "critical");
  CHECK(*zones[0].trips[0].temp_mc == 110000);
  CHECK(*zones[0].trips[0].hyst_mc == 0);

  // x86_pkg_temp's passive trips read 0 until thermald sets them.
  REQUIRE(zones[4].trips.size() == 2);
  for (const TripPoint& trip : zones[4].trips) {
    CHECK(*trip.type == "passive");
    CHECK(*trip.temp_mc == 0);
  }

  REQUIRE(zones[3].trips.size() == 8);
  CHECK(zones[3].trips[7].index == 7);
  CHECK(*zones[3].trips[7].temp_mc == -32768000);
}

TEST_CASE("A zone whose temperature fails to read says which file and why",
          "[probes][thermal]") {
  std::vector<ThermalZone> zones = ReadThermalZones(Tree("intel-laptop"));
  REQUIRE(zones.size() == 5);
  CHECK(*zones[3].type == "iwlwifi_1");
  REQUIRE_FALSE(zones[3].temp_mc.has_value());
  CHECK_THAT(zones[3].temp_mc.reason(),
             Contains("thermal_zone3/temp'") && Contains("Is a directory"));
}

TEST_CASE("AMD laptop has one ACPI zone with a critical trip at 105 C",
          "[probes][thermal]") {
  std::vector<ThermalZone> zones = ReadThermalZones(Tree("amd-laptop"));
  REQUIRE(zones.size() == 1);
  CHECK(*zones[0].type == "acpitz");
  CHECK(*zones[0].temp_mc == 62000);
  REQUIRE(zones[0].trips.size() == 1);
  CHECK(*zones[0].trips[0].type == "critical");
  CHECK(*zones[0].trips[0].temp_mc == 105000);
}

TEST_CASE("An empty thermal class gives no zones and a VM reason",
          "[probes][thermal]") {
  FsRoot root = Tree("empty");
  CHECK(ReadThermalZones(root).empty());
  CHECK_THAT(NoThermalZonesReason(root),
             Contains("no thermal zones in") && Contains("typical of a VM"));
}

TEST_CASE("A root without /sys/class/thermal says the directory is missing",
          "[probes][thermal]") {
  FsRoot root(std::string(LAPBENCH_FIXTURES_DIR) + "/sysfs/no-such-tree");
  CHECK(ReadThermalZones(root).empty());
  CHECK_THAT(NoThermalZonesReason(root),
             Contains("sys/class/thermal' does not exist"));
}

TEST_CASE("A tree with zones gives no missing-zones reason",
          "[probes][thermal]") {
  CHECK(NoThermalZonesReason(Tree("amd-laptop")).empty());
}

TEST_CASE("Malformed zones give reasons naming the file, never values",
          "[probes][thermal]") {
  std::vector<ThermalZone> zones = ReadThermalZones(Tree("malformed"));
  REQUIRE(zones.size() == 3);

  // A non-numeric temperature.
  REQUIRE_FALSE(zones[0].temp_mc.has_value());
  CHECK_THAT(zones[0].temp_mc.reason(),
             Contains("thermal_zone0/temp' holds 'N/A' (expected an integer)"));

  // A trip point type without its temperature; the next trip still reads.
  REQUIRE(zones[0].trips.size() == 2);
  CHECK(*zones[0].trips[0].type == "passive");
  REQUIRE_FALSE(zones[0].trips[0].temp_mc.has_value());
  CHECK_THAT(zones[0].trips[0].temp_mc.reason(),
             Contains("trip_point_0_temp' does not exist"));
  CHECK(*zones[0].trips[1].temp_mc == 100000);

  // A directory where the temperature file should be.
  CHECK_THAT(zones[1].temp_mc.reason(),
             Contains("thermal_zone1/temp'") && Contains("Is a directory"));

  // A dangling symlink and no type file.
  CHECK_THAT(zones[2].temp_mc.reason(),
             Contains("thermal_zone2/temp' does not exist"));
  CHECK_THAT(zones[2].type.reason(),
             Contains("thermal_zone2/type' does not exist"));
}

TEST_CASE("Zone JSON puts null beside a reason for unreadable fields",
          "[probes][thermal]") {
  std::vector<ThermalZone> zones = ReadThermalZones(Tree("malformed"));
  REQUIRE(zones.size() == 3);
  nlohmann::json json = ToJson(zones[0]);
  CHECK(json["name"] == "thermal_zone0");
  CHECK(json["type"] == "x86_pkg_temp");
  CHECK(json["temp_mc"].is_null());
  CHECK_THAT(json["temp_mc_reason"].get<std::string>(), Contains("'N/A'"));
  REQUIRE(json["trip_points"].size() == 2);
  CHECK(json["trip_points"][0]["index"] == 0);
  CHECK(json["trip_points"][0]["temp_mc"].is_null());
  CHECK(json["trip_points"][0].contains("temp_mc_reason"));
  CHECK(json["trip_points"][1]["temp_mc"] == 100000);
}

}  // namespace
}  // namespace lapbench::probes
