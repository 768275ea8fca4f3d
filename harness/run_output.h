// What a run writes while it runs: the durable files (cases.jsonl,
// report.json), the progress line and the closing summary table.
#pragma once

#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>

#include "harness/plan.h"
#include "reports/report.h"

namespace lapbench::harness {

// Writes `text` to `path` through `<path>.tmp` (written, fsynced, then
// renamed over `path`), so `path` is always either the old or the new
// file. Throws std::runtime_error naming the path.
void WriteFileAtomic(const std::filesystem::path& path, std::string_view text);

// Appends `line` and a newline to `path` and fsyncs it. Throws
// std::runtime_error naming the path.
void AppendLineDurably(const std::filesystem::path& path,
                       std::string_view line);

// "results/20261204T091200Z-quick": where a run writes by default.
std::filesystem::path DefaultOutDir(const std::string& suite_name);

// What a run says on stderr while it runs. On a terminal, progress is one
// line rewritten in place, and any other message first clears it and then
// takes a line of its own, so the two never share a line; elsewhere (a
// pipe, a log file) progress is not shown and each message is one line.
class StatusLine {
 public:
  explicit StatusLine(bool terminal, std::FILE* out = stderr)
      : terminal_(terminal), out_(out) {}
  // Rewrites the progress line with `text` (a terminal only).
  void Show(std::string_view text);
  // Prints `line` and a newline, below a cleared progress line.
  void Print(std::string_view line);
  // Clears the progress line, if one is shown.
  void Clear();
  bool terminal() const { return terminal_; }

 private:
  bool terminal_;
  std::FILE* out_;
  bool showing_ = false;
};

// "case 2/8  tiny-llama q4_0 avx2 t=1", the head of every progress line.
std::string CaseLabel(const PlannedCase& planned, int index, int count);

// "decode 512.3 tok/s (3 runs)": the key rate of a finished case ("decode
// 512.3 tok/s burst, 498.0 sustained (ratio 0.972, 600 intervals)" for a
// sustained decode), or its status and reason when it was not measured.
std::string CaseOutcome(const reports::CaseResult& result);

// The summary table of `report`'s cases, one row per case.
std::string SummaryTable(const reports::Report& report);

}  // namespace lapbench::harness
