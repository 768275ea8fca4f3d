// Thermal zones from /sys/class/thermal: type, temperature and trip points.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "probes/reading.h"
#include "probes/sysfs.h"

namespace lapbench::probes {

// One trip point of a zone: the temperature at which the kernel acts.
struct TripPoint {
  int index = 0;              // K in trip_point_K_*
  Reading<std::string> type;  // critical, hot, passive or active
  Reading<int64_t> temp_mc;   // millidegrees Celsius
  Reading<int64_t> hyst_mc;   // hysteresis, millidegrees
};

// One /sys/class/thermal/thermal_zoneN directory.
struct ThermalZone {
  std::string name;              // thermal_zone3 (not stable across boots)
  Reading<std::string> type;     // acpitz, x86_pkg_temp, pch_cannonlake...
  Reading<int64_t> temp_mc;      // millidegrees Celsius
  Reading<std::string> mode;     // enabled or disabled
  std::vector<TripPoint> trips;  // ordered by index
};

// Reads every thermal_zone* below root's /sys/class/thermal, in natural
// order. Empty when the directory is missing or holds no zones.
std::vector<ThermalZone> ReadThermalZones(const FsRoot& root);

// Why ReadThermalZones found nothing below `root`; empty when it would find
// at least one zone.
std::string NoThermalZonesReason(const FsRoot& root);

// The zone as a JSON object; unreadable fields are null beside a reason.
nlohmann::json ToJson(const ThermalZone& zone);

}  // namespace lapbench::probes
