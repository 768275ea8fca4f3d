// Tests of the cpufreq probe on the sysfs fixture trees.
#include "probes/cpufreq.h"

#include <catch2/catch.hpp>

namespace lapbench::probes {
namespace {

FsRoot Tree(const char* name) {
  return FsRoot(std::string(LAPBENCH_FIXTURES_DIR) + "/sysfs/" + name);
}

TEST_CASE("cpufreq reads intel_pstate P and E core policies",
          "[probes][cpufreq]") {
  CpufreqInfo info = ProbeCpufreq(Tree("intel-laptop"));
  REQUIRE(info.policies.size() == 20);
  CHECK(info.policies_reason.empty());

  const CpufreqPolicy& p_core = info.policies[0];
  CHECK(p_core.name == "policy0");
  CHECK(*p_core.cpus == "0");
  CHECK(*p_core.driver == "intel_pstate");
  CHECK(*p_core.governor == "powersave");
  CHECK(*p_core.epp == "balance_performance");
  CHECK(*p_core.cur_khz == 1206123);
  CHECK(*p_core.min_khz == 400000);
  CHECK(*p_core.max_khz == 5200000);
  CHECK(*p_core.cpuinfo_min_khz == 400000);
  CHECK(*p_core.cpuinfo_max_khz == 5200000);
  CHECK(*p_core.base_khz == 1900000);
  CHECK(p_core.available_khz.empty());

  // Natural order: policy19 is last, and it is an E-core.
  const CpufreqPolicy& e_core = info.policies[19];
  CHECK(e_core.name == "policy19");
  CHECK(*e_core.cpuinfo_max_khz == 3900000);
  CHECK(*e_core.base_khz == 1400000);
  CHECK(info.policies[10].name == "policy10");
}

TEST_CASE("cpufreq takes turbo from intel_pstate no_turbo, inverted",
          "[probes][cpufreq]") {
  CpufreqInfo info = ProbeCpufreq(Tree("intel-laptop"));
  REQUIRE(info.boost_enabled.has_value());
  CHECK(*info.boost_enabled);  // no_turbo is 0
  CHECK(info.boost_source.ends_with("intel_pstate/no_turbo"));
  CHECK(*info.intel_pstate_status == "active");
  CHECK_FALSE(info.amd_pstate_status.has_value());
  CHECK(info.amd_pstate_status.reason().find("amd_pstate/status") !=
        std::string::npos);
}

TEST_CASE("cpufreq reads acpi-cpufreq with boost and a frequency table",
          "[probes][cpufreq]") {
  CpufreqInfo info = ProbeCpufreq(Tree("amd-laptop"));
  REQUIRE(info.policies.size() == 16);
  const CpufreqPolicy& p = info.policies[0];
  CHECK(*p.driver == "acpi-cpufreq");
  CHECK(*p.governor == "schedutil");
  CHECK(*p.cur_khz == 4873012);
  CHECK(*p.cpuinfo_max_khz == 3300000);
  CHECK(p.available_khz == std::vector<int64_t>{3300000, 1600000, 1400000});
  CHECK_FALSE(p.epp.has_value());
  CHECK(p.epp.reason().find("energy_performance_preference") !=
        std::string::npos);
  CHECK_FALSE(p.base_khz.has_value());

  REQUIRE(info.boost_enabled.has_value());
  CHECK(*info.boost_enabled);
  CHECK(info.boost_source.ends_with("cpufreq/boost"));
  CHECK_FALSE(info.intel_pstate_status.has_value());
}

TEST_CASE("cpufreq on a VM has no policies and says why", "[probes][cpufreq]") {
  CpufreqInfo info = ProbeCpufreq(Tree("empty"));
  CHECK(info.policies.empty());
  CHECK(info.policies_reason.find("no policyN entries") != std::string::npos);
  CHECK_FALSE(info.boost_enabled.has_value());
  CHECK(info.boost_enabled.reason().find("no_turbo") != std::string::npos);

  nlohmann::json j = ToJson(info);
  CHECK(j["policies"].empty());
  CHECK(j["boost_enabled"].is_null());
  CHECK(j["boost_enabled_reason"].is_string());
  CHECK(j["intel_pstate_status"].is_null());
  CHECK(Summarize(info).starts_with("  none ("));
}

TEST_CASE("cpufreq names the file holding a non-numeric frequency",
          "[probes][cpufreq]") {
  CpufreqInfo info = ProbeCpufreq(Tree("malformed"));
  REQUIRE(info.policies.size() == 1);
  const CpufreqPolicy& p = info.policies[0];
  REQUIRE_FALSE(p.cur_khz.has_value());
  CHECK(p.cur_khz.reason().find("scaling_cur_freq' holds '<unknown>'") !=
        std::string::npos);
  CHECK(*p.max_khz == 3300000);
  // A table with a bad token keeps what came before it.
  CHECK(p.available_khz == std::vector<int64_t>{3300000});
  REQUIRE_FALSE(info.boost_enabled.has_value());
  CHECK(info.boost_enabled.reason().find("boost' holds 'on'") !=
        std::string::npos);
}

TEST_CASE("cpufreq JSON and summary carry the policies", "[probes][cpufreq]") {
  CpufreqInfo info = ProbeCpufreq(Tree("intel-laptop"));
  nlohmann::json j = ToJson(info);
  REQUIRE(j["policies"].size() == 20);
  CHECK(j["policies"][0]["base_khz"] == 1900000);
  CHECK(j["policies"][0]["energy_performance_preference"] ==
        "balance_performance");
  CHECK(j["boost_enabled"] == true);
  CHECK(Summarize(info) ==
        "  intel_pstate (active), governor powersave, EPP "
        "balance_performance, "
        "boost on\n"
        "  12 policies: max 5.20 GHz, base 1.90 GHz\n"
        "  8 policies: max 3.90 GHz, base 1.40 GHz");
}

}  // namespace
}  // namespace lapbench::probes
