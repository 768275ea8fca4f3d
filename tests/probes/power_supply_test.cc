// Tests of the power supply probe on the sysfs fixture trees.
#include "probes/power_supply.h"

#include <catch2/catch.hpp>

namespace lapbench::probes {
namespace {

FsRoot Tree(const char* name) {
  return FsRoot(std::string(LAPBENCH_FIXTURES_DIR) + "/sysfs/" + name);
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST_CASE("power supply sees the Intel laptop on battery", "[probes][power]") {
  PowerSupplyInfo info = ProbePowerSupply(Tree("intel-laptop"));
  REQUIRE(info.on_ac.has_value());
  CHECK_FALSE(*info.on_ac);
  REQUIRE(info.adapters.size() == 1);
  CHECK(info.adapters[0].name == "AC");
  CHECK(info.adapters[0].type == "Mains");
  CHECK_FALSE(*info.adapters[0].online);

  REQUIRE(info.batteries.size() == 1);
  const Battery& b = info.batteries[0];
  CHECK(b.name == "BAT0");
  CHECK(*b.present);
  CHECK(*b.status == "Discharging");
  CHECK(*b.capacity_pct == 87);
  CHECK(*b.energy_now_uwh == 45530000);
  CHECK(*b.energy_full_uwh == 52340000);
  CHECK(*b.energy_full_design_uwh == 57000000);
  CHECK(*b.power_uw == 7850000);
  CHECK(*b.voltage_now_uv == 11950000);
  CHECK_FALSE(b.charge_now_uah.has_value());
}

TEST_CASE("power supply excludes a peripheral battery with scope Device",
          "[probes][power]") {
  PowerSupplyInfo info = ProbePowerSupply(Tree("intel-laptop"));
  REQUIRE(info.excluded.size() == 1);
  CHECK(info.excluded[0] ==
        "hidpp_battery_0: peripheral Battery (scope Device)");
  for (const Battery& b : info.batteries) CHECK(b.name != "hidpp_battery_0");
}

TEST_CASE("power supply reads a charging battery that reports charge",
          "[probes][power]") {
  PowerSupplyInfo info = ProbePowerSupply(Tree("amd-laptop"));
  REQUIRE(info.on_ac.has_value());
  CHECK(*info.on_ac);
  REQUIRE(info.adapters.size() == 3);
  CHECK(info.adapters[0].name == "ACAD");
  CHECK(info.adapters[1].type == "USB");
  CHECK(info.excluded.empty());

  REQUIRE(info.batteries.size() == 1);
  const Battery& b = info.batteries[0];
  CHECK(b.name == "BAT1");
  CHECK(*b.status == "Charging");
  CHECK(*b.capacity_pct == 61);
  CHECK(*b.charge_now_uah == 2127680);
  CHECK(*b.charge_full_uah == 3488000);
  CHECK(*b.charge_full_design_uah == 3572000);
  CHECK_FALSE(b.energy_now_uwh.has_value());
  // No power_now: 1.72 A × 16.512 V.
  CHECK(*b.power_uw == 28400640);
}

TEST_CASE("power supply on a VM lists nothing and says why",
          "[probes][power]") {
  PowerSupplyInfo info = ProbePowerSupply(Tree("empty"));
  CHECK(info.adapters.empty());
  CHECK(info.batteries.empty());
  CHECK(info.excluded.empty());
  CHECK(Contains(info.none_reason, "lists no system battery or adapter"));
  REQUIRE_FALSE(info.on_ac.has_value());
  CHECK(info.on_ac.reason() == info.none_reason);

  nlohmann::json j = ToJson(info);
  CHECK(j["on_ac"].is_null());
  CHECK(j["on_ac_reason"] == info.none_reason);
  CHECK(j["batteries"].empty());
}

TEST_CASE("power supply names the files of malformed entries",
          "[probes][power]") {
  PowerSupplyInfo info = ProbePowerSupply(Tree("malformed"));
  REQUIRE(info.excluded.size() == 1);
  CHECK(info.excluded[0].starts_with("ADP9: "));
  CHECK(Contains(info.excluded[0], "ADP9/type' does not exist"));

  REQUIRE(info.adapters.size() == 1);
  REQUIRE_FALSE(info.adapters[0].online.has_value());
  CHECK(Contains(info.adapters[0].online.reason(),
                 "AC/online' holds 'maybe' (expected an integer)"));

  REQUIRE(info.batteries.size() == 1);
  CHECK(Contains(info.batteries[0].capacity_pct.reason(),
                 "BAT0/capacity' holds 'eighty'"));
  // The adapter cannot tell; the battery's status can.
  REQUIRE(info.on_ac.has_value());
  CHECK_FALSE(*info.on_ac);
}

TEST_CASE("power supply summary says battery and charge", "[probes][power]") {
  CHECK(Summarize(ProbePowerSupply(Tree("intel-laptop"))) ==
        "  on battery\n  BAT0: Discharging, 87%, 7.85 W");
}

}  // namespace
}  // namespace lapbench::probes
