// Decoding without pause for a span while the monitor samples: the
// throughput of each interval paired with the sensors, and its throttle
// analysis. Shared by `lapbench throttle` and the sustained-decode cases
// of `lapbench run`.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/model/forward.h"
#include "harness/monitor.h"
#include "reports/throttle.h"

namespace lapbench::harness {

// Seconds from "300", "20s", "500ms", "5m" or "1h"; `flag` names the
// option in the error. Throws std::invalid_argument for anything else, or
// a value that is not positive and finite.
double ParseDurationS(const std::string& text, const char* flag);

// Decode tokens in one interval of the run.
struct DecodeInterval {
  double end_s = 0;  // since the decode loop started
  int64_t tokens = 0;
  double tokens_per_s = 0;
  std::vector<double> step_ms;  // each step's latency, in order
};

// What the decode loop did.
struct DecodeRun {
  std::vector<DecodeInterval> intervals;
  int64_t tokens = 0;
  int64_t context_resets = 0;
  double duration_s = 0;
  bool stopped = false;  // a stop request ended it before duration_s
};

// How to decode and sample.
struct SustainedOptions {
  double duration_s = 0;
  double interval_s = 1;
  // The monitor's settings; its interval is set to interval_s.
  MonitorOptions monitor;
  // Asked before each step; a true ends the loop early.
  std::function<bool()> stop;
  // After each closed interval (progress).
  std::function<void(const DecodeInterval&)> on_interval;
};

// Everything one sustained decode produced.
struct SustainedResult {
  DecodeRun run;
  MonitorSeries monitor;  // sampled over exactly the decode loop
  std::vector<reports::ThrottleSample> series;  // one per interval
  // The analysis of `series`; none with fewer than
  // reports::kMinThrottleSamples intervals (a run stopped early).
  std::optional<reports::ThrottleAnalysis> analysis;
};

// Greedy decode from `token` until `duration_s` (or a stop request),
// closing an interval at the first token boundary past each multiple of
// `interval_s`; a full context is reset to position 0 and decoding goes
// on. The monitor samples at the same interval from the first step to the
// last, and each interval is paired with the sample nearest its end.
// Precondition: the session has room for at least one more position.
SustainedResult DecodeSustained(engine::Session& session, int32_t token,
                                const SustainedOptions& options);

// One throttle sample per interval, with the monitor's sample nearest in
// time to the interval's end. Precondition: monitor.samples is non-empty.
std::vector<reports::ThrottleSample> PairWithMonitor(
    const DecodeRun& run, const MonitorSeries& monitor);

}  // namespace lapbench::harness
