// What Debian's libcpuid (0.6.2) decodes, for what it gets right.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace lapbench::probes {

// One CPU type as libcpuid's cpu_identify_all() reports it.
struct LibcpuidType {
  std::string purpose;  // cpu_purpose_str(): "general", "performance", ...
  int n_cores = 0;
  int n_logical = 0;
};

// libcpuid's view of a dump or of this machine.
struct LibcpuidView {
  bool ok = false;
  std::string error;  // why it failed, when !ok
  std::string vendor, brand, codename;
  int family = 0, model = 0, stepping = 0;  // display family and model
  std::vector<LibcpuidType> types;
  int total_logical = 0;  // sum over types
};

// Decodes `dump` with cpuid_deserialize_all_raw_data + cpu_identify_all,
// or the running machine (cpuid_get_all_raw_data) when `dump` is empty.
LibcpuidView ReadLibcpuid(const std::optional<std::filesystem::path>& dump);

// Whether libcpuid 0.6.2's codename for this CPU can be trusted: only for
// models released before its database was frozen (checked against the
// fixtures' upstream values). Newer ones get an unrelated old name.
bool LibcpuidCodenameReliable(const std::string& vendor, int family, int model);

}  // namespace lapbench::probes
