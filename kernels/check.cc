// Runs the checker's cases on every variant and renders the result table.
#include "kernels/check.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <exception>
#include <ostream>
#include <set>
#include <utility>

#include "kernels/check_cases.h"
#include "kernels/registry.h"

namespace lapbench::kernels {
namespace {

using check::CheckCase;
using check::Expected;

std::vector<CheckCase> AllCases(uint64_t seed) {
  std::vector<CheckCase> cases = check::QuantizeCases(seed);
  for (auto* make :
       {check::ProductCases, check::ElementwiseCases, check::AttentionCases}) {
    std::vector<CheckCase> more = make(seed);
    std::move(more.begin(), more.end(), std::back_inserter(cases));
  }
  return cases;
}

// A row for an (op, format) that was not run: skipped or not covered.
CheckRow NotRunRow(const Variant& v, const CheckCase& c, CheckStatus status,
                   std::string reason) {
  return {std::string(v.name), c.op, c.format, "*", status,
          std::move(reason),   NAN,  NAN,      "-"};
}

CheckRow RunCase(const Variant& v, const CheckCase& c) {
  const bool is_ref = v.name == "ref";
  CheckRow row{std::string(v.name),  c.op, c.format, c.shape,
               CheckStatus::kPassed, "",   0.0,      0.0,
               c.compared_with_ref};
  if (is_ref && c.compared_with_ref == "ref") row.compared_with = "oracle";
  try {
    const check::CaseOutcome out =
        c.run(*v.kernels, is_ref ? Expected::kOracle : Expected::kRef);
    row.max_error = out.max_error;
    row.tolerance = out.tolerance;
    row.reason = out.reason;
    const bool within = out.max_error <= out.tolerance;  // false for NaN
    if (!within || !out.reason.empty()) row.status = CheckStatus::kFailed;
    if (!within && row.reason.empty()) row.reason = "error above tolerance";
  } catch (const std::exception& e) {
    row.status = CheckStatus::kFailed;
    row.reason = fmt::format("threw: {}", e.what());
    row.max_error = NAN;
  }
  return row;
}

std::string MissingReason(const std::vector<probes::CpuFeature>& missing) {
  std::string names;
  for (probes::CpuFeature f : missing) {
    if (!names.empty()) names += ", ";
    names += probes::CpuFeatureName(f);
  }
  return "CPU lacks " + names;
}

// Appends the rows of one variant: run, skipped or not covered. A skipped
// or uncovered (op, format) gets one row, not one per shape.
void CheckVariant(const Variant& v, const probes::CpuFeatures& cpu,
                  const std::vector<CheckCase>& cases,
                  std::vector<CheckRow>& rows) {
  const std::vector<probes::CpuFeature> missing = MissingFeatures(v, cpu);
  std::set<std::pair<std::string, std::string>> reported;
  for (const CheckCase& c : cases) {
    const bool first = reported.insert({c.op, c.format}).second;
    if (!missing.empty()) {
      if (first) {
        rows.push_back(
            NotRunRow(v, c, CheckStatus::kSkipped, MissingReason(missing)));
      }
    } else if (!c.covered(*v.kernels)) {
      if (first) {
        rows.push_back(
            NotRunRow(v, c, CheckStatus::kNotCovered, "no table entry"));
      }
    } else {
      rows.push_back(RunCase(v, c));
    }
  }
}

std::string FormatNumber(double v) {
  return std::isnan(v) ? std::string("-") : fmt::format("{:.2e}", v);
}

}  // namespace

std::string_view CheckStatusName(CheckStatus status) {
  switch (status) {
    case CheckStatus::kPassed:
      return "passed";
    case CheckStatus::kFailed:
      return "failed";
    case CheckStatus::kSkipped:
      return "skipped";
    case CheckStatus::kNotCovered:
      return "not covered";
  }
  return "unknown";
}

std::vector<CheckRow> RunChecks(const probes::CpuFeatures& cpu,
                                const CheckOptions& options) {
  const std::vector<CheckCase> cases = AllCases(options.seed);
  std::vector<CheckRow> rows;
  if (!options.variant.empty()) {
    CheckVariant(FindVariant(options.variant), cpu, cases, rows);
    return rows;
  }
  for (const Variant& v : AllVariants()) CheckVariant(v, cpu, cases, rows);
  return rows;
}

bool AnyFailed(std::span<const CheckRow> rows) {
  return std::any_of(rows.begin(), rows.end(), [](const CheckRow& r) {
    return r.status == CheckStatus::kFailed;
  });
}

bool WriteCheckTable(std::span<const CheckRow> rows, std::ostream& out) {
  constexpr size_t kColumns = 9;
  using Cells = std::array<std::string, kColumns>;
  std::vector<Cells> table = {{"variant", "op", "format", "shape", "vs",
                               "status", "max error", "tolerance", "reason"}};
  std::array<size_t, 4> counts{};  // by CheckStatus
  for (const CheckRow& r : rows) {
    table.push_back({r.variant, r.op, r.format, r.shape, r.compared_with,
                     std::string(CheckStatusName(r.status)),
                     FormatNumber(r.max_error), FormatNumber(r.tolerance),
                     r.reason});
    ++counts[static_cast<size_t>(r.status)];
  }

  std::array<size_t, kColumns> widths{};
  for (const Cells& cells : table) {
    for (size_t i = 0; i < kColumns; ++i) {
      widths[i] = std::max(widths[i], cells[i].size());
    }
  }
  for (const Cells& cells : table) {
    std::string line;
    for (size_t i = 0; i < kColumns; ++i) {
      line +=
          fmt::format("{:<{}}", cells[i], i + 1 < kColumns ? widths[i] + 2 : 0);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << '\n';
  }
  out << fmt::format("{} passed, {} failed, {} skipped, {} not covered\n",
                     counts[0], counts[1], counts[2], counts[3]);
  return AnyFailed(rows);
}

}  // namespace lapbench::kernels
