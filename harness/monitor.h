// Watches the machine while a measurement runs: CPU temperature against its
// limit, RAPL package energy, the power source and the effective clock,
// sampled on a background thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "probes/rapl.h"
#include "probes/reading.h"
#include "probes/sysfs.h"

namespace lapbench::harness {

// The sum of one RAPL energy counter over successive reads, through its
// wraps at max_energy_range_uj.
class EnergyCounter {
 public:
  explicit EnergyCounter(probes::Reading<uint64_t> max_range_uj);

  // Adds a read; returns the energy since the previous good read. Missing
  // at the first read, when `energy_uj` is missing, or when the counter
  // went back and the wrap range is unknown (the total is then missing).
  probes::Reading<uint64_t> Add(const probes::Reading<uint64_t>& energy_uj);
  // All energy between the first and the last good read.
  const probes::Reading<uint64_t>& total_uj() const { return total_uj_; }

 private:
  probes::Reading<uint64_t> max_range_uj_;
  probes::Reading<uint64_t> last_uj_;
  probes::Reading<uint64_t> total_uj_;
};

// The RAPL package counters (every top-level package-N zone), summed and
// read on demand.
class PackageEnergy {
 public:
  // Finds the package zones below `root` and takes each counter's first
  // read.
  explicit PackageEnergy(probes::FsRoot root);

  // Reads every counter; returns the energy of all packages since the
  // previous read (or construction). Missing with the reason when there
  // is no package zone or a counter could not be read.
  probes::Reading<uint64_t> ReadDeltaUj();
  // All energy from construction to the last read.
  probes::Reading<double> TotalJ() const;

 private:
  probes::FsRoot root_;
  std::vector<probes::RaplZone> packages_;
  std::vector<EnergyCounter> counters_;
  std::string no_energy_reason_;  // why there is no package counter
};

// One look at the machine. Every field can be missing (a VM has no
// sensors); its reason says why.
struct MonitorSample {
  double t_s = 0;  // since the monitor started, steady clock
  // The hottest CPU sensor and its nearest limit, chosen as
  // probes::ComputeHeadroom chooses them.
  probes::Reading<int64_t> cpu_temp_mc;
  std::string cpu_sensor;  // "coretemp Package id 0"
  probes::Reading<int64_t> limit_mc;
  std::string limit_kind;  // passive, critical, TjMax...
  // RAPL package power (all packages) since the previous sample.
  probes::Reading<double> package_power_w;
  probes::Reading<bool> on_ac;
  // Effective clock of the core the sampling thread ran on, from
  // probes::MeasureClockHz (a chain of dependent adds, one cycle each).
  probes::Reading<double> clock_hz;
};

// A clock sample whose fastest chain got less of a CPU than this (thread
// CPU time over wall time) was preempted, so its figure would be low by
// the stolen share: it is dropped as missing rather than reported.
inline constexpr double kMinClockCpuShare = 0.9;

// How and where to sample.
struct MonitorOptions {
  // "/" on this machine; a fixture tree in tests.
  probes::FsRoot root = probes::FsRoot("/");
  int64_t interval_ms = 1000;
  bool measure_clock = true;
  // Time each clock sample may take. MeasureClockHz times repetitions of
  // about 2 ms and keeps the fastest, so 10 ms gives a few chances to run
  // one unpreempted; it costs 1% of one core at the default interval.
  double clock_budget_s = 0.010;
};

// Reads the sensors once per call; no thread. The RAPL package zones are
// found once, at construction, which also takes the counters' first read.
class MonitorSampler {
 public:
  explicit MonitorSampler(MonitorOptions options);

  // Reads everything at `t_s` seconds after the start; power is the
  // energy since the previous call (or construction) over the elapsed time.
  MonitorSample Sample(double t_s);
  // Package energy (all packages) from construction to the last Sample.
  probes::Reading<double> EnergyJ() const;

 private:
  MonitorOptions options_;
  PackageEnergy energy_;
  double last_t_s_ = 0;
};

// What a monitor saw from Start to Stop.
struct MonitorSeries {
  std::vector<MonitorSample> samples;  // the first at Start, the last at Stop
  double duration_s = 0;
  // Package energy over the span, so a caller can divide by its tokens.
  probes::Reading<double> package_energy_j;
  // "<sensor>: not available: <reason>" for each sensor no sample read.
  std::vector<std::string> notes;
};

// Samples on a background thread every interval between Start and Stop.
class Monitor {
 public:
  explicit Monitor(MonitorOptions options = {});
  ~Monitor();  // stops the thread if still running
  Monitor(const Monitor&) = delete;
  Monitor& operator=(const Monitor&) = delete;

  // Takes the first sample on the calling thread, then starts the thread.
  // Precondition: not running.
  void Start();
  // Stops the thread, takes a last sample and returns the series. Between
  // 2 and 2 + (seconds since Start) / interval samples. Precondition:
  // Start was called.
  MonitorSeries Stop();
  // The samples so far (a copy; safe while running).
  std::vector<MonitorSample> Samples() const;

 private:
  void Loop();
  void Record(const MonitorSample& sample);

  MonitorOptions options_;
  std::unique_ptr<MonitorSampler> sampler_;
  std::chrono::steady_clock::time_point start_;
  std::thread thread_;
  mutable std::mutex mutex_;  // guards stop_ and samples_
  std::condition_variable wake_;
  bool stop_ = false;
  std::vector<MonitorSample> samples_;
};

// The notes a series carries: each sensor that no sample could read.
std::vector<std::string> UnavailableSensorNotes(
    const std::vector<MonitorSample>& samples);

// {"duration_s", "package_energy_j", "notes", "samples": [{"t_s",
// "cpu_temp_c", "limit_c", "package_power_w", "on_ac", "clock_ghz"}...]};
// a missing value is null.
nlohmann::json ToJson(const MonitorSeries& series);

}  // namespace lapbench::harness
