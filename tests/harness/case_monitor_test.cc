// Tests of a case's monitor figures: the summary of a made-up series with
// exact arithmetic, and decode-span energy read from a fake RAPL tree.
#include "harness/case_monitor.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

namespace lapbench::harness {
namespace {

namespace fs = std::filesystem;

MonitorSample SampleAt(double t_s) {
  MonitorSample s;
  s.t_s = t_s;
  s.cpu_temp_mc = probes::Reading<int64_t>::Missing("no sensor");
  s.package_power_w = probes::Reading<double>::Missing("no RAPL");
  s.on_ac = probes::Reading<bool>::Missing("no supply");
  s.clock_hz = probes::Reading<double>::Missing("not measured");
  return s;
}

// Three samples: the first has only a clock, the others most figures.
MonitorSeries ThreeSamples() {
  MonitorSeries series;
  series.samples = {SampleAt(0), SampleAt(1), SampleAt(2)};
  series.samples[0].clock_hz = 2.0e9;
  series.samples[1].clock_hz = 3.0e9;
  series.samples[1].cpu_temp_mc = int64_t{60000};
  series.samples[2].cpu_temp_mc = int64_t{75500};
  series.samples[1].package_power_w = 10.0;
  series.samples[2].package_power_w = 14.0;
  series.samples[1].on_ac = true;
  series.samples[2].on_ac = false;
  series.notes = {"a note from the monitor"};
  return series;
}

void WriteFile(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text << "\n";
}

TEST_CASE("a case's monitor figures are medians, the maximum and J/token",
          "[harness][monitor]") {
  const reports::CaseMonitor m = SummarizeCaseMonitor(ThreeSamples(), 12.5, 50);
  CHECK(m.n_samples == 3);
  CHECK(m.clock_ghz == 2.5);
  CHECK(m.cpu_temp_max_c == 75.5);
  CHECK(m.package_power_w == 12.0);
  CHECK(m.on_ac == false);  // one sample saw the battery
  CHECK(m.joules_per_token == 0.25);
  CHECK(m.unavailable == std::vector<std::string>{"a note from the monitor"});
}

TEST_CASE("without decode energy there is no J/token, and it says why",
          "[harness][monitor]") {
  MonitorSeries series = ThreeSamples();
  series.samples[2].on_ac = true;
  const reports::CaseMonitor m = SummarizeCaseMonitor(
      series, probes::Reading<double>::Missing("no powercap zones"), 50);
  CHECK(m.on_ac == true);
  CHECK(!m.joules_per_token);
  REQUIRE(m.unavailable.size() == 2);
  CHECK(m.unavailable[1] ==
        "joules per token: not available: no powercap zones");
  const reports::CaseMonitor none = SummarizeCaseMonitor(series, 3.0, 0);
  CHECK(!none.joules_per_token);
  CHECK(none.unavailable.back() ==
        "joules per token: not available: no decode tokens");
}

TEST_CASE("decode energy adds only the spans between Begin and End",
          "[harness][monitor]") {
  const fs::path root = fs::temp_directory_path() /
                        ("lapbench-span-energy-" + std::to_string(getpid()));
  const fs::path zone = root / "sys/class/powercap/intel-rapl:0";
  WriteFile(zone / "name", "package-0");
  WriteFile(zone / "enabled", "1");
  WriteFile(zone / "max_energy_range_uj", "262143328850");
  WriteFile(zone / "energy_uj", "1000000");
  SpanEnergy energy{probes::FsRoot(root)};
  CHECK(energy.total_j().reason() == "no decode span measured");
  WriteFile(zone / "energy_uj", "3000000");  // before the span: not counted
  energy.Begin();
  WriteFile(zone / "energy_uj", "5500000");
  energy.End();
  REQUIRE(energy.total_j());
  CHECK(*energy.total_j() == 2.5);
  WriteFile(zone / "energy_uj", "9000000");
  energy.Begin();
  WriteFile(zone / "energy_uj", "9250000");
  energy.End();
  CHECK(*energy.total_j() == 2.75);
  fs::remove_all(root);
}

TEST_CASE("decode energy on a VM without RAPL is missing with the reason",
          "[harness][monitor]") {
  SpanEnergy energy{
      probes::FsRoot(std::string(LAPBENCH_FIXTURES_DIR) + "/sysfs/empty")};
  energy.Begin();
  energy.End();
  CHECK(!energy.total_j());
  CHECK(!energy.total_j().reason().empty());
  CHECK(energy.total_j().reason() != "no decode span measured");
}

}  // namespace
}  // namespace lapbench::harness
