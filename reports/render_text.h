// Text shared by the rendered forms of a report: the machine line, the
// run's status, number formats and case labels.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "reports/report.h"

namespace lapbench::reports {

// "13th Gen Intel(R) Core(TM) i7-1370P, 14 cores / 20 threads, 31.0 GiB
// RAM, iGPU Intel Iris Xe Graphics" from a probe profile; a part the
// profile lacks (missing, null or mistyped) reads "cores unknown" etc.
std::string MachineSummary(const nlohmann::json& machine);

// The suite's name from the report, or "" when it has none.
std::string SuiteName(const Report& report);

// "complete; cases: 3 measured, 1 skipped" or "partial (interrupted by
// SIGINT); cases: ...".
std::string RunStatusText(const Report& report);

// `value` with `decimals` digits after the point.
std::string FormatFixed(double value, int decimals);

// "500.0 ± 10.0": the median and half the width of its interval, with
// "*" appended when the interval did not reach its level; "-" without
// samples.
std::string MedianPlusMinus(const Metric& metric, int decimals);

// The median with `decimals` digits, `scale` dividing it; "-" without
// samples.
std::string MedianText(const Metric& metric, int decimals, double scale = 1);

// "case 2, tiny-llama q4_0 avx2 t=4 all": what a case ran, in a line;
// the parts a case lacks (a skipped case may have no variant) left out.
std::string CaseSpecLabel(const CaseSpec& spec);

// The measured cases of `report`, in report order.
std::vector<const CaseResult*> MeasuredCases(const Report& report);

// Whether any case has accuracy figures, a J/token figure, a throttle.
bool AnyAccuracy(const Report& report);
bool AnyJoulesPerToken(const Report& report);
bool AnyThrottle(const Report& report);

// "12.0 s" or "none" for the throttle's first 10% drop, "reached 95.0 C at
// 3.0 s", "not reached" or "no temperatures" for its trip point.
std::string DropText(const ThrottleAnalysis& analysis);
std::string TripText(const ThrottleAnalysis& analysis);

}  // namespace lapbench::reports
