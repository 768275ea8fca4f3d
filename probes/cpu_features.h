// The CPU features lapbench's kernels care about, and whether they are usable.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace lapbench::probes {

// One instruction-set extension a kernel variant may need.
enum class CpuFeature {
  kSse42,
  kAvx,
  kAvx2,
  kFma,
  kF16c,
  kAvxVnni,
  kAvx512F,
  kAvx512Bw,
  kAvx512Vl,
  kAvx512Dq,
  kAvx512Vnni,
  kAvx512Bf16,
  kAvx512Fp16,
  kAmxTile,
  kAmxInt8,
  kAmxBf16,
};
inline constexpr size_t kCpuFeatureCount = 16;

// The report's name of a feature: "avx512_vnni", "f16c", ...
std::string_view CpuFeatureName(CpuFeature feature);

// Every feature, in declaration order, for iterating.
const std::array<CpuFeature, kCpuFeatureCount>& AllCpuFeatures();

// What the CPU advertises (CPUID) and what the OS has enabled the register
// state for (XCR0). Only a feature that is both is usable: AVX-512 code on a
// kernel that does not save ZMM state faults.
struct CpuFeatures {
  std::array<bool, kCpuFeatureCount> cpu{};
  std::array<bool, kCpuFeatureCount> os_enabled{};

  bool CpuHas(CpuFeature f) const { return cpu[Index(f)]; }
  bool OsEnabled(CpuFeature f) const { return os_enabled[Index(f)]; }
  // True when the CPU has `f` and the OS saves its registers.
  bool Usable(CpuFeature f) const { return CpuHas(f) && OsEnabled(f); }

  static size_t Index(CpuFeature f) { return static_cast<size_t>(f); }
};

// The CPUID registers feature decoding needs, as read from a CPU or a dump.
struct CpuidRegs {
  uint32_t eax = 0, ebx = 0, ecx = 0, edx = 0;
};
struct FeatureLeaves {
  CpuidRegs leaf1;    // CPUID.1
  CpuidRegs leaf7_0;  // CPUID.(EAX=7, ECX=0); zero when leaf 7 is absent
  CpuidRegs leaf7_1;  // CPUID.(EAX=7, ECX=1); zero when absent
};

// Executes CPUID on this CPU.
CpuidRegs Cpuid(uint32_t leaf, uint32_t subleaf);

// XCR0 state-component bits the kernels' registers live in.
inline constexpr uint64_t kXcr0Sse = 1u << 1;
inline constexpr uint64_t kXcr0Avx = 1u << 2;
inline constexpr uint64_t kXcr0Avx512 = (1u << 5) | (1u << 6) | (1u << 7);
inline constexpr uint64_t kXcr0Amx = (1u << 17) | (1u << 18);

// Decodes the feature bits of leaves 1, 7.0 and 7.1, and which of them the
// OS has enabled given XCR0 (ignored unless CPUID.1:ECX.OSXSAVE is set).
CpuFeatures DecodeCpuFeatures(const FeatureLeaves& leaves, uint64_t xcr0);

// Reads the features of the CPU this process runs on (CPUID and XGETBV).
CpuFeatures DetectCpuFeatures();

}  // namespace lapbench::probes
