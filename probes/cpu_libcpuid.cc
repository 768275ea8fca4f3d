// What Debian's libcpuid (0.6.2) decodes, for what it gets right.
#include "probes/cpu_libcpuid.h"

#include <libcpuid/libcpuid.h>

#include <algorithm>
#include <mutex>
#include <thread>

namespace lapbench::probes {
namespace {

// libcpuid prints its warnings to stderr unless given a function; the
// probe reports disagreements itself, so they are dropped.
void IgnoreWarning(const char*) {}

// libcpuid keeps global state (warning hook, error string): one call at a
// time.
std::mutex& LibcpuidMutex() {
  static std::mutex mutex;
  return mutex;
}

LibcpuidView FromSystem(const system_id_t& system) {
  LibcpuidView view;
  view.ok = system.num_cpu_types > 0;
  if (!view.ok) {
    view.error = "cpu_identify_all found no CPU type";
    return view;
  }
  const cpu_id_t& first = system.cpu_types[0];
  view.vendor = first.vendor_str;
  view.brand = first.brand_str;
  view.codename = first.cpu_codename;
  view.family = first.ext_family;  // libcpuid's ext_* are display values
  view.model = first.ext_model;
  view.stepping = first.stepping;
  for (int i = 0; i < system.num_cpu_types; ++i) {
    const cpu_id_t& type = system.cpu_types[i];
    view.types.push_back(
        {cpu_purpose_str(type.purpose), type.num_cores, type.num_logical_cpus});
    view.total_logical += type.num_logical_cpus;
  }
  return view;
}

}  // namespace

LibcpuidView ReadLibcpuid(const std::optional<std::filesystem::path>& dump) {
  std::lock_guard<std::mutex> lock(LibcpuidMutex());
  cpuid_set_warn_function(IgnoreWarning);
  cpu_raw_data_array_t raw{};
  int rc = 0;
  if (dump) {
    rc = cpuid_deserialize_all_raw_data(&raw, dump->c_str());
  } else {
    // cpuid_get_all_raw_data pins the calling thread to each CPU in turn
    // and leaves it pinned to the last one: run it on a thread of its own.
    std::thread reader([&] { rc = cpuid_get_all_raw_data(&raw); });
    reader.join();
  }
  LibcpuidView view;
  if (rc != 0) {
    view.error = std::string("reading raw data failed: ") + cpuid_error();
    cpuid_free_raw_data_array(&raw);
    return view;
  }
  system_id_t system{};
  if (cpu_identify_all(&raw, &system) != 0) {
    view.error = std::string("cpu_identify_all failed: ") + cpuid_error();
  } else {
    view = FromSystem(system);
  }
  cpuid_free_system_id(&system);
  cpuid_free_raw_data_array(&raw);
  return view;
}

bool LibcpuidCodenameReliable(const std::string& vendor, int family,
                              int model) {
  // Intel family 6 client and server cores up to Alder Lake; Raptor,
  // Meteor, Lunar and Arrow Lake (and Sapphire Rapids) come later.
  static constexpr int kIntelKnown[] = {
      0x2A, 0x2D, 0x3A, 0x3C, 0x3D, 0x3E, 0x3F, 0x45, 0x46, 0x47,
      0x4E, 0x4F, 0x55, 0x56, 0x5E, 0x66, 0x6A, 0x6C, 0x7D, 0x7E,
      0x8C, 0x8D, 0x8E, 0x97, 0x9A, 0x9E, 0xA5, 0xA6, 0xA7};
  if (vendor == "GenuineIntel") {
    return family == 6 &&
           std::find(std::begin(kIntelKnown), std::end(kIntelKnown), model) !=
               std::end(kIntelKnown);
  }
  if (vendor != "AuthenticAMD") return false;
  // Zen and Zen 2 (family 0x17); Zen 3 Milan, Vermeer, Rembrandt, Cezanne
  // (family 0x19 models 0x00-0x0F, 0x20-0x2F, 0x40-0x5F). Zen 4 (0x10-0x1F,
  // 0x60-0x7F, 0xA0-) and Zen 5 (family 0x1A) get stale names.
  if (family == 0x17) return true;
  if (family != 0x19) return false;
  return model <= 0x0F || (model >= 0x20 && model <= 0x2F) ||
         (model >= 0x40 && model <= 0x5F);
}

}  // namespace lapbench::probes
