// Tests of the HTML page of a report: well formed, self-contained, every
// text escaped, and each chart drawn or replaced by its reason.
#include <catch2/catch.hpp>

#include "render_sample.h"
#include "reports/render.h"

namespace lapbench::reports {
namespace {

size_t Count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos;
       at = text.find(needle, at + needle.size())) {
    ++n;
  }
  return n;
}

// Elements opened "<tag>" or "<tag ..." and closed "</tag>".
size_t Opened(const std::string& html, const std::string& tag) {
  return Count(html, "<" + tag + ">") + Count(html, "<" + tag + " ");
}

// The text of element id="`id`" up to its closing </figure>.
std::string Figure(const std::string& html, const std::string& id) {
  const size_t start = html.find("<figure id=\"" + id + "\">");
  if (start == std::string::npos) return "";
  return html.substr(start, html.find("</figure>", start) - start);
}

TEST_CASE("the HTML page closes every element it opens", "[reports][html]") {
  const std::string html = RenderHtml(SampleRenderReport());
  CHECK_THAT(html, Catch::StartsWith("<!DOCTYPE html>\n<html lang=\"en\">"));
  CHECK_THAT(html, Catch::EndsWith("</body>\n</html>\n"));
  CHECK(Opened(html, "svg") > 0);
  for (const char* tag :
       {"svg", "g", "text", "title", "figure", "table", "tr", "td", "th", "ul",
        "li", "p", "h2", "h3", "figcaption", "circle", "style", "head"}) {
    INFO(tag);
    CHECK(Opened(html, tag) == Count(html, std::string("</") + tag + ">"));
  }
}

TEST_CASE("the HTML page loads nothing from elsewhere", "[reports][html]") {
  const std::string html = RenderHtml(SampleRenderReport());
  for (const char* external :
       {"http", "<script", "<link", "src=", "href=", "url(", "@import"}) {
    INFO(external);
    CHECK(Count(html, external) == 0);
  }
}

TEST_CASE("the HTML page escapes report text", "[reports][html]") {
  const std::string html = RenderHtml(SampleRenderReport());
  CHECK(Count(html, "<x&") == 0);
  CHECK(Count(html, "<X&Y>") == 0);
  CHECK(Count(html, "/models/&lt;x&amp;&quot;y&quot;&gt;.gguf") > 0);
  CHECK(Count(html, "Test CPU &lt;X&amp;Y&gt;") == 1);
  CHECK(Count(html, "needs avx512f, &quot;not&quot; here") == 1);
}

TEST_CASE("the HTML page has its machine line and results table",
          "[reports][html]") {
  const std::string html = RenderHtml(SampleRenderReport());
  CHECK_THAT(html, Catch::Contains("<tr><th>machine</th><td>Test CPU "
                                   "&lt;X&amp;Y&gt;, 4 cores / 8 threads, "
                                   "16.0 GiB RAM, iGPU Iris Xe</td></tr>"));
  CHECK_THAT(html, Catch::Contains("<td class=\"num\">500.0 ± 10.0</td>"));
  CHECK_THAT(html, Catch::Contains("<li>battery: on battery</li>"));
  CHECK_THAT(html, Catch::Contains("<td>reached 95.0 C at 3.0 s</td>"));
}

TEST_CASE("each chart of the sample is drawn or says why not",
          "[reports][html]") {
  const std::string html = RenderHtml(SampleRenderReport());
  const std::string throughput = Figure(html, "chart-throughput");
  CHECK(Count(throughput, "<svg") == 1);
  CHECK(Count(throughput, "<rect x=") == 4 + 2);  // 4 bars, 2 legend boxes
  CHECK_THAT(throughput, Catch::Contains(">tokens/s</text>"));
  const std::string scaling = Figure(html, "chart-scaling");
  CHECK(Count(scaling, "<svg") == 0);
  CHECK_THAT(scaling,
             Catch::Contains("<p class=\"no-data\">Each format, variant and "
                             "placement ran at one thread count only (1, 2); "
                             "sweep threads in the suite to see scaling.</p>"));
  const std::string throttle = Figure(html, "chart-throttle-1");
  CHECK(Count(throttle, "<svg") == 2);  // throughput and temperature
  CHECK_THAT(throttle, Catch::Contains("Effective clock: no sample of this "
                                       "series has a clock reading"));
  CHECK_THAT(throttle, Catch::Contains(">trip point</text>"));
  const std::string latency = Figure(html, "chart-latency");
  CHECK(Count(latency, "<svg") == 1);
  CHECK(Count(latency, "<polyline") == 2);
  CHECK_THAT(latency, Catch::Contains(">decode step latency (ms)</text>"));
}

TEST_CASE("a scaling chart draws a line through each thread count",
          "[reports][html]") {
  Report report = SampleRenderReport();
  CaseResult wider = SampleMeasuredCase();
  wider.spec.id = 5;
  wider.spec.threads = 4;
  wider.throttle.reset();
  report.cases.push_back(wider);
  const std::string scaling = Figure(RenderHtml(report), "chart-scaling");
  CHECK(Count(scaling, "<svg") == 1);
  CHECK(Count(scaling, "<polyline") == 2);
  CHECK(Count(scaling, "<circle") == 3);
  CHECK_THAT(scaling, Catch::Contains(">threads</text>"));
  CHECK_THAT(scaling, Catch::Contains(">tiny-llama q4_0 avx2</text>"));
}

TEST_CASE("a throttle series without temperatures says so in their place",
          "[reports][html]") {
  Report report = SampleRenderReport();
  for (ThrottleSample& s : report.cases[0].throttle->series) {
    s.cpu_temp_c.reset();
    s.trip_c.reset();
  }
  const std::string throttle = Figure(RenderHtml(report), "chart-throttle-1");
  CHECK(Count(throttle, "<svg") == 1);  // throughput only
  CHECK_THAT(throttle, Catch::Contains("<p class=\"no-data\">CPU "
                                       "temperature: no sample of this "
                                       "series has a temperature reading"));
}

TEST_CASE("a report without measured cases explains every chart",
          "[reports][html]") {
  Report report = SampleRenderReport();
  report.cases.resize(0);
  const std::string html = RenderHtml(report);
  CHECK(Count(html, "<svg") == 0);
  CHECK(Count(html, "<p class=\"no-data\">") == 4);
  CHECK_THAT(html, Catch::Contains("No case ran a sustained decode"));
}

}  // namespace
}  // namespace lapbench::reports
