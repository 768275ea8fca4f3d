// Groups decoded logical CPUs into core kinds, counts cores and caches.
#pragma once

#include <string>
#include <vector>

#include "probes/cpu.h"
#include "probes/cpu_decode.h"

namespace lapbench::probes {

// Fills cpu.core_kinds, the core and logical counts and the package-wide
// cache levels from the decoded logical CPUs of `dump`. A dump of one
// logical CPU (libcpuid's old format) is extrapolated from its leaf 0xB
// counts, with a warning.
void FillTopology(const CpuidDump& dump, const std::vector<LogicalCpu>& cpus,
                  CpuInfo& cpu);

}  // namespace lapbench::probes
