// Decodes one logical CPU's raw CPUID leaves: identity, topology, caches.
#include "probes/cpu_decode.h"

#include <bit>
#include <cctype>
#include <charconv>
#include <cstring>
#include <string_view>

namespace lapbench::probes {
namespace {

// Bits low..high (inclusive) of a CPUID register, as the manuals number them.
uint32_t Bits(uint32_t reg, int low, int high) {
  return (reg >> low) &
         ((high - low >= 31) ? ~0u : ((1u << (high - low + 1)) - 1));
}

// Bits needed to number `count` ids: 2 -> 1, 3 -> 2, 8 -> 3.
int IdWidth(uint32_t count) {
  return count <= 1 ? 0 : std::bit_width(count - 1);
}

bool IsAmd(const CpuidLeaves& leaves) {
  std::string vendor = CpuidVendor(leaves);
  return vendor == "AuthenticAMD" || vendor == "HygonGenuine";
}

// Leaf 0xB subleaf 0 describes the SMT level when its level type is 1.
bool HasTopologyLeaf(const CpuidLeaves& leaves) {
  const CpuidRegs* smt = leaves.Find(0xB, 0);
  return smt && Bits(smt->ebx, 0, 15) != 0 && Bits(smt->ecx, 8, 15) == 1;
}

uint32_t ApicId(const CpuidLeaves& leaves) {
  if (HasTopologyLeaf(leaves)) return leaves.Get(0xB, 0).edx;
  return Bits(leaves.Get(1).ebx, 24, 31);
}

// Right shift from an APIC id to its core id.
int SmtShift(const CpuidLeaves& leaves) {
  if (HasTopologyLeaf(leaves)) {
    return static_cast<int>(Bits(leaves.Get(0xB, 0).eax, 0, 4));
  }
  if (IsAmd(leaves) && leaves.Find(0x8000001Eu)) {
    return IdWidth(Bits(leaves.Get(0x8000001Eu).ebx, 8, 15) + 1);
  }
  return 0;
}

// Reads the deterministic cache leaf (Intel 4, AMD 0x8000001D): size of
// each level's data or unified cache, and which APIC ids share it.
void DeterministicCaches(const CpuidLeaves& leaves, uint32_t leaf,
                         uint32_t apic_id, LogicalCpu& cpu) {
  for (uint32_t sub = 0; sub < 16; ++sub) {
    const CpuidRegs* r = leaves.Find(leaf, sub);
    if (!r || Bits(r->eax, 0, 4) == 0) break;
    const uint32_t type = Bits(r->eax, 0, 4);
    if (type == 2) continue;  // instruction cache
    CacheInfo cache;
    cache.size_bytes = int64_t{Bits(r->ebx, 22, 31) + 1} *
                       (Bits(r->ebx, 12, 21) + 1) * (Bits(r->ebx, 0, 11) + 1) *
                       (int64_t{r->ecx} + 1);
    const int width = IdWidth(Bits(r->eax, 14, 25) + 1);
    cache.instance_id = (apic_id >> width) << width;
    switch (Bits(r->eax, 5, 7)) {
      case 1:
        cpu.l1d = cache;
        break;
      case 2:
        cpu.l2 = cache;
        break;
      case 3:
        cpu.l3 = cache;
        break;
    }
  }
}

// AMD's legacy leaves: sizes only, no sharing information.
void LegacyAmdCaches(const CpuidLeaves& leaves, LogicalCpu& cpu) {
  constexpr int64_t kKiB = 1024;
  if (uint32_t kb = Bits(leaves.Get(0x80000005u).ecx, 24, 31)) {
    cpu.l1d = CacheInfo{kb * kKiB, std::nullopt};
  }
  if (uint32_t kb = Bits(leaves.Get(0x80000006u).ecx, 16, 31)) {
    cpu.l2 = CacheInfo{kb * kKiB, std::nullopt};
  }
  if (uint32_t half_mb = Bits(leaves.Get(0x80000006u).edx, 18, 31)) {
    cpu.l3 = CacheInfo{half_mb * 512 * kKiB, std::nullopt};
  }
}

// Intel leaf 0x1A core type (0x40 Core, 0x20 Atom) or AMD leaf 0x80000026
// core type (0 performance, 1 efficiency) on heterogeneous parts.
std::string Purpose(const CpuidLeaves& leaves) {
  if (IsAmd(leaves)) {
    const CpuidRegs* topo = leaves.Find(0x80000026u, 0);
    bool heterogeneous =
        topo && Bits(topo->eax, 30, 30) && Bits(topo->ecx, 8, 15) == 1;
    if (!heterogeneous) return "general";
    uint32_t type = Bits(topo->ebx, 28, 31);
    if (type == 0) return "performance";
    return type == 1 ? "efficiency" : "general";
  }
  switch (Bits(leaves.Get(0x1A).eax, 24, 31)) {
    case 0x40:
      return "performance";
    case 0x20:
      return "efficiency";
    default:
      return "general";
  }
}

}  // namespace

std::string CpuidVendor(const CpuidLeaves& leaves) {
  const CpuidRegs regs = leaves.Get(0);
  char text[12];
  std::memcpy(text, &regs.ebx, 4);
  std::memcpy(text + 4, &regs.edx, 4);
  std::memcpy(text + 8, &regs.ecx, 4);
  return std::string(text, strnlen(text, sizeof(text)));
}

std::string CpuidBrand(const CpuidLeaves& leaves) {
  std::string brand;
  for (uint32_t leaf = 0x80000002u; leaf <= 0x80000004u; ++leaf) {
    const CpuidRegs r = leaves.Get(leaf);
    for (uint32_t word : {r.eax, r.ebx, r.ecx, r.edx}) {
      char bytes[4];
      std::memcpy(bytes, &word, 4);
      brand.append(bytes, 4);
    }
  }
  brand.resize(strnlen(brand.c_str(), brand.size()));
  size_t begin = brand.find_first_not_of(' ');
  if (begin == std::string::npos) return "";
  return brand.substr(begin, brand.find_last_not_of(' ') - begin + 1);
}

FamilyModel CpuidFamilyModel(const CpuidLeaves& leaves) {
  const uint32_t eax = leaves.Get(1).eax;
  const int base_family = static_cast<int>(Bits(eax, 8, 11));
  FamilyModel fm;
  fm.family = base_family;
  if (base_family == 0xF) fm.family += static_cast<int>(Bits(eax, 20, 27));
  fm.model = static_cast<int>(Bits(eax, 4, 7));
  if (base_family == 0x6 || base_family == 0xF) {
    fm.model += static_cast<int>(Bits(eax, 16, 19) << 4);
  }
  fm.stepping = static_cast<int>(Bits(eax, 0, 3));
  return fm;
}

LogicalCpu DecodeLogicalCpu(const CpuidLeaves& leaves, int os_cpu_id) {
  LogicalCpu cpu;
  cpu.os_cpu_id = os_cpu_id;
  cpu.apic_id = ApicId(leaves);
  cpu.core_id = cpu.apic_id >> SmtShift(leaves);
  const bool amd = IsAmd(leaves);
  const uint32_t cache_leaf = amd ? 0x8000001Du : 4u;
  if (leaves.Find(cache_leaf, 0) && Bits(leaves.Get(cache_leaf).eax, 0, 4)) {
    DeterministicCaches(leaves, cache_leaf, cpu.apic_id, cpu);
  } else if (amd) {
    LegacyAmdCaches(leaves, cpu);
  }
  cpu.purpose = Purpose(leaves);
  // Intel's low-power E-cores (Meteor, Arrow, Lunar Lake) sit outside the
  // compute tile's L3: an efficiency core without L3 is one of them.
  if (cpu.purpose == "efficiency" && !cpu.l3) {
    cpu.purpose = "low-power efficiency";
  }
  return cpu;
}

int CpuidThreadsPerCore(const CpuidLeaves& leaves) {
  if (!HasTopologyLeaf(leaves)) return 0;
  return static_cast<int>(Bits(leaves.Get(0xB, 0).ebx, 0, 15));
}

int CpuidLogicalPerPackage(const CpuidLeaves& leaves) {
  if (!HasTopologyLeaf(leaves)) return 0;
  int count = 0;
  for (uint32_t sub = 0; sub < 8; ++sub) {
    const CpuidRegs* r = leaves.Find(0xB, sub);
    if (!r || Bits(r->ecx, 8, 15) == 0) break;
    count = static_cast<int>(Bits(r->ebx, 0, 15));
  }
  return count;
}

CpuidClocks CpuidLeaf16Clocks(const CpuidLeaves& leaves) {
  const CpuidRegs r = leaves.Get(0x16);
  return {static_cast<int>(Bits(r.eax, 0, 15)),
          static_cast<int>(Bits(r.ebx, 0, 15))};
}

int BrandClockMhz(const std::string& brand) {
  // The clock follows an '@': "Intel(R) Core(TM) i7-8550U CPU @ 1.80GHz".
  const std::string_view text = brand;
  for (size_t at = text.find('@'); at != std::string_view::npos;
       at = text.find('@', at + 1)) {
    std::string_view rest = text.substr(at + 1);
    while (!rest.empty() && std::isspace(static_cast<unsigned char>(rest[0]))) {
      rest.remove_prefix(1);
    }
    if (rest.empty() || !std::isdigit(static_cast<unsigned char>(rest[0]))) {
      continue;
    }
    double value = 0;
    const auto [end, error] =
        std::from_chars(rest.data(), rest.data() + rest.size(), value,
                        std::chars_format::fixed);
    if (error != std::errc()) continue;
    rest.remove_prefix(static_cast<size_t>(end - rest.data()));
    while (!rest.empty() && std::isspace(static_cast<unsigned char>(rest[0]))) {
      rest.remove_prefix(1);
    }
    if (rest.starts_with("GHz")) return static_cast<int>(value * 1000.0 + 0.5);
    if (rest.starts_with("MHz")) return static_cast<int>(value + 0.5);
  }
  return 0;
}

uint64_t CpuidSupportedXcr0(const CpuidLeaves& leaves) {
  const CpuidRegs r = leaves.Get(0xD, 0);
  return (uint64_t{r.edx} << 32) | r.eax;
}

FeatureLeaves CpuidFeatureLeaves(const CpuidLeaves& leaves) {
  FeatureLeaves out;
  out.leaf1 = leaves.Get(1);
  out.leaf7_0 = leaves.Get(7, 0);
  if (out.leaf7_0.eax >= 1) out.leaf7_1 = leaves.Get(7, 1);
  return out;
}

bool Leaf7Sub1Missing(const CpuidLeaves& leaves) {
  return leaves.Find(7, 0) && leaves.Get(7, 0).eax >= 1 && !leaves.Find(7, 1);
}

}  // namespace lapbench::probes
