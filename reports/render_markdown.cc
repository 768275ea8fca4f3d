// The Markdown summary of a report: machine, status, results, the cases
// not measured and the sustained-decode cases.
#include <fmt/format.h>

#include <vector>

#include "reports/render.h"
#include "reports/render_text.h"
#include "reports/report_tables.h"

namespace lapbench::reports {
namespace {

// Report text made safe for one Markdown line or table cell: line breaks
// become spaces, and characters Markdown would read as a table border,
// HTML, emphasis or code are escaped with a backslash.
std::string MarkdownText(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == '\n' || c == '\r') {
      out += ' ';
      continue;
    }
    if (std::string_view("\\|<>*`").find(c) != std::string_view::npos) {
      out += '\\';
    }
    out += c;
  }
  return out;
}

std::string MarkdownRow(const std::vector<std::string>& cells) {
  std::string out = "|";
  for (const std::string& cell : cells) out += " " + MarkdownText(cell) + " |";
  return out + "\n";
}

std::string MarkdownTable(const TextTable& table) {
  std::string out = MarkdownRow(table.header);
  out += "|";
  for (size_t i = 0; i < table.header.size(); ++i) out += " --- |";
  out += "\n";
  for (const auto& row : table.rows) out += MarkdownRow(row);
  return out;
}

std::string MarkdownHead(const Report& report) {
  const std::string suite = SuiteName(report);
  std::string out =
      fmt::format("# lapbench report{}\n\n",
                  suite.empty() ? "" : ": " + MarkdownText(suite));
  const BuildInfo& b = report.build;
  out += fmt::format("- Machine: {}\n",
                     MarkdownText(MachineSummary(report.machine)));
  out += fmt::format("- Build: {}, {}, {}\n",
                     b.git_commit.empty() ? "commit unknown" : b.git_commit,
                     MarkdownText(b.compiler), MarkdownText(b.build_type));
  out += fmt::format(
      "- Run: {} to {}, seed {}\n", report.started_utc,
      report.finished_utc.empty() ? "(unfinished)" : report.finished_utc,
      report.seed);
  out += fmt::format("- Status: {}\n", MarkdownText(RunStatusText(report)));
  return out;
}

std::string MarkdownWarnings(const Report& report) {
  if (report.environment_warnings.empty() &&
      report.environment_not_checked.empty()) {
    return "- Environment: no warnings\n";
  }
  std::string out = "\n## Environment warnings\n\n";
  for (const std::string& w : report.environment_warnings) {
    out += "- " + MarkdownText(w) + "\n";
  }
  for (const std::string& n : report.environment_not_checked) {
    out += "- " + MarkdownText(n) + "\n";
  }
  return out;
}

std::string MarkdownResults(const Report& report) {
  const TextTable table = ResultsTable(report);
  if (table.rows.empty()) return "\n## Results\n\nNo case was measured.\n";
  return "\n## Results\n\n" + MarkdownTable(table) + "\n" +
         MarkdownText(ResultsNote(report)) + "\n";
}

std::string MarkdownNotMeasured(const Report& report) {
  std::string out;
  for (const CaseResult& c : report.cases) {
    if (c.status == CaseStatus::kMeasured) continue;
    out += fmt::format("- {}: {}{}\n", MarkdownText(CaseSpecLabel(c.spec)),
                       CaseStatusName(c.status),
                       c.reason.empty() ? "" : ": " + MarkdownText(c.reason));
  }
  return out.empty() ? "" : "\n## Not measured\n\n" + out;
}

std::string MarkdownThrottle(const Report& report) {
  const TextTable table = ThrottleTable(report);
  if (table.rows.empty()) return "";
  return "\n## Sustained decode\n\n" + MarkdownTable(table);
}

}  // namespace

std::string RenderMarkdown(const Report& report) {
  return MarkdownHead(report) + MarkdownWarnings(report) +
         MarkdownResults(report) + MarkdownNotMeasured(report) +
         MarkdownThrottle(report);
}

}  // namespace lapbench::reports
