// Running every case of a plan, durably, with progress on stderr.
#include "harness/run_loop.h"

#include <fmt/format.h>

#include <algorithm>

#include "harness/case_runner.h"
#include "harness/commands.h"
#include "harness/model_files.h"
#include "harness/run_output.h"
#include "harness/stop_signal.h"
#include "harness/suite_json.h"
#include "harness/timed_steps.h"
#include "reports/render.h"

namespace lapbench::harness {
namespace fs = std::filesystem;

namespace {

// How long cases take against the plan's estimate: actual seconds over
// estimated seconds of the runnable cases finished so far (1 before any).
struct Pace {
  double actual_s = 0;
  double estimated_s = 0;
  double Scale() const {
    return estimated_s > 0 && actual_s > 0 ? actual_s / estimated_s : 1;
  }
};

// Seconds still expected after case `index` has run `elapsed_s`: the
// plan's estimates scaled by the pace so far.
double RemainingS(const Plan& plan, const Pace& pace, size_t index,
                  double elapsed_s) {
  double left = plan.cases[index].estimate.min_s;
  for (size_t j = index + 1; j < plan.cases.size(); ++j) {
    left += plan.cases[j].estimate.min_s;
  }
  return std::max(0.0, left * pace.Scale() - elapsed_s);
}

// This case's share of what is left of the suite's budget: it stops at
// min_reps once spent. 0 when the suite has no budget.
double CaseBudgetS(const RunSetup& setup, size_t index, double run_s) {
  const double total = setup.suite.policy.time_budget_s;
  if (total <= 0) return 0;
  const auto left = std::count_if(
      setup.plan.cases.begin() + static_cast<ptrdiff_t>(index),
      setup.plan.cases.end(), [](const PlannedCase& p) { return p.runnable; });
  // A spent budget still needs a positive figure: 0 would mean none.
  return std::max(1e-9, (total - run_s) / static_cast<double>(left));
}

CaseRunOptions OptionsFor(const RunSetup& setup, const Pace& pace, size_t index,
                          double run_s) {
  CaseRunOptions options;
  options.policy = setup.suite.policy;
  options.seed = setup.seed;
  options.budget_s = CaseBudgetS(setup, index, run_s);
  options.stop = StopRequested;
  options.stop_reason = StopReason;
  if (setup.terminal) {
    const PlannedCase& planned = setup.plan.cases[index];
    const std::string label =
        CaseLabel(planned, static_cast<int>(index) + 1,
                  static_cast<int>(setup.plan.cases.size()));
    const Plan* plan = &setup.plan;
    const Pace* pacing = &pace;
    options.progress = [label, plan, pacing, index](const RepProgress& p) {
      const std::string rate =
          p.warmup ? fmt::format("warm-up run {}", p.rep)
                   : fmt::format("decode {:.1f} tok/s", p.decode_tokens_per_s);
      fmt::print(
          stderr, "\r\033[K{}  {}  ~{} left", label, rate,
          FormatDuration(RemainingS(*plan, *pacing, index, p.elapsed_s)));
    };
  }
  return options;
}

reports::Report StartReport(const RunSetup& setup) {
  reports::Report report;
  report.machine = setup.machine;
  report.build = reports::ThisBuild();
  report.suite = SuiteJson(setup.suite, setup.plan);
  report.seed = setup.seed;
  report.started_utc = reports::UtcNow();
  report.environment_warnings = setup.environment_warnings;
  report.environment_not_checked = setup.environment_not_checked;
  return report;
}

void LogCase(const RunSetup& setup, size_t index,
             const reports::CaseResult& result) {
  const std::string label =
      CaseLabel(setup.plan.cases[index], static_cast<int>(index) + 1,
                static_cast<int>(setup.plan.cases.size()));
  if (setup.terminal) {
    fmt::print(stderr, "\r\033[K{}  {}", label, CaseOutcome(result));
  } else {
    fmt::print(stderr, "lapbench: {}: {}\n", label, CaseOutcome(result));
  }
}

}  // namespace

reports::Report RunPlan(const RunSetup& setup) {
  const StopOnSignals stop_on_signals;
  fs::create_directories(setup.out_dir);
  const fs::path jsonl = setup.out_dir / "cases.jsonl";
  reports::Report report = StartReport(setup);
  ModelFiles files(setup.model_cache_dir);
  const Clock::time_point start = Clock::now();
  Pace pace;
  for (size_t i = 0; i < setup.plan.cases.size() && !StopRequested(); ++i) {
    const double run_s = Seconds(start, Clock::now());
    reports::CaseResult result =
        RunCase(setup.plan.cases[i], files, OptionsFor(setup, pace, i, run_s));
    if (setup.plan.cases[i].runnable) {
      pace.actual_s += Seconds(start, Clock::now()) - run_s;
      pace.estimated_s += setup.plan.cases[i].estimate.min_s;
    }
    LogCase(setup, i, result);
    AppendLineDurably(jsonl, reports::ToJson(result).dump());
    report.cases.push_back(std::move(result));
    if (setup.after_case) setup.after_case(report.cases.back());
  }
  if (setup.terminal) fmt::print(stderr, "\r\033[K");
  report.partial = StopRequested();
  report.partial_reason = StopReason();
  report.finished_utc = reports::UtcNow();
  WriteFileAtomic(setup.out_dir / "report.json",
                  reports::ToJson(report).dump(2) + "\n");
  for (const reports::RenderedForm& form : reports::AllRenderedForms()) {
    WriteFileAtomic(setup.out_dir / form.file_name, form.render(report));
  }
  return report;
}

int RunExitStatus(const reports::Report& report) {
  if (report.partial) {
    // The reason names the signal; recover its number from the request.
    return StopSignal() > 0 ? 128 + StopSignal() : kExitFailed;
  }
  for (const reports::CaseResult& c : report.cases) {
    if (c.status == reports::CaseStatus::kFailed) return kExitFailed;
  }
  return kExitOk;
}

}  // namespace lapbench::harness
