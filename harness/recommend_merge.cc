// Several reports of one machine ranked together: a suite's run beside a
// throttle run, so a configuration's decode rate can be its sustained one.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "harness/recommend.h"
#include "reports/machine_table.h"

namespace lapbench::harness {
namespace {

// "3-5" for a run of numbers, else "3, 5, 9"; "3" for one.
std::string CaseNumbers(const std::vector<int>& ids) {
  bool consecutive = true;
  for (size_t i = 1; i < ids.size(); ++i) {
    consecutive = consecutive && ids[i] == ids[i - 1] + 1;
  }
  if (ids.size() > 1 && consecutive) {
    return fmt::format("{}-{}", ids.front(), ids.back());
  }
  return fmt::format("{}", fmt::join(ids, ", "));
}

}  // namespace

reports::Report MergeRunReports(
    const std::vector<reports::SourcedReport>& sources,
    std::vector<std::string>& origins) {
  reports::Report merged = sources.front().report;
  merged.cases.clear();
  const std::string machine =
      reports::IdentifyMachine(sources.front().report.machine).Key();
  for (const reports::SourcedReport& s : sources) {
    if (reports::IdentifyMachine(s.report.machine).Key() != machine) {
      throw RecommendError(fmt::format(
          "--report: '{}' describes another machine than '{}' (expected "
          "reports of one machine: the same CPU, cores and RAM)",
          s.path, sources.front().path));
    }
    std::vector<int> old_ids, new_ids;
    for (reports::CaseResult c : s.report.cases) {
      old_ids.push_back(c.spec.id);
      c.spec.id = static_cast<int>(merged.cases.size()) + 1;
      new_ids.push_back(c.spec.id);
      merged.cases.push_back(std::move(c));
    }
    if (new_ids.empty()) continue;
    const bool one = new_ids.size() == 1;
    origins.push_back(fmt::format("{} {} {} {} {} {}", one ? "case" : "cases",
                                  CaseNumbers(new_ids), one ? "is" : "are",
                                  s.path, one ? "case" : "cases",
                                  CaseNumbers(old_ids)));
  }
  return merged;
}

}  // namespace lapbench::harness
