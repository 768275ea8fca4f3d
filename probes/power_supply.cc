// Power supplies: whether the laptop runs on AC or battery, and its charge.
#include "probes/power_supply.h"

#include <fmt/format.h>

#include <cstdlib>

#include "probes/json_fields.h"

namespace lapbench::probes {
namespace fs = std::filesystem;

namespace {

constexpr std::string_view kPowerSupplyDir = "/sys/class/power_supply";

Reading<bool> ReadFlag(const FsRoot& root, const fs::path& path) {
  Reading<int64_t> value = root.ReadInt(path);
  if (!value) return MissingLike<bool>(value);
  // USB sources report 2 for "online, programmable".
  if (*value < 0 || *value > 2) {
    return Reading<bool>::Missing(fmt::format(
        "'{}' holds '{}' (expected 0, 1 or 2)", path.string(), *value));
  }
  return *value != 0;
}

// power_now when the battery has it; else current × voltage, the only
// rate a charge-reporting battery offers.
Reading<int64_t> BatteryPower(const FsRoot& root, const fs::path& dir,
                              const Battery& b) {
  Reading<int64_t> power_now = root.ReadInt(dir / "power_now");
  if (power_now) return power_now;
  if (b.current_now_ua && b.voltage_now_uv) {
    // µA × µV = 1e-12 W; divide by 1e6 for µW. int64 holds the product
    // for any current under 9 kA at 1 kV.
    return std::llabs(*b.current_now_ua) * *b.voltage_now_uv / 1000000;
  }
  return Reading<int64_t>::Missing(
      fmt::format("{} and no current_now × voltage_now to compute it from",
                  power_now.reason()));
}

Battery ReadBattery(const FsRoot& root, const fs::path& dir, std::string name) {
  Battery b;
  b.name = std::move(name);
  b.present = ReadFlag(root, dir / "present");
  b.status = root.ReadText(dir / "status");
  b.capacity_pct = root.ReadInt(dir / "capacity");
  b.energy_now_uwh = root.ReadInt(dir / "energy_now");
  b.energy_full_uwh = root.ReadInt(dir / "energy_full");
  b.energy_full_design_uwh = root.ReadInt(dir / "energy_full_design");
  b.charge_now_uah = root.ReadInt(dir / "charge_now");
  b.charge_full_uah = root.ReadInt(dir / "charge_full");
  b.charge_full_design_uah = root.ReadInt(dir / "charge_full_design");
  b.voltage_now_uv = root.ReadInt(dir / "voltage_now");
  b.current_now_ua = root.ReadInt(dir / "current_now");
  b.power_uw = BatteryPower(root, dir, b);
  return b;
}

// Sorts one entry into adapters, batteries or excluded.
void AddSupply(const FsRoot& root, const fs::path& dir, const std::string& name,
               PowerSupplyInfo& info) {
  Reading<std::string> type = root.ReadText(dir / "type");
  if (!type) {
    info.excluded.push_back(fmt::format("{}: {}", name, type.reason()));
    return;
  }
  // Mice, keyboards and headsets say scope Device: their charge says
  // nothing about the laptop's power.
  Reading<std::string> scope = root.ReadText(dir / "scope");
  if (scope && *scope == "Device") {
    info.excluded.push_back(
        fmt::format("{}: peripheral {} (scope Device)", name, *type));
    return;
  }
  if (*type == "Battery") {
    info.batteries.push_back(ReadBattery(root, dir, name));
  } else if (*type == "Mains" || *type == "USB") {
    info.adapters.push_back({name, *type, ReadFlag(root, dir / "online")});
  } else {
    info.excluded.push_back(fmt::format(
        "{}: type '{}' (expected Battery, Mains or USB)", name, *type));
  }
}

Reading<bool> OnAcFromBatteries(const std::vector<Battery>& batteries) {
  for (const Battery& b : batteries) {
    if (!b.status) continue;
    if (*b.status == "Discharging") return false;
    // "Not charging" is what a battery held at a charge threshold says.
    if (*b.status == "Charging" || *b.status == "Full" ||
        *b.status == "Not charging") {
      return true;
    }
  }
  return Reading<bool>::Missing(
      "no adapter listed and no battery status tells (expected Charging, "
      "Discharging, Not charging or Full)");
}

Reading<bool> OnAc(const PowerSupplyInfo& info) {
  bool any_known = false;
  for (const PowerAdapter& a : info.adapters) {
    if (!a.online) continue;
    if (*a.online) return true;
    any_known = true;
  }
  if (any_known) return false;
  if (!info.batteries.empty()) return OnAcFromBatteries(info.batteries);
  if (!info.adapters.empty()) {
    return Reading<bool>::Missing(info.adapters.front().online.reason());
  }
  return Reading<bool>::Missing(info.none_reason);
}

nlohmann::json BatteryJson(const Battery& b) {
  nlohmann::json j;
  j["name"] = b.name;
  PutReading(j, "present", b.present);
  PutReading(j, "status", b.status);
  PutReading(j, "capacity_pct", b.capacity_pct);
  PutReading(j, "energy_now_uwh", b.energy_now_uwh);
  PutReading(j, "energy_full_uwh", b.energy_full_uwh);
  PutReading(j, "energy_full_design_uwh", b.energy_full_design_uwh);
  PutReading(j, "charge_now_uah", b.charge_now_uah);
  PutReading(j, "charge_full_uah", b.charge_full_uah);
  PutReading(j, "charge_full_design_uah", b.charge_full_design_uah);
  PutReading(j, "voltage_now_uv", b.voltage_now_uv);
  PutReading(j, "current_now_ua", b.current_now_ua);
  PutReading(j, "power_uw", b.power_uw);
  return j;
}

}  // namespace

PowerSupplyInfo ProbePowerSupply(const FsRoot& root) {
  PowerSupplyInfo info;
  fs::path dir = root.Resolve(kPowerSupplyDir);
  for (const std::string& name : root.List(dir)) {
    // sysfs has no dotfiles; fixture trees keep empty directories with one.
    if (name.starts_with(".")) continue;
    AddSupply(root, dir / name, name, info);
  }
  if (info.adapters.empty() && info.batteries.empty()) {
    info.none_reason = root.Exists(dir)
                           ? fmt::format(
                                 "'{}' lists no system battery or adapter (a "
                                 "desktop or a VM)",
                                 dir.string())
                           : fmt::format("'{}' does not exist", dir.string());
  }
  info.on_ac = OnAc(info);
  return info;
}

nlohmann::json ToJson(const PowerSupplyInfo& info) {
  nlohmann::json j;
  PutReading(j, "on_ac", info.on_ac);
  j["adapters"] = nlohmann::json::array();
  for (const PowerAdapter& a : info.adapters) {
    nlohmann::json adapter = {{"name", a.name}, {"type", a.type}};
    PutReading(adapter, "online", a.online);
    j["adapters"].push_back(adapter);
  }
  j["batteries"] = nlohmann::json::array();
  for (const Battery& b : info.batteries)
    j["batteries"].push_back(BatteryJson(b));
  j["excluded"] = info.excluded;
  if (!info.none_reason.empty()) j["none_reason"] = info.none_reason;
  return j;
}

std::string Summarize(const PowerSupplyInfo& info) {
  std::string text = "  ";
  if (info.on_ac) {
    text += *info.on_ac ? "on AC" : "on battery";
  } else {
    text += fmt::format("unknown ({})", info.on_ac.reason());
  }
  for (const Battery& b : info.batteries) {
    text += fmt::format("\n  {}: {}", b.name, b.status.value_or("?"));
    if (b.capacity_pct) text += fmt::format(", {}%", *b.capacity_pct);
    if (b.power_uw) {
      text += fmt::format(", {:.2f} W", static_cast<double>(*b.power_uw) / 1e6);
    }
  }
  return text;
}

}  // namespace lapbench::probes
