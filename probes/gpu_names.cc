// Marketing names of common laptop integrated GPUs by PCI vendor and device.
#include <algorithm>
#include <array>

#include "probes/gpu.h"

namespace lapbench::probes {

namespace {

struct Entry {
  uint16_t vendor_id;
  uint16_t device_id;
  KnownGpu gpu;
};

// Laptop iGPUs of the last several generations. Device ids reuse across
// SKUs (one id for Radeon 780M and 760M), so a name may list several.
// A device missing here still gets hwloc's name, if it has one.
constexpr std::array<Entry, 28> kTable = {{
    // Intel, by generation.
    {kPciVendorIntel, 0x5917, {"Intel UHD Graphics 620 (Kaby Lake-R)"}},
    {kPciVendorIntel, 0x3ea0, {"Intel UHD Graphics 620 (Whiskey Lake)"}},
    {kPciVendorIntel, 0x9b41, {"Intel UHD Graphics (Comet Lake-U)"}},
    {kPciVendorIntel, 0x8a52, {"Intel Iris Plus Graphics G7 (Ice Lake)"}},
    {kPciVendorIntel, 0x9a49, {"Intel Iris Xe Graphics (Tiger Lake)"}},
    {kPciVendorIntel, 0x9a78, {"Intel UHD Graphics (Tiger Lake)"}},
    {kPciVendorIntel, 0x46a3, {"Intel UHD Graphics (Alder Lake-P)"}},
    {kPciVendorIntel, 0x46a6, {"Intel Iris Xe Graphics (Alder Lake-P)"}},
    {kPciVendorIntel, 0x46a8, {"Intel Iris Xe Graphics (Alder Lake-U)"}},
    {kPciVendorIntel, 0x46aa, {"Intel Iris Xe Graphics (Alder Lake)"}},
    {kPciVendorIntel, 0xa720, {"Intel UHD Graphics (Raptor Lake-P)"}},
    {kPciVendorIntel, 0xa7a0, {"Intel Iris Xe Graphics (Raptor Lake-P)"}},
    {kPciVendorIntel, 0xa7a1, {"Intel Iris Xe Graphics (Raptor Lake-P)"}},
    {kPciVendorIntel, 0x7d45, {"Intel Graphics (Meteor Lake-U)"}},
    {kPciVendorIntel, 0x7d55, {"Intel Arc Graphics (Meteor Lake-H)"}},
    {kPciVendorIntel, 0x64a0, {"Intel Arc Graphics 130V/140V (Lunar Lake)"}},
    // AMD APUs, by generation.
    {kPciVendorAmd, 0x15dd, {"AMD Radeon Vega (Raven Ridge)"}},
    {kPciVendorAmd, 0x15d8, {"AMD Radeon Vega (Picasso)"}},
    {kPciVendorAmd, 0x1636, {"AMD Radeon Graphics (Renoir)"}},
    {kPciVendorAmd, 0x164c, {"AMD Radeon Graphics (Lucienne)"}},
    {kPciVendorAmd, 0x1638, {"AMD Radeon Graphics (Cezanne)"}},
    {kPciVendorAmd, 0x163f, {"AMD Custom GPU 0405 (Van Gogh)"}},
    {kPciVendorAmd, 0x1681, {"AMD Radeon 680M/660M (Rembrandt)"}},
    {kPciVendorAmd, 0x15bf, {"AMD Radeon 780M/760M (Phoenix)"}},
    {kPciVendorAmd, 0x15c8, {"AMD Radeon 740M (Phoenix2)"}},
    {kPciVendorAmd, 0x150e, {"AMD Radeon 890M/880M (Strix Point)"}},
    {kPciVendorAmd, 0x1114, {"AMD Radeon 860M/840M (Krackan Point)"}},
    {kPciVendorAmd, 0x1586, {"AMD Radeon 8060S/8050S (Strix Halo)"}},
}};

}  // namespace

const KnownGpu* FindKnownGpu(uint16_t vendor_id, uint16_t device_id) {
  auto it = std::find_if(kTable.begin(), kTable.end(), [&](const Entry& e) {
    return e.vendor_id == vendor_id && e.device_id == device_id;
  });
  return it == kTable.end() ? nullptr : &it->gpu;
}

}  // namespace lapbench::probes
