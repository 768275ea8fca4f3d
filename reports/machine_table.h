// Hardware comparison tables: reports from many machines merged into one
// row per machine and one table per model file and suite, with the metrics
// asked for; built from the reports alone (never the engine or the probes).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reports/report.h"
#include "reports/report_inputs.h"

namespace lapbench::reports {

// The columns a table can show.
enum class TableMetric { kDecode, kPrefill, kTtft, kRatio, kJoulesPerToken };

// "decode", "prefill", "ttft", "ratio", "jpt": the --metrics spelling.
std::string_view TableMetricName(TableMetric metric);
// The metric spelled `name`, or nullopt.
std::optional<TableMetric> ParseTableMetric(std::string_view name);
// Every metric, in the default column order.
std::vector<TableMetric> AllTableMetrics();
// Whether a larger value is better (throughput, ratio) or a smaller one
// (TTFT, energy).
bool HigherIsBetter(TableMetric metric);

// What a row says about the machine, read from the report's `machine`
// (the probe profile). A figure the profile lacks is nullopt.
struct MachineIdentity {
  std::string cpu_brand;  // empty when unknown
  std::optional<int64_t> physical_cores;
  std::optional<int64_t> logical_cpus;
  std::optional<uint64_t> ram_bytes;  // memory.total_bytes
  // Names of the integrated GPUs, "none" when the profile lists no
  // integrated one; nullopt when a device's kind is unknown (a virtual
  // display adapter) and none is known integrated.
  std::optional<std::string> igpu;

  // What makes two reports the same machine: brand, cores and RAM.
  std::string Key() const;
};

// The identity of the machine a probe profile describes. Missing or
// mistyped fields give nullopt figures, never an error.
MachineIdentity IdentifyMachine(const nlohmann::json& machine);

// One cell: a figure with its interval when it has one.
struct TableValue {
  double value = 0;
  std::optional<double> ci_low, ci_high;
};

// One machine's row: the configuration chosen for it and its figures, one
// per requested metric (nullopt: not measured, shown as a dash).
struct MachineTableRow {
  MachineIdentity machine;
  std::string config;    // "avx2, 2 threads (all), kv f16"
  std::string source;    // "report.json case 3"
  int n_candidates = 0;  // measured cases of this group on the machine
  std::vector<std::optional<TableValue>> values;
};

// The cases of one model file in one suite at one prompt and generation
// length: comparable across machines.
struct TableGroup {
  std::string model;         // as the suite names it: preset or .gguf path
  std::string format;        // weight file format
  std::string model_sha256;  // empty when the file was never hashed
  std::string suite;
  int64_t prompt_tokens = 0;
  int64_t gen_tokens = 0;
  std::vector<MachineTableRow> rows;  // sorted

  // "llama3.2-1b q4_0, suite quick, prompt 64, gen 32".
  std::string Title() const;
};

// How to build the tables.
struct TableOptions {
  std::vector<TableMetric> metrics = AllTableMetrics();
  TableMetric sort = TableMetric::kDecode;
  // One row per report file instead of one per machine.
  bool row_per_report = false;
};

// Every group of the measured cases of `reports`, ordered by model,
// format, suite and lengths; rows sorted by `options.sort` (best first,
// rows without the figure last, then by CPU brand). In each row, the
// figures come from the machine's case with the highest decode median
// (the first listed on a tie; prefill when nothing decoded).
std::vector<TableGroup> BuildTableGroups(
    const std::vector<SourcedReport>& reports, const TableOptions& options);

// The groups of `groups` whose model is `model` (when not empty; a preset
// name, a path, or a path's file name) and whose format is `format` (when
// not empty).
std::vector<TableGroup> SelectTableGroups(std::vector<TableGroup> groups,
                                          const std::string& model,
                                          const std::string& format);

// The group measured on the most machines (the first on a tie). Precondition:
// `groups` is not empty.
const TableGroup& WidestTableGroup(const std::vector<TableGroup>& groups);

// The tables as Markdown (a heading per group), CSV (one header, a row per
// machine per group, group columns first) or a self-contained HTML page.
enum class TableOutput { kMarkdown, kCsv, kHtml };
std::string RenderTables(const std::vector<TableGroup>& groups,
                         const std::vector<TableMetric>& metrics,
                         TableOutput output);

}  // namespace lapbench::reports
