// The charts of a report's HTML page. Each returns an HTML <figure>: an
// inline SVG chart with its caption, or, when the report has nothing to
// draw, the chart's title and a sentence saying why.
#pragma once

#include <string>
#include <string_view>

#include "reports/report.h"

namespace lapbench::reports {

// Decode and prefill tokens/s per format and variant, grouped bars with
// the median's interval as whiskers.
std::string ThroughputChart(const Report& report);

// Decode tokens/s against threads, one line per format, variant and
// placement.
std::string ScalingChart(const Report& report);

// Per sustained-decode case: throughput, clock and temperature over time.
std::string ThrottleCharts(const Report& report);

// The distribution (CDF) of every measured decode step's latency, one
// line per case.
std::string LatencyChart(const Report& report);

// A figure holding `title` and `reason` in place of a chart.
std::string NoDataFigure(std::string_view id, std::string_view title,
                         std::string_view reason);

}  // namespace lapbench::reports
