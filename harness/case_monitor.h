// What the monitors saw during one case, as the report keeps it: the
// median clock and power, the hottest temperature, the power source and
// the package energy per decode token, with what could not be read.
#pragma once

#include <cstdint>
#include <string>

#include "harness/monitor.h"
#include "probes/reading.h"
#include "reports/report.h"

namespace lapbench::harness {

// Package energy over chosen spans only (the decode steps of each run):
// the counters are read at each span's start and end, outside the timed
// steps, and the spans' energies are added.
class SpanEnergy {
 public:
  explicit SpanEnergy(probes::FsRoot root) : energy_(std::move(root)) {}

  // Reads the counters: a span starts.
  void Begin();
  // Reads them again and adds the energy since Begin.
  void End();
  // The sum over the spans ended so far; missing with the reason when
  // there is no counter, one could not be read, or no span ended.
  const probes::Reading<double>& total_j() const { return total_j_; }

 private:
  PackageEnergy energy_;
  probes::Reading<double> total_j_ =
      probes::Reading<double>::Missing("no decode span measured");
  bool first_span_ = true;
};

// The case's monitor figures from the series sampled during its measured
// runs: median clock (GHz) of the samples that measured it, the hottest
// CPU temperature, median package power, on_ac false when any sample saw
// the battery, and joules per token = decode_energy_j / decode_tokens
// when both are known. `unavailable` gets the series' notes, and one for
// joules per token when it is missing.
reports::CaseMonitor SummarizeCaseMonitor(
    const MonitorSeries& series, const probes::Reading<double>& decode_energy_j,
    int64_t decode_tokens);

}  // namespace lapbench::harness
