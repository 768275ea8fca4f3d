// A persistent pool of pinned worker threads that the forward pass splits
// each operator over, with no allocation or thread creation per token.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace lapbench::engine {

// A non-owning reference to a callable `void(int64_t begin, int64_t end)`;
// valid only while the callable it was made from is alive.
class RangeFn {
 public:
  template <typename F,
            typename = std::enable_if_t<!std::is_same_v<std::decay_t<F>,
                                                        RangeFn>>>
  RangeFn(F&& f)  // NOLINT: implicit by design, like std::function_ref
      : object_(const_cast<void*>(static_cast<const void*>(&f))),
        call_([](void* o, int64_t begin, int64_t end) {
          (*static_cast<std::remove_reference_t<F>*>(o))(begin, end);
        }) {}
  void operator()(int64_t begin, int64_t end) const {
    call_(object_, begin, end);
  }

 private:
  void* object_;
  void (*call_)(void*, int64_t, int64_t);
};

// The workers of one engine instance. Worker 0 is the calling thread, so a
// pool of one thread runs everything inline.
class ThreadPool {
 public:
  // Starts one worker per entry of `cpus` (OS indices of logical CPUs;
  // repeats allowed), each pinned to its CPU with hwloc. The calling
  // thread is worker 0: it is pinned to cpus[0] until the destructor
  // restores its earlier binding, and must be the thread that calls
  // ParallelFor. An empty `cpus` starts max(1, n_threads) unpinned
  // workers. Throws std::invalid_argument if n_threads is negative or
  // neither 0 nor cpus.size(), std::runtime_error if a CPU is not one this
  // process may use or pinning fails.
  ThreadPool(std::vector<int> cpus, int n_threads = 0);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int n_threads() const;

  // Splits [0, n) into one contiguous range per worker, with boundaries on
  // multiples of `grain` (except n itself), runs fn(begin, end) on each
  // and returns when all have finished; everything the calls wrote is then
  // visible to the caller. Ranges are as even as the grain allows (worker
  // i gets chunk counts differing by at most one, earlier workers the
  // larger). Empty ranges are not called; n <= 0 calls nothing; grain < 1
  // counts as 1. If calls throw, the lowest worker's exception is rethrown
  // after all have finished. Not reentrant: fn must not call ParallelFor.
  void ParallelFor(int64_t n, int64_t grain, RangeFn fn);

  // Like ParallelFor, but the chunks of `grain` are claimed one at a time
  // by whichever workers are running: each chunk is called exactly once,
  // in no fixed order and on no fixed worker. A worker the OS has not
  // scheduled is not waited for (the others take its chunks), so a busy
  // machine costs at most one chunk's delay instead of a time slice per
  // call. Callers must not depend on which worker runs a chunk.
  void ParallelChunks(int64_t n, int64_t grain, RangeFn fn);

  // The logical CPUs the workers are pinned to (empty when unpinned).
  const std::vector<int>& cpus() const;

 private:
  struct State;
  void Run(int64_t n, int64_t grain, const RangeFn& fn, bool dynamic);
  std::unique_ptr<State> state_;
};

}  // namespace lapbench::engine
