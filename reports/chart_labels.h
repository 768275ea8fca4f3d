// How the charts name their series: by the spec fields that differ
// between the measured cases, so a one-model report does not repeat the
// model in every label.
#pragma once

#include <string>
#include <vector>

#include "reports/report.h"
#include "reports/svg.h"

namespace lapbench::reports {

// Which spec fields take more than one value among some cases.
struct VaryingFields {
  bool model = false;
  bool format = false;
  bool variant = false;
  bool threads = false;
  bool placement = false;
  bool kv_type = false;
};

VaryingFields FindVaryingFields(const std::vector<const CaseResult*>& cases);

// A model as charts name it: a .gguf path by its file name.
std::string ModelShortName(const std::string& model);

// "q4_0 avx2", with the model (ModelShortName) first when models differ.
std::string GroupLabel(const CaseSpec& spec, const VaryingFields& vary);

// "q4_0 avx2" for a bar group, and the model on a second line ("\n")
// when models differ.
std::string BarLabel(const CaseSpec& spec, const VaryingFields& vary);

// GroupLabel with the placement and KV type when they differ.
std::string LineLabel(const CaseSpec& spec, const VaryingFields& vary);

// LineLabel with "t=4" when thread counts differ.
std::string CaseLineLabel(const CaseSpec& spec, const VaryingFields& vary);

// The entries a legend beside `frame`'s plot area has room for; when
// some do not fit, the last line says how many were left out.
std::vector<LegendEntry> LegendFitting(const ChartFrame& frame,
                                       std::vector<LegendEntry> entries);

}  // namespace lapbench::reports
