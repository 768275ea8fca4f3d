// Measured machine limits: memory bandwidth, peak FP32 FLOP/s and clock.
//
// These numbers are the denominators of every "fraction of bandwidth" and
// "fraction of peak" lapbench reports, so each loop consumes its result (the
// compiler cannot drop it), touches its pages before timing, and keeps the
// best of several repetitions timed with std::chrono::steady_clock.
//
// Threads are not pinned by default: the numbers are what an unpinned
// program gets, which is how the engine runs unless told otherwise. With
// MeasureOptions::pin_threads, thread i is bound to the i-th CPU of the
// process's affinity mask.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "probes/cpu_features.h"
#include "probes/reading.h"

namespace lapbench::probes {

// What MeasureMachine measures, and how long it may take.
struct MeasureOptions {
  int n_threads = 1;             // "all threads": one per logical CPU
  uint64_t llc_bytes = 0;        // last-level cache size; 0 when unknown
  uint64_t available_bytes = 0;  // available RAM; 0 when unknown
  double budget_s = 3.0;         // target wall time of the whole measurement
  // The bandwidth buffer never takes more than this share of available RAM.
  double max_ram_fraction = 0.25;
  bool pin_threads = false;  // bind thread i to the i-th allowed CPU
};

// Sustained memory bandwidth with `n_threads` threads.
struct BandwidthResult {
  // Bytes loaded per second by a summing loop over the whole buffer.
  Reading<double> read_bytes_per_s;
  // STREAM triad a[i] = b[i] + s * c[i] on doubles, counted as 24 bytes per
  // element (two loads, one store); the write-allocate read of `a` that
  // ordinary stores cause is not counted, as in STREAM.
  Reading<double> triad_bytes_per_s;
  int n_threads = 0;
  uint64_t buffer_bytes = 0;  // whole buffer; triad splits it in three
  // Timed segments per kernel. Each pass over the buffer is timed in eighths
  // (each at least one LLC) and the fastest eighth is kept.
  int n_repetitions = 0;
  // Smallest share of wall time a thread spent on a CPU during the best
  // passes: well below 1 means a busy machine and too low a bandwidth.
  double cpu_share = 1;
};

// The FP32 arithmetic a peak-FLOP/s loop is written in.
enum class FlopsIsa {
  kScalar,   // mulss + addss: what unvectorised baseline code can reach
  kSse2,     // mulps + addps on 128 bits: the x86-64 baseline
  kAvx2Fma,  // vfmadd on 256 bits
  kAvx512F,  // vfmadd on 512 bits
};
inline constexpr size_t kFlopsIsaCount = 4;

// The report's name: "scalar", "sse2", "avx2_fma", "avx512f".
std::string_view FlopsIsaName(FlopsIsa isa);
// Every ISA in declaration order, widest last.
const std::array<FlopsIsa, kFlopsIsaCount>& AllFlopsIsas();
// Why `cpu` cannot run `isa` ("CPU lacks avx512f", "OS does not enable
// ZMM state (XCR0)"); empty when it can.
std::string FlopsIsaUnusableReason(FlopsIsa isa, const CpuFeatures& cpu);

// Peak FP32 multiply-add throughput of one ISA with `n_threads` threads.
struct FlopsResult {
  FlopsIsa isa = FlopsIsa::kScalar;
  Reading<double> flops_per_s;  // an FMA, or a mul plus an add, is 2 FLOPs
  int n_threads = 0;
  int n_repetitions = 0;
  double cpu_share = 1;  // as in BandwidthResult
};

// Below this CPU share a result gets a "busy machine" note.
inline constexpr double kBusyCpuShare = 0.9;

// Everything MeasureMachine found, for the report's "measured" section.
struct Measurements {
  std::vector<BandwidthResult> bandwidth;  // 1 thread, then all threads
  std::vector<FlopsResult> peak_flops;     // per ISA: 1 thread, all threads
  Reading<double> clock_hz;                // one core, from a dependent chain
  double budget_s = 0;
  double duration_s = 0;  // wall time of the whole measurement
  bool pinned = false;
  std::vector<std::string> notes;  // what makes a number less trustworthy
};

// Runs every measurement within about options.budget_s (the bandwidth
// passes have a floor: one pass per kernel and thread count, so a huge LLC
// can push past the budget; duration_s says how long it really took).
// Precondition: options.n_threads >= 1.
Measurements MeasureMachine(const MeasureOptions& options,
                            const CpuFeatures& cpu);

// The "measured" JSON object; missing values are null with a "_reason".
nlohmann::json ToJson(const Measurements& measurements);
// A few readable lines for `lapbench probe`.
std::string Summarize(const Measurements& measurements);

// --- Memory bandwidth --------------------------------------------------

// Bandwidth buffers are at least this large whatever the LLC.
inline constexpr uint64_t kMinBandwidthBufferBytes = 256ull << 20;
// ...and at least this many times the last-level cache.
inline constexpr uint64_t kBandwidthBufferLlcMultiple = 8;
// ...but never larger than this: laptop LLCs are at most a few tens of MiB,
// so 1 GiB is still 8x any of them, while VMs report absurd shared caches
// (hundreds of MiB) whose 8x would take most of the time budget just to
// allocate and touch.
inline constexpr uint64_t kMaxBandwidthBufferBytes = 1ull << 30;

// The buffer size to measure with: max(8 x LLC, 256 MiB), at most 1 GiB and
// at most max_ram_fraction of available RAM. Appends a note to `notes` when
// a cap or an unknown LLC size weakens the "far beyond cache" guarantee.
uint64_t PlanBandwidthBufferBytes(const MeasureOptions& options,
                                  std::vector<std::string>& notes);

// A page-aligned buffer advised onto transparent huge pages (fewer TLB
// misses, faster first touch) whose every page has been written before any
// timing, so no pass pays for page faults.
class BandwidthBuffer {
 public:
  // Allocates `size_bytes` (rounded up to 2 MiB) and writes it with
  // `n_touch_threads` threads. On failure ok() is false and error() says
  // why; nothing throws.
  BandwidthBuffer(uint64_t size_bytes, int n_touch_threads);
  ~BandwidthBuffer();
  BandwidthBuffer(const BandwidthBuffer&) = delete;
  BandwidthBuffer& operator=(const BandwidthBuffer&) = delete;

