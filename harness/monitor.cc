// The monitor: sensor reads per sample, energy sums through counter wraps,
// and the sampling thread.
#include "harness/monitor.h"

#include <fmt/format.h>

#include <functional>
#include <utility>

#include "probes/headroom.h"
#include "probes/measure.h"
#include "probes/power_supply.h"

namespace lapbench::harness {
namespace {

using SteadyClock = std::chrono::steady_clock;

double SecondsSince(SteadyClock::time_point start) {
  return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

// The top-level package zones (package-0, package-1...): their counters
// cover the cores, caches and memory controller of each socket.
std::vector<probes::RaplZone> PackageZones(const probes::RaplInfo& rapl) {
  std::vector<probes::RaplZone> packages;
  for (const probes::RaplZone& z : rapl.zones) {
    if (z.parent.empty() && z.name && z.name->rfind("package", 0) == 0) {
      packages.push_back(z);
    }
  }
  return packages;
}

template <typename T>
nlohmann::json OrNull(const probes::Reading<T>& r) {
  return r ? nlohmann::json(*r) : nlohmann::json();
}

nlohmann::json CelsiusOrNull(const probes::Reading<int64_t>& mc) {
  return mc ? nlohmann::json(static_cast<double>(*mc) / 1000)
            : nlohmann::json();
}

// A note when no sample has the reading `get` returns, with the last reason.
template <typename T>
void NoteIfNeverRead(
    const std::vector<MonitorSample>& samples, const char* sensor,
    const std::function<const probes::Reading<T>&(const MonitorSample&)>& get,
    std::vector<std::string>& notes) {
  if (samples.empty()) return;
  for (const MonitorSample& s : samples) {
    if (get(s)) return;
  }
  notes.push_back(fmt::format("{}: not available: {}", sensor,
                              get(samples.back()).reason()));
}

// The clock from a chain of dependent adds, or missing when even its best
// repetition was preempted (as under other processes' load).
probes::Reading<double> MeasureUnpreemptedClock(double budget_s) {
  double share = 0;
  const probes::Reading<double> hz = probes::MeasureClockHz(budget_s, &share);
  if (!hz || share >= kMinClockCpuShare) return hz;
  return probes::Reading<double>::Missing(fmt::format(
      "clock chain preempted: its best run got {:.0f}% of a CPU (expected at "
      "least {:.0f}%)",
      share * 100, kMinClockCpuShare * 100));
}

}  // namespace

EnergyCounter::EnergyCounter(probes::Reading<uint64_t> max_range_uj)
    : max_range_uj_(std::move(max_range_uj)),
      last_uj_(probes::Reading<uint64_t>::Missing("no read yet")),
      total_uj_(probes::Reading<uint64_t>::Missing("no read yet")) {}

probes::Reading<uint64_t> EnergyCounter::Add(
    const probes::Reading<uint64_t>& energy_uj) {
  if (!energy_uj) {
    if (!last_uj_) total_uj_ = energy_uj;  // never read: say why
    return energy_uj;
  }
  if (!last_uj_) {
    last_uj_ = energy_uj;
    total_uj_ = uint64_t{0};
    return probes::Reading<uint64_t>::Missing("first read: no interval yet");
  }
  const probes::Reading<uint64_t> delta =
      probes::EnergyDeltaUj(*last_uj_, *energy_uj, max_range_uj_);
  last_uj_ = energy_uj;
  if (!delta) {
    total_uj_ = delta;  // the total can no longer be trusted
  } else if (total_uj_) {
    total_uj_ = *total_uj_ + *delta;
  }
  return delta;
}

PackageEnergy::PackageEnergy(probes::FsRoot root) : root_(std::move(root)) {
  const probes::RaplInfo rapl = probes::ProbeRapl(root_);
  packages_ = PackageZones(rapl);
  if (packages_.empty()) {
    no_energy_reason_ = rapl.zones.empty()
                            ? rapl.none_reason
                            : "no package zone among the powercap zones";
  }
  for (const probes::RaplZone& zone : packages_) {
    counters_.emplace_back(zone.max_energy_range_uj);
    counters_.back().Add(zone.energy_uj);
  }
}

probes::Reading<uint64_t> PackageEnergy::ReadDeltaUj() {
  probes::Reading<uint64_t> sum_uj =
      packages_.empty() ? probes::Reading<uint64_t>::Missing(no_energy_reason_)
                        : probes::Reading<uint64_t>(0);
  for (size_t i = 0; i < packages_.size(); ++i) {
    const probes::Reading<uint64_t> delta =
        counters_[i].Add(probes::ReadEnergyUj(root_, packages_[i]));
    sum_uj = !sum_uj ? sum_uj : !delta ? delta : *sum_uj + *delta;
  }
  return sum_uj;
}

probes::Reading<double> PackageEnergy::TotalJ() const {
  if (packages_.empty()) {
    return probes::Reading<double>::Missing(no_energy_reason_);
  }
  double sum_j = 0;
  for (const EnergyCounter& c : counters_) {
    if (!c.total_uj()) return probes::MissingLike<double>(c.total_uj());
    sum_j += static_cast<double>(*c.total_uj()) * 1e-6;
  }
  return sum_j;
}

MonitorSampler::MonitorSampler(MonitorOptions options)
    : options_(std::move(options)), energy_(options_.root) {}

MonitorSample MonitorSampler::Sample(double t_s) {
  MonitorSample s;
  s.t_s = t_s;

  // Energy first, so the power interval ends at t_s.
  const probes::Reading<uint64_t> sum_uj = energy_.ReadDeltaUj();
  const double dt_s = t_s - last_t_s_;
  last_t_s_ = t_s;
  s.package_power_w =
      !sum_uj ? probes::MissingLike<double>(sum_uj)
      : dt_s > 0
          ? probes::Reading<double>(static_cast<double>(*sum_uj) * 1e-6 / dt_s)
          : probes::Reading<double>::Missing("no time since the last read");

  // Temperature and its limit, as the headroom probe picks them.
  const probes::ThermalHeadroom h =
      probes::ProbeThermal(options_.root).headroom;
  s.cpu_temp_mc =
      h.cpu_temp_mc ? h.cpu_temp_mc
                    : probes::Reading<int64_t>::Missing(
                          h.reason.empty() ? h.cpu_temp_mc.reason() : h.reason);
  s.cpu_sensor = h.cpu_sensor;
  s.limit_mc = h.limit_mc;
  s.limit_kind = h.limit_kind;

  s.on_ac = probes::ProbePowerSupply(options_.root).on_ac;
  s.clock_hz = options_.measure_clock
                   ? MeasureUnpreemptedClock(options_.clock_budget_s)
                   : probes::Reading<double>::Missing("not measured");
  return s;
}

probes::Reading<double> MonitorSampler::EnergyJ() const {
  return energy_.TotalJ();
}

Monitor::Monitor(MonitorOptions options) : options_(std::move(options)) {}

Monitor::~Monitor() {
  if (!thread_.joinable()) return;
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void Monitor::Start() {
  sampler_ = std::make_unique<MonitorSampler>(options_);
  samples_.clear();
  stop_ = false;
  start_ = SteadyClock::now();
  Record(sampler_->Sample(0));
  thread_ = std::thread([this] { Loop(); });
}

// Sample k is due k intervals after Start; a late sample skips the ones it
// overran, so sample k is never taken before k intervals have passed.
void Monitor::Loop() {
  const auto interval = std::chrono::milliseconds(options_.interval_ms);
  for (int64_t k = 1;; ++k) {
    const SteadyClock::time_point due = start_ + k * interval;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      if (wake_.wait_until(lock, due, [this] { return stop_; })) return;
    }
    Record(sampler_->Sample(SecondsSince(start_)));
    const auto elapsed = SteadyClock::now() - start_;
    k = std::max<int64_t>(k, elapsed / interval);
  }
}

void Monitor::Record(const MonitorSample& sample) {
  const std::lock_guard<std::mutex> lock(mutex_);
  samples_.push_back(sample);
}

std::vector<MonitorSample> Monitor::Samples() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  return samples_;
}

MonitorSeries Monitor::Stop() {
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  MonitorSeries series;
  series.duration_s = SecondsSince(start_);
  Record(sampler_->Sample(series.duration_s));
  series.samples = samples_;
  series.package_energy_j = sampler_->EnergyJ();
  series.notes = UnavailableSensorNotes(series.samples);
  return series;
}

std::vector<std::string> UnavailableSensorNotes(
    const std::vector<MonitorSample>& samples) {
  std::vector<std::string> notes;
  NoteIfNeverRead<int64_t>(
      samples, "CPU temperature",
      [](const MonitorSample& s) -> const auto& { return s.cpu_temp_mc; },
      notes);
  NoteIfNeverRead<double>(
      samples, "package power",
      [](const MonitorSample& s) -> const auto& { return s.package_power_w; },
      notes);
  NoteIfNeverRead<bool>(
      samples, "power source",
      [](const MonitorSample& s) -> const auto& { return s.on_ac; }, notes);
  NoteIfNeverRead<double>(
      samples, "clock",
      [](const MonitorSample& s) -> const auto& { return s.clock_hz; }, notes);
  return notes;
}

nlohmann::json ToJson(const MonitorSeries& series) {
  nlohmann::json samples = nlohmann::json::array();
  for (const MonitorSample& s : series.samples) {
    samples.push_back(
        {{"t_s", s.t_s},
         {"cpu_temp_c", CelsiusOrNull(s.cpu_temp_mc)},
         {"cpu_sensor", s.cpu_sensor},
         {"limit_c", CelsiusOrNull(s.limit_mc)},
         {"limit_kind", s.limit_kind},
         {"package_power_w", OrNull(s.package_power_w)},
         {"on_ac", OrNull(s.on_ac)},
         {"clock_ghz",
          s.clock_hz ? nlohmann::json(*s.clock_hz / 1e9) : nlohmann::json()}});
  }
  return {{"duration_s", series.duration_s},
          {"package_energy_j", OrNull(series.package_energy_j)},
          {"notes", series.notes},
          {"samples", samples}};
}

}  // namespace lapbench::harness
