// Machine comparison tables as Markdown, CSV and self-contained HTML.
#include <fmt/format.h>

#include <array>
#include <string>
#include <vector>

#include "reports/machine_table.h"
#include "reports/svg.h"

namespace lapbench::reports {
namespace {

// What a cell shows for a figure that was not measured.
constexpr std::string_view kTableNotMeasured = "\u2014";

std::string_view TableMetricHeading(TableMetric metric) {
  switch (metric) {
    case TableMetric::kDecode:
      return "decode tok/s";
    case TableMetric::kPrefill:
      return "prefill tok/s";
    case TableMetric::kTtft:
      return "TTFT ms";
    case TableMetric::kRatio:
      return "sustained/burst";
    case TableMetric::kJoulesPerToken:
      return "J/token";
  }
  return "";
}

// Three significant figures for rates and times (at least no decimals),
// so 1234 tok/s and 0.0123 J/token both read naturally.
std::string TableNumber(double value) {
  const double magnitude = value < 0 ? -value : value;
  int decimals = 0;
  if (magnitude < 1) {
    decimals = 3;
  } else if (magnitude < 10) {
    decimals = 2;
  } else if (magnitude < 100) {
    decimals = 1;
  }
  return fmt::format("{:.{}f}", value, decimals);
}

// "12.3 [11.9, 12.6]", "0.84" or the dash.
std::string TableCellText(const std::optional<TableValue>& v) {
  if (!v) return std::string(kTableNotMeasured);
  if (!v->ci_low || !v->ci_high) return TableNumber(v->value);
  return fmt::format("{} [{}, {}]", TableNumber(v->value),
                     TableNumber(*v->ci_low), TableNumber(*v->ci_high));
}

std::string TableCountText(const std::optional<int64_t>& n) {
  return n ? std::to_string(*n) : std::string(kTableNotMeasured);
}

std::string TableRamText(const std::optional<uint64_t>& bytes) {
  if (!bytes) return std::string(kTableNotMeasured);
  return fmt::format("{:.1f} GiB", static_cast<double>(*bytes) / (1 << 30));
}

// The cells of a row as text, machine first, then metrics, config, source.
std::vector<std::string> TableRowCells(const MachineTableRow& row) {
  const MachineIdentity& m = row.machine;
  std::vector<std::string> cells = {
      m.cpu_brand.empty() ? std::string(kTableNotMeasured) : m.cpu_brand,
      TableCountText(m.physical_cores), TableCountText(m.logical_cpus),
      TableRamText(m.ram_bytes),
      m.igpu.value_or(std::string(kTableNotMeasured))};
  for (const auto& v : row.values) cells.push_back(TableCellText(v));
  cells.push_back(
      row.n_candidates > 1
          ? fmt::format("{} (best of {})", row.config, row.n_candidates)
          : row.config);
  cells.push_back(row.source);
  return cells;
}

std::vector<std::string> TableHeadingCells(
    const std::vector<TableMetric>& metrics) {
  std::vector<std::string> cells = {"CPU", "physical cores", "logical CPUs",
                                    "RAM", "iGPU"};
  for (TableMetric m : metrics) cells.emplace_back(TableMetricHeading(m));
  cells.emplace_back("config");
  cells.emplace_back("from");
  return cells;
}

std::string TableGroupNote(const TableGroup& g) {
  return fmt::format(
      "model file sha256 {}; each row is the machine's best decode "
      "configuration; [low, high] is the 95% interval of the median; {} "
      "means not measured",
      g.model_sha256.empty() ? "unknown" : g.model_sha256, kTableNotMeasured);
}

std::string TableMarkdownCell(std::string text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += '\\';
    out += c == '\n' ? ' ' : c;
  }
  return out;
}

std::string TableMarkdownLine(const std::vector<std::string>& cells) {
  std::string line = "|";
  for (const std::string& c : cells) line += " " + TableMarkdownCell(c) + " |";
  return line + "\n";
}

std::string RenderTableMarkdown(const std::vector<TableGroup>& groups,
                                const std::vector<TableMetric>& metrics) {
  std::string out;
  const std::vector<std::string> heading = TableHeadingCells(metrics);
  for (const TableGroup& g : groups) {
    out += fmt::format("## {}\n\n{}.\n\n", g.Title(), TableGroupNote(g));
    out += TableMarkdownLine(heading);
    out += TableMarkdownLine(std::vector<std::string>(heading.size(), "---"));
    for (const MachineTableRow& row : g.rows)
      out += TableMarkdownLine(TableRowCells(row));
    out += "\n";
  }
  return out;
}

std::string TableCsvField(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string TableCsvLine(const std::vector<std::string>& fields) {
  std::string line;
  for (size_t i = 0; i < fields.size(); ++i) {
    line += (i ? "," : "") + TableCsvField(fields[i]);
  }
  return line + "\n";
}

std::string TableCsvOptional(const std::optional<double>& v) {
  return v ? fmt::format("{}", *v) : "";
}

// CSV leaves a missing figure empty (a dash would not parse as a number).
std::vector<std::string> TableCsvRow(const TableGroup& g,
                                     const MachineTableRow& row) {
  const MachineIdentity& m = row.machine;
  std::vector<std::string> f = {
      g.model,
      g.format,
      g.model_sha256,
      g.suite,
      std::to_string(g.prompt_tokens),
      std::to_string(g.gen_tokens),
      m.cpu_brand,
      m.physical_cores ? std::to_string(*m.physical_cores) : "",
      m.logical_cpus ? std::to_string(*m.logical_cpus) : "",
      m.ram_bytes ? std::to_string(*m.ram_bytes) : "",
      m.igpu.value_or("")};
  for (const auto& v : row.values) {
    f.push_back(v ? fmt::format("{}", v->value) : "");
    f.push_back(v ? TableCsvOptional(v->ci_low) : "");
    f.push_back(v ? TableCsvOptional(v->ci_high) : "");
  }
  f.push_back(row.config);
  f.push_back(row.source);
  return f;
}

std::string RenderTableCsv(const std::vector<TableGroup>& groups,
                           const std::vector<TableMetric>& metrics) {
  std::vector<std::string> header = {
      "model",         "format",     "model_sha256", "suite",
      "prompt_tokens", "gen_tokens", "cpu_brand",    "physical_cores",
      "logical_cpus",  "ram_bytes",  "igpu"};
  for (TableMetric m : metrics) {
    const std::string name(TableMetricName(m));
    header.insert(header.end(), {name, name + "_ci_low", name + "_ci_high"});
  }
  header.insert(header.end(), {"config", "source"});
  std::string out = TableCsvLine(header);
  for (const TableGroup& g : groups) {
    for (const MachineTableRow& row : g.rows)
      out += TableCsvLine(TableCsvRow(g, row));
  }
  return out;
}

std::string TableHtmlLine(const std::vector<std::string>& cells,
                          const char* tag) {
  std::string line = "<tr>";
  for (const std::string& c : cells) {
    line += fmt::format("<{0}>{1}</{0}>", tag, XmlEscape(c));
  }
  return line + "</tr>\n";
}

constexpr std::string_view kTableHtmlStyle =
    "body{font-family:sans-serif;margin:2em}"
    "table{border-collapse:collapse;margin-bottom:2em}"
    "th,td{border:1px solid #bbb;padding:.3em .6em;text-align:left}"
    "th{background:#eee}";

std::string RenderTableHtml(const std::vector<TableGroup>& groups,
                            const std::vector<TableMetric>& metrics) {
  std::string out = fmt::format(
      "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
      "<title>lapbench machines</title><style>{}</style></head><body>\n",
      kTableHtmlStyle);
  const std::vector<std::string> heading = TableHeadingCells(metrics);
  for (const TableGroup& g : groups) {
    out += fmt::format("<h2>{}</h2>\n<p>{}.</p>\n<table>\n",
                       XmlEscape(g.Title()), XmlEscape(TableGroupNote(g)));
    out += TableHtmlLine(heading, "th");
    for (const MachineTableRow& row : g.rows)
      out += TableHtmlLine(TableRowCells(row), "td");
    out += "</table>\n";
  }
  return out + "</body></html>\n";
}

}  // namespace

std::string RenderTables(const std::vector<TableGroup>& groups,
                         const std::vector<TableMetric>& metrics,
                         TableOutput output) {
  switch (output) {
    case TableOutput::kMarkdown:
      return RenderTableMarkdown(groups, metrics);
    case TableOutput::kCsv:
      return RenderTableCsv(groups, metrics);
    case TableOutput::kHtml:
      return RenderTableHtml(groups, metrics);
  }
  return "";
}

}  // namespace lapbench::reports
