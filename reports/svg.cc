// SVG text for the report's charts: every number is a pixel or a tick.
#include "reports/svg.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>

namespace lapbench::reports {
namespace {

// Tolerance for deciding a quotient is a whole number despite rounding
// (0.3 / 0.1 is 2.9999999999999996 in doubles).
constexpr double kTickEpsilon = 1e-9;

// Okabe and Ito's palette, which colour-blind readers can tell apart, with
// its yellow (too pale on white) replaced by grey.
constexpr std::array<const char*, 8> kPalette = {
    "#0072b2", "#e69f00", "#009e73", "#d55e00",
    "#cc79a7", "#56b4e9", "#999999", "#000000"};

// Average glyph width at the charts' 11 px font, to fit labels in space.
constexpr double kGlyphWidthPx = 6.5;
constexpr size_t kLegendChars = 28;
// Spacing of the lines of a category label.
constexpr double kLabelLinePx = 13;

// The lines of `text`, split at "\n".
std::vector<std::string> SplitLines(std::string_view text) {
  std::vector<std::string> lines;
  size_t start = 0;
  for (size_t end; (end = text.find('\n', start)) != std::string_view::npos;
       start = end + 1) {
    lines.emplace_back(text.substr(start, end - start));
  }
  lines.emplace_back(text.substr(start));
  return lines;
}

std::string Px(double pixel) { return fmt::format("{:.1f}", pixel); }

// The step of round ticks for a raw step: 1, 2 or 5 times a power of 10.
double RoundStep(double raw_step) {
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw_step)));
  const double normalized = raw_step / magnitude;
  if (normalized <= 1 + kTickEpsilon) return magnitude;
  if (normalized <= 2 + kTickEpsilon) return 2 * magnitude;
  if (normalized <= 5 + kTickEpsilon) return 5 * magnitude;
  return 10 * magnitude;
}

// `value` rounded to `decimals` digits, so ticks read 0.3, not 0.30000004.
double RoundTo(double value, int decimals) {
  const double scale = std::pow(10.0, decimals);
  return std::round(value * scale) / scale;
}

}  // namespace

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string Shorten(std::string_view text, size_t max_chars) {
  const auto starts_char = [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  };
  const auto n_chars = std::count_if(text.begin(), text.end(), starts_char);
  if (static_cast<size_t>(n_chars) <= max_chars) return std::string(text);
  const size_t keep = max_chars > 0 ? max_chars - 1 : 0;
  size_t seen = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (!starts_char(text[i])) continue;
    if (seen == keep) return std::string(text.substr(0, i)) + "…";
    ++seen;
  }
  return std::string(text);
}

double LinearScale::operator()(double value) const {
  if (domain_hi == domain_lo) return (range_lo + range_hi) / 2;
  return range_lo +
         (value - domain_lo) * (range_hi - range_lo) / (domain_hi - domain_lo);
}

Ticks NiceTicks(double lo, double hi, int target) {
  if (!(hi > lo)) hi = lo + 1;
  const double step = RoundStep((hi - lo) / std::max(1, target));
  const double first = std::floor(lo / step + kTickEpsilon) * step;
  const double last = std::ceil(hi / step - kTickEpsilon) * step;
  Ticks ticks;
  ticks.decimals = std::max(
      0, -static_cast<int>(std::floor(std::log10(step) + kTickEpsilon)));
  const long n = std::lround((last - first) / step);
  for (long i = 0; i <= n; ++i) {
    ticks.values.push_back(
        RoundTo(first + static_cast<double>(i) * step, ticks.decimals));
  }
  return ticks;
}

std::string TickLabel(double value, int decimals) {
  if (std::abs(value) < 0.5 * std::pow(10.0, -decimals)) value = 0;
  return fmt::format("{:.{}f}", value, decimals);
}

LinearScale YScale(const ChartFrame& frame, const Ticks& ticks) {
  return {ticks.values.front(), ticks.values.back(), frame.plot_bottom,
          frame.plot_top};
}

LinearScale XScale(const ChartFrame& frame, const Ticks& ticks) {
  return {ticks.values.front(), ticks.values.back(), frame.plot_left,
          frame.plot_right};
}

std::string SeriesColor(size_t index) {
  return kPalette[index % kPalette.size()];
}

std::string SvgOpen(const ChartFrame& frame, std::string_view title) {
  const std::string text = XmlEscape(title);
  return fmt::format(
      "<svg class=\"chart\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} "
      "{1}\" role=\"img\" aria-label=\"{2}\" font-family=\"sans-serif\" "
      "font-size=\"11\">\n<title>{2}</title>\n<text x=\"{3}\" y=\"22\" "
      "text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">{2}"
      "</text>\n",
      Px(frame.width), Px(frame.height), text, Px(frame.width / 2));
}

std::string SvgClose() { return "</svg>\n"; }

std::string SvgXAxis(const ChartFrame& frame, const LinearScale& scale,
                     const Ticks& ticks, std::string_view label) {
  const std::string y = Px(frame.plot_bottom);
  std::string out = fmt::format(
      "<g class=\"x-axis\" stroke=\"#444\">\n<line x1=\"{}\" y1=\"{}\" "
      "x2=\"{}\" y2=\"{}\"/>\n",
      Px(frame.plot_left), y, Px(frame.plot_right), y);
  for (const double value : ticks.values) {
    const std::string x = Px(scale(value));
    out += fmt::format(
        "<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\"/><text x=\"{0}\" "
        "y=\"{3}\" text-anchor=\"middle\" stroke=\"none\">{4}</text>\n",
        x, y, Px(frame.plot_bottom + 5), Px(frame.plot_bottom + 18),
        TickLabel(value, ticks.decimals));
  }
  out += fmt::format(
      "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" stroke=\"none\">{}"
      "</text>\n</g>\n",
      Px((frame.plot_left + frame.plot_right) / 2), Px(frame.plot_bottom + 38),
      XmlEscape(label));
  return out;
}

