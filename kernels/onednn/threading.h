// How oneDNN's own threading is kept out of lapbench's thread pool.
#pragma once

#include <string_view>

namespace lapbench::kernels::onednn {

// Makes oneDNN primitives created and run on the calling thread use that
// thread only. The engine already splits rows across its own threads; a
// oneDNN that opened a team per call on top of that would oversubscribe
// the cores. With the OpenMP runtime this sets the calling thread's
// omp_set_num_threads(1) (per-thread state: other threads are unaffected);
// with the sequential runtime it does nothing.
void UseOnlyCallingThread();

// "OpenMP", "TBB", "sequential" or "threadpool": libdnnl's build choice.
std::string_view ThreadingRuntimeName();

}  // namespace lapbench::kernels::onednn
