// The run loop of `lapbench run`: every case of a plan in turn, each
// appended to <out>/cases.jsonl when it ends, then <out>/report.json.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "harness/cooldown.h"
#include "harness/monitor.h"
#include "harness/plan.h"
#include "harness/suite.h"
#include "reports/report.h"

namespace lapbench::harness {

// Everything a run needs besides the machine it runs on.
struct RunSetup {
  Suite suite;
  Plan plan;
  nlohmann::json machine;  // the probe's JSON, recorded as is
  uint64_t seed = 0;       // of the prompt token ids
  std::filesystem::path out_dir;
  std::filesystem::path model_cache_dir;
  std::vector<std::string> environment_warnings;
  std::vector<std::string> environment_not_checked;
  // RAM the accuracy reference must fit in (MemAvailable); nullopt:
  // unknown, not checked.
  std::optional<uint64_t> available_bytes;
  // Sensors sampled during each case's measured runs; nullopt: none
  // (`--no-monitor`).
  std::optional<MonitorOptions> monitor = MonitorOptions{};
  // `--cooldown`: wait between cases for the CPU to cool; nullopt: no
  // waiting.
  std::optional<CooldownOptions> cooldown;
  // Progress on stderr as one updating line (a terminal) or as one log
  // line per case.
  bool terminal = false;
  // Called after each case is written to cases.jsonl (tests use it).
  std::function<void(const reports::CaseResult&)> after_case;
};

// Runs the plan's cases in order while SIGINT/SIGTERM request a stop: the
// case in flight is abandoned, the rest are not started, and the report is
// marked partial with the reason. With the suite's policy.accuracy, each
// model's formats are measured against its reference before its first
// runnable case (harness/run_accuracy.h) and every case gets its format's
// accuracy or a note. With `cooldown`, each runnable case after the first
// waits for the CPU to cool. Writes report.json atomically at the end,
// then report.md, cases.csv and report.html beside it (reports/render.h),
// and returns the report. Throws std::runtime_error when the output
// directory or its files cannot be written.
reports::Report RunPlan(const RunSetup& setup);

// The exit status of a finished run: 128 + the signal when stopped, 1 when
// a case failed, else 0.
int RunExitStatus(const reports::Report& report);

}  // namespace lapbench::harness
