// Tests of the environment warnings on the sysfs fixture trees.
#include "harness/environment.h"

#include <algorithm>
#include <catch2/catch.hpp>

namespace lapbench::harness {
namespace {

probes::FsRoot Tree(const char* name) {
  return probes::FsRoot(std::string(LAPBENCH_FIXTURES_DIR) + "/sysfs/" + name);
}

// The parts of a profile the checks read, probed from a fixture tree;
// `n_pus` stands in for the hwloc topology.
probes::HardwareProfile ProfileOf(const probes::FsRoot& root, int n_pus) {
  probes::HardwareProfile profile;
  profile.topology.n_pus = n_pus;
  profile.cpufreq = probes::ProbeCpufreq(root);
  profile.power_supply = probes::ProbePowerSupply(root);
  profile.thermal = probes::ProbeThermal(root);
  profile.memory = probes::ProbeMemory(root, profile.topology);
  return profile;
}

std::vector<std::string> Codes(const EnvironmentReport& report) {
  std::vector<std::string> codes;
  for (const EnvironmentWarning& w : report.warnings) codes.push_back(w.code);
  return codes;
}

TEST_CASE(
    "a laptop on battery with powersave and a busy minute gets three "
    "warnings",
    "[harness][environment]") {
  const probes::FsRoot root = Tree("intel-laptop");
  const EnvironmentReport r = CheckEnvironment(ProfileOf(root, 20), root);
  REQUIRE(Codes(r) ==
          std::vector<std::string>{"governor", "battery", "background_load"});
  CHECK(r.warnings[0].message ==
        "cpufreq governor 'powersave' on CPUs 0-19 (expected 'performance'): "
        "the clock may rise late or stay low, so timings vary");
  CHECK(r.warnings[1].message ==
        "on battery (BAT0 at 87%, Discharging) (expected AC power): firmware "
        "often lowers power limits on battery, so tokens/s may be lower than "
        "plugged in");
  CHECK(r.warnings[2].message ==
        "background load 2.71 over the last minute on 20 logical CPUs "
        "(expected below 2.00): other processes compete with the "
        "benchmark's threads");
  CHECK(r.not_checked.empty());
}

TEST_CASE("load the process put there itself is not background load",
          "[harness][environment]") {
  const probes::FsRoot root = Tree("intel-laptop");
  EnvironmentOptions options;
  options.own_load = 1.0;
  const EnvironmentReport r =
      CheckEnvironment(ProfileOf(root, 20), root, options);
  CHECK(Codes(r) == std::vector<std::string>{"governor", "battery"});
}

TEST_CASE("a laptop on AC with schedutil warns only of the governor",
          "[harness][environment]") {
  const probes::FsRoot root = Tree("amd-laptop");
  const EnvironmentReport r = CheckEnvironment(ProfileOf(root, 16), root);
  REQUIRE(Codes(r) == std::vector<std::string>{"governor"});
  CHECK(r.warnings[0].message ==
        "cpufreq governor 'schedutil' on CPUs 0-15 (expected 'performance'): "
        "the clock may rise late or stay low, so timings vary");
  CHECK(r.not_checked.empty());
}

TEST_CASE("a VM without sensors gets no warnings, only checks not made",
          "[harness][environment]") {
  const probes::FsRoot root = Tree("empty");
  const EnvironmentReport r = CheckEnvironment(ProfileOf(root, 2), root);
  CHECK(r.warnings.empty());
  const probes::HardwareProfile p = ProfileOf(root, 2);
  CHECK(r.not_checked ==
        std::vector<std::string>{
            "not checked: governor: " + p.cpufreq.policies_reason,
            "not checked: power source: " + p.power_supply.none_reason,
            "not checked: turbo: " + p.cpufreq.boost_enabled.reason(),
            "not checked: thermal headroom: " + p.thermal.headroom.reason,
        });
}

TEST_CASE("a missing CPU count or load file leaves the load unchecked",
          "[harness][environment]") {
  const probes::FsRoot empty = Tree("empty");
  const EnvironmentReport no_cpus =
      CheckEnvironment(ProfileOf(empty, 0), empty);
  CHECK(std::count(no_cpus.not_checked.begin(), no_cpus.not_checked.end(),
                   "not checked: background load: the number of logical "
                   "CPUs is unknown") == 1);

  const probes::FsRoot bad = Tree("malformed");
  const EnvironmentReport r = CheckEnvironment(ProfileOf(bad, 4), bad);
  const std::string expected =
      "not checked: background load: " + bad.Resolve("/proc/loadavg").string() +
      ": 'high 0.40 0.38 1/987 23456' (expected \"1m 5m 15m "
      "runnable/tasks pid\")";
  CHECK(std::count(r.not_checked.begin(), r.not_checked.end(), expected) == 1);
}

TEST_CASE("load average reads all five fields", "[harness][environment]") {
  const probes::Reading<LoadAverage> load =
      ReadLoadAverage(Tree("intel-laptop"));
  REQUIRE(load);
  CHECK(load->load_1m == 2.71);
  CHECK(load->load_5m == 1.90);
  CHECK(load->load_15m == 1.20);
  CHECK(load->runnable == 3);
  CHECK(load->n_tasks == 1203);
}

TEST_CASE("little memory is stated with the figure and the limit",
          "[harness][environment]") {
  const probes::FsRoot root = Tree("amd-laptop");
  probes::HardwareProfile p = ProfileOf(root, 16);
  p.memory.total_bytes = uint64_t{32} << 30;
  p.memory.available_bytes = uint64_t{3} << 30;
  const EnvironmentReport r = CheckEnvironment(p, root);
  REQUIRE(Codes(r) == std::vector<std::string>{"governor", "low_memory"});
  CHECK(r.warnings[1].message ==
        "only 3.00 GiB of RAM available of 32.00 GiB (expected at least "
        "3.20 GiB): the model's pages may be evicted and read again mid-run");
}

TEST_CASE("turbo off names the file that says so", "[harness][environment]") {
  const probes::FsRoot root = Tree("amd-laptop");
  probes::HardwareProfile p = ProfileOf(root, 16);
  p.cpufreq.boost_enabled = false;
  p.cpufreq.boost_source =
      root.Resolve("/sys/devices/system/cpu/intel_pstate/no_turbo").string();
  const EnvironmentReport r = CheckEnvironment(p, root);
  REQUIRE(Codes(r) == std::vector<std::string>{"governor", "turbo_off"});
  CHECK(r.warnings[1].message ==
        "turbo/boost disabled by /sys/devices/system/cpu/intel_pstate/"
        "no_turbo (expected enabled): the CPU stays at its base clock, below "
        "what users of this laptop get");
}

TEST_CASE("little thermal headroom names the sensor and the limit",
          "[harness][environment]") {
  const probes::FsRoot root = Tree("amd-laptop");
  probes::HardwareProfile p = ProfileOf(root, 16);
  probes::ThermalHeadroom& h = p.thermal.headroom;
  h.verdict = probes::HeadroomVerdict::kLittle;
  h.cpu_temp_mc = 96000;
  h.cpu_sensor = "coretemp Package id 0";
  h.limit_mc = 100000;
  h.limit_kind = "TjMax";
  h.limit_source = "coretemp temp1_crit";
  h.headroom_mc = 4000;
  const EnvironmentReport r = CheckEnvironment(p, root);
  REQUIRE(Codes(r) == std::vector<std::string>{"governor", "thermal_headroom"});
  CHECK(r.warnings[1].message ==
        "thermal headroom 4.0 C: coretemp Package id 0 at 96.0 C, TjMax "
        "100.0 C from coretemp temp1_crit (expected headroom 'some' or "
        "'plenty'): the CPU may slow down soon after the run starts");
}

TEST_CASE("environment report JSON lists warnings and checks not made",
          "[harness][environment]") {
  EnvironmentReport r;
  r.warnings.push_back({"battery", "on battery"});
  r.not_checked.push_back("not checked: turbo: no file");
  CHECK(ToJson(r).dump() ==
        R"({"not_checked":["not checked: turbo: no file"],)"
        R"("warnings":[{"code":"battery","message":"on battery"}]})");
}

}  // namespace
}  // namespace lapbench::harness
