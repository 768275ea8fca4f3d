// The CPU probe: raw CPUID decoding cross-checked with libcpuid and the OS.
#include "probes/cpu.h"

#include <fmt/format.h>

#include "probes/cpu_decode.h"
#include "probes/cpu_kinds.h"
#include "probes/cpu_libcpuid.h"
#include "probes/cpu_live.h"
#include "probes/cpu_os_check.h"
#include "probes/cpuid_dump.h"

namespace lapbench::probes {
namespace {

void FillIdentity(const CpuidLeaves& first, CpuInfo& cpu) {
  cpu.vendor = CpuidVendor(first);
  const std::string brand = CpuidBrand(first);
  if (brand.empty()) {
    cpu.brand = Reading<std::string>::Missing(
        "CPUID leaves 0x80000002-4 hold no brand string");
  } else {
    cpu.brand = brand;
  }
  const FamilyModel fm = CpuidFamilyModel(first);
  cpu.family = fm.family;
  cpu.model = fm.model;
  cpu.stepping = fm.stepping;
}

// Intersects the CPU bits of every logical CPU: a thread may migrate to
// any of them, so a feature one lacks is not usable.
void FillFeatures(const CpuidDump& dump, uint64_t xcr0, CpuInfo& cpu) {
  cpu.features = DecodeCpuFeatures(CpuidFeatureLeaves(dump.cpus[0]), xcr0);
  for (size_t i = 1; i < dump.cpus.size(); ++i) {
    CpuFeatures other =
        DecodeCpuFeatures(CpuidFeatureLeaves(dump.cpus[i]), xcr0);
    for (CpuFeature f : AllCpuFeatures()) {
      size_t index = CpuFeatures::Index(f);
      if (cpu.features.cpu[index] && !other.cpu[index]) {
        cpu.features.cpu[index] = false;
        cpu.warnings.push_back(fmt::format(
            "logical CPU {} lacks {} that CPU {} has: counted as absent",
            dump.os_cpu_ids[i], CpuFeatureName(f), dump.os_cpu_ids[0]));
      }
    }
  }
  if (Leaf7Sub1Missing(dump.cpus[0])) {
    // The kernels' features in CPUID.(7,1):EAX.
    cpu.features_unknown = {CpuFeature::kAvxVnni, CpuFeature::kAvx512Bf16};
    cpu.features_unknown_reason = fmt::format(
        "the {} format does not record CPUID leaf 7 subleaf 1, which "
        "CPUID.(7,0).EAX says exists",
        CpuidDumpFormatName(dump.format));
  }
  for (CpuFeature f : AllCpuFeatures()) {
    if (!cpu.features.CpuHas(f) || cpu.features.OsEnabled(f)) continue;
    cpu.warnings.push_back(fmt::format(
        "the CPU has {} but the OS has not enabled its register state "
        "(XCR0 {:#x}): not usable",
        CpuFeatureName(f), xcr0));
  }
}

// A dump records no XCR0: assume the OS enabled every state component the
// CPU supports, as Linux and Windows do, if the dump's OSXSAVE bit is set.
void FillDumpXcr0(const CpuidDump& dump, CpuInfo& cpu) {
  const CpuidLeaves& first = dump.cpus[0];
  const bool osxsave = (first.Get(1).ecx >> 27) & 1u;
  const uint64_t xcr0 = osxsave ? CpuidSupportedXcr0(first) : 0;
  cpu.xcr0 = xcr0;
  if (osxsave) {
    cpu.xcr0_source = "assumed from CPUID.(0xD,0) supported components";
    cpu.warnings.push_back(fmt::format(
        "a CPUID dump records no XCR0: assuming the OS enabled every state "
        "component CPUID.(0xD,0) reports ({:#x}), since OSXSAVE is set",
        xcr0));
  } else {
    cpu.xcr0_source = "OSXSAVE clear in the dump: no state enabled";
  }
  FillFeatures(dump, xcr0, cpu);
}

void FillLiveXcr0(const CpuidDump& dump, CpuInfo& cpu) {
  const bool osxsave = (dump.cpus[0].Get(1).ecx >> 27) & 1u;
  const uint64_t xcr0 = ReadLiveXcr0();
  if (osxsave) {
    cpu.xcr0 = xcr0;
    cpu.xcr0_source = "xgetbv";
  } else {
    cpu.xcr0 = Reading<uint64_t>::Missing(
        "the OS has not set CPUID.1:ECX.OSXSAVE, so XCR0 cannot be read and "
        "no extended register state is enabled");
  }
  FillFeatures(dump, xcr0, cpu);
  const CpuFeatures detected = DetectCpuFeatures();
  if (detected.cpu != cpu.features.cpu ||
      detected.os_enabled != cpu.features.os_enabled) {
    cpu.warnings.push_back(
        "DetectCpuFeatures() on the current CPU disagrees with the features "
        "decoded from every CPU's leaves; the latter are reported");
  }
}

// One clock from cpufreq below `root` (kHz in the file), or why not.
Reading<int> CpufreqMhz(const FsRoot* root, std::string_view file) {
  if (!root) {
    return Reading<int>::Missing("a CPUID dump comes with no cpufreq");
  }
  const auto path = root->Resolve(
      fmt::format("/sys/devices/system/cpu/cpu0/cpufreq/{}", file));
  Reading<int64_t> khz = root->ReadInt(path);
  if (!khz) return MissingLike<int>(khz);
  return static_cast<int>(*khz / 1000);
}

// Base clock: CPUID leaf 0x16, else the brand string ("@ 2.70GHz"), else
// cpufreq's base_frequency.
void FillBaseClock(const CpuidClocks& leaf16, const FsRoot* os_root,
                   CpuInfo& cpu) {
  const int brand_mhz = cpu.brand ? BrandClockMhz(*cpu.brand) : 0;
  if (leaf16.base_mhz > 0) {
    cpu.base_mhz = leaf16.base_mhz;
    cpu.base_mhz_source = "CPUID leaf 0x16";
    if (brand_mhz > 0 && brand_mhz != leaf16.base_mhz) {
      cpu.warnings.push_back(fmt::format(
          "the brand string says {} MHz base but CPUID leaf 0x16 says {} "
          "MHz (a configurable-TDP setting); reporting leaf 0x16",
          brand_mhz, leaf16.base_mhz));
    }
  } else if (brand_mhz > 0) {
    cpu.base_mhz = brand_mhz;
    cpu.base_mhz_source = "brand string";
  } else if (Reading<int> mhz = CpufreqMhz(os_root, "base_frequency")) {
    cpu.base_mhz = mhz;
    cpu.base_mhz_source = "cpufreq base_frequency";
  } else {
    cpu.base_mhz = Reading<int>::Missing(
        "CPUID leaf 0x16 and the brand string name none; " + mhz.reason());
  }
}

// Max clock: CPUID leaf 0x16, else cpufreq's cpuinfo_max_freq.
void FillMaxClock(const CpuidClocks& leaf16, const FsRoot* os_root,
                  CpuInfo& cpu) {
  if (leaf16.max_mhz > 0) {
    cpu.max_mhz = leaf16.max_mhz;
    cpu.max_mhz_source = "CPUID leaf 0x16";
  } else if (Reading<int> mhz = CpufreqMhz(os_root, "cpuinfo_max_freq")) {
    cpu.max_mhz = mhz;
    cpu.max_mhz_source = "cpufreq cpuinfo_max_freq";
  } else {
    cpu.max_mhz =
        Reading<int>::Missing("CPUID leaf 0x16 names none; " + mhz.reason());
  }
}

std::string DescribeKinds(const std::vector<std::string>& parts) {
  std::string text;
  for (const std::string& part : parts) {
    text += (text.empty() ? "" : ", ") + part;
  }
  return text;
}

// libcpuid 0.6.2 groups runs of equal purpose, misses AMD's and the
// low-power kinds: say so when its grouping differs from ours.
void CompareKinds(const LibcpuidView& lib, CpuInfo& cpu) {
  std::vector<std::string> theirs, ours;
  for (const LibcpuidType& t : lib.types) {
    theirs.push_back(
        fmt::format("{} {}C/{}T", t.purpose, t.n_cores, t.n_logical));
  }
  for (const CoreKind& k : cpu.core_kinds) {
    ours.push_back(
        fmt::format("{} {}C/{}T", k.purpose, k.n_cores, k.n_logical));
  }
  if (theirs == ours) return;
  cpu.warnings.push_back(fmt::format(
      "libcpuid 0.6.2 reports the core types as [{}]; decoding CPUID leaves "
      "0x1A, 0x80000026 and the cache leaves gives [{}], which is reported",
      DescribeKinds(theirs), DescribeKinds(ours)));
}

void CompareIdentity(const LibcpuidView& lib, CpuInfo& cpu) {
  auto differs = [&](std::string_view what, const std::string& theirs,
                     const std::string& ours) {
    if (theirs == ours) return;
    cpu.warnings.push_back(fmt::format(
        "libcpuid 0.6.2 disagrees on {}: '{}' (CPUID decoding says '{}')", what,
        theirs, ours));
  };
  differs("vendor", lib.vendor, cpu.vendor.value_or(""));
  differs("family/model/stepping",
          fmt::format("{}/{}/{}", lib.family, lib.model, lib.stepping),
          fmt::format("{}/{}/{}", cpu.family.value_or(0), cpu.model.value_or(0),
                      cpu.stepping.value_or(0)));
  differs("the number of logical CPUs", std::to_string(lib.total_logical),
          std::to_string(cpu.n_logical_cpus.value_or(0)));
}

// The codename only where 0.6.2 knows the CPU, and never without a brand.
void FillCodename(const LibcpuidView& lib, bool hypervisor, CpuInfo& cpu) {
  using R = Reading<std::string>;
  if (!cpu.brand) {
    cpu.codename = R::Missing("no brand string to qualify a codename");
  } else if (hypervisor) {
    cpu.codename = R::Missing(fmt::format(
        "a hypervisor presents this CPU (CPUID.1:ECX bit 31) and may report "
        "a family and model that are not the host's; libcpuid 0.6.2 would "
        "name it '{}'",
        lib.codename));
  } else if (!lib.ok) {
    cpu.codename = R::Missing("libcpuid 0.6.2 failed: " + lib.error);
  } else if (!LibcpuidCodenameReliable(cpu.vendor.value_or(""),
                                       cpu.family.value_or(0),
                                       cpu.model.value_or(0))) {
    cpu.codename = R::Missing(fmt::format(
        "libcpuid 0.6.2's database predates this CPU (family {:#x} model "
        "{:#x}); it would name it '{}'",
        cpu.family.value_or(0), cpu.model.value_or(0), lib.codename));
  } else {
    cpu.codename = lib.codename;
  }
}

void CrossCheckLibcpuid(const std::optional<std::filesystem::path>& dump,
                        bool hypervisor, CpuInfo& cpu) {
  const LibcpuidView lib = ReadLibcpuid(dump);
  FillCodename(lib, hypervisor, cpu);
  if (!lib.ok) {
    cpu.warnings.push_back("libcpuid 0.6.2 could not decode the CPU: " +
                           lib.error);
    return;
  }
  CompareIdentity(lib, cpu);
  CompareKinds(lib, cpu);
}

}  // namespace

CpuInfo ProbeCpu(const FsRoot& root,
                 const std::optional<std::filesystem::path>& cpuid_dump) {
  CpuInfo cpu;
  const CpuidDump dump =
      cpuid_dump ? ReadCpuidDump(*cpuid_dump) : ReadLiveCpuid(cpu.warnings);
  cpu.source = dump.source;
  cpu.source_format = std::string(CpuidDumpFormatName(dump.format));
  // A dump describes another machine: the OS below a live root is not its.
  const FsRoot* os_root = (!cpuid_dump || !root.IsLive()) ? &root : nullptr;

  std::vector<LogicalCpu> cpus;
  for (size_t i = 0; i < dump.cpus.size(); ++i) {
    cpus.push_back(DecodeLogicalCpu(dump.cpus[i], dump.os_cpu_ids[i]));
  }
  FillIdentity(dump.cpus[0], cpu);
  FillTopology(dump, cpus, cpu);
  FillBaseClock(CpuidLeaf16Clocks(dump.cpus[0]), os_root, cpu);
  FillMaxClock(CpuidLeaf16Clocks(dump.cpus[0]), os_root, cpu);
  if (cpuid_dump) {
    FillDumpXcr0(dump, cpu);
  } else {
    FillLiveXcr0(dump, cpu);
  }
  const bool hypervisor = (dump.cpus[0].Get(1).ecx >> 31) & 1u;
  CrossCheckLibcpuid(cpuid_dump, hypervisor, cpu);
  if (os_root) {
    CrossCheckWithOs(*os_root, cpu);
  } else {
    cpu.os_cross_check = Reading<std::string>::Missing(
        "a CPUID dump describes another machine than this OS");
  }
  return cpu;
}

}  // namespace lapbench::probes
