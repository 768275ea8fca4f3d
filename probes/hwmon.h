// hwmon chips from /sys/class/hwmon: temperature sensors and fans.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "probes/reading.h"
#include "probes/sysfs.h"

namespace lapbench::probes {

// One tempN_* group of a chip.
struct HwmonSensor {
  std::string attribute;       // temp2
  Reading<std::string> label;  // Package id 0, Core 4, Tctl, edge...
  Reading<int64_t> input_mc;   // millidegrees Celsius
  Reading<int64_t> max_mc;     // high limit, millidegrees
  Reading<int64_t> crit_mc;    // critical limit (TjMax on coretemp)
};

// One fanN_* group of a chip.
struct HwmonFan {
  std::string attribute;  // fan1
  Reading<std::string> label;
  Reading<int64_t> input_rpm;
};

// One /sys/class/hwmon/hwmonN directory.
struct HwmonChip {
  std::string dir;              // hwmon3 (not stable across boots)
  Reading<std::string> name;    // coretemp, k10temp, acpitz, nvme...
  Reading<std::string> device;  // last part of the device link: nvme0
  // True when the sensor files sit under device/, as older drivers did.
  bool attributes_under_device = false;
  std::vector<HwmonSensor> temps;  // ordered by index, gaps kept
  std::vector<HwmonFan> fans;      // ordered by index
};

// Reads every hwmon* below root's /sys/class/hwmon, in natural order. Chips
// and sensors are found by listing, since indices have gaps.
std::vector<HwmonChip> ReadHwmon(const FsRoot& root);

// Why ReadHwmon found nothing below `root`; empty when it would find at
// least one chip.
std::string NoHwmonReason(const FsRoot& root);

// The chip as a JSON object; unreadable fields are null beside a reason.
nlohmann::json ToJson(const HwmonChip& chip);

}  // namespace lapbench::probes
