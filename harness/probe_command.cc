// `lapbench probe`: prints the hardware profile as a summary or as JSON.
#include <fmt/format.h>

#include <cstdio>
#include <memory>
#include <string>

#include "harness/commands.h"
#include "probes/profile.h"

namespace lapbench::harness {
namespace {

struct ProbeArgs {
  bool json = false;
  bool no_measure = false;
  double budget_s = 3.0;
  std::string sysfs_root = "/";
  std::string topology_xml;
  std::string cpuid_dump;
};

int RunProbe(const ProbeArgs& args) {
  probes::ProbeOptions options;
  options.fs_root = args.sysfs_root;
  if (!args.topology_xml.empty()) options.topology_xml = args.topology_xml;
  if (!args.cpuid_dump.empty()) options.cpuid_dump = args.cpuid_dump;
  options.measure = !args.no_measure;
  options.measure_budget_s = args.budget_s;
  if (options.measure && !probes::UsesRecordedInputs(options)) {
    fmt::print(stderr,
               "lapbench: info: measuring bandwidth, FLOP/s and "
               "clock (about {:.0f} s; --no-measure skips it)\n",
               args.budget_s);
  }
  probes::HardwareProfile profile = probes::ProbeMachine(options);
  if (args.json) {
    fmt::print("{}\n", probes::ToJson(profile).dump(2));
  } else {
    fmt::print("{}", probes::Summarize(profile));
  }
  return kExitOk;
}

}  // namespace

void AddProbeCommand(CLI::App& app, CommandAction& action) {
  auto args = std::make_shared<ProbeArgs>();
  CLI::App* cmd = app.add_subcommand(
      "probe", "Probe this machine (or recorded inputs) and print a profile");
  cmd->add_flag("--json", args->json,
                "Print the profile as JSON (fields: docs/probe-json.md)");
  cmd->add_option("--sysfs-root", args->sysfs_root,
                  "Read sysfs and procfs below DIR instead of /")
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--topology-xml", args->topology_xml,
                  "Read the topology from an hwloc XML file");
  cmd->add_option("--cpuid-dump", args->cpuid_dump,
                  "Decode a raw CPUID dump (libcpuid or AIDA64 text)");
  cmd->add_flag("--no-measure", args->no_measure,
                "Skip measuring bandwidth, peak FLOP/s and clock");
  cmd->add_option("--measure-budget", args->budget_s,
                  "Seconds the measurements may take")
      ->check(CLI::Range(0.1, 600.0));
  cmd->callback(
      [args, &action] { action = [args] { return RunProbe(*args); }; });
}

}  // namespace lapbench::harness
