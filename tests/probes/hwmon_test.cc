// Tests for reading hwmon chips from the sysfs fixture trees.
#include "probes/hwmon.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace lapbench::probes {
namespace {

using Catch::Matchers::Contains;

FsRoot Tree(const std::string& name) {
  return FsRoot(std::string(LAPBENCH_FIXTURES_DIR) + "/sysfs/" + name);
}

const HwmonChip& ChipNamed(const std::vector<HwmonChip>& chips,
                           const std::string& name) {
  for (const HwmonChip& chip : chips) {
    if (chip.name && *chip.name == name) return chip;
  }
  FAIL("no hwmon chip named " << name);
  return chips.front();  // not reached: FAIL throws
}

TEST_CASE("Intel laptop chips are listed with the index gap kept",
          "[probes][hwmon]") {
  std::vector<HwmonChip> chips = ReadHwmon(Tree("intel-laptop"));
  std::vector<std::string> dirs, names;
  for (const HwmonChip& chip : chips) {
    dirs.push_back(chip.dir);
    names.push_back(chip.name.value_or("?"));
  }
  CHECK(dirs == std::vector<std::string>{"hwmon0", "hwmon1", "hwmon2", "hwmon3",
                                         "hwmon5", "hwmon6", "hwmon7",
                                         "hwmon8"});
  CHECK(names == std::vector<std::string>{"AC", "acpitz", "BAT0", "nvme",
                                          "pch_cannonlake", "coretemp",
                                          "iwlwifi_1", "thinkpad"});
}

TEST_CASE("coretemp on a hybrid 1370P numbers sensors by core id",
          "[probes][hwmon]") {
  std::vector<HwmonChip> chips = ReadHwmon(Tree("intel-laptop"));
  const HwmonChip& coretemp = ChipNamed(chips, "coretemp");
  CHECK(*coretemp.device == "coretemp.0");
  CHECK_FALSE(coretemp.attributes_under_device);
  std::vector<std::string> attributes;
  for (const HwmonSensor& temp : coretemp.temps) {
    attributes.push_back(temp.attribute);
  }
  CHECK(attributes == std::vector<std::string>{
                          "temp1", "temp2", "temp6", "temp10", "temp14",
                          "temp18", "temp22", "temp26", "temp27", "temp28",
                          "temp29", "temp30", "temp31", "temp32", "temp33"});
  const HwmonSensor& package = coretemp.temps[0];
  CHECK(*package.label == "Package id 0");
  CHECK(*package.input_mc == 71000);
  CHECK(*package.max_mc == 100000);
  CHECK(*package.crit_mc == 100000);
  CHECK(*coretemp.temps[4].label == "Core 12");
  CHECK(*coretemp.temps[4].input_mc == 71000);
  CHECK(*coretemp.temps[14].label == "Core 31");
  CHECK(*coretemp.temps[14].input_mc == 57000);
  CHECK(coretemp.fans.empty());
}

TEST_CASE("nvme reports Composite with limits and sensors without crit",
          "[probes][hwmon]") {
  std::vector<HwmonChip> chips = ReadHwmon(Tree("intel-laptop"));
  const HwmonChip& nvme = ChipNamed(chips, "nvme");
  CHECK(*nvme.device == "nvme0");
  REQUIRE(nvme.temps.size() == 3);
  CHECK(*nvme.temps[0].label == "Composite");
  CHECK(*nvme.temps[0].input_mc == 41850);
  CHECK(*nvme.temps[0].max_mc == 83850);
  CHECK(*nvme.temps[0].crit_mc == 84850);
  CHECK(*nvme.temps[2].label == "Sensor 2");
  CHECK(*nvme.temps[2].input_mc == 45850);
  CHECK_THAT(nvme.temps[2].crit_mc.reason(),
             Contains("hwmon3/temp3_crit' does not exist"));
}

TEST_CASE("Chips without a device link or a readable input say why",
          "[probes][hwmon]") {
  std::vector<HwmonChip> chips = ReadHwmon(Tree("intel-laptop"));
  const HwmonChip& acpitz = ChipNamed(chips, "acpitz");
  CHECK_THAT(acpitz.device.reason(), Contains("hwmon1/device' does not exist"));
  REQUIRE(acpitz.temps.size() == 1);
  CHECK(*acpitz.temps[0].input_mc == 53000);
  CHECK(*acpitz.temps[0].crit_mc == 110000);
  CHECK_THAT(acpitz.temps[0].label.reason(), Contains("temp1_label"));

  const HwmonChip& wifi = ChipNamed(chips, "iwlwifi_1");
  REQUIRE(wifi.temps.size() == 1);
  CHECK_THAT(wifi.temps[0].input_mc.reason(),
             Contains("hwmon7/temp1_input'") && Contains("Is a directory"));

  // Voltage and current only: no temperatures, and that is not an error.
  CHECK(ChipNamed(chips, "BAT0").temps.empty());
}

TEST_CASE("The ThinkPad EC chip reports its fan speed", "[probes][hwmon]") {
  std::vector<HwmonChip> chips = ReadHwmon(Tree("intel-laptop"));
  const HwmonChip& thinkpad = ChipNamed(chips, "thinkpad");
  CHECK(*thinkpad.device == "thinkpad_hwmon");
  REQUIRE(thinkpad.fans.size() == 1);
  CHECK(thinkpad.fans[0].attribute == "fan1");
  CHECK(*thinkpad.fans[0].input_rpm == 2913);
  CHECK_THAT(thinkpad.fans[0].label.reason(),
             Contains("hwmon8/fan1_label' does not exist"));
  nlohmann::json json = ToJson(thinkpad);
  REQUIRE(json["fans"].size() == 1);
  CHECK(json["fans"][0]["input_rpm"] == 2913);
  CHECK(json["fans"][0]["label"].is_null());
}

TEST_CASE("AMD laptop k10temp has Tctl only, without max or crit",
          "[probes][hwmon]") {
  std::vector<HwmonChip> chips = ReadHwmon(Tree("amd-laptop"));
  REQUIRE(chips.size() == 5);
  const HwmonChip& k10temp = ChipNamed(chips, "k10temp");
  CHECK(*k10temp.device == "0000:00:18.3");
  REQUIRE(k10temp.temps.size() == 1);
  CHECK(*k10temp.temps[0].label == "Tctl");
  CHECK(*k10temp.temps[0].input_mc == 85250);
  CHECK_THAT(k10temp.temps[0].crit_mc.reason(),
             Contains("hwmon3/temp1_crit' does not exist"));
  CHECK_FALSE(k10temp.temps[0].max_mc.has_value());
}

TEST_CASE("AMD laptop amdgpu reports the iGPU edge temperature",
          "[probes][hwmon]") {
  std::vector<HwmonChip> chips = ReadHwmon(Tree("amd-laptop"));
  const HwmonChip& amdgpu = ChipNamed(chips, "amdgpu");
  CHECK(*amdgpu.device == "0000:c4:00.0");
  REQUIRE(amdgpu.temps.size() == 1);
  CHECK(*amdgpu.temps[0].label == "edge");
  CHECK(*amdgpu.temps[0].input_mc == 54000);
  CHECK_FALSE(amdgpu.temps[0].crit_mc.has_value());
  const HwmonChip& nvme = ChipNamed(chips, "nvme");
  CHECK(*nvme.temps[0].input_mc == 38850);
  CHECK(*nvme.temps[0].max_mc == 81850);
}

TEST_CASE("An empty hwmon class gives no chips and a VM reason",
          "[probes][hwmon]") {
  FsRoot root = Tree("empty");
  CHECK(ReadHwmon(root).empty());
  CHECK_THAT(NoHwmonReason(root),
             Contains("no hwmon chips in") && Contains("typical of a VM"));
  CHECK(NoHwmonReason(Tree("amd-laptop")).empty());
}

TEST_CASE("A root without /sys/class/hwmon says the directory is missing",
          "[probes][hwmon]") {
  FsRoot root(std::string(LAPBENCH_FIXTURES_DIR) + "/sysfs/no-such-tree");
  CHECK(ReadHwmon(root).empty());
  CHECK_THAT(NoHwmonReason(root), Contains("sys/class/hwmon' does not exist"));
}

TEST_CASE("Malformed hwmon inputs give reasons naming the file",
          "[probes][hwmon]") {
  std::vector<HwmonChip> chips = ReadHwmon(Tree("malformed"));
  REQUIRE(chips.size() == 2);
  const HwmonChip& coretemp = chips[0];
  REQUIRE(coretemp.temps.size() == 2);
  CHECK_THAT(coretemp.temps[0].input_mc.reason(),
             Contains("hwmon0/temp1_input' holds 'not-a-number' "
                      "(expected an integer)"));
  CHECK(*coretemp.temps[0].crit_mc == 100000);
  CHECK_THAT(coretemp.temps[1].input_mc.reason(),
             Contains("hwmon0/temp2_input' does not exist"));
}

TEST_CASE("An older driver's sensors under device/ are found",
          "[probes][hwmon]") {
  std::vector<HwmonChip> chips = ReadHwmon(Tree("malformed"));
  REQUIRE(chips.size() == 2);
  const HwmonChip& thinkpad = chips[1];
  CHECK(*thinkpad.name == "thinkpad");
  CHECK(thinkpad.attributes_under_device);
  REQUIRE(thinkpad.temps.size() == 2);
  CHECK(*thinkpad.temps[0].input_mc == 52000);
  CHECK(*thinkpad.temps[1].input_mc == -128000);
  REQUIRE(thinkpad.fans.size() == 1);
  CHECK(thinkpad.fans[0].attribute == "fan1");
  CHECK(*thinkpad.fans[0].input_rpm == 2900);
}

TEST_CASE("Chip JSON lists temps and fans with null beside reasons",
          "[probes][hwmon]") {
  std::vector<HwmonChip> chips = ReadHwmon(Tree("amd-laptop"));
  nlohmann::json json = ToJson(ChipNamed(chips, "k10temp"));
  CHECK(json["dir"] == "hwmon3");
  CHECK(json["name"] == "k10temp");
  CHECK(json["device"] == "0000:00:18.3");
  CHECK(json["attributes_under_device"] == false);
  REQUIRE(json["temps"].size() == 1);
  CHECK(json["temps"][0]["attribute"] == "temp1");
  CHECK(json["temps"][0]["label"] == "Tctl");
  CHECK(json["temps"][0]["input_mc"] == 85250);
  CHECK(json["temps"][0]["crit_mc"].is_null());
  CHECK(json["temps"][0].contains("crit_mc_reason"));
  CHECK(json["fans"].is_array());
  CHECK(json["fans"].empty());
}

}  // namespace
}  // namespace lapbench::probes
