// Power supplies: whether the laptop runs on AC or battery, and its charge.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "probes/reading.h"
#include "probes/sysfs.h"

namespace lapbench::probes {

// An AC adapter or USB-C power source (type Mains or USB).
struct PowerAdapter {
  std::string name;  // "AC", "ADP1", "ucsi-source-psy-USBC000:001"
  std::string type;  // "Mains" or "USB"
  Reading<bool> online;
};

// A system battery (type Battery, scope not Device). Firmware reports
// either energy (µWh) or charge (µAh); the other family is missing.
struct Battery {
  std::string name;  // "BAT0"
  Reading<bool> present;
  // Charging, Discharging, Not charging, Full or Unknown.
  Reading<std::string> status;
  Reading<int64_t> capacity_pct;
  Reading<int64_t> energy_now_uwh, energy_full_uwh, energy_full_design_uwh;
  Reading<int64_t> charge_now_uah, charge_full_uah, charge_full_design_uah;
  Reading<int64_t> voltage_now_uv;
  Reading<int64_t> current_now_ua;  // sign depends on the driver
  // power_now, or |current_now| × voltage_now when the battery reports
  // charge: the rate the battery is draining or filling.
  Reading<int64_t> power_uw;
};

// Everything /sys/class/power_supply says.
struct PowerSupplyInfo {
  // True when any adapter is online; from the battery status when no
  // adapter is listed; missing when there is nothing to tell.
  Reading<bool> on_ac;
  std::vector<PowerAdapter> adapters;
  std::vector<Battery> batteries;
  // Entries left out, each with why: peripheral batteries (scope Device),
  // entries without a readable type, types that supply no system power.
  std::vector<std::string> excluded;
  // Why there are no adapters and no batteries; empty otherwise.
  std::string none_reason;
};

// Reads /sys/class/power_supply below `root`. Never throws.
PowerSupplyInfo ProbePowerSupply(const FsRoot& root);

// The "power_supply" section of `lapbench probe --json`
// (docs/probe-json.md lists the fields).
nlohmann::json ToJson(const PowerSupplyInfo& info);

// A few human-readable lines for `lapbench probe`.
std::string Summarize(const PowerSupplyInfo& info);

}  // namespace lapbench::probes
