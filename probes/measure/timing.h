// Timing helpers shared by the measurements: thread teams and best-of-N.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

namespace lapbench::probes::measure {

using Clock = std::chrono::steady_clock;

// Seconds elapsed since `start`.
double SecondsSince(Clock::time_point start);

// CPU seconds the calling thread has used so far.
double ThreadCpuSeconds();

// One timed run: its wall time, and the smallest share of that time any
// of its threads spent on a CPU. A share well below 1 means the run was
// preempted (a busy machine) and its time is too long.
struct RunTime {
  double wall_s = 0;
  double cpu_share = 1;
};

// Runs work(i) for i in [0, n_threads) on n_threads new threads that start
// together (each waits until all have been created); wall time runs from
// the first thread's start to the last thread's end, so thread creation is
// not timed. With `pin`, thread i is bound to the i-th CPU of the process
// affinity mask (modulo its size); a failed pin leaves it unpinned.
// Precondition: n_threads >= 1.
RunTime RunTogether(int n_threads, bool pin,
                    const std::function<void(int)>& work);

// The fastest of several timed repetitions, and how many ran.
struct BestTime {
  double best_s = 0;
  double cpu_share = 1;  // of the fastest repetition
  int n_repetitions = 0;
};

// Calls `rep` once, then again as long as the next call is expected to end
// within `budget_s` of the first call's start, up to `max_reps` calls in
// all. At least one call runs, whatever the budget. Keeps the fastest.
BestTime RepeatBest(double budget_s, int max_reps,
                    const std::function<RunTime()>& rep);

// Loop iterations that make `run_s(n)` (seconds for n iterations) last
// about `target_s`: doubles n from a small start until a run takes at least
// kCalibrationMinS, then scales it linearly. Never returns 0.
uint64_t CalibrateIterations(const std::function<double(uint64_t)>& run_s,
                             double target_s);
// Runs shorter than this are dominated by timer and thread-start overhead.
inline constexpr double kCalibrationMinS = 1e-3;

// Stores `value` where the compiler must assume it is read, so the loop
// that computed it cannot be removed. Call from one thread at a time.
void Consume(double value);

}  // namespace lapbench::probes::measure
