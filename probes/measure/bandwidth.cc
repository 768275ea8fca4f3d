// Sustained memory bandwidth: read and STREAM triad over a touched buffer.
#include <emmintrin.h>
#include <fmt/format.h>
#include <sys/mman.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "probes/measure.h"
#include "probes/measure/timing.h"

namespace lapbench::probes {
namespace {

// Transparent huge page size on x86-64: the buffer is aligned to it so the
// kernel can back it with huge pages when THP is set to "madvise".
constexpr uint64_t kHugePageBytes = 2ull << 20;
constexpr uint64_t kLineBytes = 64;
constexpr uint64_t kDoublesPerLine = kLineBytes / sizeof(double);
// Passes over a multi-GiB buffer are slow; ten are plenty for a best-of.
constexpr int kMaxBandwidthReps = 10;
// The touch writes this value everywhere: triad's b and c stay 1.0.
constexpr double kFillValue = 1.0;
constexpr double kTriadScalar = 3.0;

uint64_t RoundUp(uint64_t value, uint64_t multiple) {
  return (value + multiple - 1) / multiple * multiple;
}

// The [begin, end) share of `n_units` that thread `i` of `n_threads` takes.
struct Slice {
  uint64_t begin, end;
};
Slice SliceOf(uint64_t n_units, int n_threads, int i) {
  const auto n = static_cast<uint64_t>(n_threads);
  const auto k = static_cast<uint64_t>(i);
  return {n_units * k / n, n_units * (k + 1) / n};
}

// Sums 64-bit words over [p, p + n_lines lines), four independent SSE2
// accumulators (one per 16-byte quarter of a line) so the adds never wait.
uint64_t ReadLines(const std::byte* p, uint64_t n_lines) {
  __m128i acc0 = _mm_setzero_si128(), acc1 = acc0, acc2 = acc0, acc3 = acc0;
  const auto* v = reinterpret_cast<const __m128i*>(p);
  for (uint64_t line = 0; line < n_lines; ++line, v += 4) {
    acc0 = _mm_add_epi64(acc0, _mm_load_si128(v));
    acc1 = _mm_add_epi64(acc1, _mm_load_si128(v + 1));
    acc2 = _mm_add_epi64(acc2, _mm_load_si128(v + 2));
    acc3 = _mm_add_epi64(acc3, _mm_load_si128(v + 3));
  }
  const __m128i sum =
      _mm_add_epi64(_mm_add_epi64(acc0, acc1), _mm_add_epi64(acc2, acc3));
  alignas(16) uint64_t words[2];
  _mm_store_si128(reinterpret_cast<__m128i*>(words), sum);
  return words[0] + words[1];
}

// a[i] = b[i] + s * c[i] for i in [0, n), n a multiple of 8, with
// ordinary (write-allocating) stores, as compute kernels write.
void TriadLines(double* a, const double* b, const double* c, uint64_t n) {
  const __m128d s = _mm_set1_pd(kTriadScalar);
  for (uint64_t i = 0; i < n; i += 2) {
    const __m128d bc =
        _mm_add_pd(_mm_load_pd(b + i), _mm_mul_pd(s, _mm_load_pd(c + i)));
    _mm_store_pd(a + i, bc);
  }
}

// Writes every byte of the buffer, each thread its own slice, so pages are
// faulted in (and placed near their first toucher) before any timing.
double Touch(std::byte* data, uint64_t size_bytes, int n_threads) {
  const uint64_t n_lines = size_bytes / kLineBytes;
  return measure::RunTogether(n_threads, false,
                              [&](int i) {
                                const Slice s = SliceOf(n_lines, n_threads, i);
                                auto* d = reinterpret_cast<double*>(data);
                                std::fill(d + s.begin * kDoublesPerLine,
                                          d + s.end * kDoublesPerLine,
                                          kFillValue);
                              })
      .wall_s;
}

measure::BestTime TimeReadPasses(BandwidthBuffer& buffer, int n_threads,
                                 double budget_s, bool pin) {
  const uint64_t n_lines = buffer.size_bytes() / kLineBytes;
  std::vector<uint64_t> sums(static_cast<size_t>(n_threads) * 8);
  return measure::RepeatBest(budget_s, kMaxBandwidthReps, [&] {
    const measure::RunTime run =
        measure::RunTogether(n_threads, pin, [&](int i) {
          const Slice s = SliceOf(n_lines, n_threads, i);
          // One sum per 64-byte line: no false sharing between threads.
          sums[static_cast<size_t>(i) * 8] =
              ReadLines(buffer.data() + s.begin * kLineBytes, s.end - s.begin);
        });
    for (uint64_t sum : sums) measure::Consume(static_cast<double>(sum));
    return run;
  });
}

measure::BestTime TimeTriadPasses(BandwidthBuffer& buffer, int n_threads,
                                  double budget_s, bool pin) {
  // Three arrays of n doubles each, one after the other: [a | b | c].
  const uint64_t n = TriadElements(buffer.size_bytes());
  auto* a = reinterpret_cast<double*>(buffer.data());
  const double* b = a + n;
  const double* c = b + n;
  return measure::RepeatBest(budget_s, kMaxBandwidthReps, [&] {
    const measure::RunTime run =
        measure::RunTogether(n_threads, pin, [&](int i) {
          const Slice s = SliceOf(n / kDoublesPerLine, n_threads, i);
          const uint64_t first = s.begin * kDoublesPerLine;
          TriadLines(a + first, b + first, c + first,
                     (s.end - s.begin) * kDoublesPerLine);
        });
    measure::Consume(a[n / 2]);
    return run;
  });
}

}  // namespace

uint64_t ReadPassBytes(uint64_t n_bytes) { return n_bytes; }

uint64_t TriadPassBytes(uint64_t n_elements) {
  // Loads of b and c and the store of a, 8 bytes each.
  return 3 * sizeof(double) * n_elements;
}

uint64_t TriadElements(uint64_t buffer_bytes) {
  return buffer_bytes / 3 / kLineBytes * kDoublesPerLine;
}

uint64_t PlanBandwidthBufferBytes(const MeasureOptions& options,
                                  std::vector<std::string>& notes) {
  uint64_t size_bytes =
      std::max(kMinBandwidthBufferBytes,
               kBandwidthBufferLlcMultiple * options.llc_bytes);
  if (options.llc_bytes == 0) {
    notes.push_back(fmt::format(
        "LLC size unknown: bandwidth buffer is the {} MiB minimum, which a "
        "cache larger than {} MiB could partly hold",
        kMinBandwidthBufferBytes >> 20,
        (kMinBandwidthBufferBytes / kBandwidthBufferLlcMultiple) >> 20));
  }
  const auto cap_bytes = static_cast<uint64_t>(
      static_cast<double>(options.available_bytes) * options.max_ram_fraction);
  if (options.available_bytes > 0 && cap_bytes < size_bytes) {
    notes.push_back(fmt::format(
        "bandwidth buffer capped at {} MiB ({} of available RAM) instead of "
        "{} MiB: caches may inflate the bandwidth",
        cap_bytes >> 20, options.max_ram_fraction, size_bytes >> 20));
    size_bytes = cap_bytes;
  }
  return RoundUp(std::max<uint64_t>(size_bytes, kHugePageBytes),
                 kHugePageBytes);
}

BandwidthBuffer::BandwidthBuffer(uint64_t size_bytes, int n_touch_threads)
    : size_bytes_(RoundUp(std::max<uint64_t>(size_bytes, 1), kHugePageBytes)) {
  data_ = static_cast<std::byte*>(std::aligned_alloc(
      static_cast<size_t>(kHugePageBytes), static_cast<size_t>(size_bytes_)));
  if (data_ == nullptr) {
    error_ = fmt::format(
        "cannot allocate bandwidth buffer: '{}' bytes "
        "(expected that much free memory)",
        size_bytes_);
    size_bytes_ = 0;
    return;
  }
  // Only a hint: without THP the pages are 4 KiB and the passes pay more
  // TLB misses, which memory-bound kernels pay too.
  madvise(data_, size_bytes_, MADV_HUGEPAGE);
  touch_s_ = Touch(data_, size_bytes_, std::max(1, n_touch_threads));
}

BandwidthBuffer::~BandwidthBuffer() { std::free(data_); }

Reading<double> MeasureReadBandwidth(BandwidthBuffer& buffer, int n_threads,
                                     double budget_s, bool pin) {
  if (!buffer.ok()) return Reading<double>::Missing(buffer.error());
  const measure::BestTime best =
      TimeReadPasses(buffer, n_threads, budget_s, pin);
  return static_cast<double>(ReadPassBytes(buffer.size_bytes())) / best.best_s;
}

Reading<double> MeasureTriadBandwidth(BandwidthBuffer& buffer, int n_threads,
                                      double budget_s, bool pin) {
  if (!buffer.ok()) return Reading<double>::Missing(buffer.error());
  const measure::BestTime best =
      TimeTriadPasses(buffer, n_threads, budget_s, pin);
  return static_cast<double>(
             TriadPassBytes(TriadElements(buffer.size_bytes()))) /
         best.best_s;
}

BandwidthResult MeasureBandwidth(BandwidthBuffer& buffer, int n_threads,
                                 double budget_s, bool pin) {
  BandwidthResult result;
  result.n_threads = n_threads;
  result.buffer_bytes = buffer.size_bytes();
  if (!buffer.ok()) {
    result.read_bytes_per_s = Reading<double>::Missing(buffer.error());
    result.triad_bytes_per_s = Reading<double>::Missing(buffer.error());
    return result;
  }
  const measure::BestTime read =
      TimeReadPasses(buffer, n_threads, budget_s / 2, pin);
  const measure::BestTime triad =
      TimeTriadPasses(buffer, n_threads, budget_s / 2, pin);
  result.read_bytes_per_s =
      static_cast<double>(ReadPassBytes(buffer.size_bytes())) / read.best_s;
  result.triad_bytes_per_s =
      static_cast<double>(TriadPassBytes(TriadElements(buffer.size_bytes()))) /
      triad.best_s;
  result.n_repetitions = std::min(read.n_repetitions, triad.n_repetitions);
  result.cpu_share = std::min(read.cpu_share, triad.cpu_share);
  return result;
}

}  // namespace lapbench::probes
