// The lapbench command line: subcommands, their options, exit codes.
#include "harness/cli.h"

#include <fmt/format.h>

#include <exception>

#include "harness/commands.h"

namespace lapbench::harness {

int RunCli(int argc, char** argv) {
  CLI::App app{"lapbench: benchmark local LLM inference on this laptop"};
  app.require_subcommand(1);
  CommandAction action;
  AddProbeCommand(app, action);
  AddKernelsCommand(app, action);
  AddCheckCommand(app, action);
  AddModelCommand(app, action);
  AddRunCommand(app, action);
  AddThrottleCommand(app, action);
  AddReportCommand(app, action);
  AddCompareCommand(app, action);
  AddTableCommand(app, action);
  AddRecommendCommand(app, action);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int status = app.exit(e);
    return status == 0 ? kExitOk : kExitBadInput;
  }
  try {
    return action ? action() : kExitBadInput;
  } catch (const std::exception& e) {
    fmt::print(stderr, "lapbench: error: {}\n", e.what());
    return kExitBadInput;
  }
}

}  // namespace lapbench::harness
