// The results and sustained-decode tables of a report, as plain text.
#include "reports/report_tables.h"

#include <fmt/format.h>

#include "reports/render_text.h"

namespace lapbench::reports {
namespace {

// Adds a column named `name` to `table`'s header.
void AddColumn(TextTable& table, const char* name, bool numeric) {
  table.header.push_back(name);
  table.numeric.push_back(numeric);
}

// The spec columns every table starts with: case, model, format, variant,
// threads.
void AddSpecColumns(TextTable& table) {
  AddColumn(table, "case", true);
  for (const char* name : {"model", "format", "variant"}) {
    AddColumn(table, name, false);
  }
  AddColumn(table, "threads", true);
}

std::vector<std::string> SpecCells(const CaseSpec& spec) {
  return {std::to_string(spec.id), spec.model, spec.format, spec.variant,
          std::to_string(spec.threads)};
}

std::vector<std::string> ResultCells(const CaseResult& c, bool accuracy,
                                     bool energy) {
  const CaseMetrics& m = c.metrics;
  std::vector<std::string> row = SpecCells(c.spec);
  row.insert(row.end(),
             {c.spec.placement, c.spec.kv_type,
              MedianPlusMinus(m.decode_tokens_per_s, 1),
              MedianText(m.prefill_tokens_per_s, 1), MedianText(m.ttft_ms, 1),
              MedianText(m.decode_latency_p99_ms, 2),
              MedianText(m.peak_rss_bytes, 0, 1 << 20)});
  if (accuracy) {
    const std::optional<CaseAccuracy>& a = c.accuracy;
    row.push_back(a ? fmt::format("{:.4f}", a->mean_kl) : "-");
    row.push_back(a ? fmt::format("{:.1f}%", 100 * a->top1_agreement) : "-");
  }
  if (energy) {
    const bool has = c.monitor && c.monitor->joules_per_token;
    row.push_back(has ? fmt::format("{:.4f}", *c.monitor->joules_per_token)
                      : "-");
  }
  return row;
}

std::vector<std::string> ThrottleCells(const CaseResult& c) {
  const ThrottleAnalysis& a = c.throttle->analysis;
  std::vector<std::string> row = SpecCells(c.spec);
  row.insert(row.end(),
             {fmt::format("{:.0f}", c.throttle->duration_s),
              fmt::format("{:.1f}", a.burst_tokens_per_s),
              fmt::format("{:.1f}", a.sustained_tokens_per_s),
              fmt::format("{:.3f}", a.ratio), DropText(a), TripText(a),
              a.max_temp_c ? fmt::format("{:.1f}", *a.max_temp_c) : "-"});
  return row;
}

}  // namespace

TextTable ResultsTable(const Report& report) {
  const bool accuracy = AnyAccuracy(report);
  const bool energy = AnyJoulesPerToken(report);
  TextTable table;
  AddSpecColumns(table);
  AddColumn(table, "placement", false);
  AddColumn(table, "kv", false);
  for (const char* name : {"decode tok/s", "prefill tok/s", "TTFT ms",
                           "p99 token ms", "peak RSS MiB"}) {
    AddColumn(table, name, true);
  }
  if (accuracy) {
    AddColumn(table, "KL (nats)", true);
    AddColumn(table, "top-1", true);
  }
  if (energy) AddColumn(table, "J/token", true);
  for (const CaseResult* c : MeasuredCases(report)) {
    table.rows.push_back(ResultCells(*c, accuracy, energy));
  }
  return table;
}

TextTable ThrottleTable(const Report& report) {
  TextTable table;
  AddSpecColumns(table);
  for (const char* name : {"duration s", "burst tok/s", "sustained tok/s",
                           "ratio", "10% drop at"}) {
    AddColumn(table, name, true);
  }
  AddColumn(table, "trip point", false);
  AddColumn(table, "max temp C", true);
  for (const CaseResult& c : report.cases) {
    if (c.throttle) table.rows.push_back(ThrottleCells(c));
  }
  return table;
}

std::string ResultsNote(const Report& report) {
  std::string note =
      "Medians over the measured runs. ± is half the width of the 95% "
      "confidence interval of the median; * marks too few runs to reach "
      "95% (the interval is then [min, max]).";
  if (AnyAccuracy(report)) {
    note +=
        " KL is the mean KL divergence from the reference format's "
        "logits; top-1 the share of positions with the same argmax.";
  }
  return note;
}

}  // namespace lapbench::reports
