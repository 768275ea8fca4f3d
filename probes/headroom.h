// The thermal section of a probe: zones, hwmon, and the headroom between the
// hottest CPU sensor and its nearest limit.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "probes/hwmon.h"
#include "probes/reading.h"
#include "probes/sysfs.h"
#include "probes/thermal_zones.h"

namespace lapbench::probes {

// How much warming the CPU can take before the machine slows it down.
enum class HeadroomVerdict { kPlenty, kSome, kLittle, kUnknown };

// "plenty", "some", "little" or "unknown".
const char* HeadroomVerdictName(HeadroomVerdict verdict);

// The verdict for a headroom in millidegrees (negative: already past it).
HeadroomVerdict VerdictForHeadroom(int64_t headroom_mc);

struct ThermalHeadroom {
  HeadroomVerdict verdict = HeadroomVerdict::kUnknown;
  Reading<int64_t> cpu_temp_mc;  // the hottest CPU sensor, millidegrees
  std::string cpu_sensor;        // "coretemp Package id 0", "acpitz ..."
  Reading<int64_t> limit_mc;     // the nearest limit, millidegrees
  // passive, critical, TjMax, hwmon crit or hwmon max.
  std::string limit_kind;
  std::string limit_source;      // "x86_pkg_temp thermal_zone4 trip 1"
  Reading<int64_t> headroom_mc;  // limit_mc - cpu_temp_mc
  std::string reason;            // why the verdict is unknown, else empty
};

// Picks the hottest CPU sensor (coretemp Package id / Core, else k10temp
// or zenpower Tctl / Tdie / Tccd, else the x86_pkg_temp zone, else acpitz
// zones) and the nearest limit (passive or critical trips of x86_pkg_temp
// and acpitz zones, trips at or below 0 C counting as unset, and the CPU
// chip's crit; its max only when none of those exists). Pure: reads no
// files.
ThermalHeadroom ComputeHeadroom(const std::vector<ThermalZone>& zones,
                                const std::vector<HwmonChip>& chips);

// Everything the thermal probe found. A list is empty only with a reason.
struct ThermalInfo {
  std::vector<ThermalZone> zones;
  std::string zones_reason;  // why `zones` is empty, else empty
  std::vector<HwmonChip> chips;
  std::string hwmon_reason;  // why `chips` is empty, else empty
  ThermalHeadroom headroom;
};

// Reads zones and hwmon below `root` and derives the headroom.
ThermalInfo ProbeThermal(const FsRoot& root);

// {"thermal_zones": [...], "hwmon": [...], "headroom": {...}}, each empty
// list beside a "<key>_reason".
nlohmann::json ToJson(const ThermalInfo& info);

// A few readable lines for `lapbench probe`.
std::string Summarize(const ThermalInfo& info);

}  // namespace lapbench::probes
