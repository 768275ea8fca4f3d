// The machine's measured limits that the benchmark ratios divide by.
#include "kernels/bench/machine_reference.h"

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <algorithm>
#include <iostream>

#include "kernels/onednn/onednn_kernels.h"
#include "probes/profile.h"

namespace lapbench::kernels::bench {
namespace {

// The widest ISA the peak-FLOP/s loops can run on this CPU.
probes::FlopsIsa WidestFlopsIsa(const probes::CpuFeatures& cpu) {
  probes::FlopsIsa widest = probes::FlopsIsa::kScalar;
  for (probes::FlopsIsa isa : probes::AllFlopsIsas()) {
    if (probes::FlopsIsaUnusableReason(isa, cpu).empty()) widest = isa;
  }
  return widest;
}

// Copies the bandwidth and widest-ISA peak of each thread count.
void PickReferences(const probes::Measurements& m, probes::FlopsIsa isa,
                    MachineReference& ref) {
  for (const probes::BandwidthResult& b : m.bandwidth) {
    const double bw = b.read_bytes_per_s.value_or(0);
    if (b.n_threads == 1) ref.read_bytes_per_s_1 = bw;
    if (b.n_threads == ref.n_threads_all) ref.read_bytes_per_s_all = bw;
  }
  for (const probes::FlopsResult& f : m.peak_flops) {
    if (f.isa != isa) continue;
    const double flops = f.flops_per_s.value_or(0);
    if (f.n_threads == 1) ref.peak_flops_1 = flops;
    if (f.n_threads == ref.n_threads_all) ref.peak_flops_all = flops;
  }
}

}  // namespace

MachineReference MeasureReference(double budget_s) {
  probes::ProbeOptions probe_options;
  probe_options.measure = false;
  const probes::HardwareProfile profile = probes::ProbeMachine(probe_options);

  probes::MeasureOptions options;
  options.n_threads = std::max(1, profile.topology.n_pus);
  options.llc_bytes = static_cast<uint64_t>(profile.cpu.l3.size_bytes.value_or(
      profile.cpu.l2.size_bytes.value_or(0)));
  options.available_bytes = profile.memory.available_bytes.value_or(0);
  options.budget_s = budget_s;
  const probes::CpuFeatures cpu = probes::DetectCpuFeatures();

  MachineReference ref;
  ref.n_threads_all = options.n_threads;
  ref.measured = probes::MeasureMachine(options, cpu);
  const probes::FlopsIsa isa = WidestFlopsIsa(cpu);
  ref.peak_isa = std::string(probes::FlopsIsaName(isa));
  PickReferences(ref.measured, isa, ref);
  std::cerr << probes::Summarize(ref.measured) << '\n';
  return ref;
}

void AddReferenceContext(const MachineReference& ref) {
  auto add = [](const std::string& key, double value) {
    benchmark::AddCustomContext(key, fmt::format("{:.6g}", value));
  };
  add("lapbench_n_threads_all", ref.n_threads_all);
  add("lapbench_read_bytes_per_s_1", ref.read_bytes_per_s_1);
  add("lapbench_read_bytes_per_s_all", ref.read_bytes_per_s_all);
  add("lapbench_peak_flops_1", ref.peak_flops_1);
  add("lapbench_peak_flops_all", ref.peak_flops_all);
  benchmark::AddCustomContext("lapbench_peak_isa", ref.peak_isa);
  benchmark::AddCustomContext("lapbench_onednn", onednn::LibraryDescription());
  benchmark::AddCustomContext("lapbench_measured",
                              probes::ToJson(ref.measured).dump());
}

}  // namespace lapbench::kernels::bench
