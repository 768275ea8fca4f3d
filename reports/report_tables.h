// The tables a report renders as text, with plain-text cells: each form
// (Markdown, HTML) escapes them its own way, so they show the same
// figures.
#pragma once

#include <string>
#include <vector>

#include "reports/report.h"

namespace lapbench::reports {

// A table of plain-text cells; a column is numeric when its values align
// right.
struct TextTable {
  std::vector<std::string> header;
  std::vector<bool> numeric;  // per column
  std::vector<std::vector<std::string>> rows;
};

// One row per measured case: case, model, format, variant, threads,
// placement, kv, decode tok/s (MedianPlusMinus), prefill tok/s, TTFT ms,
// p99 token ms, peak RSS MiB; then "KL (nats)" and "top-1" when some case
// has accuracy figures and "J/token" when some case has one, "-" in a row
// without. No row when nothing was measured.
TextTable ResultsTable(const Report& report);

// One row per case with a sustained-decode series: burst and sustained
// tokens/s, ratio, the first 10% drop, the trip point and the hottest
// reading.
TextTable ThrottleTable(const Report& report);

// The sentence under the results table: what ± and * mean, and KL and
// top-1 when the table has them.
std::string ResultsNote(const Report& report);

}  // namespace lapbench::reports
