// The persistent, pinned worker pool: generation-counter dispatch and a
// spin-then-wait barrier, with no allocation or locking per ParallelFor.
#include "engine/thread_pool.h"

#include <fmt/format.h>
#include <hwloc.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <thread>

namespace lapbench::engine {
// The pool's internals. A named namespace, not an unnamed one, because
// ThreadPool::State (external linkage) derives from PoolState.
namespace pool_detail {

// Spins before a waiting thread blocks in the kernel. Between two
// operators of one token the gap is a few microseconds, so a worker that
// spins about that long catches the next ParallelFor without a futex wake
// (5-50 us each); past it the worker sleeps and leaves the core to others.
// Every kYieldEvery-th turn yields instead of pausing: on an idle machine
// sched_yield returns at once, but when threads outnumber free cores it
// lets a descheduled worker finish instead of burning the spinner's slice.
// Measured on a 2-core VM at load 9, 20k calls of 16 one-item ranges: a
// pure 4096-pause spin took 340 us per call over 2 threads, 64 pauses 10
// us, 1024 turns yielding every 16th 4-6 us.
constexpr int kSpinIterations = 1024;
constexpr int kYieldEvery = 16;

// Tells the core this is a spin loop: it saves power and yields the
// sibling hyperthread the pipeline.
inline void CpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

// Waits until `value` differs from `old` and returns the new value: a
// bounded spin, then std::atomic::wait (a futex on Linux). Acquire order,
// so what was written before the store that changed `value` is visible.
template <typename T>
T WaitWhileEqual(const std::atomic<T>& value, T old) {
  for (int i = 0; i < kSpinIterations; ++i) {
    T now = value.load(std::memory_order_acquire);
    if (now != old) return now;
    if (i % kYieldEvery == kYieldEvery - 1) {
      std::this_thread::yield();
    } else {
      CpuRelax();
    }
  }
  for (;;) {
    value.wait(old, std::memory_order_acquire);
    T now = value.load(std::memory_order_acquire);
    if (now != old) return now;
  }
}

// Owns the live hwloc topology the workers pin themselves with.
class PinTopology {
 public:
  PinTopology() {
    if (hwloc_topology_init(&topology_) != 0 ||
        hwloc_topology_load(topology_) != 0) {
      int error = errno;
      if (topology_ != nullptr) hwloc_topology_destroy(topology_);
      throw std::runtime_error(fmt::format(
          "cannot load this machine's topology to pin threads: '{}'",
          std::strerror(error)));
    }
  }
  ~PinTopology() { hwloc_topology_destroy(topology_); }
  PinTopology(const PinTopology&) = delete;
  PinTopology& operator=(const PinTopology&) = delete;

  hwloc_topology_t get() const { return topology_; }

  // Throws unless `cpu` is an OS index this process may run on.
  void CheckAllowed(int cpu) const {
    hwloc_const_cpuset_t allowed = hwloc_topology_get_allowed_cpuset(topology_);
    if (cpu >= 0 && hwloc_bitmap_isset(allowed, static_cast<unsigned>(cpu))) {
      return;
    }
    char* list = nullptr;
    hwloc_bitmap_list_asprintf(&list, allowed);
    std::string allowed_list = list != nullptr ? list : "?";
    std::free(list);
    throw std::runtime_error(
        fmt::format("cannot pin a thread to CPU: '{}' (expected an OS index "
                    "this process may use: {})",
                    cpu, allowed_list));
  }

  // Binds the calling thread to `cpu`; returns 0 or the errno of failure.
  int PinCallingThread(int cpu) const {
    hwloc_bitmap_t set = hwloc_bitmap_alloc();
    hwloc_bitmap_only(set, static_cast<unsigned>(cpu));
    int result = hwloc_set_cpubind(topology_, set, HWLOC_CPUBIND_THREAD);
    int error = result == 0 ? 0 : errno;
    hwloc_bitmap_free(set);
    return result == 0 ? 0 : (error != 0 ? error : EINVAL);
  }

