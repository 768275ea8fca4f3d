// Whole-profile tests: ProbeMachine on the fixture machines, every section of
// its JSON, the rule that no null stands without a reason, and the summary.
#include "probes/profile.h"

#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "probes/probe_error.h"

namespace lapbench::probes {
namespace {

namespace fs = std::filesystem;
using Catch::Contains;
using Catch::EndsWith;
using Catch::StartsWith;
using nlohmann::json;

const fs::path kFixtures = LAPBENCH_FIXTURES_DIR;

constexpr const char* kRaptorXml = "intel-raptorlake-p-i7-1370p-cpuid.xml";
constexpr const char* kRaptorDump = "intel-raptorlake-p-i7-1370p.raw";
// No hwloc XML of a Phoenix part exists among the fixtures; the Zen 5 one
// stands in so the topology is recorded, not this machine's.
constexpr const char* kAmdXml = "amd-zen5-strixpoint-ai9-hx370-cpuid.xml";
// The Ryzen 9 7940H is the same Phoenix die as the tree's Ryzen 7 7840U.
constexpr const char* kPhoenixDump = "amd-zen4-phoenix-r9-7940h.raw";

// Options reading the sysfs tree `tree`, and the hwloc XML and CPUID dump
// named (live when empty), without measuring.
ProbeOptions Fixture(std::string_view tree, std::string_view xml = "",
                     std::string_view dump = "") {
  ProbeOptions options;
  options.fs_root = kFixtures / "sysfs" / tree;
  if (!xml.empty()) options.topology_xml = kFixtures / "hwloc" / xml;
  if (!dump.empty()) options.cpuid_dump = kFixtures / "cpuid" / dump;
  options.measure = false;
  return options;
}

json ProfileJson(const ProbeOptions& options) {
  return ToJson(ProbeMachine(options));
}

// The path of a file below the tree, as reasons name it.
std::string TreePath(std::string_view tree, std::string_view absolute) {
  return (kFixtures / "sysfs" / tree / absolute.substr(1)).string();
}

bool IsNonEmptyString(const json& value) {
  return value.is_string() && !value.get<std::string>().empty();
}

// True when `obj[key]` is what a "<key>_reason" may stand beside: a null, an
// empty list, an unknown verdict; or a "none_reason" on a section with
// nothing in it.
bool NeedsReason(const json& obj, const std::string& key) {
  if (key == "none") return true;
  if (!obj.contains(key)) return false;
  const json& value = obj.at(key);
  return value.is_null() || (value.is_array() && value.empty()) ||
         (key == "verdict" && value == "unknown");
}

// Appends to `out` the path of every null without a non-empty
// "<key>_reason" beside it, and of every "_reason" that is not a non-empty
// string or explains nothing. Walks objects and arrays to any depth.
void FindUnexplained(const json& node, const std::string& path,
                     std::vector<std::string>& out) {
  if (node.is_array()) {
    for (size_t i = 0; i < node.size(); ++i) {
      FindUnexplained(node[i], fmt::format("{}[{}]", path, i), out);
    }
    return;
  }
  if (!node.is_object()) return;
  constexpr std::string_view kSuffix = "_reason";
  for (const auto& [key, value] : node.items()) {
    std::string here = path.empty() ? key : path + "." + key;
    if (key.ends_with(kSuffix)) {
      std::string of = key.substr(0, key.size() - kSuffix.size());
      if (!IsNonEmptyString(value) || !NeedsReason(node, of)) {
        out.push_back(here);
      }
      continue;
    }
    auto reason = node.find(key + std::string(kSuffix));
    if (value.is_null() && (reason == node.end() || !IsNonEmptyString(*reason)))
      out.push_back(here);
    FindUnexplained(value, here, out);
  }
}

std::vector<std::string> Unexplained(const json& profile) {
  std::vector<std::string> out;
  FindUnexplained(profile, "", out);
  return out;
}

std::vector<std::string> Strings(const json& array, const char* key) {
  std::vector<std::string> out;
  for (const json& item : array) out.push_back(item.at(key));
  return out;
}

TEST_CASE("The reason walk finds bare nulls at any depth",
          "[probes][profile]") {
  json j = {{"a", nullptr},
            {"b", nullptr},
            {"b_reason", "unreadable"},
            {"c", {{"d", json::array({json{{"e", nullptr}}})}}},
            {"f", 1},
            {"f_reason", "stale"},
            {"g", nullptr},
            {"g_reason", ""}};
  CHECK(Unexplained(j) ==
        std::vector<std::string>{"a", "c.d[0].e", "f_reason", "g", "g_reason"});
}

TEST_CASE("The Intel laptop profiles as a Raptor Lake-P on battery",
          "[probes][profile]") {
  json j = ProfileJson(Fixture("intel-laptop", kRaptorXml, kRaptorDump));
  CHECK(Unexplained(j) == std::vector<std::string>{});
  std::vector<std::string> keys;
  for (const auto& [key, value] : j.items()) keys.push_back(key);
  CHECK(keys == std::vector<std::string>{
                    "cpu", "cpufreq", "gpu", "measured", "measured_reason",
                    "memory", "platform", "power_supply", "probe_duration_s",
                    "rapl", "schema", "sources", "thermal", "timestamp_utc",
                    "topology"});
  CHECK(j["schema"] == "lapbench.probe/1");
  CHECK(std::regex_match(j["timestamp_utc"].get<std::string>(),
                         std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")));
  CHECK(j["probe_duration_s"].get<double>() >= 0);
  CHECK(j["sources"] ==
        json{{"fs_root", (kFixtures / "sysfs" / "intel-laptop").string()},
             {"topology_xml", (kFixtures / "hwloc" / kRaptorXml).string()},
             {"cpuid_dump", (kFixtures / "cpuid" / kRaptorDump).string()}});

  const json& cpu = j["cpu"];
  CHECK(cpu["brand"] == "13th Gen Intel(R) CoreT i7-1370P");
  CHECK(cpu["vendor"] == "GenuineIntel");
  CHECK(cpu["family"] == 6);
  CHECK(cpu["model"] == 186);
  CHECK(cpu["n_physical_cores"] == 14);
  CHECK(cpu["n_logical_cpus"] == 20);
  CHECK(cpu["l3_bytes"] == 24 << 20);
  REQUIRE(cpu["core_kinds"].size() == 2);
  CHECK(cpu["core_kinds"][0]["purpose"] == "performance");
  CHECK(cpu["core_kinds"][0]["n_cores"] == 6);
  CHECK(cpu["core_kinds"][0]["n_logical"] == 12);
  CHECK(cpu["core_kinds"][1]["purpose"] == "efficiency");
  CHECK(cpu["core_kinds"][1]["n_cores"] == 8);
  CHECK(cpu["core_kinds"][1]["n_logical"] == 8);
  CHECK(cpu["os_cross_check"] == "agrees with /proc/cpuinfo");

  const json& topology = j["topology"];
  CHECK(topology["n_cores"] == 14);
  CHECK(topology["n_pus"] == 20);
  CHECK(topology["hybrid"] == true);
  CHECK(topology["performance_pus"] == "0-11");
  CHECK(Strings(topology["core_kinds"], "hwloc_core_type") ==
        std::vector<std::string>{"IntelAtom", "IntelCore"});
  CHECK(topology["total_numa_memory_bytes"].is_null());

  CHECK(j["memory"]["total_bytes"] == 33254658048);
  CHECK(j["memory"]["planning_bytes"] == 27484278784);
}

TEST_CASE("The Intel laptop's GPU, thermal and power sections",
          "[probes][profile]") {
  json j = ProfileJson(Fixture("intel-laptop", kRaptorXml, kRaptorDump));
  REQUIRE(j["gpu"]["devices"].size() == 1);
  const json& gpu = j["gpu"]["devices"][0];
  CHECK(gpu["bus_id"] == "0000:00:02.0");
  CHECK(gpu["vendor_id"] == "0x8086");
  CHECK(gpu["device_id"] == "0xa7a0");
  CHECK(gpu["name"] == "Intel Iris Xe Graphics (Raptor Lake-P)");
  CHECK(gpu["driver"] == "i915");
  CHECK(gpu["integrated"] == true);
  CHECK(gpu["vram_bytes"].is_null());
  CHECK_THAT(gpu["vram_bytes_reason"].get<std::string>(),
             Contains("only amdgpu reports"));
  CHECK_FALSE(j["gpu"].contains("none_reason"));

  CHECK(j["thermal"]["headroom"] ==
        json{{"verdict", "plenty"},
             {"cpu_temp_mc", 71000},
             {"cpu_sensor", "coretemp Package id 0"},
             {"limit_mc", 100000},
             {"limit_kind", "TjMax"},
             {"limit_source", "coretemp temp1_crit"},
             {"headroom_mc", 29000}});

  const json& cpufreq = j["cpufreq"];
  REQUIRE(cpufreq["policies"].size() == 20);
  CHECK(cpufreq["policies"][0]["driver"] == "intel_pstate");
  CHECK(cpufreq["policies"][0]["governor"] == "powersave");
  CHECK(cpufreq["policies"][0]["energy_performance_preference"] ==
        "balance_performance");
  CHECK(cpufreq["boost_enabled"] == true);
  CHECK_THAT(cpufreq["boost_source"].get<std::string>(),
             EndsWith("intel_pstate/no_turbo"));
  CHECK(cpufreq["intel_pstate_status"] == "active");

  CHECK(j["platform"]["platform_profile"] == "balanced");
  CHECK(j["platform"]["platform_profile_choices"] ==
        json{"low-power", "balanced", "performance"});
  CHECK(j["platform"]["is_vm"] == false);

  const json& power = j["power_supply"];
  CHECK(power["on_ac"] == false);
  CHECK(power["adapters"] ==
        json::array({{{"name", "AC"}, {"type", "Mains"}, {"online", false}}}));
  REQUIRE(power["batteries"].size() == 1);
  CHECK(power["batteries"][0]["status"] == "Discharging");
  CHECK(power["batteries"][0]["capacity_pct"] == 87);
  CHECK(power["batteries"][0]["power_uw"] == 7850000);
  CHECK(power["excluded"] ==
        json::array({"hidpp_battery_0: peripheral Battery (scope Device)"}));
}

TEST_CASE("The Intel laptop's RAPL zones and the unmeasured profile",
          "[probes][profile]") {
  json j = ProfileJson(Fixture("intel-laptop", kRaptorXml, kRaptorDump));
  const json& zones = j["rapl"]["zones"];
  CHECK(Strings(zones, "path_name") ==
        std::vector<std::string>{"intel-rapl:0", "intel-rapl:0:0",
                                 "intel-rapl:0:1", "intel-rapl:1"});
  CHECK(Strings(zones, "name") ==
        std::vector<std::string>{"package-0", "core", "uncore", "psys"});
  CHECK(zones[0]["parent"].is_null());
  CHECK(zones[1]["parent"] == "intel-rapl:0");
  REQUIRE(zones[0]["constraints"].size() == 2);
  CHECK(zones[0]["constraints"][0]["name"] == "long_term");
  CHECK(zones[0]["constraints"][0]["power_limit_uw"] == 28000000);
  CHECK(zones[0]["constraints"][1]["name"] == "short_term");
  CHECK(zones[0]["constraints"][1]["power_limit_uw"] == 64000000);

  CHECK(j["measured"].is_null());
  CHECK(j["measured_reason"] == "not measured (--no-measure)");
}

TEST_CASE("The AMD laptop profiles as a Phoenix APU on AC",
          "[probes][profile]") {
  json j = ProfileJson(Fixture("amd-laptop", kAmdXml, kPhoenixDump));
  CHECK(Unexplained(j) == std::vector<std::string>{});
  CHECK(j["cpu"]["brand"] == "AMD Ryzen 9 7940H w/ Radeon 780M Graphics");
  CHECK(j["cpu"]["n_physical_cores"] == 8);
  CHECK(j["cpu"]["n_logical_cpus"] == 16);
  REQUIRE(j["cpu"]["core_kinds"].size() == 1);
  CHECK(j["cpu"]["core_kinds"][0]["purpose"] == "performance");
  CHECK(j["cpu"]["os_cross_check"] == "agrees with /proc/cpuinfo");

  REQUIRE(j["gpu"]["devices"].size() == 1);
  const json& gpu = j["gpu"]["devices"][0];
  CHECK(gpu["vendor_id"] == "0x1002");
  CHECK(gpu["device_id"] == "0x15bf");
  CHECK(gpu["name"] == "AMD Radeon 780M/760M (Phoenix)");
  CHECK(gpu["driver"] == "amdgpu");
  CHECK(gpu["integrated"] == true);
  CHECK(gpu["vram_bytes"] == 512 << 20);
  CHECK(gpu["gtt_bytes"] == 8160419840);

  const json& headroom = j["thermal"]["headroom"];
  CHECK(headroom["verdict"] == "some");
  CHECK(headroom["cpu_sensor"] == "k10temp Tctl");
  CHECK(headroom["cpu_temp_mc"] == 85250);
  CHECK(headroom["limit_kind"] == "critical");
  CHECK(headroom["limit_source"] == "acpitz thermal_zone0 trip 0");
  CHECK(headroom["headroom_mc"] == 19750);

  const json& policy = j["cpufreq"]["policies"][0];
  CHECK(policy["driver"] == "acpi-cpufreq");
  CHECK(policy["governor"] == "schedutil");
  CHECK(policy["energy_performance_preference"].is_null());
  CHECK(policy["available_khz"] == json{3300000, 1600000, 1400000});
  CHECK(j["cpufreq"]["boost_enabled"] == true);

  CHECK(j["platform"]["platform_profile"].is_null());
  CHECK(j["platform"]["platform_profile_reason"] ==
        fmt::format("'{}' does not exist", TreePath("amd-laptop",
                                                    "/sys/firmware/acpi/"
                                                    "platform_profile")));
  CHECK(j["power_supply"]["on_ac"] == true);
  CHECK(j["power_supply"]["batteries"][0]["status"] == "Charging");
  CHECK(j["power_supply"]["batteries"][0]["capacity_pct"] == 61);
  CHECK(j["power_supply"]["batteries"][0]["power_uw"] == 28400640);
  CHECK(Strings(j["rapl"]["zones"], "name") ==
        std::vector<std::string>{"package-0"});
}

TEST_CASE("The empty tree gives reasons wherever a VM has nothing",
          "[probes][profile]") {
  json j = ProfileJson(Fixture("empty", kRaptorXml, kRaptorDump));
  CHECK(Unexplained(j) == std::vector<std::string>{});

  CHECK(j["gpu"]["devices"].empty());
  CHECK_THAT(j["gpu"]["none_reason"].get<std::string>(),
             Contains("class/drm' does not exist") &&
                 Contains("hwloc lists no PCI display device"));

  const json& thermal = j["thermal"];
  CHECK(thermal["thermal_zones"].empty());
  CHECK_THAT(thermal["thermal_zones_reason"].get<std::string>(),
             Contains("typical of a VM"));
  CHECK(thermal["hwmon"].empty());
  CHECK(thermal["headroom"]["verdict"] == "unknown");
  CHECK(thermal["headroom"]["cpu_sensor"].is_null());
  CHECK_THAT(thermal["headroom"]["cpu_sensor_reason"].get<std::string>(),
             StartsWith("no CPU temperature"));

  const json& cpufreq = j["cpufreq"];
  CHECK(cpufreq["policies"].empty());
  CHECK_THAT(cpufreq["policies_reason"].get<std::string>(),
             Contains("no cpufreq driver loaded"));
  CHECK(cpufreq["boost_enabled"].is_null());
  CHECK(cpufreq["boost_source_reason"] == cpufreq["boost_enabled_reason"]);

  const json& power = j["power_supply"];
  CHECK(power["on_ac"].is_null());
  CHECK(power["adapters"].empty());
  CHECK(power["batteries"].empty());
  CHECK_THAT(power["none_reason"].get<std::string>(),
             Contains("lists no system battery or adapter"));

  CHECK(j["rapl"]["zones"].empty());
  CHECK(j["rapl"]["none_reason"] ==
        fmt::format("'{}' does not exist (no powercap driver loaded)",
                    TreePath("empty", "/sys/class/powercap")));

  CHECK(j["platform"]["is_vm"] == true);
  CHECK(j["platform"]["sys_vendor"] == "QEMU");
}

TEST_CASE("The malformed tree gives the documented reasons",
          "[probes][profile]") {
  json j = ProfileJson(Fixture("malformed", kRaptorXml, kRaptorDump));
  CHECK(Unexplained(j) == std::vector<std::string>{});
  const std::string zone0 = TreePath("malformed",
                                     "/sys/class/thermal/"
                                     "thermal_zone0");
  const json& zone = j["thermal"]["thermal_zones"][0];
  CHECK(zone["type"] == "x86_pkg_temp");
  CHECK(zone["temp_mc_reason"] ==
        fmt::format("'{}/temp' holds 'N/A' (expected an integer)", zone0));
  CHECK(zone["trip_points"][0]["type"] == "passive");
  CHECK(zone["trip_points"][0]["temp_mc_reason"] ==
        fmt::format("'{}/trip_point_0_temp' does not exist", zone0));
  CHECK(zone["trip_points"][1]["temp_mc"] == 100000);
  CHECK_THAT(
      j["thermal"]["thermal_zones"][1]["temp_mc_reason"].get<std::string>(),
      EndsWith("could not be read: Is a directory"));
  CHECK(j["thermal"]["hwmon"][0]["temps"][0]["input_mc_reason"] ==
        fmt::format(
            "'{}' holds 'not-a-number' (expected an integer)",
            TreePath("malformed", "/sys/class/hwmon/hwmon0/temp1_input")));
  CHECK(j["thermal"]["headroom"]["verdict"] == "unknown");
  CHECK_THAT(j["thermal"]["headroom"]["verdict_reason"].get<std::string>(),
             StartsWith("no readable CPU temperature: ") &&
                 Contains("not-a-number") && Contains("'N/A'") &&
                 Contains("Is a directory"));

  CHECK_THAT(j["gpu"]["devices"][0]["vendor_id_reason"].get<std::string>(),
             Contains("holds '0xZZZZ' (expected a hexadecimal number)"));
  CHECK(j["gpu"]["devices"][0]["integrated"].is_null());
  CHECK(j["gpu"]["devices"][0]["integrated_basis_reason"] ==
        j["gpu"]["devices"][0]["integrated_reason"]);
  CHECK_THAT(j["cpufreq"]["boost_enabled_reason"].get<std::string>(),
             Contains("holds 'on' (expected an integer)"));
  CHECK_THAT(j["platform"]["platform_profile_reason"].get<std::string>(),
             EndsWith("is empty (expected a profile name)"));
  CHECK_THAT(
      j["power_supply"]["adapters"][0]["online_reason"].get<std::string>(),
      Contains("holds 'maybe'"));
  CHECK(j["power_supply"]["on_ac"] == false);  // from the battery's status
  CHECK_THAT(j["rapl"]["zones"][0]["energy_uj_reason"].get<std::string>(),
             Contains("holds '-5' (expected a non-negative integer)"));
  CHECK_THAT(j["memory"]["total_bytes_reason"].get<std::string>(),
             Contains("line 1: 'MemTotal:       lots kB'"));
}

TEST_CASE("Fixture trees probed with this machine's CPU explain every null",
          "[probes][profile]") {
  // The CPU and topology sections are this machine's, so only the rule and
  // the sysfs-only sections can be checked exactly.
  for (const char* tree :
       {"intel-laptop", "amd-laptop", "empty", "malformed"}) {
    INFO(tree);
    json j = ProfileJson(Fixture(tree));
    CHECK(Unexplained(j) == std::vector<std::string>{});
    CHECK(j["sources"]["cpuid_dump"] == "live");
    CHECK(j["sources"]["topology_xml"] == "live");
  }
  json empty = ProfileJson(Fixture("empty"));
  CHECK(empty["thermal"]["hwmon"].empty());
  CHECK(empty["cpufreq"]["policies"].empty());
  CHECK(empty["power_supply"]["on_ac"].is_null());
  CHECK(empty["rapl"]["zones"].empty());
}

TEST_CASE("A truncated topology XML stops the probe, naming the file",
          "[probes][profile]") {
  ProbeOptions options =
      Fixture("intel-laptop", "truncated-westmere.xml", kRaptorDump);
  CHECK_THROWS_AS(ProbeMachine(options), ProbeError);
  CHECK_THROWS_WITH(ProbeMachine(options),
                    Contains(options.topology_xml->string()));
}

TEST_CASE("A profile of recorded inputs is never measured",
          "[probes][profile]") {
  ProbeOptions options = Fixture("empty");
  options.measure = true;
  json j = ProfileJson(options);
  CHECK(j["measured"].is_null());
  CHECK(j["measured_reason"] ==
        "not measured: the profile describes recorded inputs, not this "
        "machine");
}

TEST_CASE("The summary gives each section one heading and indented lines",
          "[probes][profile]") {
  std::string text =
      Summarize(ProbeMachine(Fixture("intel-laptop", kRaptorXml, kRaptorDump)));
  // Headings in order, each once, each followed by an indented line.
  std::string framed = "\n" + text;
  size_t at = 0;
  for (std::string_view heading :
       {"CPU", "Topology", "Memory", "GPU", "Thermal", "CPU frequency",
        "Platform", "Power supply", "RAPL", "Measured"}) {
    INFO(heading);
    std::string line = fmt::format("\n{}\n  ", heading);
    size_t found = framed.find(line, at);
    REQUIRE(found != std::string::npos);
    CHECK(framed.find(line, found + 1) == std::string::npos);
    at = found + 1;
  }
  CHECK(text.starts_with("CPU\n  brand    13th Gen Intel(R) CoreT i7-1370P\n"));
  CHECK_THAT(text, Contains("\n\nGPU\n  0000:00:02.0 Intel Iris Xe Graphics "
                            "(Raptor Lake-P) [integrated], driver i915\n\n"));
  CHECK_THAT(text, Contains("\n\nThermal\n  headroom: plenty, 29.0 C"));
  CHECK_THAT(text, Contains("\n\nRAPL\n  intel-rapl:0 package-0, long_term "
                            "28.0 W, short_term 64.0 W\n"));
  // Every line is a heading, blank, indented, or the closing time.
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    std::string line = text.substr(start, end - start);
    bool heading =
        !line.empty() && line[0] != ' ' && text.compare(end, 3, "\n  ") == 0;
    INFO(line);
    CHECK((line.empty() || line.starts_with("  ") || heading ||
           line.starts_with("probed in ")));
    start = end + 1;
  }
}

}  // namespace
}  // namespace lapbench::probes
