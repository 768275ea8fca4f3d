// Measures one planned case: loads its model, then repeats prefill and
// decode until the median decode rate is known precisely enough, recording
// every sample.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "harness/model_files.h"
#include "harness/monitor.h"
#include "harness/plan.h"
#include "harness/suite.h"
#include "reports/report.h"

namespace lapbench::harness {

// Where a case stands after a repetition (or, in a sustained decode, an
// interval), for progress lines.
struct RepProgress {
  int rep = 0;          // 1-based; warm-up runs count from 1 too
  bool warmup = false;  // a discarded run
  int max_reps = 0;
  // Median of the measured runs so far; in a sustained decode, the rate
  // of the interval just closed.
  double decode_tokens_per_s = 0;
  double elapsed_s = 0;  // since the case started
  // A sustained decode: seconds decoded so far, of sustained_decode_s.
  bool sustained = false;
  double sustained_s = 0;
};

// Sustained-decode cases close one throughput interval per second, as
// `lapbench throttle` does by default.
inline constexpr double kSustainedIntervalS = 1.0;

// How RunCase measures.
struct CaseRunOptions {
  MeasurePolicy policy;
  uint64_t seed = 0;  // of the prompt token ids
  // Seconds this case may take before it stops at min_reps; 0: no limit.
  double budget_s = 0;
  // Asked between steps; a true abandons the case, and `stop_reason` says
  // why ("interrupted by SIGINT").
  std::function<bool()> stop;
  std::function<std::string()> stop_reason;
  std::function<void(const RepProgress&)> progress;  // after each run
  // Sample the sensors during the measured runs (not the warm-up ones)
  // and fill the case's monitor figures; nullopt: not sampled (a
  // sustained decode samples anyway, for its series).
  std::optional<MonitorOptions> monitor;
};

// The report's spec of `planned`: resolved format, variant, threads and
// CPUs; no model file yet.
reports::CaseSpec SpecOf(const PlannedCase& planned);

// Runs `planned`: a skipped case comes back kSkipped with its reason; a
// case whose model cannot be made, loaded or run comes back kFailed with
// the error; a stop request gives kAbandoned with the runs measured so
// far. Otherwise the model is loaded (timed: open, bind, page in), a pool
// pinned to the case's CPUs and a session with its KV type are made, and
// after `warmup_runs` discarded runs each run is: reset, prefill of the
// seeded prompt, then gen_tokens decode steps each timed. Runs repeat from
// min_reps until the median decode rate's 95% interval is within
// target_rel_ci (the prefill rate when gen_tokens is 0), max_reps is
// reached, or the budget is spent. With `monitor`, the sensors are sampled
// over the measured runs and the package energy read around each run's
// decode steps. A policy with sustained_decode_s instead follows the
// warm-up runs with one prefill and that many seconds of decoding without
// pause (harness/sustained_decode.h): the decode metrics get one sample
// per interval, the prefill and TTFT one, and `throttle` the series and
// its analysis.
reports::CaseResult RunCase(const PlannedCase& planned, ModelFiles& files,
                            const CaseRunOptions& options);

}  // namespace lapbench::harness