std::string SvgYAxis(const ChartFrame& frame, const LinearScale& scale,
                     const Ticks& ticks, std::string_view label) {
  const std::string x = Px(frame.plot_left);
  std::string out = fmt::format(
      "<g class=\"y-axis\" stroke=\"#444\">\n<line x1=\"{0}\" y1=\"{1}\" "
      "x2=\"{0}\" y2=\"{2}\"/>\n",
      x, Px(frame.plot_top), Px(frame.plot_bottom));
  for (const double value : ticks.values) {
    const std::string y = Px(scale(value));
    out += fmt::format(
        "<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"#ddd\"/>"
        "<line x1=\"{3}\" y1=\"{1}\" x2=\"{0}\" y2=\"{1}\"/><text x=\"{4}\" "
        "y=\"{5}\" text-anchor=\"end\" stroke=\"none\">{6}</text>\n",
        x, y, Px(frame.plot_right), Px(frame.plot_left - 5),
        Px(frame.plot_left - 8), Px(scale(value) + 4),
        TickLabel(value, ticks.decimals));
  }
  const double mid = (frame.plot_top + frame.plot_bottom) / 2;
  out += fmt::format(
      "<text x=\"18\" y=\"{0}\" transform=\"rotate(-90 18 {0})\" "
      "text-anchor=\"middle\" stroke=\"none\">{1}</text>\n</g>\n",
      Px(mid), XmlEscape(label));
  return out;
}

std::string SvgCategoryAxis(const ChartFrame& frame,
                            std::span<const std::string> labels,
                            std::span<const double> centers,
                            std::string_view label) {
  const std::string y = Px(frame.plot_bottom);
  std::string out = fmt::format(
      "<g class=\"x-axis\" stroke=\"#444\">\n<line x1=\"{}\" y1=\"{}\" "
      "x2=\"{}\" y2=\"{}\"/>\n",
      Px(frame.plot_left), y, Px(frame.plot_right), y);
  const double band = (frame.plot_right - frame.plot_left) /
                      static_cast<double>(std::max<size_t>(1, labels.size()));
  const size_t max_chars =
      std::max<size_t>(4, static_cast<size_t>(band / kGlyphWidthPx));
  size_t max_lines = 1;
  for (size_t i = 0; i < labels.size() && i < centers.size(); ++i) {
    size_t line = 0;
    for (const std::string& text : SplitLines(labels[i])) {
      out += fmt::format(
          "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" stroke=\"none\">{}"
          "</text>\n",
          Px(centers[i]),
          Px(frame.plot_bottom + 18 + kLabelLinePx * static_cast<double>(line)),
          XmlEscape(Shorten(text, max_chars)));
      max_lines = std::max(max_lines, ++line);
    }
  }
  const double below = kLabelLinePx * static_cast<double>(max_lines - 1);
  out += fmt::format(
      "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" stroke=\"none\">{}"
      "</text>\n</g>\n",
      Px((frame.plot_left + frame.plot_right) / 2),
      Px(frame.plot_bottom + 38 + below), XmlEscape(label));
  return out;
}

std::string SvgLegend(const ChartFrame& frame,
                      std::span<const LegendEntry> entries) {
  const double x = frame.plot_right + 20;
  std::string out = "<g class=\"legend\">\n";
  for (size_t i = 0; i < entries.size(); ++i) {
    const LegendEntry& e = entries[i];
    const double y = frame.plot_top + 18 * static_cast<double>(i);
    if (e.dashed) {
      out += fmt::format(
          "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" "
          "stroke-width=\"2\" stroke-dasharray=\"6 4\"/>",
          Px(x), Px(y + 6), Px(x + 12), Px(y + 6), e.color);
    } else {
      out += fmt::format(
          "<rect x=\"{}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{}\"/>",
          Px(x), Px(y), e.color);
    }
    out += fmt::format("<text x=\"{}\" y=\"{}\">{}</text>\n", Px(x + 18),
                       Px(y + 10), XmlEscape(Shorten(e.label, kLegendChars)));
  }
  return out + "</g>\n";
}

std::string SvgPolyline(std::span<const std::pair<double, double>> points,
                        std::string_view color, bool dashed) {
  std::string coordinates;
  for (const auto& [x, y] : points) {
    if (!coordinates.empty()) coordinates += ' ';
    coordinates += Px(x) + "," + Px(y);
  }
  return fmt::format(
      "<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"2\"{} "
      "points=\"{}\"/>\n",
      color, dashed ? " stroke-dasharray=\"6 4\"" : "", coordinates);
}

std::string SvgDot(double x, double y, std::string_view color,
                   std::string_view tip) {
  return fmt::format(
      "<circle cx=\"{}\" cy=\"{}\" r=\"3.5\" fill=\"{}\"><title>{}</title>"
      "</circle>\n",
      Px(x), Px(y), color, XmlEscape(tip));
}

std::string SvgBar(double x, double y, double width, double height,
                   std::string_view color, std::string_view tip) {
  return fmt::format(
      "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\">"
      "<title>{}</title></rect>\n",
      Px(x), Px(y), Px(width), Px(height), color, XmlEscape(tip));
}

std::string SvgWhisker(double x, double y_top, double y_bottom) {
  return fmt::format(
      "<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#222\" "
      "stroke-width=\"1.5\"/>\n",
      Px(x), Px(y_top), Px(y_bottom));
}

}  // namespace lapbench::reports
