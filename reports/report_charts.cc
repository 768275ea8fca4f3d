// The throughput and scaling charts of a report's HTML page, and the
// labels every chart gives its series.
#include "reports/report_charts.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "reports/chart_labels.h"
#include "reports/render_text.h"
#include "reports/svg.h"

namespace lapbench::reports {
namespace {

// Every case with the same label is one group; it shows the case with the
// highest decode tokens/s (prefill when no decode was measured).
struct ThroughputGroup {
  std::string label;  // GroupLabel: what the group's cases share
  std::string bar_label;
  const CaseResult* best = nullptr;
};

double HeadlineRate(const CaseResult& c) {
  const Metric& decode = c.metrics.decode_tokens_per_s;
  return decode.summary.n > 0 ? decode.summary.median
                              : c.metrics.prefill_tokens_per_s.summary.median;
}

std::vector<ThroughputGroup> GroupsOf(
    const std::vector<const CaseResult*>& measured) {
  const VaryingFields vary = FindVaryingFields(measured);
  std::vector<ThroughputGroup> groups;
  for (const CaseResult* c : measured) {
    const std::string label = GroupLabel(c->spec, vary);
    auto it = std::find_if(groups.begin(), groups.end(),
                           [&](const auto& g) { return g.label == label; });
    if (it == groups.end()) {
      groups.push_back({label, BarLabel(c->spec, vary), c});
    } else if (HeadlineRate(*c) > HeadlineRate(*it->best)) {
      it->best = c;
    }
  }
  return groups;
}

// The largest upper interval bound of decode and prefill over `groups`.
double TopRate(const std::vector<ThroughputGroup>& groups) {
  double top = 0;
  for (const ThroughputGroup& g : groups) {
    for (const Metric* m : {&g.best->metrics.decode_tokens_per_s,
                            &g.best->metrics.prefill_tokens_per_s}) {
      if (m->summary.n > 0) top = std::max(top, m->summary.ci_high);
    }
  }
  return top;
}

// A bar at its median with a whisker over its interval; "" without samples.
std::string RateBar(const LinearScale& y, const Metric& m, double x,
                    double width, size_t color, const std::string& tip) {
  const MetricSummary& s = m.summary;
  if (s.n == 0) return "";
  const double top = y(s.median);
  return SvgBar(x, top, width, y(0) - top, SeriesColor(color), tip) +
         SvgWhisker(x + width / 2, y(s.ci_high), y(s.ci_low));
}

std::string RateTip(std::string_view what, const Metric& m,
                    const CaseSpec& spec) {
  return fmt::format("{} {:.1f} tok/s [{:.1f}, {:.1f}], {}", what,
                     m.summary.median, m.summary.ci_low, m.summary.ci_high,
                     CaseSpecLabel(spec));
}

std::string ThroughputSvg(const std::vector<ThroughputGroup>& groups) {
  const ChartFrame frame;
  const Ticks y_ticks = NiceTicks(0, TopRate(groups));
  const LinearScale y = YScale(frame, y_ticks);
  const double band =
      (frame.plot_right - frame.plot_left) / static_cast<double>(groups.size());
  const double bar_width = std::min(36.0, band * 0.4);
  std::string out = SvgOpen(frame, "Throughput per format and variant") +
                    SvgYAxis(frame, y, y_ticks, "tokens/s");
  std::vector<std::string> labels;
  std::vector<double> centers;
  for (size_t i = 0; i < groups.size(); ++i) {
    const double center =
        frame.plot_left + band * (static_cast<double>(i) + 0.5);
    const CaseResult& c = *groups[i].best;
    const Metric& decode = c.metrics.decode_tokens_per_s;
    const Metric& prefill = c.metrics.prefill_tokens_per_s;
    out += RateBar(y, decode, center - bar_width, bar_width, 0,
                   RateTip("decode", decode, c.spec));
    out += RateBar(y, prefill, center, bar_width, 1,
                   RateTip("prefill", prefill, c.spec));
    labels.push_back(groups[i].bar_label);
    centers.push_back(center);
  }
  out += SvgCategoryAxis(frame, labels, centers, "format and variant");
  const LegendEntry legend[] = {{"decode", SeriesColor(0)},
                                {"prefill", SeriesColor(1)}};
  return out + SvgLegend(frame, legend) + SvgClose();
}

// Decode tokens/s per thread count of one line; the best case per count.
struct ScalingLine {
  std::string label;
  std::map<int, double> rate_by_threads;
};

std::vector<ScalingLine> ScalingLinesOf(
    const std::vector<const CaseResult*>& measured) {
  const VaryingFields vary = FindVaryingFields(measured);
  std::vector<ScalingLine> lines;
  for (const CaseResult* c : measured) {
    const MetricSummary& s = c->metrics.decode_tokens_per_s.summary;
    if (s.n == 0) continue;
    const std::string label = LineLabel(c->spec, vary);
    auto it = std::find_if(lines.begin(), lines.end(),
                           [&](const auto& l) { return l.label == label; });
    if (it == lines.end())
      it = lines.insert(lines.end(), ScalingLine{label, {}});
    double& rate = it->rate_by_threads[c->spec.threads];
    rate = std::max(rate, s.median);
  }
  return lines;
}

// Why there is no scaling chart, or "" when there is one.
std::string NoScalingReason(const std::vector<ScalingLine>& lines) {
  if (lines.empty()) return "No case measured decode throughput.";
  std::set<int> threads;
  for (const ScalingLine& l : lines) {
    if (l.rate_by_threads.size() >= 2) return "";
    for (const auto& entry : l.rate_by_threads) threads.insert(entry.first);
  }
  return fmt::format(
      "Each format, variant and placement ran at one thread count only "
      "({}); sweep threads in the suite to see scaling.",
      fmt::join(threads, ", "));
}

std::string ScalingSvg(const std::vector<ScalingLine>& lines) {
  const ChartFrame frame;
  double max_threads = 1, top = 0;
  for (const ScalingLine& l : lines) {
    for (const auto& [threads, rate] : l.rate_by_threads) {
      max_threads = std::max(max_threads, static_cast<double>(threads));
      top = std::max(top, rate);
    }
  }
  // No more ticks than threads, so that each tick is a whole thread.
  const Ticks x_ticks =
      NiceTicks(0, max_threads, std::min(5, static_cast<int>(max_threads)));
  const Ticks y_ticks = NiceTicks(0, top);
  const LinearScale x = XScale(frame, x_ticks), y = YScale(frame, y_ticks);
  std::string out = SvgOpen(frame, "Decode throughput against threads") +
                    SvgYAxis(frame, y, y_ticks, "decode tokens/s") +
                    SvgXAxis(frame, x, x_ticks, "threads");
  std::vector<LegendEntry> legend;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string color = SeriesColor(i);
    std::vector<std::pair<double, double>> points;
    for (const auto& [threads, rate] : lines[i].rate_by_threads) {
      points.emplace_back(x(threads), y(rate));
      out += SvgDot(x(threads), y(rate), color,
                    fmt::format("{}, {} threads: {:.1f} tok/s", lines[i].label,
                                threads, rate));
    }
    out += SvgPolyline(points, color);
    legend.push_back({lines[i].label, color});
  }
  return out + SvgLegend(frame, LegendFitting(frame, legend)) + SvgClose();
}

}  // namespace

