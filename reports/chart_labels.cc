// Series labels from the spec fields that vary, and legends that fit.
#include "reports/chart_labels.h"

#include <fmt/format.h>

#include <set>

namespace lapbench::reports {
namespace {

// Height of one legend line in pixels (SvgLegend's spacing).
constexpr double kLegendLinePx = 18;

template <typename Field>
bool Varies(const std::vector<const CaseResult*>& cases, Field field) {
  std::set<decltype(field(cases.front()->spec))> values;
  for (const CaseResult* c : cases) values.insert(field(c->spec));
  return values.size() > 1;
}

}  // namespace

VaryingFields FindVaryingFields(const std::vector<const CaseResult*>& cases) {
  if (cases.empty()) return {};
  VaryingFields vary;
  vary.model = Varies(cases, [](const CaseSpec& s) { return s.model; });
  vary.format = Varies(cases, [](const CaseSpec& s) { return s.format; });
  vary.variant = Varies(cases, [](const CaseSpec& s) { return s.variant; });
  vary.threads = Varies(cases, [](const CaseSpec& s) { return s.threads; });
  vary.placement = Varies(cases, [](const CaseSpec& s) { return s.placement; });
  vary.kv_type = Varies(cases, [](const CaseSpec& s) { return s.kv_type; });
  return vary;
}

std::string ModelShortName(const std::string& model) {
  const size_t slash = model.find_last_of('/');
  return slash == std::string::npos ? model : model.substr(slash + 1);
}

std::string GroupLabel(const CaseSpec& spec, const VaryingFields& vary) {
  const std::string base = spec.format + " " + spec.variant;
  return vary.model ? ModelShortName(spec.model) + " " + base : base;
}

std::string BarLabel(const CaseSpec& spec, const VaryingFields& vary) {
  const std::string base = spec.format + " " + spec.variant;
  return vary.model ? base + "\n" + ModelShortName(spec.model) : base;
}

std::string LineLabel(const CaseSpec& spec, const VaryingFields& vary) {
  std::string label = GroupLabel(spec, vary);
  if (vary.placement) label += " " + spec.placement;
  if (vary.kv_type) label += " kv " + spec.kv_type;
  return label;
}

std::string CaseLineLabel(const CaseSpec& spec, const VaryingFields& vary) {
  const std::string label = LineLabel(spec, vary);
  return vary.threads ? fmt::format("{} t={}", label, spec.threads) : label;
}

std::vector<LegendEntry> LegendFitting(const ChartFrame& frame,
                                       std::vector<LegendEntry> entries) {
  const auto room =
      static_cast<size_t>((frame.plot_bottom - frame.plot_top) / kLegendLinePx);
  if (entries.size() <= room || room < 1) return entries;
  const size_t left_out = entries.size() - (room - 1);
  entries.resize(room - 1);
  entries.push_back(
      {fmt::format("+{} more (see the table)", left_out), "#ffffff"});
  return entries;
}

}  // namespace lapbench::reports
