// The plan of a suite: its cases in a stable order, each checked against
// the machine (CPU features, placements, RAM) and given a duration
// estimate. Nothing here runs a model.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/memory_plan.h"
#include "harness/suite.h"
#include "probes/cpu_features.h"
#include "probes/profile.h"
#include "probes/topology.h"

namespace lapbench::harness {

// The CPUs one placement offers on a machine.
struct MachinePlacement {
  std::string name;       // "all", "physical", "performance", ...
  std::vector<int> cpus;  // OS indices, best first; empty when absent
  std::string note;       // why it is absent or what it means here
};

// What planning needs to know about a machine: a plain value, so tests can
// describe fixture machines.
struct Machine {
  std::string cpu_name;  // for the plan's header
  probes::CpuFeatures cpu_features;
  std::vector<MachinePlacement> placements;  // all five, in sweep order
  // RAM the plan may use (MemAvailable); nullopt when unknown, in which
  // case no fit check is made and the plan says so.
  std::optional<uint64_t> available_bytes;
  // Read bandwidth with 1 thread and with all threads, and where the
  // figures come from: "measured" or "assumed".
  double read_bytes_per_s_1t = 0;
  double read_bytes_per_s_all = 0;
  std::string bandwidth_source;
};

// Bandwidth assumed when none was measured: a dual-channel DDR4/LPDDR5
// laptop reads about 10 GB/s with one thread and 20 GB/s with all.
inline constexpr double kAssumedReadBytesPerS1t = 10e9;
inline constexpr double kAssumedReadBytesPerSAll = 20e9;

// A machine from a topology, CPU features and available RAM, with the
// assumed bandwidth. Every placement kind is listed, empty when absent.
Machine MakeMachine(const probes::Topology& topology,
                    const probes::CpuFeatures& features,
                    std::optional<uint64_t> available_bytes);

// A machine from a probe: its topology, features, planning RAM, and the
// measured bandwidth when the probe measured it.
Machine MachineFromProfile(const probes::HardwareProfile& profile);

// One combination of the sweep, before any check.
struct Case {
  int id = 0;  // 1-based, in expansion order
  std::string model;
  std::string format;   // kFileFormatMark for a .gguf model
  std::string variant;  // may be "best"
  int threads = 0;      // may be kAllThreads
  std::string placement;
  std::string kv_type;
  int64_t prompt_tokens = 0;
  int64_t gen_tokens = 0;
};

// The format of a case whose model is a .gguf file: the file's own.
inline constexpr std::string_view kFileFormatMark = "file";

// The cases of `sweep`, nested in this order (the last varies fastest):
// model, format, variant, threads, placement, kv_type, prompt_tokens,
// gen_tokens; each list in the order the suite gives it. A .gguf model
// contributes one format, kFileFormatMark, whatever `formats` says.
std::vector<Case> ExpandSweep(const SuiteSweep& sweep);

// Seconds one case is expected to take. An estimate from model bytes, the
// bandwidth figure and assumed kernel throughput, not a measurement.
struct CaseEstimate {
  double prefill_s = 0;  // one prompt
  double decode_s = 0;   // one run's gen_tokens
  double min_s = 0;      // warm-up + min_reps runs (or the sustained span)
  double max_s = 0;      // warm-up + max_reps runs
};

// A case with the verdict of the machine checks.
struct PlannedCase {
  Case spec;
  bool runnable = false;
  std::string skip_reason;  // empty when runnable
  std::string format;       // resolved: a .gguf's own format
  std::string variant;      // resolved: "best" becomes a variant name
  int n_threads = 0;        // resolved: "all" becomes the placement's CPUs
  std::vector<int> cpus;    // what the workers are pinned to
  uint64_t weights_bytes = 0;
  std::optional<engine::MemoryPlan> memory;  // when the fit was checked
  CaseEstimate estimate;                     // zero for skipped cases
};

// A whole plan with its total estimate.
struct Plan {
  std::string suite_name;
  std::vector<PlannedCase> cases;
  int n_runnable = 0;
  int n_skipped = 0;
  // Writing the synthetic model files the runnable cases need, once each.
  double setup_s = 0;
  // Measuring accuracy (policy.accuracy): writing each reference file and
  // the passes over the fixed sequence; 0 when off.
  double accuracy_s = 0;
  // Whole suite at min_reps and at max_reps (capped by the time budget),
  // setup and accuracy included.
  double total_min_s = 0;
  double total_max_s = 0;
  // The assumptions behind the estimate, one line each.
  std::vector<std::string> notes;
};

// Expands `suite` and checks every case against `machine`, in this order;
// the first failing check is the skip reason: model unreadable, variant
// lacks CPU features (named), variant lacks a kernel for a weight format,
// placement has no CPUs, more threads than the placement's CPUs, context
// beyond the model's trained length, weights + KV cache + scratch do not
// fit in available RAM (engine::MemoryPlan's message), and finally the
// same model, settings and CPUs as an earlier runnable case.
Plan PlanSuite(const Suite& suite, const Machine& machine);

// `seconds` as "45 s", "3.2 min" or "1.5 h".
std::string FormatDuration(double seconds);

}  // namespace lapbench::harness
