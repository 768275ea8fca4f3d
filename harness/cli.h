// The lapbench command line: subcommands, their options, exit codes.
#pragma once

namespace lapbench::harness {

// Parses argv, runs the chosen subcommand and returns the exit status.
// Errors are printed to stderr as one line each; nothing throws out.
int RunCli(int argc, char** argv);

}  // namespace lapbench::harness
