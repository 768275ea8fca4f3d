// RAPL energy counters (powercap zones) and power from two counter reads.
#include "probes/rapl.h"

#include <fmt/format.h>

#include "probes/json_fields.h"

namespace lapbench::probes {
namespace fs = std::filesystem;

namespace {

constexpr std::string_view kPowercapDir = "/sys/class/powercap";

Reading<uint64_t> ReadCounter(const FsRoot& root, const fs::path& path) {
  Reading<int64_t> value = root.ReadInt(path);
  if (!value) return MissingLike<uint64_t>(value);
  if (*value < 0) {
    return Reading<uint64_t>::Missing(
        fmt::format("'{}' holds '{}' (expected a non-negative integer)",
                    path.string(), *value));
  }
  return static_cast<uint64_t>(*value);
}

std::vector<RaplConstraint> ReadConstraints(const FsRoot& root,
                                            const fs::path& dir) {
  std::vector<RaplConstraint> constraints;
  for (int k = 0;; ++k) {
    std::string prefix = fmt::format("constraint_{}_", k);
    fs::path limit = dir / (prefix + "power_limit_uw");
    fs::path name = dir / (prefix + "name");
    if (!root.Exists(limit) && !root.Exists(name)) break;
    constraints.push_back({k, root.ReadText(name), root.ReadInt(limit),
                           root.ReadInt(dir / (prefix + "time_window_us"))});
  }
  return constraints;
}

RaplZone ReadZone(const FsRoot& root, const fs::path& dir,
                  const std::string& path_name) {
  RaplZone zone;
  zone.path_name = path_name;
  zone.control_type = path_name.substr(0, path_name.find(':'));
  size_t last = path_name.rfind(':');
  if (last != path_name.find(':')) zone.parent = path_name.substr(0, last);
  zone.name = root.ReadText(dir / "name");
  Reading<int64_t> enabled = root.ReadInt(dir / "enabled");
  zone.enabled =
      enabled ? Reading<bool>(*enabled != 0) : MissingLike<bool>(enabled);
  zone.energy_uj = ReadCounter(root, dir / "energy_uj");
  zone.max_energy_range_uj = ReadCounter(root, dir / "max_energy_range_uj");
  zone.constraints = ReadConstraints(root, dir);
  return zone;
}

nlohmann::json ZoneJson(const RaplZone& zone) {
  nlohmann::json j;
  j["path_name"] = zone.path_name;
  j["control_type"] = zone.control_type;
  PutReading(j, "parent",
             zone.parent.empty()
                 ? Reading<std::string>::Missing(
                       "a top-level zone (its name has one ':')")
                 : Reading<std::string>(zone.parent));
  PutReading(j, "name", zone.name);
  PutReading(j, "enabled", zone.enabled);
  PutReading(j, "energy_uj", zone.energy_uj);
  PutReading(j, "max_energy_range_uj", zone.max_energy_range_uj);
  j["constraints"] = nlohmann::json::array();
  for (const RaplConstraint& c : zone.constraints) {
    nlohmann::json constraint = {{"index", c.index}};
    PutReading(constraint, "name", c.name);
    PutReading(constraint, "power_limit_uw", c.power_limit_uw);
    PutReading(constraint, "time_window_us", c.time_window_us);
    j["constraints"].push_back(constraint);
  }
  return j;
}

}  // namespace

RaplInfo ProbeRapl(const FsRoot& root) {
  RaplInfo info;
  fs::path dir = root.Resolve(kPowercapDir);
  for (const std::string& name : root.List(dir)) {
    // "intel-rapl" alone is the control type, not a zone.
    if (name.find(':') == std::string::npos) continue;
    info.zones.push_back(ReadZone(root, dir / name, name));
  }
  if (info.zones.empty()) {
    info.none_reason =
        root.Exists(dir)
            ? fmt::format(
                  "'{}' has no zones (no RAPL driver for this CPU, "
                  "as in most VMs)",
                  dir.string())
            : fmt::format("'{}' does not exist (no powercap driver loaded)",
                          dir.string());
  }
  return info;
}

Reading<uint64_t> ReadEnergyUj(const FsRoot& root, const RaplZone& zone) {
  return ReadCounter(root,
                     root.Resolve(kPowercapDir) / zone.path_name / "energy_uj");
}

Reading<uint64_t> EnergyDeltaUj(uint64_t e1_uj, uint64_t e2_uj,
                                const Reading<uint64_t>& max_range_uj) {
  if (max_range_uj && (e1_uj > *max_range_uj || e2_uj > *max_range_uj)) {
    return Reading<uint64_t>::Missing(fmt::format(
        "energy read '{}' or '{}' exceeds max_energy_range_uj (expected at "
        "most {})",
        e1_uj, e2_uj, *max_range_uj));
  }
  if (e2_uj >= e1_uj) return e2_uj - e1_uj;
  if (!max_range_uj) {
    return Reading<uint64_t>::Missing(fmt::format(
        "energy counter went back from {} to {} and the wrap range is "
        "unknown: {}",
        e1_uj, e2_uj, max_range_uj.reason()));
  }
  return *max_range_uj - e1_uj + e2_uj;
}

Reading<uint64_t> AveragePowerUw(uint64_t delta_uj, int64_t duration_ns) {
  if (duration_ns <= 0) {
    return Reading<uint64_t>::Missing(
        fmt::format("sampling interval '{}' ns (expected a positive duration)",
                    duration_ns));
  }
  // µJ / ns = 1e9 µW; long double keeps the product exact enough for
  // counters up to the 2^64 µJ range.
  long double uw = static_cast<long double>(delta_uj) * 1e9L /
                   static_cast<long double>(duration_ns);
  return static_cast<uint64_t>(uw + 0.5L);
}

nlohmann::json ToJson(const RaplInfo& info) {
  nlohmann::json j;
  j["zones"] = nlohmann::json::array();
  for (const RaplZone& zone : info.zones) j["zones"].push_back(ZoneJson(zone));
  if (info.zones.empty()) j["none_reason"] = info.none_reason;
  return j;
}

std::string Summarize(const RaplInfo& info) {
  if (info.zones.empty()) return fmt::format("  none ({})", info.none_reason);
  std::string text;
  for (const RaplZone& zone : info.zones) {
    if (!text.empty()) text += '\n';
    text += fmt::format("  {} {}", zone.path_name, zone.name.value_or("?"));
    for (const RaplConstraint& c : zone.constraints) {
      // 0 µW is how a zone without that limit reads.
      if (!c.power_limit_uw || *c.power_limit_uw == 0) continue;
      text += fmt::format(", {} {:.1f} W", c.name.value_or("limit"),
                          static_cast<double>(*c.power_limit_uw) / 1e6);
    }
    if (!zone.energy_uj) text += " (energy_uj unreadable)";
  }
  return text;
}

}  // namespace lapbench::probes
