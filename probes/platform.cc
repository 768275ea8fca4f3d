// The ACPI platform profile, and whether this machine is a virtual one.
#include "probes/platform.h"

#include <fmt/format.h>

#include <array>
#include <sstream>

#include "probes/json_fields.h"

namespace lapbench::probes {
namespace fs = std::filesystem;

namespace {

std::vector<std::string> SplitWords(const std::string& text) {
  std::vector<std::string> words;
  std::istringstream tokens(text);
  std::string word;
  while (tokens >> word) words.push_back(word);
  return words;
}

// Looks for the "hypervisor" token on the first "flags" line: x86 kernels
// set it when CPUID.1:ECX bit 31 says a hypervisor is present.
Reading<bool> ReadHypervisorFlag(const FsRoot& root) {
  fs::path path = root.Resolve("/proc/cpuinfo");
  Reading<std::string> text = root.ReadText(path);
  if (!text) return MissingLike<bool>(text);
  std::istringstream lines(*text);
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.starts_with("flags")) continue;
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    for (const std::string& flag : SplitWords(line.substr(colon + 1))) {
      if (flag == "hypervisor") return true;
    }
    return false;
  }
  return Reading<bool>::Missing(fmt::format(
      "'{}' has no flags line (expected an x86 cpuinfo)", path.string()));
}

void AddEvidence(std::string& evidence, const std::string& item) {
  if (!evidence.empty()) evidence += "; ";
  evidence += item;
}

// Fills is_vm and vm_evidence from the readings already taken.
void DecideVm(PlatformInfo& info) {
  if (info.hypervisor_type && !info.hypervisor_type->empty()) {
    AddEvidence(info.vm_evidence,
                fmt::format("hypervisor type '{}'", *info.hypervisor_type));
  }
  if (IsVirtualDmi(info.sys_vendor.value_or(""),
                   info.product_name.value_or(""))) {
    AddEvidence(info.vm_evidence,
                fmt::format("dmi sys_vendor '{}', product_name '{}'",
                            info.sys_vendor.value_or(""),
                            info.product_name.value_or("")));
  }
  if (info.cpuinfo_hypervisor_flag.value_or(false)) {
    AddEvidence(info.vm_evidence, "cpuinfo flag 'hypervisor'");
  }
  if (!info.vm_evidence.empty()) {
    info.is_vm = true;
  } else if (info.cpuinfo_hypervisor_flag || info.sys_vendor) {
    info.is_vm = false;
    info.vm_evidence = "no hypervisor flag, type or DMI vendor";
  } else {
    info.is_vm = Reading<bool>::Missing(fmt::format(
        "no evidence either way: {}; {}", info.cpuinfo_hypervisor_flag.reason(),
        info.sys_vendor.reason()));
  }
}

}  // namespace

bool IsVirtualDmi(std::string_view sys_vendor, std::string_view product_name) {
  // Vendors that only ever name virtual hardware.
  constexpr std::array<std::string_view, 7> kVendors = {
      "QEMU",        "innotek GmbH", "Xen",
      "BHYVE",       "Amazon EC2",   "Parallels Software International Inc.",
      "VMware, Inc."};
  // Products that betray a VM under a general vendor name (Microsoft also
  // sells Surface laptops; Red Hat names its KVM machines "KVM").
  constexpr std::array<std::string_view, 7> kProducts = {
      "Virtual Machine", "VirtualBox",    "KVM",
      "HVM domU",        "Standard PC (", "Google Compute Engine",
      "Cloud Hypervisor"};
  for (std::string_view vendor : kVendors) {
    if (sys_vendor == vendor) return true;
  }
  for (std::string_view product : kProducts) {
    if (product_name.find(product) != std::string_view::npos) return true;
  }
  return false;
}

PlatformInfo ProbePlatform(const FsRoot& root) {
  PlatformInfo info;
  fs::path profile = root.Resolve("/sys/firmware/acpi/platform_profile");
  info.platform_profile = root.ReadText(profile);
  if (info.platform_profile && info.platform_profile->empty()) {
    info.platform_profile = Reading<std::string>::Missing(fmt::format(
        "'{}' is empty (expected a profile name)", profile.string()));
  }
  Reading<std::string> choices = root.ReadText(
      root.Resolve("/sys/firmware/acpi/platform_profile_choices"));
  info.profile_choices =
      choices ? Reading<std::vector<std::string>>(SplitWords(*choices))
              : MissingLike<std::vector<std::string>>(choices);
  info.hypervisor_type = root.ReadText(root.Resolve("/sys/hypervisor/type"));
  info.sys_vendor = root.ReadText(root.Resolve("/sys/class/dmi/id/sys_vendor"));
  info.product_name =
      root.ReadText(root.Resolve("/sys/class/dmi/id/product_name"));
  info.cpuinfo_hypervisor_flag = ReadHypervisorFlag(root);
  DecideVm(info);
  return info;
}

nlohmann::json ToJson(const PlatformInfo& info) {
  nlohmann::json j;
  PutReading(j, "platform_profile", info.platform_profile);
  PutReading(j, "platform_profile_choices", info.profile_choices);
  PutReading(j, "hypervisor_type", info.hypervisor_type);
  PutReading(j, "sys_vendor", info.sys_vendor);
  PutReading(j, "product_name", info.product_name);
  PutReading(j, "cpuinfo_hypervisor_flag", info.cpuinfo_hypervisor_flag);
  PutReading(j, "is_vm", info.is_vm);
  PutReading(j, "vm_evidence", TextBeside(info.vm_evidence, info.is_vm));
  return j;
}

std::string Summarize(const PlatformInfo& info) {
  std::string text = "  ";
  if (info.is_vm) {
    text += *info.is_vm ? fmt::format("virtual machine ({})", info.vm_evidence)
                        : "physical machine";
  } else {
    text += "unknown whether virtual";
  }
  if (info.sys_vendor || info.product_name) {
    text += fmt::format(", {} {}", info.sys_vendor.value_or(""),
                        info.product_name.value_or(""));
  }
  text += fmt::format("\n  platform profile: {}",
                      info.platform_profile.value_or("none"));
  return text;
}

}  // namespace lapbench::probes
