// The subcommands of `lapbench`, each added to the CLI11 app by one function.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace lapbench::harness {

// What a parsed subcommand runs; returns the process exit status.
using CommandAction = std::function<int()>;

// Exit statuses shared by every subcommand.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;    // ran, and found a failure
inline constexpr int kExitBadInput = 2;  // could not run: bad arguments/input

// Each adds its subcommand to `app`; when that subcommand is chosen, its
// action is stored in `action`.
void AddProbeCommand(CLI::App& app, CommandAction& action);
void AddKernelsCommand(CLI::App& app, CommandAction& action);
void AddCheckCommand(CLI::App& app, CommandAction& action);
void AddModelCommand(CLI::App& app, CommandAction& action);
void AddRunCommand(CLI::App& app, CommandAction& action);
void AddThrottleCommand(CLI::App& app, CommandAction& action);
void AddReportCommand(CLI::App& app, CommandAction& action);
void AddCompareCommand(CLI::App& app, CommandAction& action);
void AddTableCommand(CLI::App& app, CommandAction& action);
void AddRecommendCommand(CLI::App& app, CommandAction& action);

// The subcommands of `lapbench model`, added to its CLI11 app `model`.
void AddModelInfoCommand(CLI::App& model, CommandAction& action);
void AddModelMakeCommand(CLI::App& model, CommandAction& action);
void AddModelQuantizeCommand(CLI::App& model, CommandAction& action);
void AddModelEvalCommand(CLI::App& model, CommandAction& action);
void AddModelBenchCommand(CLI::App& model, CommandAction& action);
void AddModelAccuracyCommand(CLI::App& model, CommandAction& action);

}  // namespace lapbench::harness
