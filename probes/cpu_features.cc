// Decodes CPUID feature bits and the OS's XCR0 into usable CPU features.
#include "probes/cpu_features.h"

#include <cpuid.h>

namespace lapbench::probes {
namespace {

bool Bit(uint32_t reg, int bit) { return (reg >> bit) & 1u; }

struct FeatureBit {
  CpuFeature feature;
  const CpuidRegs FeatureLeaves::*leaf;
  uint32_t CpuidRegs::*reg;
  int bit;
  uint64_t xcr0_needed;  // state components the OS must enable
};

// Bit positions from the Intel SDM and AMD APM, CPUID leaves 1 and 7.
constexpr uint64_t kYmm = kXcr0Sse | kXcr0Avx;
constexpr uint64_t kZmm = kYmm | kXcr0Avx512;
constexpr FeatureBit kFeatureBits[] = {
    {CpuFeature::kSse42, &FeatureLeaves::leaf1, &CpuidRegs::ecx, 20, 0},
    {CpuFeature::kAvx, &FeatureLeaves::leaf1, &CpuidRegs::ecx, 28, kYmm},
    {CpuFeature::kAvx2, &FeatureLeaves::leaf7_0, &CpuidRegs::ebx, 5, kYmm},
    {CpuFeature::kFma, &FeatureLeaves::leaf1, &CpuidRegs::ecx, 12, kYmm},
    {CpuFeature::kF16c, &FeatureLeaves::leaf1, &CpuidRegs::ecx, 29, kYmm},
    {CpuFeature::kAvxVnni, &FeatureLeaves::leaf7_1, &CpuidRegs::eax, 4, kYmm},
    {CpuFeature::kAvx512F, &FeatureLeaves::leaf7_0, &CpuidRegs::ebx, 16, kZmm},
    {CpuFeature::kAvx512Bw, &FeatureLeaves::leaf7_0, &CpuidRegs::ebx, 30, kZmm},
    {CpuFeature::kAvx512Vl, &FeatureLeaves::leaf7_0, &CpuidRegs::ebx, 31, kZmm},
    {CpuFeature::kAvx512Dq, &FeatureLeaves::leaf7_0, &CpuidRegs::ebx, 17, kZmm},
    {CpuFeature::kAvx512Vnni, &FeatureLeaves::leaf7_0, &CpuidRegs::ecx, 11,
     kZmm},
    {CpuFeature::kAvx512Bf16, &FeatureLeaves::leaf7_1, &CpuidRegs::eax, 5,
     kZmm},
    {CpuFeature::kAvx512Fp16, &FeatureLeaves::leaf7_0, &CpuidRegs::edx, 23,
     kZmm},
    {CpuFeature::kAmxTile, &FeatureLeaves::leaf7_0, &CpuidRegs::edx, 24,
     kXcr0Amx},
    {CpuFeature::kAmxInt8, &FeatureLeaves::leaf7_0, &CpuidRegs::edx, 25,
     kXcr0Amx},
    {CpuFeature::kAmxBf16, &FeatureLeaves::leaf7_0, &CpuidRegs::edx, 22,
     kXcr0Amx},
};

constexpr std::string_view kNames[kCpuFeatureCount] = {
    "sse4_2",      "avx",      "avx2",        "fma",
    "f16c",        "avx_vnni", "avx512f",     "avx512bw",
    "avx512vl",    "avx512dq", "avx512_vnni", "avx512_bf16",
    "avx512_fp16", "amx_tile", "amx_int8",    "amx_bf16",
};

// XGETBV(0), only valid when CPUID.1:ECX.OSXSAVE is set.
uint64_t ReadXcr0() {
  uint32_t eax = 0, edx = 0;
  __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
  return (static_cast<uint64_t>(edx) << 32) | eax;
}

}  // namespace

CpuidRegs Cpuid(uint32_t leaf, uint32_t subleaf) {
  CpuidRegs r;
  __cpuid_count(leaf, subleaf, r.eax, r.ebx, r.ecx, r.edx);
  return r;
}

std::string_view CpuFeatureName(CpuFeature feature) {
  return kNames[CpuFeatures::Index(feature)];
}

const std::array<CpuFeature, kCpuFeatureCount>& AllCpuFeatures() {
  static const std::array<CpuFeature, kCpuFeatureCount> all = [] {
    std::array<CpuFeature, kCpuFeatureCount> features{};
    for (size_t i = 0; i < kCpuFeatureCount; ++i) {
      features[i] = static_cast<CpuFeature>(i);
    }
    return features;
  }();
  return all;
}

CpuFeatures DecodeCpuFeatures(const FeatureLeaves& leaves, uint64_t xcr0) {
  const bool osxsave = Bit(leaves.leaf1.ecx, 27);
  if (!osxsave) xcr0 = 0;
  CpuFeatures features;
  for (const FeatureBit& fb : kFeatureBits) {
    const CpuidRegs& regs = leaves.*(fb.leaf);
    size_t i = CpuFeatures::Index(fb.feature);
    features.cpu[i] = Bit(regs.*(fb.reg), fb.bit);
    features.os_enabled[i] = (xcr0 & fb.xcr0_needed) == fb.xcr0_needed;
  }
  return features;
}

CpuFeatures DetectCpuFeatures() {
  FeatureLeaves leaves;
  const uint32_t max_leaf = __get_cpuid_max(0, nullptr);
  if (max_leaf >= 1) leaves.leaf1 = Cpuid(1, 0);
  if (max_leaf >= 7) {
    leaves.leaf7_0 = Cpuid(7, 0);
    if (leaves.leaf7_0.eax >= 1) leaves.leaf7_1 = Cpuid(7, 1);
  }
  const bool osxsave = Bit(leaves.leaf1.ecx, 27);
  return DecodeCpuFeatures(leaves, osxsave ? ReadXcr0() : 0);
}

}  // namespace lapbench::probes
