// `lapbench run`: loads a suite (or a report to replay), applies
// command-line overrides, checks every case against this machine, then
// prints the plan (--dry-run) or runs it and prints a summary.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <memory>
#include <string>
#include <vector>

#include "engine/memory_plan.h"
#include "harness/commands.h"
#include "harness/environment.h"
#include "harness/model_files.h"
#include "harness/model_prep.h"
#include "harness/plan.h"
#include "harness/run_config.h"
#include "harness/run_loop.h"
#include "harness/run_output.h"
#include "harness/suite.h"
#include "harness/suite_json.h"
#include "harness/sustained_decode.h"
#include "probes/profile.h"

namespace lapbench::harness {
namespace {

struct RunArgs {
  bool dry_run = false;
  std::string suite = "quick";
  std::string config;  // a run config file instead of a suite
  std::string topology_xml;
  std::string cpuid_dump;
  std::string sysfs_root = "/";
  bool measure = false;
  std::string out_dir;      // empty: DefaultOutDir
  std::string replay;       // a report.json to run again
  std::string model_cache;  // empty: DefaultModelDir
  uint64_t seed = 0;
  std::string duration;  // sustained decode span; empty: the suite's
  bool cooldown = false;
  bool no_monitor = false;
  // Raw override lists; applied only when their option was given.
  std::vector<std::string> models, formats, variants, threads, placements,
      kv_types, prompt_tokens, gen_tokens;
  std::vector<CLI::Option*> options;  // same order as the lists above
};

probes::HardwareProfile Probe(const RunArgs& args) {
  probes::ProbeOptions options;
  options.fs_root = args.sysfs_root;
  if (!args.topology_xml.empty()) options.topology_xml = args.topology_xml;
  if (!args.cpuid_dump.empty()) options.cpuid_dump = args.cpuid_dump;
  options.measure = args.measure && !probes::UsesRecordedInputs(options);
  if (options.measure) {
    fmt::print(stderr, "lapbench: info: measuring bandwidth (about {:.0f} s)\n",
               options.measure_budget_s);
  }
  return probes::ProbeMachine(options);
}

SuiteOverrides OverridesFrom(const RunArgs& a) {
  const std::array<const std::vector<std::string>*, 8> lists = {
      &a.models,     &a.formats,  &a.variants,      &a.threads,
      &a.placements, &a.kv_types, &a.prompt_tokens, &a.gen_tokens};
  std::array<std::optional<std::vector<std::string>>, 8> given;
  for (size_t i = 0; i < lists.size(); ++i) {
    if (a.options[i]->count() > 0) given[i] = *lists[i];
  }
  return {given[0], given[1], given[2], given[3],
          given[4], given[5], given[6], given[7]};
}

std::string ThreadsText(const PlannedCase& p) {
  if (p.n_threads > 0) return std::to_string(p.n_threads);
  return p.spec.threads == kAllThreads ? "all" : std::to_string(p.spec.threads);
}

// One table row per case; the status column is last and unpadded.
std::vector<std::array<std::string, 11>> TableRows(const Plan& plan) {
  std::vector<std::array<std::string, 11>> rows = {
      {"case", "model", "format", "variant", "threads", "placement", "kv",
       "prompt", "gen", "estimate", "status"}};
  for (const PlannedCase& p : plan.cases) {
    const Case& c = p.spec;
    rows.push_back({std::to_string(c.id), c.model, p.format, p.variant,
                    ThreadsText(p), c.placement, c.kv_type,
                    std::to_string(c.prompt_tokens),
                    std::to_string(c.gen_tokens),
                    p.runnable ? FormatDuration(p.estimate.min_s) : "-",
                    p.runnable ? "run" : "skip: " + p.skip_reason});
  }
  return rows;
}

void PrintTable(const Plan& plan) {
  auto rows = TableRows(plan);
  std::array<size_t, 11> width{};
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      width[i] = std::max(width[i], row[i].size());
    }
  }
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i + 1 < row.size(); ++i) {
      line += fmt::format("{:<{}}  ", row[i], width[i]);
    }
    fmt::print("{}{}\n", line, row.back());
  }
}

