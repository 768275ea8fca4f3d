// The Markdown summary of a report: machine, status, results, the cases
// not measured and the sustained-decode cases.
#include <fmt/format.h>

#include <vector>

#include "reports/render.h"
#include "reports/render_text.h"

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
  for (const std::string& cell : cells) out += " " + cell + " |";
  return out + "\n";
}

std::string MarkdownTable(const std::vector<std::string>& header,
                          const std::vector<std::vector<std::string>>& rows) {
  std::string out = MarkdownRow(header);
  out += MarkdownRow(std::vector<std::string>(header.size(), "---"));
  for (const auto& row : rows) out += MarkdownRow(row);
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

// The columns of the results table; the accuracy and energy columns only
// when some case has them.
struct ResultColumns {
  bool accuracy = false;
  bool energy = false;
};

std::vector<std::string> MarkdownResultHeader(ResultColumns columns) {
  std::vector<std::string> header = {"case",    "model",        "format",
                                     "variant", "threads",      "placement",
                                     "kv",      "decode tok/s", "prefill tok/s",
                                     "TTFT ms", "p99 token ms", "peak RSS MiB"};
  if (columns.accuracy) {
    header.insert(header.end(), {"KL (nats)", "top-1"});
  }
  if (columns.energy) header.push_back("J/token");
  return header;
}

std::vector<std::string> MarkdownResultRow(const CaseResult& c,
                                           ResultColumns columns) {
  const CaseMetrics& m = c.metrics;
  std::vector<std::string> row = {std::to_string(c.spec.id),
                                  MarkdownText(c.spec.model),
                                  MarkdownText(c.spec.format),
                                  MarkdownText(c.spec.variant),
                                  std::to_string(c.spec.threads),
                                  MarkdownText(c.spec.placement),
                                  MarkdownText(c.spec.kv_type),
                                  MedianPlusMinus(m.decode_tokens_per_s, 1),
                                  MedianText(m.prefill_tokens_per_s, 1),
                                  MedianText(m.ttft_ms, 1),
                                  MedianText(m.decode_latency_p99_ms, 2),
                                  MedianText(m.peak_rss_bytes, 0, 1 << 20)};
  if (columns.accuracy) {
    row.push_back(c.accuracy ? fmt::format("{:.4f}", c.accuracy->mean_kl)
                             : "-");
    row.push_back(c.accuracy
                      ? fmt::format("{:.1f}%", 100 * c.accuracy->top1_agreement)
                      : "-");
  }
  if (columns.energy) {
    const bool has = c.monitor && c.monitor->joules_per_token;
    row.push_back(has ? fmt::format("{:.4f}", *c.monitor->joules_per_token)
                      : "-");
  }
  return row;
}

std::string MarkdownResults(const Report& report) {
  std::string out = "\n## Results\n\n";
  const std::vector<const CaseResult*> measured = MeasuredCases(report);
  if (measured.empty()) return out + "No case was measured.\n";
  const ResultColumns columns{AnyAccuracy(report), AnyJoulesPerToken(report)};
  std::vector<std::vector<std::string>> rows;
  for (const CaseResult* c : measured)
    rows.push_back(MarkdownResultRow(*c, columns));
  out += MarkdownTable(MarkdownResultHeader(columns), rows);
  out +=
      "\nMedians over the measured runs. ± is half the width of the 95% "
      "confidence interval of the median; * marks too few runs to reach "
      "95% (the interval is then [min, max]).";
  if (columns.accuracy) {
    out +=
        " KL is the mean KL divergence from the reference format's "
        "logits; top-1 the share of positions with the same argmax.";
  }
  return out + "\n";
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

std::vector<std::string> ThrottleRow(const CaseResult& c) {
  const ThrottleAnalysis& a = c.throttle->analysis;
  return {std::to_string(c.spec.id),
          MarkdownText(c.spec.model),
          MarkdownText(c.spec.format),
          MarkdownText(c.spec.variant),
          std::to_string(c.spec.threads),
          fmt::format("{:.0f}", c.throttle->duration_s),
          fmt::format("{:.1f}", a.burst_tokens_per_s),
          fmt::format("{:.1f}", a.sustained_tokens_per_s),
          fmt::format("{:.3f}", a.ratio),
          DropText(a),
          TripText(a),
          a.max_temp_c ? fmt::format("{:.1f}", *a.max_temp_c) : "-"};
}

std::string MarkdownThrottle(const Report& report) {
  std::vector<std::vector<std::string>> rows;
  for (const CaseResult& c : report.cases) {
    if (c.throttle) rows.push_back(ThrottleRow(c));
  }
  if (rows.empty()) return "";
  return "\n## Sustained decode\n\n" +
         MarkdownTable({"case", "model", "format", "variant", "threads",
                        "duration s", "burst tok/s", "sustained tok/s", "ratio",
                        "10% drop at", "trip point", "max temp C"},
                       rows);
}

}  // namespace

std::string RenderMarkdown(const Report& report) {
  return MarkdownHead(report) + MarkdownWarnings(report) +
         MarkdownResults(report) + MarkdownNotMeasured(report) +
         MarkdownThrottle(report);
}

}  // namespace lapbench::reports
