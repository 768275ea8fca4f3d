// Runs the whole measured profile (clock, peak FLOP/s, bandwidth) on a budget.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "probes/measure.h"
#include "probes/measure/timing.h"

namespace lapbench::probes {
namespace {

// Shares of the budget. Bandwidth gets what is left after the other two,
// because its passes over a large buffer are the long, fixed-cost part.
constexpr double kClockShare = 0.05;  // split between add and imul
constexpr double kFlopsShare = 0.35;  // split over ISAs x thread counts
// The add and imul clocks of one core agree closely on an idle machine; a
// wider gap means the add chain ran faster than 1/cycle or was preempted.
constexpr double kClockAgreement = 0.10;

#ifdef __OPTIMIZE__
constexpr bool kOptimizedBuild = true;
#else
constexpr bool kOptimizedBuild = false;
#endif

std::vector<int> ThreadCounts(int n_threads) {
  if (n_threads <= 1) return {1};
  return {1, n_threads};
}

std::string PercentOfCpu(double cpu_share) {
  return fmt::format("{:.0f}% of a CPU", cpu_share * 100);
}

// The add-chain clock, with a note when the imul chain disagrees.
Reading<double> MeasureClock(double budget_s, std::vector<std::string>& notes) {
  double cpu_share = 1;
  Reading<double> add_hz = MeasureClockHz(budget_s / 2, &cpu_share);
  const Reading<double> mul_hz = MeasureClockHzByMultiply(budget_s / 2);
  if (cpu_share < kBusyCpuShare) {
    notes.push_back("busy machine: the clock chain got only " +
                    PercentOfCpu(cpu_share) + ", so clock_hz is low");
  }
  if (add_hz && mul_hz && std::fabs(*add_hz / *mul_hz - 1) > kClockAgreement) {
    notes.push_back(
        fmt::format("clock from dependent adds ({:.2f} GHz) and from dependent "
                    "multiplies ({:.2f} GHz) disagree by more than {:.0f}%",
                    *add_hz / 1e9, *mul_hz / 1e9, kClockAgreement * 100));
  }
  return add_hz;
}

std::vector<FlopsResult> MeasureAllFlops(const MeasureOptions& options,
                                         const CpuFeatures& cpu,
                                         double budget_s) {
  const std::vector<int> counts = ThreadCounts(options.n_threads);
  int n_usable = 0;
  for (FlopsIsa isa : AllFlopsIsas()) {
    if (FlopsIsaUnusableReason(isa, cpu).empty()) ++n_usable;
  }
  const double share_s =
      budget_s / std::max<double>(1, n_usable * counts.size());
  std::vector<FlopsResult> results;
  for (FlopsIsa isa : AllFlopsIsas()) {
    for (int n : counts) {
      results.push_back(
          MeasurePeakFlops(isa, cpu, n, share_s, options.pin_threads));
    }
  }
  return results;
}

// Notes every result whose best repetition was preempted.
void NoteBusyResults(Measurements& m) {
  for (const FlopsResult& r : m.peak_flops) {
    if (!r.flops_per_s || r.cpu_share >= kBusyCpuShare) continue;
    m.notes.push_back(fmt::format(
        "busy machine: {} on {} thread(s) got only {}, so its peak is low",
        FlopsIsaName(r.isa), r.n_threads, PercentOfCpu(r.cpu_share)));
  }
  for (const BandwidthResult& r : m.bandwidth) {
    if (r.cpu_share >= kBusyCpuShare) continue;
    m.notes.push_back(fmt::format(
        "busy machine: bandwidth on {} thread(s) got only {}, so it is low",
        r.n_threads, PercentOfCpu(r.cpu_share)));
  }
}

std::vector<BandwidthResult> MeasureAllBandwidth(
    const MeasureOptions& options, measure::Clock::time_point deadline,
    std::vector<std::string>& notes) {
  const std::vector<int> counts = ThreadCounts(options.n_threads);
  BandwidthBuffer buffer(PlanBandwidthBufferBytes(options, notes),
                         options.n_threads);
  const double left_s =
      std::chrono::duration<double>(deadline - measure::Clock::now()).count();
  const double share_s = std::max(0.0, left_s) / counts.size();
  std::vector<BandwidthResult> results;
  for (int n : counts) {
    results.push_back(
        MeasureBandwidth(buffer, n, share_s, options.pin_threads));
  }
  return results;
}

}  // namespace

Measurements MeasureMachine(const MeasureOptions& options,
                            const CpuFeatures& cpu) {
  const measure::Clock::time_point start = measure::Clock::now();
  const double budget_s = std::max(0.0, options.budget_s);
  const auto deadline =
      start + std::chrono::duration_cast<measure::Clock::duration>(
                  std::chrono::duration<double>(budget_s));
  Measurements m;
  m.budget_s = budget_s;
  m.pinned = options.pin_threads;
  if (!kOptimizedBuild) {
    m.notes.push_back(
        "built without optimisation: the measured peaks are too low");
  }

  // Clock and FLOP/s first, on a cold machine, before the memory traffic.
  m.clock_hz = MeasureClock(budget_s * kClockShare, m.notes);
  m.peak_flops = MeasureAllFlops(options, cpu, budget_s * kFlopsShare);

  // Bandwidth last: its buffer is touched once and shared by every pass.
  m.bandwidth = MeasureAllBandwidth(options, deadline, m.notes);

  m.duration_s = measure::SecondsSince(start);
  NoteBusyResults(m);
  if (m.duration_s > budget_s * 1.5 && !m.bandwidth.empty()) {
    m.notes.push_back(fmt::format(
        "took {:.1f} s for a {:.1f} s budget: one pass per kernel over the "
        "{} MiB bandwidth buffer is the floor",
        m.duration_s, budget_s, m.bandwidth.front().buffer_bytes >> 20));
  }
  return m;
}

}  // namespace lapbench::probes