void PrintHeader(const Suite& suite, const Machine& machine) {
  fmt::print("suite {} ({}): {}\n", suite.name, suite.path, suite.description);
  const MachinePlacement& all = machine.placements.front();
  fmt::print("machine: {}, {} logical CPUs, available RAM {}\n",
             machine.cpu_name.empty() ? "unknown CPU" : machine.cpu_name,
             all.cpus.size(),
             machine.available_bytes
                 ? engine::FormatGiB(*machine.available_bytes)
                 : "unknown");
  const MeasurePolicy& p = suite.policy;
  fmt::print("policy: {} warm-up, {}-{} runs, target CI ±{:.0f}%{}{}{}\n\n",
             p.warmup_runs, p.min_reps, p.max_reps, p.target_rel_ci * 100,
             p.time_budget_s > 0
                 ? fmt::format(", budget {}", FormatDuration(p.time_budget_s))
                 : "",
             p.sustained_decode_s > 0
                 ? fmt::format(", sustained decode {}",
                               FormatDuration(p.sustained_decode_s))
                 : "",
             p.accuracy
                 ? fmt::format(", accuracy over {} tokens", p.accuracy_tokens)
                 : "");
}

void PrintEstimate(const Plan& plan) {
  fmt::print(
      "\n{} cases: {} to run, {} skipped\n"
      "estimate: about {} (up to {}), including {} writing synthetic "
      "models{}\n",
      plan.cases.size(), plan.n_runnable, plan.n_skipped,
      FormatDuration(plan.total_min_s), FormatDuration(plan.total_max_s),
      FormatDuration(plan.setup_s),
      plan.accuracy_s > 0 ? fmt::format(" and {} measuring accuracy",
                                        FormatDuration(plan.accuracy_s))
                          : "");
  for (const std::string& note : plan.notes) fmt::print("note: {}\n", note);
}

// The environment check's warnings (printed, and kept for the report) and
// the checks it could not make.
void AddEnvironment(const probes::HardwareProfile& profile, const RunArgs& args,
                    RunSetup& setup) {
  EnvironmentOptions options;
  // A bandwidth measurement just kept every CPU busy for its budget.
  if (args.measure) {
    options.own_load = static_cast<double>(
        MachineFromProfile(profile).placements.front().cpus.size());
  }
  const EnvironmentReport env =
      CheckEnvironment(profile, probes::FsRoot(args.sysfs_root), options);
  for (const EnvironmentWarning& w : env.warnings) {
    fmt::print(stderr, "lapbench: warning: {}\n", w.message);
    setup.environment_warnings.push_back(w.code + ": " + w.message);
  }
  setup.environment_not_checked = env.not_checked;
}

// `--duration`: the sustained decode span of a suite that has one.
void ApplyDuration(const std::string& duration, Suite& suite) {
  const double seconds = ParseDurationS(duration, "--duration");
  if (suite.policy.sustained_decode_s <= 0) {
    throw SuiteError(fmt::format(
        "--duration: '{}' (expected a suite with sustained decode, such as "
        "throttle; suite {} has policy.sustained_decode_s = 0)",
        duration, suite.name));
  }
  suite.policy.sustained_decode_s = seconds;
}

// What the run samples and waits on: the sensors below --sysfs-root, as
// the environment check reads them.
void AddSensors(const RunArgs& args, const Machine& machine, RunSetup& setup) {
  setup.available_bytes = machine.available_bytes;
  const probes::FsRoot root(args.sysfs_root);
  if (args.no_monitor) {
    setup.monitor.reset();
  } else {
    setup.monitor = MonitorOptions{};
    setup.monitor->root = root;
  }
  if (args.cooldown) {
    setup.cooldown = CooldownOptions{};
    setup.cooldown->root = root;
  }
}

// The suite and plan of the run: a report's to replay, or the suite's with
// the overrides applied.
std::pair<Suite, Plan> SuiteAndPlan(const RunArgs& args, const Machine& machine,
                                    uint64_t& seed) {
  if (!args.replay.empty()) {
    const reports::Report report = reports::LoadReport(args.replay);
    seed = report.seed;
    return ReplayPlan(report.suite, machine);
  }
  Suite suite = args.config.empty()
                    ? LoadSuite(FindSuiteFile(args.suite, DefaultSuiteDirs()))
                    : LoadRunConfig(args.config);
  ApplyOverrides(suite, OverridesFrom(args));
  if (!args.duration.empty()) ApplyDuration(args.duration, suite);
  Plan plan = PlanSuite(suite, machine);
  return {std::move(suite), std::move(plan)};
}

