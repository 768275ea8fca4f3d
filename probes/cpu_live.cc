// Reads the raw CPUID leaves of every logical CPU of the running machine.
#include "probes/cpu_live.h"

#include <fmt/format.h>
#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>

namespace lapbench::probes {
namespace {

constexpr uint32_t kExtBase = 0x80000000u;
// Leaves far above any real CPU's maximum are hypervisor noise.
constexpr uint32_t kMaxBasicLeaf = 0x40;
constexpr uint32_t kMaxExtLeaf = kExtBase + 0x40;
constexpr uint32_t kMaxSubleaves = 16;

// How many subleaves of `leaf` to read, and what ends the list.
bool EndsSubleaves(uint32_t leaf, uint32_t subleaf, const CpuidRegs& r) {
  switch (leaf) {
    case 4:
    case 0x8000001Du:
      return (r.eax & 0x1F) == 0;  // cache type "none"
    case 0xB:
    case 0x1F:
    case 0x80000026u:
      return subleaf > 0 && ((r.ecx >> 8) & 0xFF) == 0;  // level type 0
    default:
      return false;
  }
}

uint32_t SubleafCount(uint32_t leaf, const CpuidRegs& sub0) {
  switch (leaf) {
    case 4:
    case 0xB:
    case 0x1F:
    case 0x8000001Du:
    case 0x80000026u:
      return kMaxSubleaves;
    case 7:
      return std::min(sub0.eax + 1, kMaxSubleaves);
    case 0xD:
      return 2;  // 0: supported XCR0 bits; 1: XSAVE extensions
    default:
      return 1;
  }
}

void ReadLeafRange(uint32_t first, uint32_t last, CpuidLeaves& cpu) {
  for (uint32_t leaf = first; leaf <= last; ++leaf) {
    const CpuidRegs sub0 = Cpuid(leaf, 0);
    cpu.Set(leaf, 0, sub0);
    const uint32_t count = SubleafCount(leaf, sub0);
    for (uint32_t sub = 1; sub < count; ++sub) {
      const CpuidRegs r = Cpuid(leaf, sub);
      if (EndsSubleaves(leaf, sub, r)) break;
      cpu.Set(leaf, sub, r);
    }
  }
}

// The leaves of the CPU the calling thread runs on.
CpuidLeaves ReadCurrentCpu() {
  CpuidLeaves cpu;
  const uint32_t max_basic = std::min(Cpuid(0, 0).eax, kMaxBasicLeaf);
  ReadLeafRange(0, max_basic, cpu);
  const uint32_t max_ext = std::min(Cpuid(kExtBase, 0).eax, kMaxExtLeaf);
  if (max_ext >= kExtBase) ReadLeafRange(kExtBase, max_ext, cpu);
  return cpu;
}

// Reads `os_cpu` from a thread pinned to it; the error number on failure.
int ReadPinned(int os_cpu, CpuidLeaves& out) {
  int error = 0;
  std::thread worker([&] {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(os_cpu, &set);
    error = pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
    if (error == 0) out = ReadCurrentCpu();
  });
  worker.join();
  return error;
}

}  // namespace

CpuidDump ReadLiveCpuid(std::vector<std::string>& warnings) {
  CpuidDump dump;
  dump.source = "live";
  dump.format = CpuidDumpFormat::kLive;
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  if (sched_getaffinity(0, sizeof(allowed), &allowed) != 0) {
    warnings.push_back(fmt::format(
        "sched_getaffinity failed: '{}' (expected the allowed CPU set); "
        "reading CPUID on the current CPU only",
        std::strerror(errno)));
  }
  for (int os_cpu = 0; os_cpu < CPU_SETSIZE; ++os_cpu) {
    if (!CPU_ISSET(os_cpu, &allowed)) continue;
    CpuidLeaves leaves;
    if (int error = ReadPinned(os_cpu, leaves)) {
      warnings.push_back(fmt::format(
          "cannot pin a thread to CPU {}: '{}' (expected success); its "
          "CPUID leaves are not read",
          os_cpu, std::strerror(error)));
      continue;
    }
    dump.cpus.push_back(std::move(leaves));
    dump.os_cpu_ids.push_back(os_cpu);
  }
  if (dump.cpus.empty()) {
    dump.cpus.push_back(ReadCurrentCpu());
    dump.os_cpu_ids.push_back(sched_getcpu());
  }
  return dump;
}

uint64_t ReadLiveXcr0() {
  const CpuidRegs leaf1 = Cpuid(1, 0);
  if (((leaf1.ecx >> 27) & 1u) == 0) return 0;
  uint32_t eax = 0, edx = 0;
  __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
  return (uint64_t{edx} << 32) | eax;
}

}  // namespace lapbench::probes
