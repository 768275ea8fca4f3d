// The rendered forms of a run report: a Markdown summary, a CSV of its
// cases and a self-contained HTML page with SVG charts (docs/reports.md).
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "reports/report.h"

namespace lapbench::reports {

// A Markdown summary to paste into an issue: the machine, the run's status
// and warnings, a results table of the measured cases, the cases not
// measured with their reasons and the sustained-decode cases' throttling.
std::string RenderMarkdown(const Report& report);

// One CSV record per case (every status) with the spec, each metric's
// median, interval, cv and n, accuracy, monitor and throttle columns.
// RFC 4180: CRLF line ends, fields with a comma, quote or line break
// quoted, quotes doubled; an absent value is an empty field.
std::string RenderCsv(const Report& report);

// One HTML file readable offline (inline CSS and SVG, nothing fetched):
// the machine, the results table and charts of throughput per format and
// variant, scaling with threads, throttling over time and the per-token
// latency distribution.
std::string RenderHtml(const Report& report);

// A rendered form and the file name `lapbench run` writes it to.
struct RenderedForm {
  const char* format;     // "md", as `lapbench report --format` takes it
  const char* file_name;  // "report.md"
  std::string (*render)(const Report&);
};

// Markdown, CSV and HTML, in that order.
std::span<const RenderedForm> AllRenderedForms();

// The form named `format` ("md", "csv" or "html"); nullptr when unknown.
const RenderedForm* FindRenderedForm(std::string_view format);

}  // namespace lapbench::reports
