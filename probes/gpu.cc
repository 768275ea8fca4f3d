// Display controllers (the integrated GPU above all) from DRM and hwloc.
#include "probes/gpu.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "probes/json_fields.h"

namespace lapbench::probes {
namespace fs = std::filesystem;

namespace {

constexpr std::string_view kDrmDir = "/sys/class/drm";
// An APU's carve-out is set in the BIOS (512 MiB to 8 GiB on most laptops);
// laptop Radeon dGPUs start at 4 GiB. Strix Halo can carve out more, but it
// is in the name table and never reaches this rule.
constexpr uint64_t kMaxApuVramBytes = 4ull << 30;

// "card1" but not "card1-eDP-1" (a connector) or "renderD128".
bool IsCardName(std::string_view name) {
  if (!name.starts_with("card") || name.size() == 4) return false;
  return std::all_of(name.begin() + 4, name.end(),
                     [](char c) { return std::isdigit(c) != 0; });
}

Reading<uint16_t> ReadId(const FsRoot& root, const fs::path& path) {
  Reading<uint64_t> value = root.ReadHex(path);
  if (!value) return MissingLike<uint16_t>(value);
  if (*value > 0xffff) {
    return Reading<uint16_t>::Missing(
        fmt::format("'{}' holds '{:#x}' (expected a 16-bit PCI id)",
                    path.string(), *value));
  }
  return static_cast<uint16_t>(*value);
}

Reading<uint64_t> ReadBytes(const FsRoot& root, const fs::path& path) {
  Reading<int64_t> value = root.ReadInt(path);
  if (!value) return MissingLike<uint64_t>(value);
  if (*value < 0) {
    return Reading<uint64_t>::Missing(fmt::format(
        "'{}' holds '{}' (expected a byte count)", path.string(), *value));
  }
  return static_cast<uint64_t>(*value);
}

// True for "0000:00:02.0": domain 0, bus 0, device 2, function 0.
bool IsIntelIgpuSlot(std::string_view bus_id) {
  return bus_id == "0000:00:02.0" || bus_id == "00:02.0";
}

bool IsVirtualVendor(uint16_t vendor_id) {
  // virtio, QEMU std VGA, VMware SVGA, Red Hat QXL, Microsoft Hyper-V.
  return vendor_id == 0x1af4 || vendor_id == 0x1234 || vendor_id == 0x15ad ||
         vendor_id == 0x1b36 || vendor_id == 0x1414;
}

void DecideAmd(GpuDevice& gpu) {
  if (FindKnownGpu(kPciVendorAmd, gpu.device_id.value_or(0)) != nullptr) {
    gpu.integrated = true;
    gpu.integrated_basis = "device id is a known AMD APU iGPU";
  } else if (gpu.vram_bytes) {
    gpu.integrated = *gpu.vram_bytes < kMaxApuVramBytes;
    gpu.integrated_basis =
        fmt::format("VRAM {} MiB is {} 4 GiB ({})", *gpu.vram_bytes >> 20,
                    *gpu.integrated ? "under" : "at least",
                    *gpu.integrated ? "an APU carve-out" : "dGPU-sized");
  } else {
    gpu.integrated = Reading<bool>::Missing(fmt::format(
        "AMD device not in the iGPU table and VRAM size unknown: {}",
        gpu.vram_bytes.reason()));
  }
}

// Sets integrated and integrated_basis by the vendor's heuristic.
void DecideIntegrated(GpuDevice& gpu) {
  if (!gpu.vendor_id) {
    gpu.integrated = Reading<bool>::Missing(
        fmt::format("vendor unknown: {}", gpu.vendor_id.reason()));
  } else if (*gpu.vendor_id == kPciVendorIntel) {
    gpu.integrated = IsIntelIgpuSlot(gpu.bus_id);
    gpu.integrated_basis =
        *gpu.integrated ? "Intel GPU at 00:02.0, the iGPU's fixed address"
                        : "Intel GPU off 00:02.0 (an Arc dGPU)";
  } else if (*gpu.vendor_id == kPciVendorAmd) {
    DecideAmd(gpu);
  } else if (*gpu.vendor_id == kPciVendorNvidia) {
    gpu.integrated = false;
    gpu.integrated_basis = "NVIDIA GPUs in laptops are discrete";
  } else if (IsVirtualVendor(*gpu.vendor_id)) {
    gpu.integrated = Reading<bool>::Missing(fmt::format(
        "virtual display adapter (vendor {:#06x}), neither integrated nor "
        "discrete",
        *gpu.vendor_id));
  } else {
    gpu.integrated = Reading<bool>::Missing(
        fmt::format("no heuristic for vendor {:#06x}", *gpu.vendor_id));
  }
}

// The table's name, else `fallback` (hwloc's), else a reason.
void NameDevice(GpuDevice& gpu, const std::string& fallback) {
  const KnownGpu* known = gpu.vendor_id && gpu.device_id
                              ? FindKnownGpu(*gpu.vendor_id, *gpu.device_id)
                              : nullptr;
  if (known != nullptr) {
    gpu.name = std::string(known->name);
  } else if (!fallback.empty()) {
    gpu.name = fallback;
  } else if (!gpu.vendor_id || !gpu.device_id) {
    gpu.name = Reading<std::string>::Missing(fmt::format(
        "PCI id unknown: {}",
        !gpu.vendor_id ? gpu.vendor_id.reason() : gpu.device_id.reason()));
  } else {
    gpu.name = Reading<std::string>::Missing(fmt::format(
        "{:04x}:{:04x} is not in lapbench's GPU table and hwloc has no name",
        *gpu.vendor_id, *gpu.device_id));
  }
}

GpuDevice ReadCard(const FsRoot& root, const fs::path& card_dir,
                   const std::string& card) {
  GpuDevice gpu;
  fs::path dev = card_dir / "device";
  gpu.card = card;
  gpu.source = "drm";
  gpu.bus_id = root.ReadLinkName(dev).value_or("");
  gpu.vendor_id = ReadId(root, dev / "vendor");
  gpu.device_id = ReadId(root, dev / "device");
  gpu.driver = root.ReadLinkName(dev / "driver");
  if (gpu.driver && *gpu.driver == "amdgpu") {
    gpu.vram_bytes = ReadBytes(root, dev / "mem_info_vram_total");
    gpu.gtt_bytes = ReadBytes(root, dev / "mem_info_gtt_total");
  } else {
    std::string why = fmt::format(
        "only amdgpu reports mem_info_vram_total and mem_info_gtt_total "
        "(driver: {})",
        gpu.driver.value_or("unknown"));
    gpu.vram_bytes = Reading<uint64_t>::Missing(why);
    gpu.gtt_bytes = Reading<uint64_t>::Missing(why);
  }
  return gpu;
}

GpuDevice FromHwloc(const FsRoot& root, const PciDisplayDevice& pci) {
  GpuDevice gpu;
  gpu.bus_id = pci.bus_id;
  gpu.vendor_id = pci.vendor_id;
  gpu.device_id = pci.device_id;
  gpu.source = "hwloc";
  std::string no_card = "no /sys/class/drm card for this PCI device";
  gpu.card = Reading<std::string>::Missing(no_card);
  gpu.vram_bytes = Reading<uint64_t>::Missing(no_card);
  gpu.gtt_bytes = Reading<uint64_t>::Missing(no_card);
  // A GPU without a DRM driver may still have a non-DRM one (vfio-pci,
  // or the proprietary nvidia before nvidia-drm loads).
  gpu.driver = root.ReadLinkName(root.Resolve("/sys/bus/pci/devices") /
                                 pci.bus_id / "driver");
  return gpu;
}

bool SameBusId(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

// Adds hwloc's devices to `devices`, or completes the DRM entry of the
// same bus id: hwloc read the ids from PCI config space, which a DRM
// sysfs file cannot garble.
void MergeHwloc(const FsRoot& root,
                const std::vector<PciDisplayDevice>& hwloc_pci,
                std::vector<GpuDevice>& devices,
                std::vector<std::string>& hwloc_names) {
  for (const PciDisplayDevice& pci : hwloc_pci) {
    auto it = std::find_if(devices.begin(), devices.end(), [&](auto& gpu) {
      return SameBusId(gpu.bus_id, pci.bus_id);
    });
    if (it == devices.end()) {
      devices.push_back(FromHwloc(root, pci));
      hwloc_names.push_back(pci.name);
      continue;
    }
    it->source = "drm+hwloc";
    if (!it->vendor_id) it->vendor_id = pci.vendor_id;
    if (!it->device_id) it->device_id = pci.device_id;
    hwloc_names[static_cast<size_t>(it - devices.begin())] = pci.name;
  }
}

std::string NoneReason(const FsRoot& root, const fs::path& drm) {
  std::string drm_part =
      root.Exists(drm) ? fmt::format("'{}' has no cardN entries", drm.string())
                       : fmt::format("'{}' does not exist", drm.string());
  return fmt::format(
      "no display controller: {}, and hwloc lists no PCI "
      "display device",
      drm_part);
}

Reading<std::string> HexId(const Reading<uint16_t>& id) {
  if (!id) return MissingLike<std::string>(id);
  return fmt::format("{:#06x}", *id);
}

nlohmann::json DeviceJson(const GpuDevice& gpu) {
  nlohmann::json j;
  j["bus_id"] = gpu.bus_id;
  PutReading(j, "vendor_id", HexId(gpu.vendor_id));
  PutReading(j, "device_id", HexId(gpu.device_id));
  PutReading(j, "name", gpu.name);
  PutReading(j, "driver", gpu.driver);
  PutReading(j, "integrated", gpu.integrated);
  PutReading(j, "integrated_basis",
             TextBeside(gpu.integrated_basis, gpu.integrated));
  PutReading(j, "vram_bytes", gpu.vram_bytes);
  PutReading(j, "gtt_bytes", gpu.gtt_bytes);
  PutReading(j, "card", gpu.card);
  j["source"] = gpu.source;
  return j;
}

}  // namespace

GpuInfo ProbeGpus(const FsRoot& root,
                  const std::vector<PciDisplayDevice>& hwloc_pci) {
  GpuInfo info;
  fs::path drm = root.Resolve(kDrmDir);
  for (const std::string& name : root.List(drm, "card")) {
    if (IsCardName(name))
      info.devices.push_back(ReadCard(root, drm / name, name));
  }
  std::vector<std::string> hwloc_names(info.devices.size());
  MergeHwloc(root, hwloc_pci, info.devices, hwloc_names);
  for (size_t i = 0; i < info.devices.size(); ++i) {
    NameDevice(info.devices[i], hwloc_names[i]);
    DecideIntegrated(info.devices[i]);
  }
  if (info.devices.empty()) info.none_reason = NoneReason(root, drm);
  return info;
}

nlohmann::json ToJson(const GpuInfo& info) {
  nlohmann::json j;
  j["devices"] = nlohmann::json::array();
  for (const GpuDevice& gpu : info.devices) {
    j["devices"].push_back(DeviceJson(gpu));
  }
  if (info.devices.empty()) j["none_reason"] = info.none_reason;
  return j;
}

std::string Summarize(const GpuInfo& info) {
  if (info.devices.empty()) return fmt::format("  none ({})", info.none_reason);
  std::string text;
  for (const GpuDevice& gpu : info.devices) {
    std::string kind = !gpu.integrated   ? "unknown kind"
                       : *gpu.integrated ? "integrated"
                                         : "discrete";
    if (!text.empty()) text += '\n';
    text += fmt::format("  {} {} [{}], driver {}", gpu.bus_id,
                        gpu.name.value_or("unnamed"), kind,
                        gpu.driver.value_or("none"));
    if (gpu.vram_bytes && gpu.gtt_bytes) {
      text += fmt::format(", VRAM {} MiB, GTT {} MiB", *gpu.vram_bytes >> 20,
                          *gpu.gtt_bytes >> 20);
    }
  }
  return text;
}

}  // namespace lapbench::probes