int RunRun(const RunArgs& args) {
  const probes::HardwareProfile profile = Probe(args);
  const Machine machine = MachineFromProfile(profile);
  uint64_t seed = args.seed;
  auto [suite, plan] = SuiteAndPlan(args, machine, seed);
  PrintHeader(suite, machine);
  PrintTable(plan);
  PrintEstimate(plan);
  if (args.dry_run) return kExitOk;

  RunSetup setup;
  AddEnvironment(profile, args, setup);
  AddSensors(args, machine, setup);
  setup.machine = probes::ToJson(profile);
  setup.seed = seed;
  setup.out_dir = args.out_dir.empty() ? DefaultOutDir(suite.name)
                                       : std::filesystem::path(args.out_dir);
  setup.model_cache_dir = args.model_cache.empty()
                              ? DefaultModelDir()
                              : std::filesystem::path(args.model_cache);
  setup.terminal = isatty(STDERR_FILENO) == 1;
  setup.suite = std::move(suite);
  setup.plan = std::move(plan);
  fmt::print("\nresults: {}\n", setup.out_dir.string());
  std::fflush(stdout);
  const reports::Report report = RunPlan(setup);
  fmt::print("\n{}", SummaryTable(report));
  if (report.partial) fmt::print("partial: {}\n", report.partial_reason);
  fmt::print("report: {}\n", (setup.out_dir / "report.json").string());
  return RunExitStatus(report);
}

CLI::Option* AddList(CLI::App* cmd, const std::string& flags,
                     std::vector<std::string>& values,
                     const std::string& help) {
  return cmd->add_option(flags, values, help)
      ->delimiter(',')
      ->type_name("LIST");
}

}  // namespace

void AddRunCommand(CLI::App& app, CommandAction& action) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* cmd = app.add_subcommand(
      "run", "Run a benchmark suite and write a report (default: quick)");
  cmd->add_flag("--dry-run", args->dry_run,
                "Print the cases, skip reasons and estimated duration");
  cmd->add_option("--suite", args->suite,
                  "Suite name (configs/suites/NAME.toml) or TOML file")
      ->capture_default_str();
  RunArgs& a = *args;
  a.options = {
      AddList(cmd, "--model", a.models, "Models: presets or .gguf files"),
      AddList(cmd, "--formats", a.formats, "Weight formats: q4_0,q8_0,..."),
      AddList(cmd, "--variants", a.variants, "Kernel variants, or best"),
      AddList(cmd, "-t,--threads", a.threads, "Thread counts, or all"),
      AddList(cmd, "--placements", a.placements,
              "all, physical, performance, efficiency, low-power"),
      AddList(cmd, "--kv-types", a.kv_types, "KV cache formats: f16, f32"),
      AddList(cmd, "--prompt-tokens", a.prompt_tokens, "Prompt lengths"),
      AddList(cmd, "--gen-tokens", a.gen_tokens, "Generation lengths")};
  cmd->add_option("--topology-xml", a.topology_xml,
                  "Plan for the topology in an hwloc XML file");
  cmd->add_option("--cpuid-dump", a.cpuid_dump,
                  "Plan for the CPU of a CPUID dump (libcpuid or AIDA64)");
  cmd->add_option("--sysfs-root", a.sysfs_root,
                  "Read /proc and /sys below DIR (available RAM)")
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--out", a.out_dir,
                  "Write cases.jsonl and report.json to DIR (default: "
                  "results/<UTC time>-<suite>)");
  CLI::Option* replay =
      cmd->add_option("--replay", a.replay,
                      "Run the cases of a report.json again, with its seed")
          ->check(CLI::ExistingFile);
  replay->excludes(cmd->get_option("--suite"));
  cmd->add_option("--config", a.config,
                  "Run one configuration: a suite file with one value per "
                  "sweep key, as `lapbench recommend -o` writes")
      ->excludes(cmd->get_option("--suite"))
      ->excludes(replay);
  for (CLI::Option* list : a.options) replay->excludes(list);
  cmd->add_option("--seed", a.seed, "Seed of the prompt token ids")
      ->capture_default_str();
  cmd->add_option("--model-cache", a.model_cache,
                  "Where synthetic model files are made and kept (default: "
                  "$XDG_CACHE_HOME/lapbench/models or "
                  "~/.cache/lapbench/models)");
  cmd->add_flag("--measure", a.measure,
                "Measure bandwidth first (about 3 s) instead of assuming it");
  CLI::Option* duration = cmd->add_option(
      "--duration", a.duration,
      "Sustained decode span of a throttle suite: 90s, 5m (default: the "
      "suite's sustained_decode_s)");
  replay->excludes(duration);
  cmd->add_flag("--cooldown", a.cooldown,
                fmt::format("Before each case, wait (up to {:.0f} s) until "
                            "the CPU is within {:.0f} C of its temperature "
                            "before the first case",
                            kCooldownTimeoutS, kCooldownMarginC));
  cmd->add_flag("--no-monitor", a.no_monitor,
                "Do not sample clock, temperature and power during cases");
  cmd->callback([args, &action] { action = [args] { return RunRun(*args); }; });
}

}  // namespace lapbench::harness
