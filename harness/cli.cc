// The lapbench command line: subcommands, their options, exit codes.
#include "harness/cli.h"

#include <CLI/CLI.hpp>

namespace lapbench::harness {

int RunCli(int argc, char** argv) {
  CLI::App app{"lapbench: benchmark local LLM inference on this laptop"};
  app.require_subcommand(1);
  CLI11_PARSE(app, argc, argv);
  return 0;
}

}  // namespace lapbench::harness
