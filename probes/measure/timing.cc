// Thread teams, best-of-N repetition and loop calibration for measurements.
#include "probes/measure/timing.h"

#include <pthread.h>
#include <sched.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <thread>
#include <vector>

namespace lapbench::probes::measure {
namespace {

// The CPUs this process may run on, in increasing order.
std::vector<int> AllowedCpus() {
  std::vector<int> cpus;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) != 0) return cpus;
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (CPU_ISSET(cpu, &set)) cpus.push_back(cpu);
  }
  return cpus;
}

// Binds the calling thread to `cpu`; pinning is a hint, so failure is
// ignored (the measurement is still valid, only unpinned).
void PinCurrentThread(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

// What one team thread saw, on its own 64-byte line.
struct alignas(64) ThreadSpan {
  Clock::time_point start, end;
  double cpu_s = 0;
};

volatile double g_sink = 0;

}  // namespace

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) +
         static_cast<double>(ts.tv_nsec) * 1e-9;
}

RunTime RunTogether(int n_threads, bool pin,
                    const std::function<void(int)>& work) {
  const std::vector<int> cpus = pin ? AllowedCpus() : std::vector<int>{};
  std::vector<ThreadSpan> spans(static_cast<size_t>(n_threads));
  std::atomic<int> n_ready{0};
  std::vector<std::thread> threads;
  threads.reserve(spans.size());
  for (int i = 0; i < n_threads; ++i) {
    threads.emplace_back([&, i] {
      if (!cpus.empty()) PinCurrentThread(cpus[i % cpus.size()]);
      // Start gate: yield rather than spin hard, in case there are more
      // threads than free CPUs.
      n_ready.fetch_add(1);
      while (n_ready.load() < n_threads) std::this_thread::yield();
      ThreadSpan& span = spans[static_cast<size_t>(i)];
      const double cpu_start_s = ThreadCpuSeconds();
      span.start = Clock::now();
      work(i);
      span.end = Clock::now();
      span.cpu_s = ThreadCpuSeconds() - cpu_start_s;
    });
  }
  for (std::thread& thread : threads) thread.join();

  Clock::time_point first = spans[0].start, last = spans[0].end;
  for (const ThreadSpan& span : spans) {
    first = std::min(first, span.start);
    last = std::max(last, span.end);
  }
  RunTime run{std::chrono::duration<double>(last - first).count(), 1};
  if (run.wall_s <= 0) return run;
  for (const ThreadSpan& span : spans) {
    run.cpu_share = std::min(run.cpu_share, span.cpu_s / run.wall_s);
  }
  return run;
}

BestTime RepeatBest(double budget_s, int max_reps,
                    const std::function<RunTime()>& rep) {
  const Clock::time_point start = Clock::now();
  const RunTime first = rep();
  BestTime best{first.wall_s, first.cpu_share, 1};
  while (best.n_repetitions < max_reps) {
    // Expect the next repetition to take as long as the average so far.
    const double spent_s = SecondsSince(start);
    const double per_rep_s = spent_s / best.n_repetitions;
    if (spent_s + per_rep_s > budget_s) break;
    const RunTime run = rep();
    ++best.n_repetitions;
    if (run.wall_s < best.best_s) {
      best.best_s = run.wall_s;
      best.cpu_share = run.cpu_share;
    }
  }
  return best;
}

uint64_t CalibrateIterations(const std::function<double(uint64_t)>& run_s,
                             double target_s) {
  uint64_t n = 1024;
  double elapsed_s = run_s(n);
  while (elapsed_s < kCalibrationMinS && n < (uint64_t{1} << 40)) {
    n *= 2;
    elapsed_s = run_s(n);
  }
  const double scaled =
      static_cast<double>(n) * target_s / std::max(elapsed_s, 1e-9);
  return std::max<uint64_t>(1, static_cast<uint64_t>(std::llround(scaled)));
}

void Consume(double value) { g_sink = g_sink + value; }

}  // namespace lapbench::probes::measure
