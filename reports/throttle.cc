// Burst, sustained, drop time and trip point of a sustained-decode series,
// and its CSV form.
#include "reports/throttle.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <functional>

#include "reports/stats.h"

namespace lapbench::reports {
namespace {

using Figure = std::function<std::optional<double>(const ThrottleSample&)>;

// The median of `figure` over samples [from, to) that have it.
std::optional<double> MedianOf(std::span<const ThrottleSample> samples,
                               size_t from, size_t to, const Figure& figure) {
  std::vector<double> values;
  for (size_t i = from; i < to; ++i) {
    if (std::optional<double> v = figure(samples[i])) values.push_back(*v);
  }
  if (values.empty()) return std::nullopt;
  std::sort(values.begin(), values.end());
  return Percentile(values, 0.5);
}

// End of the first interval that starts a run of kDropRunSamples below
// `limit`.
std::optional<double> FirstDrop(std::span<const ThrottleSample> samples,
                                double limit) {
  size_t run = 0;
  for (size_t i = kBurstSkipSamples; i < samples.size(); ++i) {
    run = samples[i].tokens_per_s < limit ? run + 1 : 0;
    if (run == kDropRunSamples) return samples[i + 1 - run].t_s;
  }
  return std::nullopt;
}

void FindTrip(std::span<const ThrottleSample> samples, ThrottleAnalysis& a) {
  for (const ThrottleSample& s : samples) {
    if (!s.cpu_temp_c) continue;
    a.temps_available = true;
    a.max_temp_c =
        std::max(a.max_temp_c.value_or(*s.cpu_temp_c), *s.cpu_temp_c);
    if (!a.trip_reached_s && s.trip_c && *s.cpu_temp_c >= *s.trip_c) {
      a.trip_reached_s = s.t_s;
      a.trip_reached_c = *s.trip_c;
    }
  }
}

void CheckFinite(std::span<const ThrottleSample> samples) {
  for (const ThrottleSample& s : samples) {
    if (!std::isfinite(s.t_s) || !std::isfinite(s.tokens_per_s)) {
      throw StatsError(fmt::format(
          "throttle sample at t_s '{}': tokens_per_s '{}' (expected finite "
          "numbers)",
          s.t_s, s.tokens_per_s));
    }
  }
}

}  // namespace

ThrottleAnalysis AnalyzeThrottle(std::span<const ThrottleSample> samples) {
  if (samples.size() < kMinThrottleSamples) {
    throw StatsError(
        fmt::format("throttle series: '{}' samples (expected at least {})",
                    samples.size(), kMinThrottleSamples));
  }
  CheckFinite(samples);
  ThrottleAnalysis a;
  const size_t n = samples.size();
  a.n_samples = n;
  a.n_burst_samples = std::min(kBurstSamples, n - kBurstSkipSamples);
  a.n_sustained_samples = (n + 2) / 3;
  const size_t burst_end = kBurstSkipSamples + a.n_burst_samples;
  const size_t last_third = n - a.n_sustained_samples;

  const Figure tokens = [](const ThrottleSample& s) {
    return std::optional<double>(s.tokens_per_s);
  };
  a.burst_tokens_per_s =
      *MedianOf(samples, kBurstSkipSamples, burst_end, tokens);
  if (a.burst_tokens_per_s <= 0) {
    throw StatsError(fmt::format(
        "throttle series: burst '{}' tokens/s (expected more than 0)",
        a.burst_tokens_per_s));
  }
  a.sustained_tokens_per_s = *MedianOf(samples, last_third, n, tokens);
  a.ratio = a.sustained_tokens_per_s / a.burst_tokens_per_s;
  a.drop_10pct_s =
      FirstDrop(samples, (1 - kDropFraction) * a.burst_tokens_per_s);
  FindTrip(samples, a);

  const Figure clock = [](const ThrottleSample& s) { return s.clock_ghz; };
  const Figure power = [](const ThrottleSample& s) { return s.power_w; };
  a.burst_clock_ghz = MedianOf(samples, kBurstSkipSamples, burst_end, clock);
  a.sustained_clock_ghz = MedianOf(samples, last_third, n, clock);
  a.burst_power_w = MedianOf(samples, kBurstSkipSamples, burst_end, power);
  a.sustained_power_w = MedianOf(samples, last_third, n, power);
  return a;
}

}  // namespace lapbench::reports
