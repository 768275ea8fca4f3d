// Reads the raw CPUID leaves of every logical CPU of the running machine.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "probes/cpuid_dump.h"

namespace lapbench::probes {

// Runs CPUID on each logical CPU this process may run on (pinning a thread
// to each in turn), collecting the leaves and subleaves the CPU probe
// decodes. A CPU that cannot be pinned is skipped with a warning appended
// to `warnings`; if none can be, the current CPU alone is read.
CpuidDump ReadLiveCpuid(std::vector<std::string>& warnings);

// XCR0 of this machine (XGETBV 0), or 0 when the OS has not set
// CPUID.1:ECX.OSXSAVE (then XGETBV would fault).
uint64_t ReadLiveXcr0();

}  // namespace lapbench::probes
