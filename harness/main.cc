// The lapbench command: parses the command line and runs one subcommand.
#include "harness/cli.h"

int main(int argc, char** argv) {
  return lapbench::harness::RunCli(argc, argv);
}
