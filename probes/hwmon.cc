// hwmon chips from /sys/class/hwmon: temperature sensors and fans.
#include "probes/hwmon.h"

#include <fmt/format.h>

#include <set>

#include "probes/json_fields.h"

namespace lapbench::probes {
namespace fs = std::filesystem;

namespace {

constexpr std::string_view kHwmonDir = "/sys/class/hwmon";

// The indices N that have any <kind>N_* file in `dir` ("temp" gives the N
// of temp2_input, temp2_label...). Listed, never counted: coretemp numbers
// its sensors by core id, so a hybrid CPU has gaps.
std::set<int> AttributeIndices(const FsRoot& root, const fs::path& dir,
                               std::string_view kind) {
  std::set<int> indices;
  for (const std::string& name : root.List(dir, kind)) {
    std::string_view rest = std::string_view(name).substr(kind.size());
    size_t underscore = rest.find('_');
    int64_t index = 0;
    if (underscore == std::string_view::npos ||
        !ParseInt64(rest.substr(0, underscore), index) || index < 0) {
      continue;
    }
    indices.insert(static_cast<int>(index));
  }
  return indices;
}

bool HasSensors(const FsRoot& root, const fs::path& dir) {
  return !AttributeIndices(root, dir, "temp").empty() ||
         !AttributeIndices(root, dir, "fan").empty();
}

HwmonSensor ReadTemp(const FsRoot& root, const fs::path& dir, int index) {
  HwmonSensor sensor;
  sensor.attribute = fmt::format("temp{}", index);
  std::string stem = sensor.attribute + "_";
  sensor.label = root.ReadText(dir / (stem + "label"));
  sensor.input_mc = root.ReadInt(dir / (stem + "input"));
  sensor.max_mc = root.ReadInt(dir / (stem + "max"));
  sensor.crit_mc = root.ReadInt(dir / (stem + "crit"));
  return sensor;
}

HwmonFan ReadFan(const FsRoot& root, const fs::path& dir, int index) {
  HwmonFan fan;
  fan.attribute = fmt::format("fan{}", index);
  std::string stem = fan.attribute + "_";
  fan.label = root.ReadText(dir / (stem + "label"));
  fan.input_rpm = root.ReadInt(dir / (stem + "input"));
  return fan;
}

HwmonChip ReadChip(const FsRoot& root, const fs::path& chip_dir) {
  HwmonChip chip;
  chip.dir = chip_dir.filename().string();
  chip.device = root.ReadLinkName(chip_dir / "device");
  chip.name = root.ReadText(chip_dir / "name");
  if (!chip.name && root.Exists(chip_dir / "device" / "name")) {
    chip.name = root.ReadText(chip_dir / "device" / "name");
  }

  // Older drivers registered the hwmon device but kept the sensor files on
  // the parent device.
  fs::path dir = chip_dir;
  if (!HasSensors(root, chip_dir) && HasSensors(root, chip_dir / "device")) {
    dir = chip_dir / "device";
    chip.attributes_under_device = true;
  }

  for (int index : AttributeIndices(root, dir, "temp")) {
    chip.temps.push_back(ReadTemp(root, dir, index));
  }
  for (int index : AttributeIndices(root, dir, "fan")) {
    chip.fans.push_back(ReadFan(root, dir, index));
  }
  return chip;
}

nlohmann::json TempToJson(const HwmonSensor& sensor) {
  nlohmann::json obj = nlohmann::json::object();
  obj["attribute"] = sensor.attribute;
  PutReading(obj, "label", sensor.label);
  PutReading(obj, "input_mc", sensor.input_mc);
  PutReading(obj, "max_mc", sensor.max_mc);
  PutReading(obj, "crit_mc", sensor.crit_mc);
  return obj;
}

nlohmann::json FanToJson(const HwmonFan& fan) {
  nlohmann::json obj = nlohmann::json::object();
  obj["attribute"] = fan.attribute;
  PutReading(obj, "label", fan.label);
  PutReading(obj, "input_rpm", fan.input_rpm);
  return obj;
}

}  // namespace

std::vector<HwmonChip> ReadHwmon(const FsRoot& root) {
  fs::path dir = root.Resolve(kHwmonDir);
  std::vector<HwmonChip> chips;
  for (const std::string& name : root.List(dir, "hwmon")) {
    chips.push_back(ReadChip(root, dir / name));
  }
  return chips;
}

std::string NoHwmonReason(const FsRoot& root) {
  fs::path dir = root.Resolve(kHwmonDir);
  if (!root.Exists(dir)) {
    return fmt::format("'{}' does not exist (no hwmon drivers loaded)",
                       dir.string());
  }
  if (!root.List(dir, "hwmon").empty()) return {};
  return fmt::format("no hwmon chips in '{}' (typical of a VM)", dir.string());
}

nlohmann::json ToJson(const HwmonChip& chip) {
  nlohmann::json obj = nlohmann::json::object();
  obj["dir"] = chip.dir;
  PutReading(obj, "name", chip.name);
  PutReading(obj, "device", chip.device);
  obj["attributes_under_device"] = chip.attributes_under_device;
  nlohmann::json temps = nlohmann::json::array();
  for (const HwmonSensor& sensor : chip.temps) {
    temps.push_back(TempToJson(sensor));
  }
  obj["temps"] = std::move(temps);
  nlohmann::json fans = nlohmann::json::array();
  for (const HwmonFan& fan : chip.fans) fans.push_back(FanToJson(fan));
  obj["fans"] = std::move(fans);
  return obj;
}

}  // namespace lapbench::probes
