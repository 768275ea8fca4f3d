// Raw CPUID registers per logical CPU, read from a dump file or the machine.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "probes/cpu_features.h"

namespace lapbench::probes {

// The CPUID leaves of one logical CPU, keyed by (leaf, subleaf).
class CpuidLeaves {
 public:
  void Set(uint32_t leaf, uint32_t subleaf, const CpuidRegs& regs);

  // The registers of (leaf, subleaf), or nullptr when they were not
  // recorded or the leaf lies above the maximum that CPUID leaf 0 (or
  // 0x80000000 for extended leaves) announces. The cap matters for
  // libcpuid's text format, which stores 32 basic leaves whatever the CPU
  // has, the ones above its maximum holding stale values.
  const CpuidRegs* Find(uint32_t leaf, uint32_t subleaf = 0) const;
  // Like Find, but zeros when absent (CPUID returns zeros for leaves that
  // report nothing).
  CpuidRegs Get(uint32_t leaf, uint32_t subleaf = 0) const;
  // The highest basic (`extended` false) or extended leaf, 0 when unknown.
  uint32_t MaxLeaf(bool extended) const;
  // Whether the input recorded (leaf, subleaf), whatever the maximum leaf.
  bool Recorded(uint32_t leaf, uint32_t subleaf = 0) const {
    return regs_.count({leaf, subleaf}) > 0;
  }
  bool empty() const { return regs_.empty(); }

 private:
  std::map<std::pair<uint32_t, uint32_t>, CpuidRegs> regs_;
};

// How a dump file is laid out.
enum class CpuidDumpFormat {
  kAida64,          // "CPUID 00000004: EAX-EBX-ECX-EDX [SL 01]" sections
  kLibcpuidMulti,   // "basic_cpuid[1]=..." lines in per-CPU sections
  kLibcpuidSingle,  // the same lines for one logical CPU, no sections
  kLive,            // read from the running machine
};

// "aida64", "libcpuid-multi", "libcpuid-single" or "live".
std::string_view CpuidDumpFormatName(CpuidDumpFormat format);

// The CPUID leaves of every logical CPU a dump (or the machine) holds, in
// dump order (by OS CPU number when live).
struct CpuidDump {
  std::string source;  // the dump's path, or "live"
  CpuidDumpFormat format = CpuidDumpFormat::kLive;
  std::vector<CpuidLeaves> cpus;
  std::vector<int> os_cpu_ids;  // logical CPU number of each entry
};

// Parses a dump in any of the three text formats. Throws ProbeError naming
// the file, the line and what was expected when the file is missing,
// unreadable, has an unrecognised line, an empty or truncated CPU section,
// or no CPUID data at all.
CpuidDump ReadCpuidDump(const std::filesystem::path& path);

// Parses dump text; `name` is used in error messages.
CpuidDump ParseCpuidDump(std::string_view text, const std::string& name);

}  // namespace lapbench::probes
