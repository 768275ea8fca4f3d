// Tests of how the charts name their series and fit their legends.
#include "reports/chart_labels.h"

#include <catch2/catch.hpp>

#include "render_sample.h"

namespace lapbench::reports {
namespace {

TEST_CASE("labels name only the spec fields that differ", "[reports][render]") {
  const CaseResult a = SampleMeasuredCase();  // tiny-llama q4_0 avx2 t=1
  const CaseResult b = SampleSpecialCase();   // <x&"y">.gguf q8_0 ref t=2
  const VaryingFields vary = FindVaryingFields({&a, &b});
  CHECK(vary.model);
  CHECK(vary.threads);
  CHECK_FALSE(vary.placement);
  CHECK_FALSE(vary.kv_type);
  CHECK(GroupLabel(b.spec, vary) == "<x&\"y\">.gguf q8_0 ref");
  CHECK(BarLabel(b.spec, vary) == "q8_0 ref\n<x&\"y\">.gguf");
  CHECK(LineLabel(a.spec, vary) == "tiny-llama q4_0 avx2");
  CHECK(CaseLineLabel(a.spec, vary) == "tiny-llama q4_0 avx2 t=1");
  const VaryingFields one = FindVaryingFields({&a});
  CHECK(CaseLineLabel(a.spec, one) == "q4_0 avx2");
  CHECK(BarLabel(a.spec, one) == "q4_0 avx2");
}

TEST_CASE("a legend with too many entries says how many it left out",
          "[reports][render]") {
  const ChartFrame frame;  // a plot 200 px high: 11 legend lines of 18 px
  std::vector<LegendEntry> entries(12, LegendEntry{"series", "#000000"});
  const std::vector<LegendEntry> fitted = LegendFitting(frame, entries);
  REQUIRE(fitted.size() == 11);
  CHECK(fitted[9].label == "series");
  CHECK(fitted[10].label == "+2 more (see the table)");
  entries.resize(11);
  CHECK(LegendFitting(frame, entries).size() == 11);
}

}  // namespace
}  // namespace lapbench::reports