 private:
  hwloc_topology_t topology_ = nullptr;
};

// The part of [0, n) worker `index` of `n_workers` runs: chunks of `grain`
// dealt out contiguously, the first (n_chunks % n_workers) workers taking
// one chunk more. The last chunk may be short; it falls to a worker with
// the smaller count, which keeps the ranges as even as the grain allows.
std::pair<int64_t, int64_t> WorkerRange(int64_t n, int64_t grain, int index,
                                        int n_workers) {
  int64_t n_chunks = (n + grain - 1) / grain;
  int64_t per_worker = n_chunks / n_workers;
  int64_t extra = n_chunks % n_workers;
  int64_t first_chunk = index * per_worker + std::min<int64_t>(index, extra);
  int64_t n_own = per_worker + (index < extra ? 1 : 0);
  int64_t begin = std::min(n, first_chunk * grain);
  int64_t end = std::min(n, (first_chunk + n_own) * grain);
  return {begin, end};
}

// What the caller and the workers share. The helpers below take it;
// ThreadPool::State derives from it.
struct PoolState {
  int n_threads = 1;
  std::vector<int> cpus;
  std::unique_ptr<PinTopology> topology;  // null when unpinned
  hwloc_bitmap_t caller_old_binding = nullptr;

  // The job of the current generation. Written by the caller before it
  // opens the job; a worker reads them only after joining it (below).
  int64_t n = 0;
  int64_t grain = 1;
  const RangeFn* fn = nullptr;
  bool dynamic = false;  // chunks claimed from `next_chunk`, not dealt out
  std::atomic<bool> stop{false};

