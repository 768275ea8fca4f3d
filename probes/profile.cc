// The whole hardware profile: every probe's findings in one value.
#include "probes/profile.h"

#include <fmt/format.h>

#include <chrono>
#include <ctime>

#include "probes/json_fields.h"

namespace lapbench::probes {
namespace {

std::string UtcNow() {
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

// Measures this machine with every logical CPU, sizing the bandwidth buffer
// from the probed last-level cache and available RAM.
Reading<Measurements> MeasureHere(const ProbeOptions& options,
                                  const HardwareProfile& profile) {
  if (!options.measure) {
    return Reading<Measurements>::Missing("not measured (--no-measure)");
  }
  if (UsesRecordedInputs(options)) {
    return Reading<Measurements>::Missing(
        "not measured: the profile describes recorded inputs, not this "
        "machine");
  }
  MeasureOptions measure;
  measure.n_threads = std::max(1, profile.topology.n_pus);
  measure.llc_bytes = static_cast<uint64_t>(profile.cpu.l3.size_bytes.value_or(
      profile.cpu.l2.size_bytes.value_or(0)));
  measure.available_bytes = profile.memory.available_bytes.value_or(0);
  measure.budget_s = options.measure_budget_s;
  return MeasureMachine(measure, DetectCpuFeatures());
}

}  // namespace

bool UsesRecordedInputs(const ProbeOptions& options) {
  return options.fs_root != "/" || options.topology_xml.has_value() ||
         options.cpuid_dump.has_value();
}

HardwareProfile ProbeMachine(const ProbeOptions& options) {
  auto start = std::chrono::steady_clock::now();
  FsRoot root(options.fs_root);
  HardwareProfile profile;
  profile.timestamp_utc = UtcNow();
  profile.options = options;
  profile.cpu = ProbeCpu(root, options.cpuid_dump);
  profile.topology = ProbeTopology(options.topology_xml);
  profile.memory = ProbeMemory(root, profile.topology);
  profile.gpu = ProbeGpus(root, profile.topology.pci_display_devices);
  profile.thermal = ProbeThermal(root);
  profile.cpufreq = ProbeCpufreq(root);
  profile.platform = ProbePlatform(root);
  profile.power_supply = ProbePowerSupply(root);
  profile.rapl = ProbeRapl(root);
  profile.measured = MeasureHere(options, profile);
  std::chrono::duration<double> elapsed =
      std::chrono::steady_clock::now() - start;
  profile.probe_duration_s = elapsed.count();
  return profile;
}

nlohmann::json ToJson(const HardwareProfile& profile) {
  nlohmann::json sources = {
      {"fs_root", profile.options.fs_root.string()},
      {"topology_xml", profile.options.topology_xml
                           ? profile.options.topology_xml->string()
                           : "live"},
      {"cpuid_dump", profile.options.cpuid_dump
                         ? profile.options.cpuid_dump->string()
                         : "live"},
  };
  nlohmann::json out = {
      {"schema", kProbeSchema},
      {"timestamp_utc", profile.timestamp_utc},
      {"sources", sources},
      {"cpu", ToJson(profile.cpu)},
      {"topology", ToJson(profile.topology)},
      {"memory", ToJson(profile.memory)},
      {"gpu", ToJson(profile.gpu)},
      {"thermal", ToJson(profile.thermal)},
      {"cpufreq", ToJson(profile.cpufreq)},
      {"platform", ToJson(profile.platform)},
      {"power_supply", ToJson(profile.power_supply)},
      {"rapl", ToJson(profile.rapl)},
  };
  if (profile.measured) {
    out["measured"] = ToJson(*profile.measured);
  } else {
    out["measured"] = nullptr;
    out["measured_reason"] = profile.measured.reason();
  }
  out["probe_duration_s"] = profile.probe_duration_s;
  return out;
}

std::string Summarize(const HardwareProfile& profile) {
  std::string out;
  auto section = [&out](std::string_view title, const std::string& body) {
    out += fmt::format("{}\n{}", title, body);
    if (!body.empty() && body.back() != '\n') out += '\n';
    out += '\n';
  };
  section("CPU", Summarize(profile.cpu));
  section("Topology", Summarize(profile.topology));
  section("Memory", Summarize(profile.memory));
  section("GPU", Summarize(profile.gpu));
  section("Thermal", Summarize(profile.thermal));
  section("CPU frequency", Summarize(profile.cpufreq));
  section("Platform", Summarize(profile.platform));
  section("Power supply", Summarize(profile.power_supply));
  section("RAPL", Summarize(profile.rapl));
  section("Measured", profile.measured ? Summarize(*profile.measured)
                                       : "  " + profile.measured.reason());
  out += fmt::format("probed in {:.1f} s\n", profile.probe_duration_s);
  return out;
}

}  // namespace lapbench::probes
