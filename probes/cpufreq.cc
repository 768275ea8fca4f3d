// CPU frequency scaling: cpufreq policies, the turbo switch, pstate drivers.
#include "probes/cpufreq.h"

#include <fmt/format.h>

#include <functional>
#include <map>
#include <sstream>
#include <utility>

#include "probes/json_fields.h"

namespace lapbench::probes {
namespace fs = std::filesystem;

namespace {

constexpr std::string_view kCpufreqDir = "/sys/devices/system/cpu/cpufreq";

// Splits "1400000 1700000 2900000" into kHz values; stops at the first
// token that is not an integer, since a partial table is still useful.
std::vector<int64_t> ParseFrequencyList(const Reading<std::string>& text) {
  std::vector<int64_t> khz;
  if (!text) return khz;
  std::istringstream tokens(*text);
  std::string token;
  while (tokens >> token) {
    int64_t value = 0;
    if (!ParseInt64(token, value)) break;
    khz.push_back(value);
  }
  return khz;
}

CpufreqPolicy ReadPolicy(const FsRoot& root, const fs::path& dir,
                         std::string name) {
  CpufreqPolicy p;
  p.name = std::move(name);
  p.cpus = root.ReadText(dir / "related_cpus");
  p.driver = root.ReadText(dir / "scaling_driver");
  p.governor = root.ReadText(dir / "scaling_governor");
  p.epp = root.ReadText(dir / "energy_performance_preference");
  p.cur_khz = root.ReadInt(dir / "scaling_cur_freq");
  p.min_khz = root.ReadInt(dir / "scaling_min_freq");
  p.max_khz = root.ReadInt(dir / "scaling_max_freq");
  p.cpuinfo_min_khz = root.ReadInt(dir / "cpuinfo_min_freq");
  p.cpuinfo_max_khz = root.ReadInt(dir / "cpuinfo_max_freq");
  p.base_khz = root.ReadInt(dir / "base_frequency");
  p.available_khz =
      ParseFrequencyList(root.ReadText(dir / "scaling_available_frequencies"));
  return p;
}

// A 0/1 file as a bool; `invert` for no_turbo, whose 1 means "no boost".
Reading<bool> ReadSwitch(const FsRoot& root, const fs::path& path,
                         bool invert) {
  Reading<int64_t> value = root.ReadInt(path);
  if (!value) return MissingLike<bool>(value);
  if (*value != 0 && *value != 1) {
    return Reading<bool>::Missing(fmt::format(
        "'{}' holds '{}' (expected 0 or 1)", path.string(), *value));
  }
  return (*value == 1) != invert;
}

void ReadBoost(const FsRoot& root, CpufreqInfo& info) {
  fs::path boost = root.Resolve("/sys/devices/system/cpu/cpufreq/boost");
  fs::path no_turbo =
      root.Resolve("/sys/devices/system/cpu/intel_pstate/no_turbo");
  if (root.Exists(boost)) {
    info.boost_source = boost.string();
    info.boost_enabled = ReadSwitch(root, boost, /*invert=*/false);
  } else if (root.Exists(no_turbo)) {
    info.boost_source = no_turbo.string();
    info.boost_enabled = ReadSwitch(root, no_turbo, /*invert=*/true);
  } else {
    info.boost_enabled = Reading<bool>::Missing(fmt::format(
        "neither '{}' nor '{}' exists (no cpufreq driver with a turbo switch)",
        boost.string(), no_turbo.string()));
  }
}

nlohmann::json PolicyJson(const CpufreqPolicy& p) {
  nlohmann::json j;
  j["name"] = p.name;
  PutReading(j, "cpus", p.cpus);
  PutReading(j, "driver", p.driver);
  PutReading(j, "governor", p.governor);
  PutReading(j, "energy_performance_preference", p.epp);
  PutReading(j, "cur_khz", p.cur_khz);
  PutReading(j, "min_khz", p.min_khz);
  PutReading(j, "max_khz", p.max_khz);
  PutReading(j, "cpuinfo_min_khz", p.cpuinfo_min_khz);
  PutReading(j, "cpuinfo_max_khz", p.cpuinfo_max_khz);
  PutReading(j, "base_khz", p.base_khz);
  j["available_khz"] = p.available_khz;
  return j;
}

std::string Ghz(int64_t khz) {
  if (khz < 0) return "?";
  return fmt::format("{:.2f} GHz", static_cast<double>(khz) / 1e6);
}

// "8 policies: max 5.00 GHz, base 1.90 GHz" per distinct hardware limit,
// which separates P-cores from E-cores on hybrid CPUs. Fastest first.
std::string PolicyGroups(const std::vector<CpufreqPolicy>& policies) {
  constexpr int64_t kUnknown = -1;
  std::map<std::pair<int64_t, int64_t>, int, std::greater<>> groups;
  for (const CpufreqPolicy& p : policies) {
    ++groups[{p.cpuinfo_max_khz.value_or(kUnknown),
              p.base_khz.value_or(kUnknown)}];
  }
  std::string text;
  for (const auto& [key, count] : groups) {
    auto [max_khz, base_khz] = key;
    text += fmt::format("\n  {} {}: max {}", count,
                        count == 1 ? "policy" : "policies", Ghz(max_khz));
    if (base_khz != kUnknown) text += fmt::format(", base {}", Ghz(base_khz));
  }
  return text;
}

}  // namespace

CpufreqInfo ProbeCpufreq(const FsRoot& root) {
  CpufreqInfo info;
  fs::path dir = root.Resolve(kCpufreqDir);
  for (const std::string& name : root.List(dir, "policy")) {
    info.policies.push_back(ReadPolicy(root, dir / name, name));
  }
  if (info.policies.empty()) {
    info.policies_reason =
        root.Exists(dir) ? fmt::format(
                               "'{}' has no policyN entries (no cpufreq driver "
                               "loaded, as in most VMs)",
                               dir.string())
                         : fmt::format("'{}' does not exist", dir.string());
  }
  ReadBoost(root, info);
  info.intel_pstate_status = root.ReadText(
      root.Resolve("/sys/devices/system/cpu/intel_pstate/status"));
  info.amd_pstate_status =
      root.ReadText(root.Resolve("/sys/devices/system/cpu/amd_pstate/status"));
  return info;
}

nlohmann::json ToJson(const CpufreqInfo& info) {
  nlohmann::json j;
  j["policies"] = nlohmann::json::array();
  for (const CpufreqPolicy& p : info.policies) {
    j["policies"].push_back(PolicyJson(p));
  }
  if (info.policies.empty()) j["policies_reason"] = info.policies_reason;
  PutReading(j, "boost_enabled", info.boost_enabled);
  PutReading(j, "boost_source",
             TextBeside(info.boost_source, info.boost_enabled));
  PutReading(j, "intel_pstate_status", info.intel_pstate_status);
  PutReading(j, "amd_pstate_status", info.amd_pstate_status);
  return j;
}

std::string Summarize(const CpufreqInfo& info) {
  if (info.policies.empty()) {
    return fmt::format("  none ({})", info.policies_reason);
  }
  const CpufreqPolicy& first = info.policies.front();
  std::string driver = first.driver.value_or("?");
  // The pstate drivers' mode (active, passive) matters: active ones ignore
  // the generic governors.
  if (driver.starts_with("intel_") && info.intel_pstate_status) {
    driver += fmt::format(" ({})", *info.intel_pstate_status);
  } else if (driver.starts_with("amd-pstate") && info.amd_pstate_status) {
    driver += fmt::format(" ({})", *info.amd_pstate_status);
  }
  std::string text = fmt::format(
      "  {}, governor {}, EPP {}, boost {}", driver,
      first.governor.value_or("?"), first.epp.value_or("n/a"),
      info.boost_enabled ? (*info.boost_enabled ? "on" : "off") : "unknown");
  return text + PolicyGroups(info.policies);
}

}  // namespace lapbench::probes
