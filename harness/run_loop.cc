// Running every case of a plan, durably, with progress on stderr.
#include "harness/run_loop.h"

#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <thread>

#include "harness/case_runner.h"
#include "harness/commands.h"
#include "harness/cooldown.h"
#include "harness/model_files.h"
#include "harness/run_accuracy.h"
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

// The progress text of a case after a run (or a sustained interval).
std::string ProgressText(const RepProgress& p) {
  if (p.warmup) return fmt::format("warm-up run {}", p.rep);
  if (p.sustained) {
    return fmt::format("sustained decode {:.0f} s  {:.1f} tok/s", p.sustained_s,
                       p.decode_tokens_per_s);
  }
  return fmt::format("decode {:.1f} tok/s", p.decode_tokens_per_s);
}

CaseRunOptions OptionsFor(const RunSetup& setup, const Pace& pace, size_t index,
                          double run_s, StatusLine& status,
                          const std::string& label) {
  CaseRunOptions options;
  options.policy = setup.suite.policy;
  options.seed = setup.seed;
  options.budget_s = CaseBudgetS(setup, index, run_s);
  options.stop = StopRequested;
  options.stop_reason = StopReason;
  options.monitor = setup.monitor;
  if (setup.terminal) {
    const Plan* plan = &setup.plan;
    const Pace* pacing = &pace;
    StatusLine* line = &status;
    options.progress = [label, plan, pacing, index,
                        line](const RepProgress& p) {
      line->Show(fmt::format(
          "{}  {}  ~{} left", label, ProgressText(p),
          FormatDuration(RemainingS(*plan, *pacing, index, p.elapsed_s))));
    };
  }
  return options;
}

// Model files whose making is said above the progress line, and whose
// tensors count on it; `label` is the current case's.
ModelFiles FilesFor(const RunSetup& setup, StatusLine& status,
                    const std::string& label) {
  MakeWatch watch;
  watch.note = [&status](const std::string& line) {
    status.Print("lapbench: info: " + line);
  };
  watch.tensor = [&status, &label](size_t index, size_t count) {
    status.Show(
        fmt::format("{}  making model: tensor {}/{}", label, index + 1, count));
  };
  watch.stop = StopRequested;
  return ModelFiles(setup.model_cache_dir, std::move(watch));
}

RunAccuracy AccuracyFor(const RunSetup& setup, StatusLine& status) {
  RunAccuracyOptions options;
  options.enabled = setup.suite.policy.accuracy;
  options.n_tokens = setup.suite.policy.accuracy_tokens;
  options.available_bytes = setup.available_bytes;
  options.n_threads =
      static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  options.stop = StopRequested;
  options.note = [&status](const std::string& line) {
    status.Print("lapbench: info: " + line);
  };
  return RunAccuracy(setup.plan, std::move(options));
}

// The cooldown of `--cooldown`, its idle temperature read now; nullptr
// without the option, or (said once) when there is no sensor.
std::unique_ptr<Cooldown> StartCooldown(const RunSetup& setup,
                                        StatusLine& status) {
  if (!setup.cooldown) return nullptr;
  CooldownOptions options = *setup.cooldown;
  options.stop = StopRequested;
  auto cooldown = std::make_unique<Cooldown>(std::move(options));
  if (!cooldown->available()) {
    status.Print(fmt::format(
        "lapbench: warning: --cooldown cannot work here: no CPU temperature "
        "to wait on ({}); cases run back to back",
        cooldown->unavailable_reason()));
    return nullptr;
  }
  status.Print(fmt::format(
      "lapbench: info: cooldown: idle CPU temperature {:.1f} C; each case "
      "waits until it is at most {:.1f} C (for up to {:.0f} s)",
      *cooldown->idle_c(), cooldown->target_c(), setup.cooldown->timeout_s));
  return cooldown;
}

// Waits for the CPU to cool before case `label`, its progress on the
// status line (a terminal) or its first and last line (a log).
void CoolDown(Cooldown& cooldown, StatusLine& status,
              const std::string& label) {
  int lines = 0;
  const CooldownWait wait = cooldown.Wait([&](const std::string& line) {
    if (status.terminal()) {
      status.Show(label + "  " + line);
    } else if (lines++ == 0) {
      status.Print("lapbench: info: " + label + ": " + line);
    }
  });
  if (wait.outcome == CooldownOutcome::kTimedOut) {
    status.Print(
        fmt::format("lapbench: warning: {}: cooldown timed out "
                    "after {:.0f} s",
                    label, wait.waited_s));
  }
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

void LogCase(StatusLine& status, const std::string& label,
             const reports::CaseResult& result) {
  status.Print(
      status.terminal()
          ? fmt::format("{}  {}", label, CaseOutcome(result))
          : fmt::format("lapbench: {}: {}", label, CaseOutcome(result)));
}

}  // namespace

reports::Report RunPlan(const RunSetup& setup) {
  const StopOnSignals stop_on_signals;
  fs::create_directories(setup.out_dir);
  const fs::path jsonl = setup.out_dir / "cases.jsonl";
  reports::Report report = StartReport(setup);
  StatusLine status(setup.terminal);
  std::string label;  // the case in hand, for the status line
  ModelFiles files = FilesFor(setup, status, label);
  RunAccuracy accuracy = AccuracyFor(setup, status);
  const std::unique_ptr<Cooldown> cooldown = StartCooldown(setup, status);
  const Clock::time_point start = Clock::now();
  Pace pace;
  bool ran_one = false;
  for (size_t i = 0; i < setup.plan.cases.size() && !StopRequested(); ++i) {
    const PlannedCase& planned = setup.plan.cases[i];
    label = CaseLabel(planned, static_cast<int>(i) + 1,
                      static_cast<int>(setup.plan.cases.size()));
    if (cooldown && planned.runnable && ran_one) {
      CoolDown(*cooldown, status, label);
    }
    const FormatAccuracy format_accuracy = accuracy.For(planned, files);
    const double run_s = Seconds(start, Clock::now());
    reports::CaseResult result = RunCase(
        planned, files, OptionsFor(setup, pace, i, run_s, status, label));
    if (planned.runnable) {
      pace.actual_s += Seconds(start, Clock::now()) - run_s;
      pace.estimated_s += planned.estimate.min_s;
      ran_one = true;
    }
    result.accuracy = format_accuracy.accuracy;
    result.accuracy_note = format_accuracy.note;
    LogCase(status, label, result);
    AppendLineDurably(jsonl, reports::ToJson(result).dump());
    report.cases.push_back(std::move(result));
    if (setup.after_case) setup.after_case(report.cases.back());
  }
  status.Clear();
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
