// Cross-checks the CPU probe's CPUID decoding against /proc/cpuinfo.
#pragma once

#include "probes/cpu.h"
#include "probes/sysfs.h"

namespace lapbench::probes {

// Compares cpu's vendor, family/model, logical CPU count and usable
// features with `<root>/proc/cpuinfo`: each disagreement becomes a
// warning, and cpu.os_cross_check says how many there were (missing, with
// the reason, when the file cannot be read). Linux lists a feature flag
// only when it can be used, so flags are compared with Usable().
void CrossCheckWithOs(const FsRoot& root, CpuInfo& cpu);

}  // namespace lapbench::probes
