// Tests of the monitor: energy through counter wraps, sensor reads on the
// sysfs fixture trees, and the sampling thread's start and stop.
#include "harness/monitor.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

namespace lapbench::harness {
namespace {

namespace fs = std::filesystem;

probes::FsRoot Tree(const char* name) {
  return probes::FsRoot(std::string(LAPBENCH_FIXTURES_DIR) + "/sysfs/" + name);
}

void WriteFile(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text << "\n";
}

// A tree with one package zone whose counter the test sets.
class FakeRapl {
 public:
  FakeRapl()
      : root_(fs::temp_directory_path() /
              ("lapbench_monitor_test_" + std::to_string(getpid()))) {
    fs::remove_all(root_);
    WriteFile(Zone() / "name", "package-0");
    WriteFile(Zone() / "enabled", "1");
    WriteFile(Zone() / "max_energy_range_uj", "262143328850");
  }
  ~FakeRapl() { fs::remove_all(root_); }
  void SetEnergyUj(const std::string& uj) {
    WriteFile(Zone() / "energy_uj", uj);
  }
  probes::FsRoot root() const { return probes::FsRoot(root_); }

 private:
  fs::path Zone() const { return root_ / "sys/class/powercap/intel-rapl:0"; }
  fs::path root_;
};

TEST_CASE("an energy counter adds across a wrap at max_energy_range_uj",
          "[harness][monitor]") {
  EnergyCounter counter(uint64_t{262143328850});
  CHECK(!counter.Add(uint64_t{262143000000}));
  const probes::Reading<uint64_t> delta = counter.Add(uint64_t{1000000});
  REQUIRE(delta);
  CHECK(*delta == 1328850);
  CHECK(*counter.Add(uint64_t{3000000}) == 2000000);
  CHECK(*counter.total_uj() == 3328850);
}

TEST_CASE(
    "an energy counter that goes back without a known range has no "
    "total",
    "[harness][monitor]") {
  EnergyCounter counter(probes::Reading<uint64_t>::Missing("unreadable"));
  counter.Add(uint64_t{5000});
  CHECK(!counter.Add(uint64_t{1000}));
  CHECK(!counter.total_uj());
  CHECK(counter.total_uj().reason() ==
        "energy counter went back from 5000 to 1000 and the wrap range is "
        "unknown: unreadable");
}

TEST_CASE("the sampler turns two counter reads across a wrap into power",
          "[harness][monitor]") {
  FakeRapl rapl;
  rapl.SetEnergyUj("262143000000");
  MonitorOptions options;
  options.root = rapl.root();
  options.measure_clock = false;
  MonitorSampler sampler(options);
  rapl.SetEnergyUj("1000000");
  const MonitorSample s = sampler.Sample(2.0);
  REQUIRE(s.package_power_w);
  CHECK(*s.package_power_w == Approx(0.664425).epsilon(1e-12));
  REQUIRE(sampler.EnergyJ());
  CHECK(*sampler.EnergyJ() == Approx(1.32885).epsilon(1e-12));
}

TEST_CASE(
    "the sampler reads the laptop's CPU temperature, limit and power "
    "source",
    "[harness][monitor]") {
  MonitorOptions options;
  options.root = Tree("intel-laptop");
  options.measure_clock = false;
  MonitorSampler sampler(options);
  const MonitorSample s = sampler.Sample(1.0);
  CHECK(s.t_s == 1.0);
  CHECK(*s.cpu_temp_mc == 71000);
  CHECK(s.cpu_sensor == "coretemp Package id 0");
  CHECK(*s.limit_mc == 100000);
  CHECK(s.limit_kind == "TjMax");
  CHECK(*s.on_ac == false);
  CHECK(*s.package_power_w == 0.0);  // a fixture's counter never moves
  CHECK(s.clock_hz.reason() == "not measured");
  CHECK(*sampler.EnergyJ() == 0.0);
}

TEST_CASE("on a VM without sensors every sensor is noted as not available",
          "[harness][monitor]") {
  MonitorOptions options;
  options.root = Tree("empty");
  options.measure_clock = false;
  MonitorSampler sampler(options);
  const std::vector<MonitorSample> samples{sampler.Sample(0),
                                           sampler.Sample(1)};
  CHECK(!samples[1].cpu_temp_mc);
  CHECK(!samples[1].package_power_w);
  CHECK(!samples[1].on_ac);
  const std::vector<std::string> notes = UnavailableSensorNotes(samples);
  REQUIRE(notes.size() == 4);
  CHECK(notes[0] ==
        "CPU temperature: not available: " + samples[1].cpu_temp_mc.reason());
  CHECK(notes[1] ==
        "package power: not available: " + samples[1].package_power_w.reason());
  CHECK(notes[2] ==
        "power source: not available: " + samples[1].on_ac.reason());
  CHECK(notes[3] == "clock: not available: not measured");
  CHECK(!sampler.EnergyJ());
}

TEST_CASE("a monitor stopped at once has its first and last sample",
          "[harness][monitor]") {
  MonitorOptions options;
  options.root = Tree("intel-laptop");
  options.measure_clock = false;
  Monitor monitor(options);
  monitor.Start();
  const MonitorSeries series = monitor.Stop();
  REQUIRE(series.samples.size() >= 2);
  CHECK(series.samples.front().t_s == 0.0);
  CHECK(series.samples.back().t_s == series.duration_s);
  CHECK(series.notes ==
        std::vector<std::string>{"clock: not available: not measured"});
}

TEST_CASE("a monitor takes at most one sample per interval plus two",
          "[harness][monitor]") {
  MonitorOptions options;
  options.root = Tree("empty");
  options.interval_ms = 5;
  options.measure_clock = false;
  Monitor monitor(options);
  const auto before = std::chrono::steady_clock::now();
  monitor.Start();
  std::this_thread::sleep_for(std::chrono::milliseconds(40));
  const MonitorSeries series = monitor.Stop();
  const double elapsed_ms = std::chrono::duration<double, std::milli>(
                                std::chrono::steady_clock::now() - before)
                                .count();
  CHECK(series.samples.size() >= 2);
  CHECK(static_cast<double>(series.samples.size()) <= 2 + elapsed_ms / 5);
  for (size_t i = 1; i < series.samples.size(); ++i) {
    CHECK(series.samples[i].t_s >= series.samples[i - 1].t_s);
  }
}

TEST_CASE(
    "a monitor measures the clock when asked, or says it was "
    "preempted",
    "[harness][monitor]") {
  MonitorOptions options;
  options.root = Tree("empty");
  options.clock_budget_s = 0.002;
  MonitorSampler sampler(options);
  const MonitorSample s = sampler.Sample(0);
  if (s.clock_hz) {
    CHECK(*s.clock_hz > 0);
  } else {  // a busy machine preempted every repetition
    CHECK(s.clock_hz.reason().rfind("clock chain preempted: ", 0) == 0);
  }
}

TEST_CASE("monitor series JSON writes missing readings as null",
          "[harness][monitor]") {
  MonitorSeries series;
  series.duration_s = 1;
  series.package_energy_j = probes::Reading<double>::Missing("none");
  MonitorSample s;
  s.t_s = 1;
  s.cpu_temp_mc = 71500;
  s.on_ac = true;
  s.clock_hz = 2.5e9;
  series.samples.push_back(s);
  const nlohmann::json j = ToJson(series);
  CHECK(j["package_energy_j"].is_null());
  CHECK(j["samples"][0]["cpu_temp_c"] == 71.5);
  CHECK(j["samples"][0]["limit_c"].is_null());
  CHECK(j["samples"][0]["on_ac"] == true);
  CHECK(j["samples"][0]["clock_ghz"] == 2.5);
}

}  // namespace
}  // namespace lapbench::harness
