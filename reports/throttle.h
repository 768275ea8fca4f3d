// Throttle analysis of a sustained-decode series: burst and sustained
// throughput, their ratio, when throughput first fell and whether a
// temperature reached its trip point.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace lapbench::reports {

// One interval of a sustained run (one per second by default).
struct ThrottleSample {
  double t_s = 0;           // end of the interval, seconds since the start
  double tokens_per_s = 0;  // decode tokens in the interval / its length
  std::optional<double> clock_ghz;   // effective clock, when measured
  std::optional<double> cpu_temp_c;  // hottest CPU sensor
  std::optional<double> trip_c;      // its nearest limit (trip point)
  std::optional<double> power_w;     // package power over the interval
};

// The first interval holds the warm-up (caches, the thread pool waking, the
// governor raising the clock from idle), so burst leaves it out.
inline constexpr size_t kBurstSkipSamples = 1;
// Burst is the median of the next 5 intervals: a median of five ignores
// two noisy samples, and 5 s fits well inside the short turbo windows
// laptops allow (Intel's PL2 time window is 28 s or more on most, so the
// first seconds run at the short-term limit).
inline constexpr size_t kBurstSamples = 5;
// Throughput has dropped when this many consecutive intervals sit more
// than kDropFraction below burst: one or two slow intervals are noise (a
// background task, a page fault storm), three in a row are a new level.
inline constexpr size_t kDropRunSamples = 3;
inline constexpr double kDropFraction = 0.10;
// The fewest samples an analysis needs: the warm-up interval and one more.
inline constexpr size_t kMinThrottleSamples = kBurstSkipSamples + 1;

// What a series says about throttling.
struct ThrottleAnalysis {
  size_t n_samples = 0;
  size_t n_burst_samples = 0;      // min(kBurstSamples, n - 1)
  size_t n_sustained_samples = 0;  // the last third, rounded up
  double burst_tokens_per_s = 0;
  double sustained_tokens_per_s = 0;  // median of the last third
  double ratio = 0;                   // sustained / burst
  // End of the first of kDropRunSamples intervals all below
  // (1 - kDropFraction) x burst; none when throughput never dropped.
  std::optional<double> drop_10pct_s;
  // First time a temperature reached its trip point; none when it never
  // did or no sample had both figures.
  std::optional<double> trip_reached_s;
  std::optional<double> trip_reached_c;  // the trip point it reached
  bool temps_available = false;          // some sample had a temperature
  std::optional<double> max_temp_c;
  // Medians over the same samples as the throughput, of the samples that
  // have the figure; none when none of them has it.
  std::optional<double> burst_clock_ghz, sustained_clock_ghz;
  std::optional<double> burst_power_w, sustained_power_w;
};

// Analyses `samples` (in time order). Throws StatsError (reports/stats.h)
// with fewer than kMinThrottleSamples samples, a burst of zero or a value
// that is not finite.
ThrottleAnalysis AnalyzeThrottle(std::span<const ThrottleSample> samples);

// Reads a series from CSV with the header
// `t_s,tokens_per_s,clock_ghz,cpu_temp_c,trip_c,power_w`; an empty field
// is a missing figure (only the last four may be missing). Throws
// StatsError naming the line, the column and the value.
std::vector<ThrottleSample> ParseThrottleCsv(std::string_view text);

// The same CSV, with the header, that ParseThrottleCsv reads.
std::string ToCsv(std::span<const ThrottleSample> samples);

}  // namespace lapbench::reports
