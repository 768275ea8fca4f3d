// The ACPI platform profile, and whether this machine is a virtual one.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "probes/reading.h"
#include "probes/sysfs.h"

namespace lapbench::probes {

// What the firmware and the hypervisor say about the platform. A VM has no
// sensors, no cpufreq and no RAPL: reports use `is_vm` to say why.
struct PlatformInfo {
  // /sys/firmware/acpi/platform_profile: low-power, balanced, performance...
  Reading<std::string> platform_profile;
  // platform_profile_choices, split; missing when the file is.
  Reading<std::vector<std::string>> profile_choices;
  Reading<std::string> hypervisor_type;  // /sys/hypervisor/type ("xen")
  Reading<std::string> sys_vendor;       // /sys/class/dmi/id/sys_vendor
  Reading<std::string> product_name;     // /sys/class/dmi/id/product_name
  // The "hypervisor" flag in /proc/cpuinfo's flags line.
  Reading<bool> cpuinfo_hypervisor_flag;
  // True with any evidence of a hypervisor; false when cpuinfo was read
  // and nothing points to one; missing when nothing could be read.
  Reading<bool> is_vm;
  // What decided is_vm: "dmi sys_vendor 'QEMU'; cpuinfo flag hypervisor".
  std::string vm_evidence;
};

// Reads the platform profile and the VM evidence below `root`. Never
// throws.
PlatformInfo ProbePlatform(const FsRoot& root);

// Whether DMI vendor and product names are those of a hypervisor
// (QEMU, KVM, VMware, VirtualBox, Hyper-V, Xen, ...).
bool IsVirtualDmi(std::string_view sys_vendor, std::string_view product_name);

// The "platform" section of `lapbench probe --json`
// (docs/probe-json.md lists the fields).
nlohmann::json ToJson(const PlatformInfo& info);

// A few human-readable lines for `lapbench probe`.
std::string Summarize(const PlatformInfo& info);

}  // namespace lapbench::probes
