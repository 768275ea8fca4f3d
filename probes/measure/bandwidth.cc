// Sustained memory bandwidth: read and STREAM triad over a touched buffer.
#include <emmintrin.h>
#include <fmt/format.h>
#include <sys/mman.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <functional>
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
// Each pass over the buffer is timed in this many segments, and the
// fastest segment is kept. A segment is then at least one LLC in size
// (the buffer is 8x the LLC) and its data was last touched a whole pass
// ago, so it comes from memory; several samples per pass let a best-of
// work even when only one pass fits in the budget, as on multi-GiB
// buffers.
constexpr int kSegmentsPerPass = static_cast<int>(kBandwidthBufferLlcMultiple);
// Passes over a multi-GiB buffer are slow; ten are plenty for a best-of.
constexpr int kMaxBandwidthPasses = 10;
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

// Streams read at once by one thread. A core's prefetchers track each
// sequential stream separately, and on some cores (Intel's server cores
// among them) one stream alone reaches well under what the core can pull
// from memory: a matrix-vector kernel reading a tile of rows does better
// than such a reader, and its fraction of "the bandwidth" would exceed 1.
// Four streams match the row tiles of the kernels.
constexpr uint64_t kReadStreams = 4;

// Sums the 16-byte words of one 64-byte line into `acc`.
inline __m128i AddLine(__m128i acc, const __m128i* line) {
  acc = _mm_add_epi64(acc, _mm_load_si128(line));
  acc = _mm_add_epi64(acc, _mm_load_si128(line + 1));
  acc = _mm_add_epi64(acc, _mm_load_si128(line + 2));
  return _mm_add_epi64(acc, _mm_load_si128(line + 3));
}

