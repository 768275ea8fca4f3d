// Tests for the thermal headroom verdict and the thermal section as a whole.
#include "probes/headroom.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace lapbench::probes {
namespace {

using Catch::Matchers::Contains;

FsRoot Tree(const std::string& name) {
  return FsRoot(std::string(LAPBENCH_FIXTURES_DIR) + "/sysfs/" + name);
}

// A recorded hwmon temperature: label, input and crit in millidegrees
// (0 for crit means the file is absent).
HwmonSensor Temp(const std::string& attribute, const std::string& label,
                 int64_t input_mc, int64_t crit_mc) {
  HwmonSensor sensor;
  sensor.attribute = attribute;
  sensor.label = label;
  sensor.input_mc = input_mc;
  sensor.max_mc = Reading<int64_t>::Missing("absent");
  sensor.crit_mc = crit_mc == 0 ? Reading<int64_t>::Missing("absent")
                                : Reading<int64_t>(crit_mc);
  return sensor;
}

HwmonChip Chip(const std::string& name, std::vector<HwmonSensor> temps) {
  HwmonChip chip;
  chip.dir = "hwmon0";
  chip.name = name;
  chip.temps = std::move(temps);
  return chip;
}

TripPoint Trip(int index, const std::string& type, int64_t temp_mc) {
  TripPoint trip;
  trip.index = index;
  trip.type = type;
  trip.temp_mc = temp_mc;
  trip.hyst_mc = 0;
  return trip;
}

ThermalZone Zone(const std::string& name, const std::string& type,
                 int64_t temp_mc, std::vector<TripPoint> trips) {
  ThermalZone zone;
  zone.name = name;
  zone.type = type;
  zone.temp_mc = temp_mc;
  zone.trips = std::move(trips);
  return zone;
}

TEST_CASE("A hot laptop at 95 C with a 100 C TjMax has little headroom",
          "[probes][headroom]") {
  std::vector<HwmonChip> chips = {
      Chip("coretemp", {Temp("temp1", "Package id 0", 95000, 100000),
                        Temp("temp2", "Core 0", 93000, 100000)})};
  ThermalHeadroom headroom = ComputeHeadroom({}, chips);
  CHECK(headroom.verdict == HeadroomVerdict::kLittle);
  CHECK(*headroom.cpu_temp_mc == 95000);
  CHECK(headroom.cpu_sensor == "coretemp Package id 0");
  CHECK(*headroom.limit_mc == 100000);
  CHECK(headroom.limit_kind == "TjMax");
  CHECK(headroom.limit_source == "coretemp temp1_crit");
  CHECK(*headroom.headroom_mc == 5000);
  CHECK(headroom.reason.empty());
}

TEST_CASE("A cool laptop at 45 C has plenty of headroom",
          "[probes][headroom]") {
  std::vector<HwmonChip> chips = {
      Chip("coretemp", {Temp("temp1", "Package id 0", 45000, 100000)})};
  ThermalHeadroom headroom = ComputeHeadroom({}, chips);
  CHECK(headroom.verdict == HeadroomVerdict::kPlenty);
  CHECK(*headroom.headroom_mc == 55000);
}

TEST_CASE("The hottest core wins over a cooler package reading",
          "[probes][headroom]") {
  std::vector<HwmonChip> chips = {
      Chip("coretemp", {Temp("temp1", "Package id 0", 80000, 100000),
                        Temp("temp6", "Core 4", 84000, 100000)})};
  ThermalHeadroom headroom = ComputeHeadroom({}, chips);
  CHECK(headroom.cpu_sensor == "coretemp Core 4");
  CHECK(*headroom.headroom_mc == 16000);
  CHECK(headroom.verdict == HeadroomVerdict::kSome);
}

TEST_CASE("A passive trip nearer than the critical one wins",
          "[probes][headroom]") {
  std::vector<ThermalZone> zones = {
      Zone("thermal_zone0", "acpitz", 60000,
           {Trip(0, "critical", 110000), Trip(1, "passive", 90000)})};
  std::vector<HwmonChip> chips = {
      Chip("coretemp", {Temp("temp1", "Package id 0", 70000, 100000)})};
  ThermalHeadroom headroom = ComputeHeadroom(zones, chips);
  CHECK(*headroom.limit_mc == 90000);
  CHECK(headroom.limit_kind == "passive");
  CHECK(headroom.limit_source == "acpitz thermal_zone0 trip 1");
  CHECK(*headroom.headroom_mc == 20000);
  CHECK(headroom.verdict == HeadroomVerdict::kSome);
}

TEST_CASE("x86_pkg_temp passive trips at 0 C count as unset",
          "[probes][headroom]") {
  std::vector<ThermalZone> zones = {
      Zone("thermal_zone4", "x86_pkg_temp", 70000,
           {Trip(0, "passive", 0), Trip(1, "passive", 0)})};
  std::vector<HwmonChip> chips = {
      Chip("coretemp", {Temp("temp1", "Package id 0", 70000, 100000)})};
  ThermalHeadroom headroom = ComputeHeadroom(zones, chips);
  CHECK(headroom.limit_kind == "TjMax");
  CHECK(*headroom.headroom_mc == 30000);
}

TEST_CASE("A CPU already past its passive trip has negative headroom",
          "[probes][headroom]") {
  std::vector<ThermalZone> zones = {Zone("thermal_zone4", "x86_pkg_temp", 92000,
                                         {Trip(0, "passive", 85000)})};
  ThermalHeadroom headroom = ComputeHeadroom(zones, {});
  CHECK(headroom.cpu_sensor == "x86_pkg_temp thermal_zone4");
  CHECK(*headroom.headroom_mc == -7000);
  CHECK(headroom.verdict == HeadroomVerdict::kLittle);
}

TEST_CASE("k10temp without crit falls back to the acpitz critical trip",
          "[probes][headroom]") {
  std::vector<ThermalZone> zones = {
      Zone("thermal_zone0", "acpitz", 62000, {Trip(0, "critical", 105000)})};
  std::vector<HwmonChip> chips = {
      Chip("k10temp", {Temp("temp1", "Tctl", 85250, 0)})};
  ThermalHeadroom headroom = ComputeHeadroom(zones, chips);
  CHECK(headroom.cpu_sensor == "k10temp Tctl");
  CHECK(headroom.limit_kind == "critical");
  CHECK(*headroom.headroom_mc == 19750);
  CHECK(headroom.verdict == HeadroomVerdict::kSome);
}

TEST_CASE("k10temp with no zone at all has an unknown limit",
          "[probes][headroom]") {
  std::vector<HwmonChip> chips = {
      Chip("k10temp", {Temp("temp1", "Tctl", 60000, 0)})};
  ThermalHeadroom headroom = ComputeHeadroom({}, chips);
  CHECK(headroom.verdict == HeadroomVerdict::kUnknown);
  CHECK(*headroom.cpu_temp_mc == 60000);
  CHECK_FALSE(headroom.limit_mc.has_value());
  CHECK_FALSE(headroom.headroom_mc.has_value());
  CHECK_THAT(headroom.reason, Contains("no limit for k10temp Tctl"));
}

TEST_CASE("hwmon max is used only when no crit or trip exists",
          "[probes][headroom]") {
  HwmonSensor tctl = Temp("temp1", "Tctl", 70000, 0);
  tctl.max_mc = 95000;
  ThermalHeadroom alone = ComputeHeadroom({}, {Chip("k10temp", {tctl})});
  CHECK(alone.limit_kind == "hwmon max");
  CHECK(*alone.headroom_mc == 25000);
  CHECK(alone.verdict == HeadroomVerdict::kPlenty);

  std::vector<ThermalZone> zones = {
      Zone("thermal_zone0", "acpitz", 50000, {Trip(0, "critical", 105000)})};
  ThermalHeadroom with_trip = ComputeHeadroom(zones, {Chip("k10temp", {tctl})});
  CHECK(with_trip.limit_kind == "critical");
  CHECK(*with_trip.headroom_mc == 35000);
}

TEST_CASE("Non-CPU chips are never taken for the CPU", "[probes][headroom]") {
  std::vector<HwmonChip> chips = {
      Chip("nvme", {Temp("temp1", "Composite", 70000, 84850)}),
      Chip("amdgpu", {Temp("temp1", "edge", 80000, 0)})};
  ThermalHeadroom headroom = ComputeHeadroom({}, chips);
  CHECK(headroom.verdict == HeadroomVerdict::kUnknown);
  CHECK_FALSE(headroom.cpu_temp_mc.has_value());
  CHECK_THAT(headroom.reason, Contains("no coretemp, k10temp or zenpower"));
}

TEST_CASE("Verdict thresholds sit at 25 C and 10 C", "[probes][headroom]") {
  CHECK(VerdictForHeadroom(25000) == HeadroomVerdict::kPlenty);
  CHECK(VerdictForHeadroom(24999) == HeadroomVerdict::kSome);
  CHECK(VerdictForHeadroom(10000) == HeadroomVerdict::kSome);
  CHECK(VerdictForHeadroom(9999) == HeadroomVerdict::kLittle);
  CHECK(VerdictForHeadroom(-1000) == HeadroomVerdict::kLittle);
  CHECK(std::string(HeadroomVerdictName(HeadroomVerdict::kUnknown)) ==
        "unknown");
}

TEST_CASE("The Intel laptop tree has plenty of headroom to TjMax",
          "[probes][headroom]") {
  ThermalInfo info = ProbeThermal(Tree("intel-laptop"));
  CHECK(info.zones.size() == 5);
  CHECK(info.chips.size() == 8);
  CHECK(info.zones_reason.empty());
  const ThermalHeadroom& headroom = info.headroom;
  CHECK(headroom.verdict == HeadroomVerdict::kPlenty);
  CHECK(headroom.cpu_sensor == "coretemp Package id 0");
  CHECK(*headroom.cpu_temp_mc == 71000);
  CHECK(*headroom.limit_mc == 100000);
  CHECK(headroom.limit_kind == "TjMax");
  CHECK(*headroom.headroom_mc == 29000);
}

TEST_CASE("The AMD laptop tree has some headroom to the ACPI critical trip",
          "[probes][headroom]") {
  ThermalInfo info = ProbeThermal(Tree("amd-laptop"));
  const ThermalHeadroom& headroom = info.headroom;
  CHECK(headroom.verdict == HeadroomVerdict::kSome);
  CHECK(headroom.cpu_sensor == "k10temp Tctl");
  CHECK(*headroom.limit_mc == 105000);
  CHECK(headroom.limit_source == "acpitz thermal_zone0 trip 0");
  CHECK(*headroom.headroom_mc == 19750);
}

TEST_CASE("The empty tree gives empty lists with reasons and no verdict",
          "[probes][headroom]") {
  ThermalInfo info = ProbeThermal(Tree("empty"));
  CHECK(info.headroom.verdict == HeadroomVerdict::kUnknown);
  nlohmann::json json = ToJson(info);
  CHECK(json["thermal_zones"] == nlohmann::json::array());
  CHECK_THAT(json["thermal_zones_reason"].get<std::string>(),
             Contains("no thermal zones"));
  CHECK(json["hwmon"] == nlohmann::json::array());
  CHECK_THAT(json["hwmon_reason"].get<std::string>(),
             Contains("no hwmon chips"));
  CHECK(json["headroom"]["verdict"] == "unknown");
  CHECK(json["headroom"]["cpu_temp_mc"].is_null());
  CHECK(json["headroom"].contains("cpu_temp_mc_reason"));
  CHECK(json["headroom"]["limit_mc"].is_null());
  CHECK(json["headroom"]["headroom_mc"].is_null());
  CHECK(json["headroom"]["cpu_sensor"].is_null());
  CHECK_THAT(json["headroom"]["verdict_reason"].get<std::string>(),
             Contains("no CPU temperature"));
}

TEST_CASE("The malformed tree's verdict reason names every unreadable file",
          "[probes][headroom]") {
  ThermalInfo info = ProbeThermal(Tree("malformed"));
  const ThermalHeadroom& headroom = info.headroom;
  CHECK(headroom.verdict == HeadroomVerdict::kUnknown);
  CHECK_THAT(headroom.reason,
             Contains("no readable CPU temperature") &&
                 Contains("hwmon0/temp1_input' holds 'not-a-number'") &&
                 Contains("hwmon0/temp2_input' does not exist") &&
                 Contains("thermal_zone0/temp' holds 'N/A'"));
}

TEST_CASE("The summary names the verdict and the numbers behind it",
          "[probes][headroom]") {
  std::string intel = Summarize(ProbeThermal(Tree("intel-laptop")));
  CHECK_THAT(intel, Contains("headroom: plenty, 29.0 C from CPU 71.0 C "
                             "(coretemp Package id 0) to 100.0 C (TjMax"));
  CHECK_THAT(intel, Contains("iwlwifi_1 unreadable"));
  std::string empty = Summarize(ProbeThermal(Tree("empty")));
  CHECK_THAT(empty, Contains("headroom: unknown (no CPU temperature"));
  CHECK_THAT(empty, Contains("zones: none (no thermal zones"));
}

}  // namespace
}  // namespace lapbench::probes
