// Groups the measured cases of many reports by model file, suite and
// lengths, picks each machine's best decode configuration and sorts the
// machines.
#include "reports/machine_table.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <tuple>

namespace lapbench::reports {
namespace {

using nlohmann::json;

constexpr TableMetric kTableMetrics[] = {
    TableMetric::kDecode, TableMetric::kPrefill, TableMetric::kTtft,
    TableMetric::kRatio, TableMetric::kJoulesPerToken};

// The value at `path` below `root` (object keys), or nullptr when a step
// is missing or not an object.
const json* MachineJsonAt(const json& root,
                          std::initializer_list<const char*> path) {
  const json* node = &root;
  for (const char* key : path) {
    if (!node->is_object()) return nullptr;
    auto it = node->find(key);
    if (it == node->end()) return nullptr;
    node = &*it;
  }
  return node;
}

std::optional<int64_t> MachineJsonIntAt(
    const json& root, std::initializer_list<const char*> path) {
  const json* v = MachineJsonAt(root, path);
  if (v == nullptr || !v->is_number_integer()) return std::nullopt;
  return v->get<int64_t>();
}

// The integrated GPUs of the profile's gpu.devices, as IdentifyMachine
// describes them.
std::optional<std::string> IntegratedGpus(const json& machine) {
  const json* devices = MachineJsonAt(machine, {"gpu", "devices"});
  if (devices == nullptr || !devices->is_array()) return std::nullopt;
  std::string names;
  bool unknown_kind = false;
  for (const json& d : *devices) {
    const json* integrated = MachineJsonAt(d, {"integrated"});
    if (integrated == nullptr || !integrated->is_boolean()) {
      unknown_kind = true;
      continue;
    }
    if (!integrated->get<bool>()) continue;
    const json* name = MachineJsonAt(d, {"name"});
    if (!names.empty()) names += ", ";
    names += name && name->is_string() ? name->get<std::string>()
                                       : "unnamed integrated GPU";
  }
  if (!names.empty()) return names;
  if (unknown_kind) return std::nullopt;
  return "none";
}

// The case's summary of `metric`, or nullopt when it has no sample.
std::optional<TableValue> TableSummaryValue(const Metric& metric) {
  const MetricSummary& s = metric.summary;
  if (s.n == 0) return std::nullopt;
  return TableValue{s.median, s.ci_low, s.ci_high};
}

std::optional<TableValue> TableCaseValue(const CaseResult& c,
                                         TableMetric metric) {
  switch (metric) {
    case TableMetric::kDecode:
      return TableSummaryValue(c.metrics.decode_tokens_per_s);
    case TableMetric::kPrefill:
      return TableSummaryValue(c.metrics.prefill_tokens_per_s);
    case TableMetric::kTtft:
      return TableSummaryValue(c.metrics.ttft_ms);
    case TableMetric::kRatio:
      if (!c.throttle || c.throttle->analysis.n_samples < kMinThrottleSamples) {
        return std::nullopt;
      }
      return TableValue{c.throttle->analysis.ratio, {}, {}};
    case TableMetric::kJoulesPerToken:
      if (!c.monitor || !c.monitor->joules_per_token) return std::nullopt;
      return TableValue{*c.monitor->joules_per_token, {}, {}};
  }
  return std::nullopt;
}

// How good a case's decode is, for choosing a row's configuration: cases
// with decode samples first, then sustained-decode cases, then the rest by
// prefill.
std::pair<int, double> TableDecodeRank(const CaseResult& c) {
  if (c.metrics.decode_tokens_per_s.summary.n > 0) {
    return {2, c.metrics.decode_tokens_per_s.summary.median};
  }
  if (c.throttle && c.throttle->analysis.n_samples >= kMinThrottleSamples) {
    return {1, c.throttle->analysis.sustained_tokens_per_s};
  }
  return {0, c.metrics.prefill_tokens_per_s.summary.median};
}

// A measured case with where it came from.
struct TableCandidate {
  const SourcedReport* source;
  const CaseResult* result;
};

// What makes cases comparable across machines: the same file (whatever
// the model is called: a preset on one machine, a .gguf path on another),
// suite and lengths.
using TableGroupKey = std::tuple<std::string, std::string, int64_t, int64_t>;

TableGroupKey TableGroupKeyOf(const CaseSpec& spec, const std::string& suite) {
  // An unhashed file cannot be shown to be the same file as another.
  std::string file = spec.model_sha256.empty()
                         ? "unhashed:" + spec.model + "|" + spec.format
                         : spec.model_sha256;
  return {file, suite, spec.prompt_tokens, spec.gen_tokens};
}

std::string TableSuiteName(const Report& report) {
  const json* name = MachineJsonAt(report.suite, {"name"});
  return name && name->is_string() ? name->get<std::string>() : "";
}

std::string TableConfigText(const CaseSpec& spec) {
  return fmt::format("{}, {} thread{} ({}), kv {}", spec.variant, spec.threads,
                     spec.threads == 1 ? "" : "s", spec.placement,
                     spec.kv_type);
}

MachineTableRow MakeTableRow(const std::vector<TableCandidate>& candidates,
                             const TableOptions& options) {
  const TableCandidate* best = &candidates.front();
  for (const TableCandidate& c : candidates) {
    if (TableDecodeRank(*c.result) > TableDecodeRank(*best->result)) best = &c;
  }
  MachineTableRow row;
  row.machine = IdentifyMachine(best->source->report.machine);
  row.config = TableConfigText(best->result->spec);
  row.source =
      fmt::format("{} case {}", best->source->path, best->result->spec.id);
  row.n_candidates = static_cast<int>(candidates.size());
  for (TableMetric m : options.metrics) {
    row.values.push_back(TableCaseValue(*best->result, m));
  }
  row.values.push_back(TableCaseValue(*best->result, options.sort));
  return row;
}

// Sorts by the sort value (kept last in `values`, then dropped): best
// first, missing last, then by CPU brand and source.
void SortTableRows(std::vector<MachineTableRow>& rows, TableMetric sort) {
  const bool higher = HigherIsBetter(sort);
  auto before = [higher](const MachineTableRow& a, const MachineTableRow& b) {
    const auto& va = a.values.back();
    const auto& vb = b.values.back();
    if (va.has_value() != vb.has_value()) return va.has_value();
    if (va && vb && va->value != vb->value) {
      return higher ? va->value > vb->value : va->value < vb->value;
    }
    return std::tie(a.machine.cpu_brand, a.source) <
           std::tie(b.machine.cpu_brand, b.source);
  };
  std::stable_sort(rows.begin(), rows.end(), before);
  for (MachineTableRow& row : rows) row.values.pop_back();
}

using TableRowCandidates = std::map<std::string, std::vector<TableCandidate>>;

TableGroup MakeTableGroup(const TableCandidate& first,
                          const TableRowCandidates& rows,
                          const TableOptions& options) {
  const CaseSpec& spec = first.result->spec;
  TableGroup group;
  group.model = spec.model;
  group.format = spec.format;
  group.model_sha256 = spec.model_sha256;
  group.suite = TableSuiteName(first.source->report);
  group.prompt_tokens = spec.prompt_tokens;
  group.gen_tokens = spec.gen_tokens;
  for (const auto& [key, candidates] : rows) {
    group.rows.push_back(MakeTableRow(candidates, options));
  }
  SortTableRows(group.rows, options.sort);
  return group;
}

}  // namespace

std::string_view TableMetricName(TableMetric metric) {
  switch (metric) {
    case TableMetric::kDecode:
      return "decode";
    case TableMetric::kPrefill:
      return "prefill";
    case TableMetric::kTtft:
      return "ttft";
    case TableMetric::kRatio:
      return "ratio";
    case TableMetric::kJoulesPerToken:
      return "jpt";
  }
  return "";
}

std::optional<TableMetric> ParseTableMetric(std::string_view name) {
  for (TableMetric m : kTableMetrics) {
    if (TableMetricName(m) == name) return m;
  }
  return std::nullopt;
}

std::vector<TableMetric> AllTableMetrics() {
  return {std::begin(kTableMetrics), std::end(kTableMetrics)};
}

bool HigherIsBetter(TableMetric metric) {
  return metric != TableMetric::kTtft && metric != TableMetric::kJoulesPerToken;
}

std::string MachineIdentity::Key() const {
  return fmt::format("{}|{}|{}|{}", cpu_brand, physical_cores.value_or(-1),
                     logical_cpus.value_or(-1), ram_bytes.value_or(0));
}

MachineIdentity IdentifyMachine(const json& machine) {
  MachineIdentity id;
  const json* brand = MachineJsonAt(machine, {"cpu", "brand"});
  if (brand && brand->is_string()) id.cpu_brand = brand->get<std::string>();
  id.physical_cores = MachineJsonIntAt(machine, {"cpu", "n_physical_cores"});
  id.logical_cpus = MachineJsonIntAt(machine, {"cpu", "n_logical_cpus"});
  if (auto ram = MachineJsonIntAt(machine, {"memory", "total_bytes"})) {
    if (*ram >= 0) id.ram_bytes = static_cast<uint64_t>(*ram);
  }
  id.igpu = IntegratedGpus(machine);
  return id;
}

std::string TableGroup::Title() const {
  return fmt::format("{} {}, suite {}, prompt {}, gen {}", model, format,
                     suite.empty() ? "(unnamed)" : suite, prompt_tokens,
                     gen_tokens);
}

std::vector<TableGroup> BuildTableGroups(
    const std::vector<SourcedReport>& reports, const TableOptions& options) {
  std::map<TableGroupKey, TableRowCandidates> grouped;
  for (const SourcedReport& source : reports) {
    const std::string suite = TableSuiteName(source.report);
    const std::string row_key =
        options.row_per_report ? source.path
                               : IdentifyMachine(source.report.machine).Key();
    for (const CaseResult& c : source.report.cases) {
      if (c.status != CaseStatus::kMeasured) continue;
      grouped[TableGroupKeyOf(c.spec, suite)][row_key].push_back({&source, &c});
    }
  }
  std::vector<TableGroup> groups;
  for (const auto& [key, rows] : grouped) {
    groups.push_back(
        MakeTableGroup(rows.begin()->second.front(), rows, options));
  }
  std::stable_sort(groups.begin(), groups.end(),
                   [](const TableGroup& a, const TableGroup& b) {
                     return std::tie(a.model, a.format, a.suite,
                                     a.prompt_tokens, a.gen_tokens) <
                            std::tie(b.model, b.format, b.suite,
                                     b.prompt_tokens, b.gen_tokens);
                   });
  return groups;
}

std::vector<TableGroup> SelectTableGroups(std::vector<TableGroup> groups,
                                          const std::string& model,
                                          const std::string& format) {
  // Formats as the suites spell them: lower case, q4_k meaning q4_k_m.
  std::string wanted = format;
  for (char& c : wanted) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (wanted == "q4_k") wanted = "q4_k_m";
  auto model_matches = [&model](const std::string& m) {
    return model.empty() || m == model ||
           std::filesystem::path(m).filename().string() == model;
  };
  std::erase_if(groups, [&](const TableGroup& g) {
    return !model_matches(g.model) || (!wanted.empty() && g.format != wanted);
  });
  return groups;
}

const TableGroup& WidestTableGroup(const std::vector<TableGroup>& groups) {
  const TableGroup* widest = &groups.front();
  for (const TableGroup& g : groups) {
    if (g.rows.size() > widest->rows.size()) widest = &g;
  }
  return *widest;
}

}  // namespace lapbench::reports
