// Report files from command-line inputs: files as given, directories
// searched recursively for JSON reports.
#include "reports/report_inputs.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

namespace lapbench::reports {
namespace {

namespace fs = std::filesystem;

// The *.json files below `dir`, sorted by path.
std::vector<fs::path> JsonFilesBelow(const fs::path& dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  fs::recursive_directory_iterator it(
      dir, fs::directory_options::skip_permission_denied, ec);
  if (ec) {
    throw ReportError(fmt::format("cannot search directory: '{}' ({})",
                                  dir.string(), ec.message()));
  }
  for (const fs::directory_entry& entry : it) {
    if (entry.is_regular_file(ec) && entry.path().extension() == ".json") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

void AddFoundReports(const fs::path& dir, std::vector<SourcedReport>& out,
                     std::vector<std::string>& warnings) {
  for (const fs::path& file : JsonFilesBelow(dir)) {
    try {
      out.push_back({file.string(), LoadReport(file.string())});
    } catch (const ReportError& e) {
      // The error names the file already.
      warnings.push_back(fmt::format("skipped {}", e.what()));
    }
  }
}

}  // namespace

std::vector<SourcedReport> FindAndLoadReports(
    const std::vector<std::string>& inputs,
    std::vector<std::string>& warnings) {
  std::vector<SourcedReport> out;
  for (const std::string& input : inputs) {
    std::error_code ec;
    if (fs::is_directory(input, ec)) {
      AddFoundReports(input, out, warnings);
    } else if (fs::exists(input, ec)) {
      out.push_back({input, LoadReport(input)});
    } else {
      throw ReportError(fmt::format(
          "no such report: '{}' (expected a report.json file or a directory "
          "holding reports)",
          input));
    }
  }
  return out;
}

}  // namespace lapbench::reports
