// Single-threaded oneDNN calls for each threading runtime libdnnl may use.
#include "kernels/onednn/threading.h"

#include <oneapi/dnnl/dnnl_config.h>

#if DNNL_CPU_THREADING_RUNTIME == DNNL_RUNTIME_OMP
#include <omp.h>
#endif

namespace lapbench::kernels::onednn {

// One definition per runtime; the preprocessor picks at file level.
#if DNNL_CPU_THREADING_RUNTIME == DNNL_RUNTIME_OMP
void UseOnlyCallingThread() { omp_set_num_threads(1); }
std::string_view ThreadingRuntimeName() { return "OpenMP"; }
#elif DNNL_CPU_THREADING_RUNTIME == DNNL_RUNTIME_SEQ
void UseOnlyCallingThread() {}
std::string_view ThreadingRuntimeName() { return "sequential"; }
#elif DNNL_CPU_THREADING_RUNTIME == DNNL_RUNTIME_TBB
// TODO: a TBB build runs each call on TBB's arena of all cores, so two
// engine threads oversubscribe; limiting it needs a tbb::task_arena(1)
// around every execute, which lapbench does not do yet.
void UseOnlyCallingThread() {}
std::string_view ThreadingRuntimeName() { return "TBB"; }
#else
// Threadpool builds run on the pool the caller passes to the stream; the
// stream made here passes none, so oneDNN runs on the calling thread.
void UseOnlyCallingThread() {}
std::string_view ThreadingRuntimeName() { return "threadpool"; }
#endif

}  // namespace lapbench::kernels::onednn
