// The HTML page of a report: one self-contained file, with inline CSS and
// inline SVG charts, that reads the same offline.
#include <fmt/format.h>

#include <vector>

#include "reports/render.h"
#include "reports/render_text.h"
#include "reports/report_charts.h"
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

std::string HeaderRow(const std::vector<std::string>& names) {
  std::string out = "<tr>";
  for (const std::string& name : names)
    out += "<th>" + XmlEscape(name) + "</th>";
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

std::string HtmlResultRow(const CaseResult& c, bool accuracy, bool energy) {
  const CaseMetrics& m = c.metrics;
  std::string out = "<tr>" + HtmlCell(std::to_string(c.spec.id), true) +
                    HtmlCell(c.spec.model) + HtmlCell(c.spec.format) +
                    HtmlCell(c.spec.variant) +
                    HtmlCell(std::to_string(c.spec.threads), true) +
                    HtmlCell(c.spec.placement) + HtmlCell(c.spec.kv_type) +
                    HtmlCell(MedianPlusMinus(m.decode_tokens_per_s, 1), true) +
                    HtmlCell(MedianText(m.prefill_tokens_per_s, 1), true) +
                    HtmlCell(MedianText(m.ttft_ms, 1), true) +
                    HtmlCell(MedianText(m.decode_latency_p99_ms, 2), true) +
                    HtmlCell(MedianText(m.peak_rss_bytes, 0, 1 << 20), true);
  if (accuracy) {
    const std::optional<CaseAccuracy>& a = c.accuracy;
    out += HtmlCell(a ? fmt::format("{:.4f}", a->mean_kl) : "-", true);
    out += HtmlCell(a ? fmt::format("{:.1f}%", 100 * a->top1_agreement) : "-",
                    true);
  }
  if (energy) {
    const bool has = c.monitor && c.monitor->joules_per_token;
    out += HtmlCell(
        has ? fmt::format("{:.4f}", *c.monitor->joules_per_token) : "-", true);
  }
  return out + "</tr>\n";
}

std::string HtmlResults(const Report& report) {
  const std::vector<const CaseResult*> measured = MeasuredCases(report);
  if (measured.empty())
    return "<h2>Results</h2>\n<p>No case was measured.</p>\n";
  const bool accuracy = AnyAccuracy(report);
  const bool energy = AnyJoulesPerToken(report);
  std::vector<std::string> header = {"case",    "model",        "format",
                                     "variant", "threads",      "placement",
                                     "kv",      "decode tok/s", "prefill tok/s",
                                     "TTFT ms", "p99 token ms", "peak RSS MiB"};
  if (accuracy) header.insert(header.end(), {"KL (nats)", "top-1"});
  if (energy) header.push_back("J/token");
  std::string out =
      "<h2>Results</h2>\n<table class=\"results\">\n" + HeaderRow(header);
  for (const CaseResult* c : measured)
    out += HtmlResultRow(*c, accuracy, energy);
  return out +
         "</table>\n<p>Medians over the measured runs. ± is half the width "
         "of the 95% confidence interval of the median; * marks too few "
         "runs to reach 95% (the interval is then [min, max]).</p>\n";
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
         HeaderRow({"case", "status", "reason"}) + rows + "</table>\n";
}

std::string HtmlCharts(const Report& report) {
  return "<h2>Charts</h2>\n" + ThroughputChart(report) + ScalingChart(report) +
         ThrottleCharts(report) + LatencyChart(report);
}

}  // namespace

std::string RenderHtml(const Report& report) {
  return HtmlHead(report) + HtmlSummary(report) + HtmlWarnings(report) +
         HtmlResults(report) + HtmlNotMeasured(report) + HtmlCharts(report) +
         "</body>\n</html>\n";
}

}  // namespace lapbench::reports
