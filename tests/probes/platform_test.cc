// Tests of the platform profile and VM detection on the fixture trees.
#include "probes/platform.h"

#include <catch2/catch.hpp>

namespace lapbench::probes {
namespace {

FsRoot Tree(const char* name) {
  return FsRoot(std::string(LAPBENCH_FIXTURES_DIR) + "/sysfs/" + name);
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST_CASE("platform reads the profile of a physical Intel laptop",
          "[probes][platform]") {
  PlatformInfo info = ProbePlatform(Tree("intel-laptop"));
  CHECK(*info.platform_profile == "balanced");
  CHECK(*info.profile_choices ==
        std::vector<std::string>{"low-power", "balanced", "performance"});
  CHECK(*info.sys_vendor == "LENOVO");
  CHECK(*info.product_name == "21HK000AUS");
  CHECK_FALSE(*info.cpuinfo_hypervisor_flag);
  CHECK_FALSE(info.hypervisor_type.has_value());
  REQUIRE(info.is_vm.has_value());
  CHECK_FALSE(*info.is_vm);
}

TEST_CASE("platform without a profile driver says which file is missing",
          "[probes][platform]") {
  PlatformInfo info = ProbePlatform(Tree("amd-laptop"));
  REQUIRE_FALSE(info.platform_profile.has_value());
  CHECK(Contains(info.platform_profile.reason(),
                 "firmware/acpi/platform_profile' does not exist"));
  CHECK_FALSE(info.profile_choices.has_value());
  CHECK_FALSE(*info.is_vm);
}

TEST_CASE("platform recognises this VM by its QEMU DMI and cpuinfo flag",
          "[probes][platform]") {
  PlatformInfo info = ProbePlatform(Tree("empty"));
  REQUIRE(info.is_vm.has_value());
  CHECK(*info.is_vm);
  CHECK(*info.cpuinfo_hypervisor_flag);
  CHECK(Contains(info.vm_evidence, "dmi sys_vendor 'QEMU'"));
  CHECK(Contains(info.vm_evidence, "cpuinfo flag 'hypervisor'"));
  CHECK_FALSE(info.platform_profile.has_value());

  nlohmann::json j = ToJson(info);
  CHECK(j["is_vm"] == true);
  CHECK(j["platform_profile"].is_null());
  CHECK(j["platform_profile_reason"].is_string());
}

TEST_CASE("platform with no evidence leaves is_vm unknown",
          "[probes][platform]") {
  PlatformInfo info = ProbePlatform(Tree("malformed"));
  REQUIRE_FALSE(info.cpuinfo_hypervisor_flag.has_value());
  CHECK(Contains(info.cpuinfo_hypervisor_flag.reason(), "has no flags line"));
  REQUIRE_FALSE(info.is_vm.has_value());
  CHECK(Contains(info.is_vm.reason(), "no evidence either way"));
  REQUIRE_FALSE(info.platform_profile.has_value());
  CHECK(Contains(info.platform_profile.reason(), "is empty"));
}

TEST_CASE("DMI names of hypervisors are told apart from laptops",
          "[probes][platform]") {
  CHECK(IsVirtualDmi("QEMU", "Standard PC (Q35 + ICH9, 2009)"));
  CHECK(IsVirtualDmi("Microsoft Corporation", "Virtual Machine"));
  CHECK(IsVirtualDmi("VMware, Inc.", "VMware7,1"));
  CHECK(IsVirtualDmi("innotek GmbH", "VirtualBox"));
  CHECK(IsVirtualDmi("Red Hat", "KVM"));
  CHECK_FALSE(IsVirtualDmi("Microsoft Corporation", "Surface Laptop 5"));
  CHECK_FALSE(IsVirtualDmi("LENOVO", "21HK000AUS"));
  CHECK_FALSE(IsVirtualDmi("", ""));
}

}  // namespace
}  // namespace lapbench::probes
