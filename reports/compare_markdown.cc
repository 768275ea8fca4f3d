// `compare`'s outcome as Markdown, the table CI logs and pull requests show.
#include <fmt/format.h>

#include "reports/compare.h"

namespace lapbench::reports {
namespace {

// Text for a table cell: a pipe would end the cell.
std::string CompareCell(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += '\\';
    out += c == '\n' ? ' ' : c;
  }
  return out;
}

std::string Counted(int64_t n, const char* one, const char* many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

std::string CompareHeader(const CompareResult& r) {
  std::string out =
      fmt::format("## lapbench compare: {}\n\n", BenchKindName(r.kind));
  out += fmt::format(
      "- base: `{}` ({})\n", CompareCell(r.base_path),
      Counted(static_cast<int64_t>(r.n_base_cases), "case", "cases"));
  out += fmt::format(
      "- new: `{}` ({})\n", CompareCell(r.new_path),
      Counted(static_cast<int64_t>(r.n_new_cases), "case", "cases"));
  out += fmt::format(
      "- rule: a regression is a change with Mann-Whitney p <= {:g} "
      "(two-sided) and a median more than {:g}% worse than base\n",
      r.rule.alpha, 100 * r.rule.threshold);
  if (r.report_only) {
    out += "- report only: regressions are listed but do not fail\n";
  }
  for (const std::string& d : r.differences) {
    out += fmt::format("- compared although they differ: {}\n", d);
  }
  return out + "\n";
}

std::string MetricCell(const MetricRow& row) {
  return row.unit.empty() ? row.metric.name
                          : fmt::format("{} ({})", row.metric.name, row.unit);
}

std::string VerdictCell(Verdict verdict) {
  if (verdict == Verdict::kRegression) return "**regression**";
  return VerdictName(verdict);
}

std::string TableRow(const MetricRow& row) {
  const bool higher = row.metric.direction == Direction::kHigherIsBetter;
  std::string numbers = "- | - | - | -";
  if (const auto& c = row.comparison) {
    const bool decided = c->test.status == TestStatus::kDecided;
    numbers = fmt::format(
        "{:.6g} | {:.6g} | {:+.1f}% | {}", c->median_base, c->median_new,
        100 * c->relative_change,
        decided ? fmt::format("{:.3g}", c->test.p_value) : std::string("-"));
  }
  return fmt::format("| `{}` | {} | {} | {} vs {} | {} | {} |\n",
                     CompareCell(row.case_name), CompareCell(MetricCell(row)),
                     higher ? "higher" : "lower", row.n_base, row.n_new,
                     numbers, VerdictCell(row.verdict));
}

std::string CompareTable(const CompareResult& r) {
  if (r.rows.empty()) return "No metric was compared.\n\n";
  std::string out =
      "| case | metric | better | n | base median | new median | change | "
      "p | verdict |\n"
      "| --- | --- | --- | --- | ---: | ---: | ---: | ---: | --- |\n";
  for (const MetricRow& row : r.rows) out += TableRow(row);
  return out + "\n";
}

std::string CaseList(const char* title, const std::vector<std::string>& names) {
  if (names.empty()) return "";
  std::string out = fmt::format("{}:\n\n", title);
  for (const std::string& n : names) out += fmt::format("- `{}`\n", n);
  return out + "\n";
}

std::string NotMeasuredList(const CompareResult& r) {
  if (r.not_measured.empty()) return "";
  std::string out = "Paired but not measured in both (not compared):\n\n";
  for (const UncomparedCase& c : r.not_measured) {
    out += fmt::format("- `{}`: {}\n", c.name, c.reason);
  }
  return out + "\n";
}

std::string CompareSummary(const CompareResult& r) {
  const int64_t regressions = r.Count(Verdict::kRegression);
  const std::string regression_text =
      Counted(regressions, "regression", "regressions");
  return fmt::format(
      "{}, {}, {} no change, {} too few samples in {} of {}; {} not "
      "measured, {} only in base, {} only in new.\n",
      regressions > 0 ? "**" + regression_text + "**" : regression_text,
      Counted(r.Count(Verdict::kImprovement), "improvement", "improvements"),
      r.Count(Verdict::kNoChange), r.Count(Verdict::kTooFewSamples),
      Counted(static_cast<int64_t>(r.rows.size()), "comparison", "comparisons"),
      Counted(static_cast<int64_t>(r.n_paired), "paired case", "paired cases"),
      r.not_measured.size(), r.only_in_base.size(), r.only_in_new.size());
}

}  // namespace

std::string CompareMarkdown(const CompareResult& result) {
  return CompareHeader(result) + CompareTable(result) +
         NotMeasuredList(result) +
         CaseList("Only in base (not compared)", result.only_in_base) +
         CaseList("Only in new (not compared)", result.only_in_new) +
         CompareSummary(result);
}

}  // namespace lapbench::reports
