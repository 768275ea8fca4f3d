// Cross-checks the CPU probe's CPUID decoding against /proc/cpuinfo.
#include "probes/cpu_os_check.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <sstream>
#include <string>

namespace lapbench::probes {
namespace {

// The fields of /proc/cpuinfo this check reads (x86 Linux layout).
struct OsCpuinfo {
  int n_processors = 0;
  std::string vendor;
  std::string family, model;
  std::set<std::string> flags;  // of the first processor
};

std::string TrimSpaces(const std::string& text) {
  size_t begin = text.find_first_not_of(" \t");
  if (begin == std::string::npos) return "";
  return text.substr(begin, text.find_last_not_of(" \t") - begin + 1);
}

OsCpuinfo ParseCpuinfo(const std::string& text) {
  OsCpuinfo info;
  std::istringstream lines(text);
  std::string line;
  bool first_flags = true;
  while (std::getline(lines, line)) {
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string key = TrimSpaces(line.substr(0, colon));
    std::string value = TrimSpaces(line.substr(colon + 1));
    if (key == "processor") ++info.n_processors;
    if (key == "vendor_id" && info.vendor.empty()) info.vendor = value;
    if (key == "cpu family" && info.family.empty()) info.family = value;
    if (key == "model" && info.model.empty()) info.model = value;
    if (key == "flags" && first_flags) {
      std::istringstream words(value);
      for (std::string flag; words >> flag;) info.flags.insert(flag);
      first_flags = false;
    }
  }
  return info;
}

// Adds a warning when the probe's value and the OS's differ.
void Compare(std::string_view what, const std::string& probed,
             const std::string& os, CpuInfo& cpu, int& disagreements) {
  if (os.empty() || probed == os) return;
  ++disagreements;
  cpu.warnings.push_back(fmt::format(
      "/proc/cpuinfo disagrees with CPUID on {}: '{}' (CPUID says '{}')", what,
      os, probed));
}

int CompareFeatures(const OsCpuinfo& os, CpuInfo& cpu) {
  int disagreements = 0;
  for (CpuFeature feature : AllCpuFeatures()) {
    const auto& unknown = cpu.features_unknown;
    if (std::find(unknown.begin(), unknown.end(), feature) != unknown.end()) {
      continue;
    }
    const std::string name(CpuFeatureName(feature));
    const bool os_lists = os.flags.count(name) > 0;
    if (os_lists == cpu.features.Usable(feature)) continue;
    ++disagreements;
    cpu.warnings.push_back(fmt::format(
        "/proc/cpuinfo {} '{}' but CPUID and XCR0 say it is {}usable",
        os_lists ? "lists" : "does not list", name,
        cpu.features.Usable(feature) ? "" : "not "));
  }
  return disagreements;
}

}  // namespace

void CrossCheckWithOs(const FsRoot& root, CpuInfo& cpu) {
  const auto path = root.Resolve("/proc/cpuinfo");
  Reading<std::string> text = root.ReadText(path);
  if (!text) {
    cpu.os_cross_check = MissingLike<std::string>(text);
    return;
  }
  const OsCpuinfo os = ParseCpuinfo(*text);
  if (os.n_processors == 0) {
    cpu.os_cross_check = Reading<std::string>::Missing(fmt::format(
        "'{}' lists no processor (expected x86 Linux /proc/cpuinfo)",
        path.string()));
    return;
  }
  int disagreements = 0;
  Compare("vendor", cpu.vendor.value_or(""), os.vendor, cpu, disagreements);
  Compare("cpu family", std::to_string(cpu.family.value_or(-1)), os.family, cpu,
          disagreements);
  Compare("model", std::to_string(cpu.model.value_or(-1)), os.model, cpu,
          disagreements);
  Compare("the number of logical CPUs",
          std::to_string(cpu.n_logical_cpus.value_or(0)),
          std::to_string(os.n_processors), cpu, disagreements);
  if (!os.flags.empty()) disagreements += CompareFeatures(os, cpu);
  cpu.os_cross_check =
      disagreements == 0
          ? std::string("agrees with /proc/cpuinfo")
          : fmt::format("{} disagreement(s) with /proc/cpuinfo (see warnings)",
                        disagreements);
}

}  // namespace lapbench::probes
