// Building blocks of the report's SVG charts: escaping, a linear scale,
// round axis ticks, axes, a legend and the marks drawn in a plot.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lapbench::reports {

// `text` safe inside HTML or XML text and attribute values: &, <, >, "
// and ' as character references.
std::string XmlEscape(std::string_view text);

// At most `max_chars` characters of UTF-8 `text` (a character is never
// cut in two), with "…" in place of what was cut.
std::string Shorten(std::string_view text, size_t max_chars);

// Maps the data interval [domain_lo, domain_hi] linearly onto the pixel
// interval [range_lo, range_hi]; a y axis has range_lo below range_hi in
// data terms, so range_lo > range_hi in pixels.
struct LinearScale {
  double domain_lo = 0;
  double domain_hi = 1;
  double range_lo = 0;
  double range_hi = 1;

  // The pixel of `value`: range_lo + (value - domain_lo) * (range_hi -
  // range_lo) / (domain_hi - domain_lo); the middle of the range when the
  // domain is one point.
  double operator()(double value) const;
};

// The ticks of an axis, at a round step (1, 2 or 5 times a power of ten).
struct Ticks {
  std::vector<double> values;  // ascending, evenly spaced
  int decimals = 0;            // digits after the point the step needs
};

// Round ticks covering [lo, hi] with a step near (hi - lo) / target: the
// first tick is at or below lo, the last at or above hi. [lo, lo + 1] is
// used when hi <= lo. Precondition: lo and hi finite, target >= 1.
Ticks NiceTicks(double lo, double hi, int target = 5);

// A tick's label: `value` with `decimals` digits, "-0" written "0".
std::string TickLabel(double value, int decimals);

// A chart's size and its plot area, in pixels; the legend sits right of
// the plot area.
struct ChartFrame {
  double width = 760;
  double height = 300;
  double plot_left = 72;
  double plot_right = 540;
  double plot_top = 40;
  double plot_bottom = 240;
};

// The scale of a y axis from `ticks` onto `frame`'s plot area.
LinearScale YScale(const ChartFrame& frame, const Ticks& ticks);
// The scale of an x axis from `ticks` onto `frame`'s plot area.
LinearScale XScale(const ChartFrame& frame, const Ticks& ticks);

// One line of a legend; `dashed` for a reference line such as a limit.
struct LegendEntry {
  std::string label;
  std::string color;
  bool dashed = false;
};

// The colour of series `index`, from a palette of 8 that cycles.
std::string SeriesColor(size_t index);

// The opening <svg> element with an accessible title and the visible
// title above the plot; SvgClose() ends it.
std::string SvgOpen(const ChartFrame& frame, std::string_view title);
std::string SvgClose();

// A numeric x axis along the bottom of the plot area: its line, a mark
// and a label per tick, and `label` (with its unit) below.
std::string SvgXAxis(const ChartFrame& frame, const LinearScale& scale,
                     const Ticks& ticks, std::string_view label);

// A numeric y axis along the left of the plot area with a grid line per
// tick and `label` written upwards.
std::string SvgYAxis(const ChartFrame& frame, const LinearScale& scale,
                     const Ticks& ticks, std::string_view label);

// An x axis of categories: `labels[i]` centred at pixel `centers[i]`, a
// line per "\n" in it.
std::string SvgCategoryAxis(const ChartFrame& frame,
                            std::span<const std::string> labels,
                            std::span<const double> centers,
                            std::string_view label);

// The legend, one entry per line, right of the plot area.
std::string SvgLegend(const ChartFrame& frame,
                      std::span<const LegendEntry> entries);

// A line through `points` (pixels).
std::string SvgPolyline(std::span<const std::pair<double, double>> points,
                        std::string_view color, bool dashed = false);

// A point mark at pixel (x, y) with `tip` shown on hover.
std::string SvgDot(double x, double y, std::string_view color,
                   std::string_view tip);

// A bar from pixel (x, y) of `width` x `height` with `tip` shown on hover.
std::string SvgBar(double x, double y, double width, double height,
                   std::string_view color, std::string_view tip);

// A vertical line from pixel y_top to y_bottom at x: an error bar.
std::string SvgWhisker(double x, double y_top, double y_bottom);

}  // namespace lapbench::reports
