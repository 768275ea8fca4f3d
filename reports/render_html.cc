// The HTML page of a report: one self-contained file, with inline CSS and
// inline SVG charts, that reads the same offline.
#include <fmt/format.h>

#include <vector>

#include "reports/render.h"
#include "reports/render_text.h"
#include "reports/report_charts.h"
#include "reports/report_tables.h"
#include "reports/svg.h"

namespace lapbench::reports {
namespace {

constexpr std::string_view kHtmlStyle = R"(
body { font-family: sans-serif; margin: 2em auto; max-width: 1100px;
       padding: 0 1em; color: #222; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.5em; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
th { background: #f0f0f0; }
figure { margin: 2em 0; }
figcaption { font-size: 0.9em; color: #555; max-width: 760px; }
.no-data { font-style: italic; color: #555; }
.warn { color: #8a4b00; }
svg.chart { display: block; max-width: 100%; height: auto; }
)";

// A table cell; `numeric` cells align right.
std::string HtmlCell(std::string_view text, bool numeric = false) {
  return fmt::format("<td{}>{}</td>", numeric ? " class=\"num\"" : "",
                     XmlEscape(text));
}

std::string HtmlHeaderRow(const std::vector<std::string>& names) {
  std::string out = "<tr>";
  for (const std::string& name : names) {
    out += "<th>" + XmlEscape(name) + "</th>";
  }
  return out + "</tr>\n";
}

std::string HtmlHead(const Report& report) {
  const std::string suite = SuiteName(report);
  const std::string title = XmlEscape(
      suite.empty() ? "lapbench report" : "lapbench report: " + suite);
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, "
      "initial-scale=1\">\n<title>{0}</title>\n<style>{1}</style>\n</head>\n"
      "<body>\n<h1>{0}</h1>\n",
      title, kHtmlStyle);
}

std::string HtmlSummary(const Report& report) {
  const BuildInfo& b = report.build;
  std::string out = "<table class=\"summary\">\n";
  const std::pair<const char*, std::string> rows[] = {
      {"machine", MachineSummary(report.machine)},
      {"build",
       fmt::format("{}, {}, {}",
                   b.git_commit.empty() ? "commit unknown" : b.git_commit,
                   b.compiler, b.build_type)},
      {"run", fmt::format("{} to {}, seed {}", report.started_utc,
                          report.finished_utc.empty() ? "(unfinished)"
                                                      : report.finished_utc,
                          report.seed)},
      {"status", RunStatusText(report)}};
  for (const auto& [name, value] : rows) {
    out += fmt::format("<tr><th>{}</th>{}</tr>\n", name, HtmlCell(value));
  }
  return out + "</table>\n";
}

std::string HtmlWarnings(const Report& report) {
  if (report.environment_warnings.empty() &&
      report.environment_not_checked.empty()) {
    return "<p>Environment: no warnings.</p>\n";
  }
  std::string out = "<h2>Environment warnings</h2>\n<ul class=\"warn\">\n";
  for (const std::string& w : report.environment_warnings) {
    out += "<li>" + XmlEscape(w) + "</li>\n";
  }
  for (const std::string& n : report.environment_not_checked) {
    out += "<li>" + XmlEscape(n) + "</li>\n";
  }
  return out + "</ul>\n";
}

std::string HtmlTable(const TextTable& table, std::string_view css_class) {
  std::string out = fmt::format("<table class=\"{}\">\n", css_class) +
                    HtmlHeaderRow(table.header);
  for (const std::vector<std::string>& row : table.rows) {
    out += "<tr>";
    for (size_t i = 0; i < row.size(); ++i) {
      out += HtmlCell(row[i], i < table.numeric.size() && table.numeric[i]);
    }
    out += "</tr>\n";
  }
  return out + "</table>\n";
}

std::string HtmlResults(const Report& report) {
  const TextTable table = ResultsTable(report);
  if (table.rows.empty()) {
    return "<h2>Results</h2>\n<p>No case was measured.</p>\n";
  }
  return "<h2>Results</h2>\n" + HtmlTable(table, "results") + "<p>" +
         XmlEscape(ResultsNote(report)) + "</p>\n";
}

std::string HtmlThrottle(const Report& report) {
  const TextTable table = ThrottleTable(report);
  if (table.rows.empty()) return "";
  return "<h2>Sustained decode</h2>\n" + HtmlTable(table, "throttle");
}

std::string HtmlNotMeasured(const Report& report) {
  std::string rows;
  for (const CaseResult& c : report.cases) {
    if (c.status == CaseStatus::kMeasured) continue;
    rows += "<tr>" + HtmlCell(CaseSpecLabel(c.spec)) +
            HtmlCell(CaseStatusName(c.status)) + HtmlCell(c.reason) + "</tr>\n";
  }
  if (rows.empty()) return "";
  return "<h2>Not measured</h2>\n<table class=\"not-measured\">\n" +
         HtmlHeaderRow({"case", "status", "reason"}) + rows + "</table>\n";
}

std::string HtmlCharts(const Report& report) {
  return "<h2>Charts</h2>\n" + ThroughputChart(report) + ScalingChart(report) +
         ThrottleCharts(report) + LatencyChart(report);
}

}  // namespace

std::string RenderHtml(const Report& report) {
  return HtmlHead(report) + HtmlSummary(report) + HtmlWarnings(report) +
         HtmlResults(report) + HtmlNotMeasured(report) + HtmlThrottle(report) +
         HtmlCharts(report) + "</body>\n</html>\n";
}

}  // namespace lapbench::reports
