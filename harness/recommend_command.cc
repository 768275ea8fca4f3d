// `lapbench recommend`: the best measured configuration of a model for this
// laptop, two runners-up, what was excluded and why, and the winner as a
// config file for `lapbench run --config` and `lapbench model bench
// --config`.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "engine/memory_plan.h"
#include "harness/commands.h"
#include "harness/model_prep.h"
#include "harness/recommend.h"
#include "harness/recommend_sweep.h"
#include "harness/run_config.h"
#include "harness/run_output.h"
#include "reports/machine_table.h"

namespace lapbench::harness {
namespace {

// How many configurations are printed: the winner and two runners-up.
constexpr size_t kShownConfigs = 3;

struct RecommendArgs {
  std::vector<std::string> reports;  // empty: run a focused sweep
  std::string report;                // what was ranked, for messages
  std::vector<std::string> origins;  // of each case, when merged
  std::string objective = "decode";
  double available_gib = 0;  // 0: the report's figure
  std::string out;           // the winner's config file; empty: none
  std::string sweep_dir;     // the sweep's results; empty: DefaultOutDir
  std::string model_cache;   // empty: DefaultModelDir
  RecommendOptions options;
};

RecommendOptions RecommendOptionsFrom(const RecommendArgs& args) {
  RecommendOptions options = args.options;
  const std::optional<Objective> objective = ParseObjective(args.objective);
  if (!objective) {
    throw RecommendError(
        fmt::format("--objective: '{}' (expected decode, ttft, energy or "
                    "balanced)",
                    args.objective));
  }
  options.objective = *objective;
  if (args.available_gib > 0) {
    options.available_bytes =
        static_cast<uint64_t>(std::llround(args.available_gib * (1 << 30)));
  }
  return options;
}

std::string RecommendSpecText(const reports::CaseSpec& s) {
  return fmt::format("{} {}, {} thread{} ({}), kv {} (case {})", s.format,
                     s.variant, s.threads, s.threads == 1 ? "" : "s",
                     s.placement, s.kv_type, s.id);
}

void PrintRecommendHeader(const RecommendArgs& args,
                          const RecommendOptions& options,
                          const reports::Report& report,
                          const Recommendation& rec) {
  const std::string cpu = reports::IdentifyMachine(report.machine).cpu_brand;
  fmt::print("model {}, objective {}, context {} tokens, margin {:.0f}%\n",
             options.model, ObjectiveName(options.objective),
             options.context_tokens, options.margin * 100);
  fmt::print("report {} ({}, started {})\n", args.report,
             cpu.empty() ? "unknown CPU" : cpu, report.started_utc);
  if (!args.origins.empty()) {
    fmt::print("cases renumbered: {}\n", fmt::join(args.origins, "; "));
  }
  fmt::print("RAM to plan against: {} ({})\n\n",
             engine::FormatSize(rec.available_bytes), rec.available_source);
}

void PrintRanked(const Recommendation& rec) {
  for (size_t i = 0; i < rec.ranked.size() && i < kShownConfigs; ++i) {
    const RankedConfig& r = rec.ranked[i];
    fmt::print("{} {}\n  why: {}\n  memory: {}\n",
               i == 0 ? "winner:" : fmt::format("runner-up {}:", i),
               RecommendSpecText(r.spec), r.reason, r.memory.note);
  }
  if (rec.ranked.size() > kShownConfigs) {
    fmt::print("({} more configurations fit)\n",
               rec.ranked.size() - kShownConfigs);
  }
  if (!rec.excluded.empty()) fmt::print("\nexcluded:\n");
  for (const RankedConfig& r : rec.excluded) {
    fmt::print("  {}: {}\n", RecommendSpecText(r.spec), r.reason);
  }
  for (const std::string& note : rec.notes) fmt::print("note: {}\n", note);
}

RunConfig ConfigOfSpec(const reports::CaseSpec& s) {
  return {s.model,     s.format,  s.variant,       s.threads,
          s.placement, s.kv_type, s.prompt_tokens, s.gen_tokens};
}

void WriteWinner(const RecommendArgs& args, const RecommendOptions& options,
                 const RankedConfig& winner) {
  const std::vector<std::string> comment = {
      fmt::format("Written by lapbench recommend from {}.", args.report),
      fmt::format("Objective {}, context {} tokens: {}.",
                  ObjectiveName(options.objective), options.context_tokens,
                  winner.reason),
      fmt::format("Memory: {}.", winner.memory.note),
      fmt::format("Run it: lapbench run --config {0}; lapbench model bench "
                  "--config {0}",
                  args.out)};
  const std::string text = RunConfigToml(
      ConfigOfSpec(winner.spec), "recommended",
      fmt::format("Best {} configuration of {} for a {}-token context",
                  ObjectiveName(options.objective), options.model,
                  options.context_tokens),
      comment);
  std::ofstream out(args.out, std::ios::binary);
  out << text;
  if (!out.flush()) {
    throw RecommendError(
        fmt::format("cannot write: '{}' (expected a writable file)", args.out));
  }
  fmt::print("\nwrote {}\n", args.out);
}

// The reports given, merged when there are several.
reports::Report LoadReportsToRank(RecommendArgs& args) {
  std::vector<reports::SourcedReport> sources;
  for (const std::string& path : args.reports) {
    sources.push_back({path, reports::LoadReport(path)});
  }
  args.report = fmt::format("{}", fmt::join(args.reports, " + "));
  if (sources.size() == 1) return std::move(sources.front().report);
  return MergeRunReports(sources, args.origins);
}

// The report to rank: --report, else a focused sweep measured now.
reports::Report ReportToRank(RecommendArgs& args,
                             const RecommendOptions& options) {
  if (!args.reports.empty()) return LoadReportsToRank(args);
  const Suite suite = FocusedSweepSuite(options.model);
  const std::filesystem::path out = args.sweep_dir.empty()
                                        ? DefaultOutDir(suite.name)
                                        : std::filesystem::path(args.sweep_dir);
  const std::filesystem::path cache =
      args.model_cache.empty() ? DefaultModelDir()
                               : std::filesystem::path(args.model_cache);
  reports::Report report = RunFocusedSweep(suite, out, cache);
  args.report = (out / "report.json").string();
  if (report.partial) {
    throw RecommendError(
        fmt::format("the sweep was stopped ({}); its report is {}",
                    report.partial_reason, args.report));
  }
  return report;
}

int RunRecommend(RecommendArgs args) {
  const RecommendOptions options = RecommendOptionsFrom(args);
  const reports::Report report = ReportToRank(args, options);
  const Recommendation rec = Recommend(report, options);
  PrintRecommendHeader(args, options, report, rec);
  PrintRanked(rec);
  if (rec.ranked.empty()) {
    fmt::print("\nnothing fits: {}\n", rec.suggestion);
    if (!args.out.empty()) fmt::print("{} not written\n", args.out);
    return kExitFailed;
  }
  if (!args.out.empty()) WriteWinner(args, options, rec.ranked.front());
  return kExitOk;
}

}  // namespace

void AddRecommendCommand(CLI::App& app, CommandAction& action) {
  auto args = std::make_shared<RecommendArgs>();
  CLI::App* cmd = app.add_subcommand(
      "recommend", "Rank a report's configurations of a model for this laptop");
  cmd->add_option("--report", args->reports,
                  "report.json of this machine to rank; repeat it to rank "
                  "several runs together, e.g. a suite and a throttle run "
                  "(default: measure q4_0/q8_0 on 1 and all threads now)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--sweep-out", args->sweep_dir,
                  "Without --report: where the sweep writes its report "
                  "(default: results/<UTC time>-recommend)");
  cmd->add_option("--model-cache", args->model_cache,
                  "Without --report: where synthetic models are made and "
                  "kept (default: as lapbench run)");
  cmd->add_option("--model", args->options.model,
                  "Preset or .gguf file, as the report names it")
      ->required();
  cmd->add_option("--context", args->options.context_tokens,
                  "Context tokens the configuration must fit")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 20))
      ->capture_default_str();
  cmd->add_option("--objective", args->objective,
                  "decode, ttft, energy or balanced")
      ->capture_default_str();
  cmd->add_option("--margin", args->options.margin,
                  "Share added to the memory need before it must fit")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  cmd->add_option("--available-gib", args->available_gib,
                  "RAM to plan against (default: the report's "
                  "memory.planning_bytes)")
      ->check(CLI::Range(0.001, 1e6));
  cmd->add_option("-o,--output", args->out,
                  "Write the winner as a config file (TOML)");
  cmd->callback(
      [args, &action] { action = [args] { return RunRecommend(*args); }; });
}

}  // namespace lapbench::harness