std::string NoDataFigure(std::string_view id, std::string_view title,
                         std::string_view reason) {
  return fmt::format(
      "<figure id=\"{}\">\n<h3>{}</h3>\n<p class=\"no-data\">{}</p>\n"
      "</figure>\n",
      id, XmlEscape(title), XmlEscape(reason));
}

std::string ThroughputChart(const Report& report) {
  const std::vector<const CaseResult*> measured = MeasuredCases(report);
  if (measured.empty()) {
    return NoDataFigure("chart-throughput", "Throughput per format and variant",
                        "No case was measured, so there is no throughput to "
                        "draw.");
  }
  return fmt::format(
      "<figure id=\"chart-throughput\">\n{}<figcaption>Medians over the "
      "measured runs; whiskers span the 95% confidence interval of the "
      "median. Where several cases share a label, the one with the highest "
      "decode tokens/s is shown (hover a bar for its case).</figcaption>\n"
      "</figure>\n",
      ThroughputSvg(GroupsOf(measured)));
}

std::string ScalingChart(const Report& report) {
  const std::vector<ScalingLine> lines = ScalingLinesOf(MeasuredCases(report));
  const std::string reason = NoScalingReason(lines);
  if (!reason.empty()) {
    return NoDataFigure("chart-scaling", "Decode throughput against threads",
                        reason);
  }
  return fmt::format(
      "<figure id=\"chart-scaling\">\n{}<figcaption>Median decode tokens/s "
      "per thread count; where several cases share a label and a thread "
      "count, the fastest is shown.</figcaption>\n</figure>\n",
      ScalingSvg(lines));
}

}  // namespace lapbench::reports
