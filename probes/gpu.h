// Display controllers (the integrated GPU above all) from DRM and hwloc.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "probes/reading.h"
#include "probes/sysfs.h"
#include "probes/topology.h"

namespace lapbench::probes {

// One display controller, found as a /sys/class/drm/cardN, as an hwloc PCI
// object, or both (matched on the PCI bus id).
struct GpuDevice {
  std::string bus_id;           // "0000:00:02.0"
  Reading<uint16_t> vendor_id;  // 0x8086 Intel, 0x1002 AMD, 0x10de NVIDIA
  Reading<uint16_t> device_id;
  // A marketing name from lapbench's table of laptop iGPUs, else hwloc's.
  Reading<std::string> name;
  Reading<std::string> driver;  // i915, xe, amdgpu, nouveau, virtio-pci...
  Reading<bool> integrated;
  std::string integrated_basis;  // the heuristic that decided `integrated`
  // amdgpu's mem_info_vram_total (on an APU: the BIOS carve-out) and
  // mem_info_gtt_total (system RAM the GPU can map).
  Reading<uint64_t> vram_bytes;
  Reading<uint64_t> gtt_bytes;
  // "card1"; missing when only hwloc knows the device (no DRM driver).
  Reading<std::string> card;
  std::string source;  // "drm", "hwloc" or "drm+hwloc"
};

// All display controllers. None is a valid answer.
struct GpuInfo {
  std::vector<GpuDevice> devices;  // DRM cards first, by card number
  std::string none_reason;         // why `devices` is empty; empty otherwise
};

// Lists the DRM cards below `root` and merges in `hwloc_pci`, the display
// controllers hwloc found (Topology::pci_display_devices). Never throws.
GpuInfo ProbeGpus(const FsRoot& root,
                  const std::vector<PciDisplayDevice>& hwloc_pci);

// A known laptop GPU from lapbench's table (gpu_names.cc).
struct KnownGpu {
  std::string_view name;  // "Intel Iris Xe Graphics (Raptor Lake-P)"
  bool integrated = true;
};

// The table's entry for a PCI vendor and device id; nullptr when unknown.
// PCI vendor ids of the GPU makers laptops carry.
inline constexpr uint16_t kPciVendorIntel = 0x8086;
inline constexpr uint16_t kPciVendorAmd = 0x1002;
inline constexpr uint16_t kPciVendorNvidia = 0x10de;

const KnownGpu* FindKnownGpu(uint16_t vendor_id, uint16_t device_id);

// The "gpu" section of `lapbench probe --json`
// (docs/probe-json.md lists the fields).
nlohmann::json ToJson(const GpuInfo& info);

// A few human-readable lines for `lapbench probe`.
std::string Summarize(const GpuInfo& info);

}  // namespace lapbench::probes
