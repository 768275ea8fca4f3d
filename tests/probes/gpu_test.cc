// Tests of the GPU probe: DRM cards, hwloc's PCI devices, and their merge.
#include "probes/gpu.h"

#include <catch2/catch.hpp>

namespace lapbench::probes {
namespace {

FsRoot Tree(const char* name) {
  return FsRoot(std::string(LAPBENCH_FIXTURES_DIR) + "/sysfs/" + name);
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

constexpr uint64_t kMiB = 1ull << 20;

TEST_CASE("GPU probe finds the Intel iGPU and skips connectors",
          "[probes][gpu]") {
  GpuInfo info = ProbeGpus(Tree("intel-laptop"), {});
  REQUIRE(info.devices.size() == 1);  // not card1-eDP-1 nor renderD128
  const GpuDevice& gpu = info.devices[0];
  CHECK(*gpu.card == "card1");
  CHECK(gpu.bus_id == "0000:00:02.0");
  CHECK(*gpu.vendor_id == 0x8086);
  CHECK(*gpu.device_id == 0xa7a0);
  CHECK(*gpu.name == "Intel Iris Xe Graphics (Raptor Lake-P)");
  CHECK(*gpu.driver == "i915");
  REQUIRE(gpu.integrated.has_value());
  CHECK(*gpu.integrated);
  CHECK(Contains(gpu.integrated_basis, "00:02.0"));
  CHECK_FALSE(gpu.vram_bytes.has_value());
  CHECK(Contains(gpu.vram_bytes.reason(), "only amdgpu"));
  CHECK(gpu.source == "drm");
}

TEST_CASE("GPU probe reads the AMD APU's carve-out and GTT", "[probes][gpu]") {
  GpuInfo info = ProbeGpus(Tree("amd-laptop"), {});
  REQUIRE(info.devices.size() == 1);
  const GpuDevice& gpu = info.devices[0];
  CHECK(*gpu.card == "card0");
  CHECK(gpu.bus_id == "0000:c4:00.0");
  CHECK(*gpu.vendor_id == 0x1002);
  CHECK(*gpu.device_id == 0x15bf);
  CHECK(*gpu.name == "AMD Radeon 780M/760M (Phoenix)");
  CHECK(*gpu.driver == "amdgpu");
  CHECK(*gpu.vram_bytes == 512 * kMiB);
  CHECK(*gpu.gtt_bytes == 8160419840);  // half of MemTotal, 7.6 GiB
  REQUIRE(gpu.integrated.has_value());
  CHECK(*gpu.integrated);
  CHECK(Summarize(info) ==
        "  0000:c4:00.0 AMD Radeon 780M/760M (Phoenix) [integrated], "
        "driver amdgpu, VRAM 512 MiB, GTT 7782 MiB");
}

TEST_CASE("GPU probe tells an AMD APU from a dGPU by VRAM size",
          "[probes][gpu]") {
  // A Radeon id missing from the table: only the VRAM size can decide.
  PciDisplayDevice pci{"0000:c4:00.0", 0x1002, 0x15bf, 0x0300, ""};
  GpuInfo merged = ProbeGpus(Tree("amd-laptop"), {pci});
  REQUIRE(merged.devices.size() == 1);
  CHECK(merged.devices[0].source == "drm+hwloc");
  CHECK(Contains(merged.devices[0].integrated_basis, "known AMD APU"));

  GpuInfo malformed = ProbeGpus(Tree("malformed"), {});
  REQUIRE(malformed.devices.size() == 1);
  REQUIRE_FALSE(malformed.devices[0].integrated.has_value());
  CHECK(Contains(malformed.devices[0].integrated.reason(), "vendor unknown"));
}

TEST_CASE("GPU probe lists an hwloc PCI device that has no DRM card",
          "[probes][gpu]") {
  PciDisplayDevice nvidia{"0000:01:00.0", 0x10de, 0x28e0, 0x0302,
                          "AD107M [GeForce RTX 4060 Max-Q / Mobile]"};
  PciDisplayDevice igpu{"0000:00:02.0", 0x8086, 0xa7a0, 0x0300, ""};
  GpuInfo info = ProbeGpus(Tree("intel-laptop"), {igpu, nvidia});
  REQUIRE(info.devices.size() == 2);
  CHECK(info.devices[0].source == "drm+hwloc");

  const GpuDevice& dgpu = info.devices[1];
  CHECK(dgpu.source == "hwloc");
  CHECK(dgpu.bus_id == "0000:01:00.0");
  CHECK(*dgpu.vendor_id == 0x10de);
  CHECK(*dgpu.name == "AD107M [GeForce RTX 4060 Max-Q / Mobile]");
  REQUIRE_FALSE(dgpu.card.has_value());
  CHECK(Contains(dgpu.card.reason(), "no /sys/class/drm card"));
  CHECK_FALSE(dgpu.driver.has_value());
  REQUIRE(dgpu.integrated.has_value());
  CHECK_FALSE(*dgpu.integrated);
}

TEST_CASE("GPU probe on a VM without display says none and why",
          "[probes][gpu]") {
  GpuInfo info = ProbeGpus(Tree("empty"), {});
  CHECK(info.devices.empty());
  CHECK(Contains(info.none_reason, "class/drm' does not exist"));
  nlohmann::json j = ToJson(info);
  CHECK(j["devices"].empty());
  CHECK(j["none_reason"] == info.none_reason);
  CHECK(Summarize(info).starts_with("  none (no display controller"));
}

TEST_CASE("GPU probe names the garbled vendor file of a card",
          "[probes][gpu]") {
  GpuInfo info = ProbeGpus(Tree("malformed"), {});
  REQUIRE(info.devices.size() == 1);
  const GpuDevice& gpu = info.devices[0];
  REQUIRE_FALSE(gpu.vendor_id.has_value());
  CHECK(Contains(gpu.vendor_id.reason(),
                 "vendor' holds '0xZZZZ' (expected a hexadecimal number)"));
  CHECK(*gpu.device_id == 0x15bf);
  CHECK_FALSE(gpu.name.has_value());
  CHECK(Contains(gpu.vram_bytes.reason(), "mem_info_vram_total' holds 'lots'"));
  CHECK(*gpu.gtt_bytes == 8589934592);

  nlohmann::json j = ToJson(info)["devices"][0];
  CHECK(j["vendor_id"].is_null());
  CHECK(j["vendor_id_reason"] == gpu.vendor_id.reason());
  CHECK(j["device_id"] == "0x15bf");
}

TEST_CASE("hwloc's ids stand in for a garbled DRM vendor file",
          "[probes][gpu]") {
  PciDisplayDevice pci{"0000:05:00.0", 0x1002, 0x15bf, 0x0300, ""};
  GpuInfo info = ProbeGpus(Tree("malformed"), {pci});
  REQUIRE(info.devices.size() == 1);
  CHECK(*info.devices[0].vendor_id == 0x1002);
  CHECK(*info.devices[0].name == "AMD Radeon 780M/760M (Phoenix)");
  CHECK(*info.devices[0].integrated);
}

TEST_CASE("GPU name table knows common iGPUs and nothing else",
          "[probes][gpu]") {
  REQUIRE(FindKnownGpu(0x8086, 0x46a6) != nullptr);
  CHECK(FindKnownGpu(0x8086, 0x46a6)->name ==
        "Intel Iris Xe Graphics (Alder Lake-P)");
  CHECK(FindKnownGpu(0x1002, 0x1681) != nullptr);
  CHECK(FindKnownGpu(0x10de, 0x28e0) == nullptr);
  CHECK(FindKnownGpu(0x1002, 0xa7a0) == nullptr);  // Intel's id, AMD vendor
}

}  // namespace
}  // namespace lapbench::probes
