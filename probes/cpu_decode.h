// Decodes one logical CPU's raw CPUID leaves: identity, topology, caches.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "probes/cpuid_dump.h"

namespace lapbench::probes {

// One cache as one logical CPU sees it.
struct CacheInfo {
  int64_t size_bytes = 0;
  // Logical CPUs with the same id share this cache instance: the lowest
  // APIC id of the range that CPUID says shares it, so ids of different
  // core kinds compare too. nullopt when the CPU reports sizes only (AMD's
  // legacy leaves 0x80000005/6).
  std::optional<uint32_t> instance_id;
};

// What lapbench needs from one logical CPU's leaves.
struct LogicalCpu {
  int os_cpu_id = 0;
  uint32_t apic_id = 0;
  uint32_t core_id = 0;  // APIC id without the SMT bits: equal on siblings
  // "performance", "efficiency", "low-power efficiency" or "general".
  std::string purpose;
  std::optional<CacheInfo> l1d, l2, l3;
};

// Display family, model and stepping, as the vendors' manuals define them.
struct FamilyModel {
  int family = 0;
  int model = 0;
  int stepping = 0;
};

// The 12-character vendor id of leaf 0 ("GenuineIntel", "AuthenticAMD").
std::string CpuidVendor(const CpuidLeaves& leaves);

// The brand string of leaves 0x80000002-4 without leading or trailing
// spaces; empty when the CPU has none.
std::string CpuidBrand(const CpuidLeaves& leaves);

FamilyModel CpuidFamilyModel(const CpuidLeaves& leaves);

// Decodes `leaves` of the logical CPU numbered `os_cpu_id`.
LogicalCpu DecodeLogicalCpu(const CpuidLeaves& leaves, int os_cpu_id);

// Logical CPUs per core and per package from leaf 0xB; 0 when unknown.
int CpuidThreadsPerCore(const CpuidLeaves& leaves);
int CpuidLogicalPerPackage(const CpuidLeaves& leaves);

// Base and maximum clock in MHz from leaf 0x16; 0 when not reported.
struct CpuidClocks {
  int base_mhz = 0;
  int max_mhz = 0;
};
CpuidClocks CpuidLeaf16Clocks(const CpuidLeaves& leaves);

// The clock in a brand string such as "... CPU @ 2.70GHz", in MHz; 0 when
// the brand names none.
int BrandClockMhz(const std::string& brand);

// The XCR0 a dump's OS would have set if it enabled every state component
// the CPU supports (CPUID.(0xD,0) EDX:EAX). A dump records no XCR0.
uint64_t CpuidSupportedXcr0(const CpuidLeaves& leaves);

// Leaves 1, 7.0 and 7.1 for feature decoding.
FeatureLeaves CpuidFeatureLeaves(const CpuidLeaves& leaves);

// True when leaf 7 announces subleaf 1 but the leaves do not hold it (the
// libcpuid text formats keep subleaf 0 only).
bool Leaf7Sub1Missing(const CpuidLeaves& leaves);

}  // namespace lapbench::probes
