// Running `lapbench` in-process from tests, with its standard output
// captured.
#pragma once

#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "harness/cli.h"

namespace lapbench::harness::testing {

// Runs `lapbench args...` with stdout in `out`; returns the exit status.
inline int RunCaptured(std::vector<std::string> args, std::string& out) {
  args.insert(args.begin(), "lapbench");
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  std::fflush(stdout);
  std::FILE* capture = std::tmpfile();
  const int saved = ::dup(1);
  ::dup2(::fileno(capture), 1);
  const int status = RunCli(static_cast<int>(argv.size()), argv.data());
  std::fflush(stdout);
  ::dup2(saved, 1);
  ::close(saved);
  std::rewind(capture);
  out.clear();
  for (int c = std::fgetc(capture); c != EOF; c = std::fgetc(capture)) {
    out += static_cast<char>(c);
  }
  std::fclose(capture);
  return status;
}

// As RunCaptured, with what it printed dropped.
inline int RunQuietly(std::vector<std::string> args) {
  std::string ignored;
  return RunCaptured(std::move(args), ignored);
}

}  // namespace lapbench::harness::testing