  bool ok() const { return data_ != nullptr; }
  const std::string& error() const { return error_; }
  uint64_t size_bytes() const { return size_bytes_; }
  double touch_s() const { return touch_s_; }  // time the first touch took
  std::byte* data() { return data_; }

 private:
  std::byte* data_ = nullptr;
  uint64_t size_bytes_ = 0;
  double touch_s_ = 0;
  std::string error_;
};

// Read bandwidth with `n_threads` threads: whole passes over the buffer,
// at least one and more while `budget_s` lasts, each timed in eighths; the
// fastest eighth gives the result. Missing when the buffer is not ok().
Reading<double> MeasureReadBandwidth(BandwidthBuffer& buffer, int n_threads,
                                     double budget_s, bool pin = false);
// Triad bandwidth over the buffer split in three arrays, as above.
Reading<double> MeasureTriadBandwidth(BandwidthBuffer& buffer, int n_threads,
                                      double budget_s, bool pin = false);
// Both kernels, half the budget each.
BandwidthResult MeasureBandwidth(BandwidthBuffer& buffer, int n_threads,
                                 double budget_s, bool pin = false);

// Bytes one read pass over `n_bytes` moves (every byte loaded once).
uint64_t ReadPassBytes(uint64_t n_bytes);
// Bytes one triad pass over `n_elements` doubles per array moves, as
// counted by STREAM: 3 x 8 bytes per element.
uint64_t TriadPassBytes(uint64_t n_elements);
// Doubles per triad array when a buffer of `buffer_bytes` is split in
// three cache-line-aligned arrays.
uint64_t TriadElements(uint64_t buffer_bytes);

// --- Peak FLOP/s ---------------------------------------------------------

// FP32 lanes per instruction of `isa` (1, 4, 8, 16).
int FlopsIsaLanes(FlopsIsa isa);
// Independent accumulator chains the `isa` loop keeps in flight.
int FlopsIsaChains(FlopsIsa isa);
// FLOPs one loop iteration performs: chains x lanes x 2 (multiply + add).
uint64_t FlopsPerIteration(FlopsIsa isa);

// Peak FLOP/s of `isa` on `n_threads` threads, best of the repetitions that
// fit in `budget_s`. Missing with a reason when `cpu` cannot run `isa`: the
// loop is then never called.
FlopsResult MeasurePeakFlops(FlopsIsa isa, const CpuFeatures& cpu,
                             int n_threads, double budget_s, bool pin = false);

// --- Clock ----------------------------------------------------------------

// The effective clock of the calling thread's core, from a chain of
// dependent register adds (one cycle each on every x86 core), so it works
// without cpufreq. It is the clock under load, including turbo. When
// `cpu_share` is given, it receives the best repetition's CPU share.
Reading<double> MeasureClockHz(double budget_s, double* cpu_share = nullptr);
// The same clock from a chain of dependent 64-bit multiplies (3 cycles
// each on every x86 core since Nehalem and Zen): a cross-check.
Reading<double> MeasureClockHzByMultiply(double budget_s,
                                         double* cpu_share = nullptr);

}  // namespace lapbench::probes