// Sums 64-bit words over [p, p + n_lines lines) as kReadStreams equal
// sequential streams read side by side (the remainder lines last), one
// SSE2 accumulator per stream so the streams never wait for each other.
uint64_t ReadLines(const std::byte* p, uint64_t n_lines) {
  const auto* lines = reinterpret_cast<const __m128i*>(p);
  constexpr uint64_t kWordsPerLine = kLineBytes / sizeof(__m128i);
  const uint64_t per_stream = n_lines / kReadStreams;
  __m128i acc[kReadStreams] = {};
  for (uint64_t line = 0; line < per_stream; ++line) {
    for (uint64_t s = 0; s < kReadStreams; ++s) {
      acc[s] = AddLine(acc[s], lines + (s * per_stream + line) * kWordsPerLine);
    }
  }
  for (uint64_t line = per_stream * kReadStreams; line < n_lines; ++line) {
    acc[0] = AddLine(acc[0], lines + line * kWordsPerLine);
  }
  __m128i sum = acc[0];
  for (uint64_t s = 1; s < kReadStreams; ++s) sum = _mm_add_epi64(sum, acc[s]);
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

// The fastest segment seen over one or more passes.
struct SegmentRate {
  double bytes_per_s = 0;
  double cpu_share = 1;
  int n_segments = 0;
};

// Runs whole passes of kSegmentsPerPass timed segments, at least one pass
// and more while `budget_s` lasts, keeping the fastest segment.
// run_segment(k) runs segment k of a pass and sets the bytes it moved.
SegmentRate BestSegment(
    double budget_s,
    const std::function<measure::RunTime(int, uint64_t&)>& run_segment) {
  const measure::Clock::time_point start = measure::Clock::now();
  SegmentRate best;
  for (int pass = 1; pass <= kMaxBandwidthPasses; ++pass) {
    for (int k = 0; k < kSegmentsPerPass; ++k) {
      uint64_t bytes = 0;
      const measure::RunTime run = run_segment(k, bytes);
      ++best.n_segments;
      const double rate = static_cast<double>(bytes) / run.wall_s;
      if (rate > best.bytes_per_s) {
        best.bytes_per_s = rate;
        best.cpu_share = run.cpu_share;
      }
    }
    // Expect the next pass to take as long as the average so far.
    const double spent_s = measure::SecondsSince(start);
    if (spent_s * (pass + 1) / pass > budget_s) break;
  }
  return best;
}

SegmentRate TimeReadPasses(BandwidthBuffer& buffer, int n_threads,
                           double budget_s, bool pin) {
  const uint64_t n_lines = buffer.size_bytes() / kLineBytes;
  std::vector<uint64_t> sums(static_cast<size_t>(n_threads) * 8);
  return BestSegment(budget_s, [&](int k, uint64_t& bytes) {
    const Slice seg = SliceOf(n_lines, kSegmentsPerPass, k);
    bytes = ReadPassBytes((seg.end - seg.begin) * kLineBytes);
    const measure::RunTime run =
        measure::RunTogether(n_threads, pin, [&](int i) {
          const Slice s = SliceOf(seg.end - seg.begin, n_threads, i);
          // One sum per 64-byte line: no false sharing between threads.
          sums[static_cast<size_t>(i) * 8] =
              ReadLines(buffer.data() + (seg.begin + s.begin) * kLineBytes,
                        s.end - s.begin);
        });
    for (uint64_t sum : sums) measure::Consume(static_cast<double>(sum));
    return run;
  });
}

SegmentRate TimeTriadPasses(BandwidthBuffer& buffer, int n_threads,
                            double budget_s, bool pin) {
  // Three arrays of n doubles each, one after the other: [a | b | c].
  const uint64_t n = TriadElements(buffer.size_bytes());
  auto* a = reinterpret_cast<double*>(buffer.data());
  const double* b = a + n;
  const double* c = b + n;
  return BestSegment(budget_s, [&](int k, uint64_t& bytes) {
    const Slice seg = SliceOf(n / kDoublesPerLine, kSegmentsPerPass, k);
    bytes = TriadPassBytes((seg.end - seg.begin) * kDoublesPerLine);
    const measure::RunTime run =
        measure::RunTogether(n_threads, pin, [&](int i) {
          const Slice s = SliceOf(seg.end - seg.begin, n_threads, i);
          const uint64_t first = (seg.begin + s.begin) * kDoublesPerLine;
          TriadLines(a + first, b + first, c + first,
                     (s.end - s.begin) * kDoublesPerLine);
        });
    measure::Consume(a[seg.begin * kDoublesPerLine]);
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
  if (size_bytes > kMaxBandwidthBufferBytes) {
    notes.push_back(fmt::format(
        "bandwidth buffer capped at {} MiB instead of {} MiB ({}x the "
        "reported {} MiB LLC): only {:.1f}x that cache",
        kMaxBandwidthBufferBytes >> 20, size_bytes >> 20,
        kBandwidthBufferLlcMultiple, options.llc_bytes >> 20,
        static_cast<double>(kMaxBandwidthBufferBytes) /
            static_cast<double>(options.llc_bytes)));
    size_bytes = kMaxBandwidthBufferBytes;
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
  return TimeReadPasses(buffer, n_threads, budget_s, pin).bytes_per_s;
}

Reading<double> MeasureTriadBandwidth(BandwidthBuffer& buffer, int n_threads,
                                      double budget_s, bool pin) {
  if (!buffer.ok()) return Reading<double>::Missing(buffer.error());
  return TimeTriadPasses(buffer, n_threads, budget_s, pin).bytes_per_s;
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
  const SegmentRate read = TimeReadPasses(buffer, n_threads, budget_s / 2, pin);
  const SegmentRate triad =
      TimeTriadPasses(buffer, n_threads, budget_s / 2, pin);
  result.read_bytes_per_s = read.bytes_per_s;
  result.triad_bytes_per_s = triad.bytes_per_s;
  result.n_repetitions = std::min(read.n_segments, triad.n_segments);
  result.cpu_share = std::min(read.cpu_share, triad.cpu_share);
  return result;
}

}  // namespace lapbench::probes
