// lapbench-kernels: Google Benchmark of every kernel variant's products at
// real model shapes, with the machine's measured limits in the same run.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstring>
#include <thread>

#include "kernels/bench/bench_attention.h"
#include "kernels/bench/bench_products.h"
#include "kernels/bench/machine_reference.h"

namespace {

// Seconds the bandwidth and peak-FLOP/s measurement may take.
constexpr double kReferenceBudgetS = 6.0;

// True when the run only lists benchmark names: no need to measure.
bool OnlyListing(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--benchmark_list_tests", 22) == 0 &&
        std::strcmp(argv[i], "--benchmark_list_tests=false") != 0) {
      return true;
    }
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace lapbench::kernels::bench;
  const bool listing = OnlyListing(argc, argv);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;

  MachineReference reference;  // listing: names only, no numbers
  reference.n_threads_all =
      std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  if (!listing) {
    reference = MeasureReference(kReferenceBudgetS);
    AddReferenceContext(reference);
  }
  RegisterProductBenchmarks(reference);
  RegisterAttentionBenchmarks(reference);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
