// The charts of a report over time and over tokens: the throttling curve
// of each sustained-decode case and the per-token latency distribution.
#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "reports/chart_labels.h"
#include "reports/render_text.h"
#include "reports/report_charts.h"
#include "reports/svg.h"

namespace lapbench::reports {
namespace {

// A throttle panel is shorter than the other charts: three sit stacked.
constexpr ChartFrame kPanelFrame = {760, 230, 72, 540, 40, 170};

// At most this many cases in the latency chart, so its lines stay apart.
constexpr size_t kMaxLatencyLines = 8;
// Points per CDF line: enough for a smooth curve at 470 px wide.
constexpr size_t kCdfPoints = 200;

using Points = std::vector<std::pair<double, double>>;  // data (x, y)

// One line of a panel, in data units.
struct PanelLine {
  std::string label;
  Points points;
  bool dashed = false;
};

// The smallest and largest y of `lines`.
std::pair<double, double> YRange(const std::vector<PanelLine>& lines) {
  double lo = 0, hi = 0;
  bool first = true;
  for (const PanelLine& l : lines) {
    for (const auto& [x, y] : l.points) {
      lo = first ? y : std::min(lo, y);
      hi = first ? y : std::max(hi, y);
      first = false;
    }
  }
  return {lo, hi};
}

// A panel of `lines` against time from 0 to `t_max_s`; the y axis starts
// at 0 when `from_zero`, else at the lowest value.
std::string TimePanel(std::string_view title, std::string_view y_label,
                      const std::vector<PanelLine>& lines, double t_max_s,
                      bool from_zero) {
  const ChartFrame& frame = kPanelFrame;
  const auto [lo, hi] = YRange(lines);
  const Ticks x_ticks = NiceTicks(0, t_max_s);
  const Ticks y_ticks = NiceTicks(from_zero ? 0 : lo, hi, 4);
  const LinearScale x = XScale(frame, x_ticks), y = YScale(frame, y_ticks);
  std::string out = SvgOpen(frame, title) +
                    SvgYAxis(frame, y, y_ticks, y_label) +
                    SvgXAxis(frame, x, x_ticks, "time (s)");
  std::vector<LegendEntry> legend;
  for (size_t i = 0; i < lines.size(); ++i) {
    Points pixels;
    for (const auto& [t, v] : lines[i].points) pixels.emplace_back(x(t), y(v));
    out += SvgPolyline(pixels, SeriesColor(i), lines[i].dashed);
    legend.push_back({lines[i].label, SeriesColor(i), lines[i].dashed});
  }
  return out + SvgLegend(frame, legend) + SvgClose();
}

// The (t_s, value) points of the samples that have `field`.
Points PointsOf(const std::vector<ThrottleSample>& series,
                std::optional<double> ThrottleSample::*field) {
  Points points;
  for (const ThrottleSample& s : series) {
    if (s.*field) points.emplace_back(s.t_s, *(s.*field));
  }
  return points;
}

// A horizontal line at `value` over the series' time span.
PanelLine LevelLine(std::string label, double value, double t_max_s) {
  return {std::move(label), {{0, value}, {t_max_s, value}}, true};
}

std::string ThroughputPanel(const CaseThrottle& t, double t_max_s) {
  PanelLine rate{"tokens/s", {}};
  for (const ThrottleSample& s : t.series) {
    rate.points.emplace_back(s.t_s, s.tokens_per_s);
  }
  const ThrottleAnalysis& a = t.analysis;
  return TimePanel(
      "Decode throughput", "tokens/s",
      {rate,
       LevelLine(fmt::format("burst {:.1f}", a.burst_tokens_per_s),
                 a.burst_tokens_per_s, t_max_s),
       LevelLine(fmt::format("sustained {:.1f}", a.sustained_tokens_per_s),
                 a.sustained_tokens_per_s, t_max_s)},
      t_max_s, true);
}

std::string ClockPanel(const CaseThrottle& t, double t_max_s) {
  Points clock = PointsOf(t.series, &ThrottleSample::clock_ghz);
  if (clock.empty()) {
    return "<p class=\"no-data\">Effective clock: no sample of this series "
           "has a clock reading (the monitor could not measure the clock "
           "on this machine), so there is no clock curve.</p>\n";
  }
  return TimePanel("Effective clock", "GHz", {{"clock", std::move(clock)}},
                   t_max_s, false);
}

std::string TemperaturePanel(const CaseThrottle& t, double t_max_s) {
  std::vector<PanelLine> lines = {
      {"CPU temperature", PointsOf(t.series, &ThrottleSample::cpu_temp_c)}};
  if (lines[0].points.empty()) {
    return "<p class=\"no-data\">CPU temperature: no sample of this series "
           "has a temperature reading (no CPU sensor was found), so there "
           "is no temperature curve.</p>\n";
  }
  Points trip = PointsOf(t.series, &ThrottleSample::trip_c);
  if (!trip.empty()) lines.push_back({"trip point", std::move(trip), true});
  return TimePanel("CPU temperature", "°C", lines, t_max_s, false);
}

std::string ThrottleFigure(const CaseResult& c) {
  const CaseThrottle& t = *c.throttle;
  const double t_max_s = t.series.empty() ? 0 : t.series.back().t_s;
  const ThrottleAnalysis& a = t.analysis;
  return fmt::format(
      "<figure id=\"chart-throttle-{}\">\n<h3>Sustained decode: {}</h3>\n"
      "{}{}{}<figcaption>Throughput per {:.1f} s interval over {:.0f} s. "
      "Burst {:.1f} tok/s, sustained {:.1f} tok/s (ratio {:.3f}); first 10% "
      "drop: {}; trip point: {}.</figcaption>\n</figure>\n",
      c.spec.id, XmlEscape(CaseSpecLabel(c.spec)), ThroughputPanel(t, t_max_s),
      ClockPanel(t, t_max_s), TemperaturePanel(t, t_max_s), t.interval_s,
      t.duration_s, a.burst_tokens_per_s, a.sustained_tokens_per_s, a.ratio,
      DropText(a), TripText(a));
}

// Every decode step of every measured run of `c`, ascending.
std::vector<double> SortedSteps(const CaseResult& c) {
  std::vector<double> steps;
  for (const std::vector<double>& run : c.decode_step_ms) {
    steps.insert(steps.end(), run.begin(), run.end());
  }
  std::sort(steps.begin(), steps.end());
  return steps;
}

// At most kCdfPoints (value, share at or below it) points of the empirical
// CDF of `sorted` (non-empty), its first and last value always included.
Points CdfPoints(const std::vector<double>& sorted) {
  const size_t n = sorted.size();
  const size_t m = std::min(n, kCdfPoints);
  Points points;
  for (size_t k = 0; k < m; ++k) {
    const size_t i = m == 1 ? n - 1 : k * (n - 1) / (m - 1);
    points.emplace_back(sorted[i],
                        static_cast<double>(i + 1) / static_cast<double>(n));
  }
  return points;
}

std::string LatencySvg(const std::vector<const CaseResult*>& cases) {
  const ChartFrame frame;
  const VaryingFields vary = FindVaryingFields(cases);
  std::vector<std::vector<double>> steps;
  double lo = 0, hi = 0;
  for (const CaseResult* c : cases) {
    steps.push_back(SortedSteps(*c));
    lo = steps.size() == 1 ? steps.back().front()
                           : std::min(lo, steps.back().front());
    hi = std::max(hi, steps.back().back());
  }
  const Ticks x_ticks = NiceTicks(lo, hi), y_ticks = NiceTicks(0, 1);
  const LinearScale x = XScale(frame, x_ticks), y = YScale(frame, y_ticks);
  std::string out = SvgOpen(frame, "Per-token decode latency (CDF)") +
                    SvgYAxis(frame, y, y_ticks, "share of steps at or below") +
                    SvgXAxis(frame, x, x_ticks, "decode step latency (ms)");
  std::vector<LegendEntry> legend;
  for (size_t i = 0; i < cases.size(); ++i) {
    Points pixels;
    for (const auto& [ms, share] : CdfPoints(steps[i])) {
      pixels.emplace_back(x(ms), y(share));
    }
    out += SvgPolyline(pixels, SeriesColor(i));
    legend.push_back({CaseLineLabel(cases[i]->spec, vary), SeriesColor(i)});
  }
  return out + SvgLegend(frame, legend) + SvgClose();
}

// The measured cases with decode steps, and how many were left out.
std::pair<std::vector<const CaseResult*>, size_t> LatencyCases(
    const Report& report) {
  std::vector<const CaseResult*> cases;
  for (const CaseResult* c : MeasuredCases(report)) {
    if (!SortedSteps(*c).empty()) cases.push_back(c);
  }
  const size_t left_out =
      cases.size() > kMaxLatencyLines ? cases.size() - kMaxLatencyLines : 0;
  cases.resize(cases.size() - left_out);
  return {cases, left_out};
}

}  // namespace

std::string ThrottleCharts(const Report& report) {
  std::string out;
  for (const CaseResult& c : report.cases) {
    if (c.throttle) out += ThrottleFigure(c);
  }
  if (!out.empty()) return out;
  return NoDataFigure("chart-throttle", "Sustained decode",
                      "No case ran a sustained decode (the suite's "
                      "sustained_decode_s is 0), so there is no throttling "
                      "curve.");
}

std::string LatencyChart(const Report& report) {
  const auto [cases, left_out] = LatencyCases(report);
  if (cases.empty()) {
    return NoDataFigure("chart-latency", "Per-token decode latency (CDF)",
                        "No measured case recorded decode steps (nothing "
                        "was measured, or gen_tokens was 0).");
  }
  const std::string more =
      left_out == 0 ? ""
                    : fmt::format(
                          " The first {} cases are shown; {} more are in the "
                          "CSV.",
                          kMaxLatencyLines, left_out);
  return fmt::format(
      "<figure id=\"chart-latency\">\n{}<figcaption>Every decode step of "
      "every measured run: the share of steps that took at most the "
      "latency on the x axis.{}</figcaption>\n</figure>\n",
      LatencySvg(cases), more);
}

}  // namespace lapbench::reports
