// Finding the reports a command is given: report files named on the
// command line, and directories searched for them.
#pragma once

#include <string>
#include <vector>

#include "reports/report.h"

namespace lapbench::reports {

// A report with the file it came from.
struct SourcedReport {
  std::string path;
  Report report;
};

// Loads every report `inputs` names. A file is read as a report and must
// be one: anything else throws ReportError naming it. A directory is
// searched recursively for `report.json` and other `*.json` files, in path
// order; a file found that way which is not a valid report (a probe
// profile, a throttle series, a broken file) is skipped and
// `warnings` gets "skipped <path>: <why>". Throws ReportError for an input
// that does not exist.
std::vector<SourcedReport> FindAndLoadReports(
    const std::vector<std::string>& inputs, std::vector<std::string>& warnings);

}  // namespace lapbench::reports