  // Bumped once per ParallelFor (and once at shutdown) to wake workers.
  // The counters sit on their own 64-byte cache lines so workers spinning
  // on `generation` do not contend with the decrements.
  alignas(64) std::atomic<uint32_t> generation{0};
  // Joining: the id of the open job (0 when none is open) and the workers
  // inside one. A worker increments `active`, then checks `open`; the
  // caller clears `open`, then waits for `active` to drop to 0 before it
  // writes the next job. Both sides use seq_cst, so either the worker sees
  // the job closed and backs off, or the caller sees it and waits: a late
  // worker never reads a job's fields while they are rewritten.
  alignas(64) std::atomic<uint64_t> open{0};
  alignas(64) std::atomic<int> active{0};
  // Workers (not counting the caller) that have yet to finish a dealt-out
  // job; dynamic jobs do not wait for workers that never joined.
  alignas(64) std::atomic<int> remaining{0};
  // The next chunk of a dynamic job to claim.
  alignas(64) std::atomic<int64_t> next_chunk{0};
  alignas(64) std::atomic<bool> failed{false};
  uint64_t job_id = 0;  // the caller's count of jobs; ids start at 1
  // Workers that have pinned themselves (or failed to) at startup.
  std::atomic<int> started{0};
  std::vector<int> pin_errors;             // errno per worker, 0 when pinned
  std::vector<std::exception_ptr> errors;  // one slot per worker
  std::vector<std::thread> threads;        // workers 1 .. n_threads-1
};

using State = PoolState;

// Runs fn(begin, end), keeping an exception for the caller to rethrow
// instead of letting it end the process.
void RunRange(State& state, int index, int64_t begin, int64_t end) {
  try {
    (*state.fn)(begin, end);
  } catch (...) {
    if (state.errors[static_cast<size_t>(index)] == nullptr) {
      state.errors[static_cast<size_t>(index)] = std::current_exception();
    }
    state.failed.store(true, std::memory_order_relaxed);
  }
}

// Runs worker `index`'s dealt-out share of the current job.
void RunShare(State& state, int index) {
  auto [begin, end] = WorkerRange(state.n, state.grain, index, state.n_threads);
  if (begin < end) RunRange(state, index, begin, end);
}

// Claims chunks of the current dynamic job until none is left.
void RunChunks(State& state, int index) {
  const int64_t n_chunks = (state.n + state.grain - 1) / state.grain;
  for (;;) {
    const int64_t c = state.next_chunk.fetch_add(1, std::memory_order_relaxed);
    if (c >= n_chunks) return;
    RunRange(state, index, c * state.grain,
             std::min(state.n, (c + 1) * state.grain));
  }
}

// Joins the open job, if any: true when this worker got into job `id`.
bool Join(State& state, uint64_t& joined) {
  state.active.fetch_add(1, std::memory_order_seq_cst);
  const uint64_t id = state.open.load(std::memory_order_seq_cst);
  if (id != 0 && id != joined) {
    joined = id;
    return true;
  }
  if (state.active.fetch_sub(1, std::memory_order_seq_cst) == 1) {
    state.active.notify_all();
  }
  return false;
}

// Leaves a joined job; the last one out wakes a caller waiting to close.
void Leave(State& state) {
  if (state.active.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    state.active.notify_all();
  }
}

// The loop of worker `index` >= 1: pin, then join each new job until told
// to stop.
void WorkerLoop(State& state, int index) {
  if (state.topology != nullptr) {
    state.pin_errors[static_cast<size_t>(index)] =
        state.topology->PinCallingThread(
            state.cpus[static_cast<size_t>(index)]);
  }
  // Generation 0 is the one before any job. Every later value comes from
  // a bump (a ParallelFor or a stop), so starting from the constant 0
  // rather than a load never misses one, however late this thread runs.
  uint32_t seen = 0;
  uint64_t joined = 0;  // the last job this worker took part in
  state.started.fetch_add(1, std::memory_order_release);
  state.started.notify_one();
  for (;;) {
    seen = WaitWhileEqual(state.generation, seen);
    if (state.stop.load(std::memory_order_acquire)) return;
    if (!Join(state, joined)) continue;
    if (state.dynamic) {
      RunChunks(state, index);
      Leave(state);
      continue;
    }
    RunShare(state, index);
    // Leave before counting down: once `remaining` is 0 the caller may
    // close the job, and should find no one left inside. acq_rel on the
    // count: the caller's acquire load of 0 sees every worker's writes.
    Leave(state);
    if (state.remaining.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      state.remaining.notify_one();
    }
  }
}

// Opens the job already stored in `state` and wakes every worker.
void StartGeneration(State& state) {
  state.remaining.store(state.n_threads - 1, std::memory_order_relaxed);
  state.open.store(++state.job_id, std::memory_order_seq_cst);
  state.generation.fetch_add(1, std::memory_order_release);
  state.generation.notify_all();
}

// Waits for the workers to finish a dealt-out job.
void WaitForWorkers(State& state) {
  int left = state.remaining.load(std::memory_order_acquire);
  while (left != 0) left = WaitWhileEqual(state.remaining, left);
}

// Closes the open job and waits until no worker is inside it; their
// writes are then visible to the caller.
void CloseJob(State& state) {
  state.open.store(0, std::memory_order_seq_cst);
  int inside = state.active.load(std::memory_order_seq_cst);
  while (inside != 0) inside = WaitWhileEqual(state.active, inside);
  std::atomic_thread_fence(std::memory_order_acquire);
}

// Stops and joins the workers started so far.
void StopWorkers(State& state) {
  state.stop.store(true, std::memory_order_release);
  state.generation.fetch_add(1, std::memory_order_release);
  state.generation.notify_all();
  for (std::thread& thread : state.threads) thread.join();
  state.threads.clear();
}

// Pins the caller to cpus[0], remembering its binding for the destructor.
void PinCaller(State& state) {
  state.caller_old_binding = hwloc_bitmap_alloc();
  hwloc_topology_t topology = state.topology->get();
  if (hwloc_get_cpubind(topology, state.caller_old_binding,
                        HWLOC_CPUBIND_THREAD) != 0) {
    hwloc_bitmap_free(state.caller_old_binding);
    state.caller_old_binding = nullptr;
  }
  int error = state.topology->PinCallingThread(state.cpus[0]);
  if (error != 0) {
    throw std::runtime_error(
        fmt::format("cannot pin the calling thread to CPU: '{}' ({})",
                    state.cpus[0], std::strerror(error)));
  }
}

// Restores the binding the caller had before PinCaller.
void UnpinCaller(State& state) {
  if (state.caller_old_binding == nullptr) return;
  hwloc_set_cpubind(state.topology->get(), state.caller_old_binding,
                    HWLOC_CPUBIND_THREAD);
  hwloc_bitmap_free(state.caller_old_binding);
  state.caller_old_binding = nullptr;
}

// Starts workers 1 .. n_threads-1 and waits until each has pinned itself;
// throws (after stopping them) if one could not.
void StartWorkers(State& state) {
  try {
    for (int i = 1; i < state.n_threads; ++i) {
      state.threads.emplace_back(WorkerLoop, std::ref(state), i);
    }
  } catch (...) {
    StopWorkers(state);
    throw;
  }
  int started = state.started.load(std::memory_order_acquire);
  while (started != state.n_threads - 1) {
    state.started.wait(started, std::memory_order_acquire);
    started = state.started.load(std::memory_order_acquire);
  }
  for (int i = 1; i < state.n_threads; ++i) {
    int error = state.pin_errors[static_cast<size_t>(i)];
    if (error == 0) continue;
    StopWorkers(state);
    throw std::runtime_error(
        fmt::format("cannot pin worker {} to CPU: '{}' ({})", i,
                    state.cpus[static_cast<size_t>(i)], std::strerror(error)));
  }
}

}  // namespace pool_detail

// The helpers are found by argument-dependent lookup on State.
struct ThreadPool::State : pool_detail::PoolState {};

ThreadPool::ThreadPool(std::vector<int> cpus, int n_threads)
    : state_(std::make_unique<State>()) {
  if (n_threads < 0 || (!cpus.empty() && n_threads != 0 &&
                        n_threads != static_cast<int>(cpus.size()))) {
    throw std::invalid_argument(fmt::format(
        "thread pool size: '{}' (expected 0 or the number of CPUs, {})",
        n_threads, cpus.size()));
  }
  State& state = *state_;
  state.n_threads =
      cpus.empty() ? std::max(1, n_threads) : static_cast<int>(cpus.size());
  state.cpus = std::move(cpus);
  state.pin_errors.assign(static_cast<size_t>(state.n_threads), 0);
  state.errors.resize(static_cast<size_t>(state.n_threads));
  if (!state.cpus.empty()) {
    state.topology = std::make_unique<pool_detail::PinTopology>();
    for (int cpu : state.cpus) state.topology->CheckAllowed(cpu);
  }
  try {
    if (state.topology != nullptr) PinCaller(state);
    StartWorkers(state);
  } catch (...) {
    UnpinCaller(state);
    throw;
  }
}

ThreadPool::~ThreadPool() {
  StopWorkers(*state_);
  UnpinCaller(*state_);
}

int ThreadPool::n_threads() const { return state_->n_threads; }

const std::vector<int>& ThreadPool::cpus() const { return state_->cpus; }

void ThreadPool::ParallelFor(int64_t n, int64_t grain, RangeFn fn) {
  Run(n, grain, fn, false);
}

void ThreadPool::ParallelChunks(int64_t n, int64_t grain, RangeFn fn) {
  Run(n, grain, fn, true);
}

void ThreadPool::Run(int64_t n, int64_t grain, const RangeFn& fn,
                     bool dynamic) {
  if (n <= 0) return;
  State& state = *state_;
  state.n = n;
  state.grain = std::max<int64_t>(1, grain);
  state.fn = &fn;
  state.dynamic = dynamic;
  state.next_chunk.store(0, std::memory_order_relaxed);
  if (state.n_threads > 1) StartGeneration(state);
  if (dynamic) {
    RunChunks(state, 0);
  } else {
    RunShare(state, 0);
    if (state.n_threads > 1) WaitForWorkers(state);
  }
  if (state.n_threads > 1) CloseJob(state);
  if (!state.failed.load(std::memory_order_relaxed)) return;

  // Rethrow the lowest worker's exception once every worker is done.
  state.failed.store(false, std::memory_order_relaxed);
  std::exception_ptr first;
  for (std::exception_ptr& error : state.errors) {
    if (error != nullptr && first == nullptr) first = error;
    error = nullptr;
  }
  std::rethrow_exception(first);
}

}  // namespace lapbench::engine
