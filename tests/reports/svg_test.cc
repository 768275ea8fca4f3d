// Tests of the SVG building blocks: the scale, the ticks, escaping and the
// pixels the axes put their ticks at.
#include "reports/svg.h"

#include <catch2/catch.hpp>

namespace lapbench::reports {
namespace {

TEST_CASE("a linear scale maps the domain's ends and inner points to pixels",
          "[reports][svg]") {
  const LinearScale y{0, 100, 240, 40};  // a y axis: 0 at the bottom
  CHECK(y(0) == 240);
  CHECK(y(100) == 40);
  CHECK(y(25) == 190);
  CHECK(y(150) == -60);
  const LinearScale x{-10, 10, 72, 540};
  CHECK(x(0) == 306);
}

TEST_CASE("a scale of a one-point domain maps it to the range's middle",
          "[reports][svg]") {
  CHECK(LinearScale{3, 3, 100, 200}(3) == 150);
}

TEST_CASE("ticks fall on steps of 1, 2 or 5 times a power of ten",
          "[reports][svg]") {
  const Ticks rate = NiceTicks(0, 512.3);
  CHECK(rate.values == std::vector<double>{0, 200, 400, 600});
  CHECK(rate.decimals == 0);
  const Ticks share = NiceTicks(0, 1);
  CHECK(share.values == std::vector<double>{0, 0.2, 0.4, 0.6, 0.8, 1.0});
  CHECK(share.decimals == 1);
  const Ticks signed_range = NiceTicks(-7, 42);
  CHECK(signed_range.values == std::vector<double>{-10, 0, 10, 20, 30, 40, 50});
  const Ticks temps = NiceTicks(61.5, 95, 4);
  CHECK(temps.values == std::vector<double>{60, 70, 80, 90, 100});
}

TEST_CASE("ticks of an empty range cover one unit above its value",
          "[reports][svg]") {
  const Ticks t = NiceTicks(3, 3);
  CHECK(t.values == std::vector<double>{3, 3.2, 3.4, 3.6, 3.8, 4});
  CHECK(t.decimals == 1);
}

TEST_CASE("tick labels use the step's digits and never read -0",
          "[reports][svg]") {
  CHECK(TickLabel(0.6, 1) == "0.6");
  CHECK(TickLabel(-1e-12, 1) == "0.0");
  CHECK(TickLabel(400, 0) == "400");
}

TEST_CASE("text is escaped for HTML and XML", "[reports][svg]") {
  CHECK(XmlEscape("<a href=\"x\">&'") ==
        "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
  CHECK(XmlEscape("plain") == "plain");
}

TEST_CASE("shortened labels keep whole UTF-8 characters", "[reports][svg]") {
  CHECK(Shorten("abcdef", 4) == "abc…");
  CHECK(Shorten("abcd", 4) == "abcd");
  CHECK(Shorten("äöüß", 3) == "äö…");
}

TEST_CASE("axis ticks sit at the scale's pixels with their labels",
          "[reports][svg]") {
  const ChartFrame frame;  // plot area x 72..540, y 240..40
  const Ticks ticks = NiceTicks(0, 512.3);
  const std::string x_axis =
      SvgXAxis(frame, XScale(frame, ticks), ticks, "threads");
  // 200 of 0..600 is a third of the 468 px plot width right of 72.
  CHECK_THAT(x_axis, Catch::Contains("<text x=\"228.0\" y=\"258.0\" "
                                     "text-anchor=\"middle\" stroke=\"none\">"
                                     "200</text>"));
  CHECK_THAT(x_axis, Catch::Contains(">threads</text>"));
  const std::string y_axis =
      SvgYAxis(frame, YScale(frame, ticks), ticks, "tokens/s");
  // 400 of 0..600 is two thirds of the 200 px plot height above 240.
  CHECK_THAT(y_axis, Catch::Contains("<text x=\"64.0\" y=\"110.7\" "
                                     "text-anchor=\"end\" stroke=\"none\">"
                                     "400</text>"));
  CHECK_THAT(y_axis, Catch::Contains(">tokens/s</text>"));
}

TEST_CASE("a legend escapes its labels and draws a dashed entry as a line",
          "[reports][svg]") {
  const LegendEntry entries[] = {{"a<b", "#000000"},
                                 {"limit", "#111111", true}};
  const std::string legend = SvgLegend(ChartFrame{}, entries);
  CHECK_THAT(legend, Catch::Contains(">a&lt;b</text>"));
  CHECK_THAT(legend, Catch::Contains("stroke-dasharray=\"6 4\""));
}

TEST_CASE("a category label's second line goes below its first",
          "[reports][svg]") {
  const ChartFrame frame;
  const std::string labels[] = {"q4_0 avx2\nm.gguf"};
  const double centers[] = {306};
  const std::string axis = SvgCategoryAxis(frame, labels, centers, "format");
  CHECK_THAT(axis, Catch::Contains("<text x=\"306.0\" y=\"258.0\" "
                                   "text-anchor=\"middle\" stroke=\"none\">"
                                   "q4_0 avx2</text>"));
  CHECK_THAT(axis, Catch::Contains("<text x=\"306.0\" y=\"271.0\" "
                                   "text-anchor=\"middle\" stroke=\"none\">"
                                   "m.gguf</text>"));
  // The axis title moves down by the extra line: 240 + 38 + 13.
  CHECK_THAT(axis, Catch::Contains("y=\"291.0\" text-anchor=\"middle\" "
                                   "stroke=\"none\">format</text>"));
}

}  // namespace
}  // namespace lapbench::reports
