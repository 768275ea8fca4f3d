// The sustained decode loop, its monitor and the pairing of the two.
#include "harness/sustained_decode.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>

#include "engine/model/sampler.h"

namespace lapbench::harness {
namespace {

using DecodeClock = std::chrono::steady_clock;

double ElapsedS(DecodeClock::time_point start) {
  return std::chrono::duration<double>(DecodeClock::now() - start).count();
}

// Whether the interval opened at `open_s` stays open at `now_s`: it closes
// at the first token boundary past the next multiple of `interval_s`, or at
// the end of the span.
bool IntervalOpen(double open_s, double now_s, double interval_s,
                  double duration_s) {
  return now_s < (std::floor(open_s / interval_s) + 1) * interval_s &&
         now_s < duration_s;
}

// The decode loop itself; the monitor runs around it.
DecodeRun DecodeFor(engine::Session& session, int32_t token,
                    const SustainedOptions& options) {
  DecodeRun run;
  const DecodeClock::time_point start = DecodeClock::now();
  double open_s = 0;  // when the current interval began
  double last_s = 0;  // when the previous step ended
  DecodeInterval open;
  for (;;) {
    if (options.stop && options.stop()) {
      run.stopped = true;
      break;
    }
    if (session.position() >= session.options().n_ctx) {
      session.Reset();
      ++run.context_resets;
    }
    token = engine::Argmax(session.Decode(token));
    const double now_s = ElapsedS(start);
    open.step_ms.push_back((now_s - last_s) * 1e3);
    last_s = now_s;
    ++open.tokens;
    if (IntervalOpen(open_s, now_s, options.interval_s, options.duration_s)) {
      continue;
    }
    open.end_s = now_s;
    open.tokens_per_s = static_cast<double>(open.tokens) / (now_s - open_s);
    run.tokens += open.tokens;
    if (options.on_interval) options.on_interval(open);
    run.intervals.push_back(std::move(open));
    open = DecodeInterval();
    open_s = now_s;
    if (now_s >= options.duration_s) break;
  }
  run.duration_s = ElapsedS(start);
  return run;
}

// The monitor sample nearest in time to `t_s`. Precondition: non-empty.
const MonitorSample& Nearest(const std::vector<MonitorSample>& samples,
                             double t_s) {
  const MonitorSample* best = &samples.front();
  for (const MonitorSample& s : samples) {
    if (std::fabs(s.t_s - t_s) < std::fabs(best->t_s - t_s)) best = &s;
  }
  return *best;
}

std::optional<double> ScaledOrNone(const probes::Reading<double>& r,
                                   double scale) {
  return r ? std::optional<double>(*r * scale) : std::nullopt;
}

std::optional<double> CelsiusOrNone(const probes::Reading<int64_t>& mc) {
  return mc ? std::optional<double>(static_cast<double>(*mc) / 1000)
            : std::nullopt;
}

}  // namespace

double ParseDurationS(const std::string& text, const char* flag) {
  size_t used = 0;
  double value = 0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  const std::string unit = text.substr(used);
  const double scale = unit.empty() || unit == "s" ? 1
                       : unit == "ms"              ? 1e-3
                       : unit == "m"               ? 60
                       : unit == "h"               ? 3600
                                                   : 0;
  if (used == 0 || scale == 0 || !(value > 0) || !std::isfinite(value)) {
    throw std::invalid_argument(fmt::format(
        "{}: '{}' (expected a positive number with s, ms, m or h, such as "
        "5m)",
        flag, text));
  }
  return value * scale;
}

std::vector<reports::ThrottleSample> PairWithMonitor(
    const DecodeRun& run, const MonitorSeries& monitor) {
  std::vector<reports::ThrottleSample> series;
  for (const DecodeInterval& i : run.intervals) {
    const MonitorSample& m = Nearest(monitor.samples, i.end_s);
    reports::ThrottleSample s;
    s.t_s = i.end_s;
    s.tokens_per_s = i.tokens_per_s;
    s.clock_ghz = ScaledOrNone(m.clock_hz, 1e-9);
    s.cpu_temp_c = CelsiusOrNone(m.cpu_temp_mc);
    s.trip_c = CelsiusOrNone(m.limit_mc);
    s.power_w = ScaledOrNone(m.package_power_w, 1);
    series.push_back(s);
  }
  return series;
}

SustainedResult DecodeSustained(engine::Session& session, int32_t token,
                                const SustainedOptions& options) {
  SustainedResult r;
  MonitorOptions monitor_options = options.monitor;
  monitor_options.interval_ms =
      std::max<int64_t>(1, std::llround(options.interval_s * 1000));
  Monitor monitor(monitor_options);
  monitor.Start();
  r.run = DecodeFor(session, token, options);
  r.monitor = monitor.Stop();
  r.series = PairWithMonitor(r.run, r.monitor);
  if (r.series.size() >= reports::kMinThrottleSamples) {
    r.analysis = reports::AnalyzeThrottle(r.series);
  }
  return r;
}

}  // namespace lapbench::harness
