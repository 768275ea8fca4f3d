// Tests reading peak and current RSS from /proc/PID/status text, and the
// memory promise check.
#include "engine/rss.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace lapbench::engine {
namespace {

namespace fs = std::filesystem;

constexpr uint64_t kKiB = 1024;
constexpr uint64_t kMiB = kKiB * 1024;
constexpr uint64_t kGiB = kMiB * 1024;

fs::path Fixture(const std::string& name) {
  return fs::path(LAPBENCH_FIXTURES_DIR) / "proc_status" / name;
}

TEST_CASE(
    "Peak, current, anonymous and file RSS are read from a status "
    "file",
    "[engine][rss]") {
  RssReading rss = ReadRss(Fixture("python-after-free.txt"));
  REQUIRE(rss.peak_bytes == 218120 * kKiB);
  REQUIRE(rss.current_bytes == 64692 * kKiB);
  REQUIRE(rss.anon_bytes == 58072 * kKiB);
  REQUIRE(rss.file_bytes == 6620 * kKiB);
}

TEST_CASE(
    "A status file without the RSS split still gives peak and "
    "current",
    "[engine][rss]") {
  RssReading rss = ReadRss(Fixture("no-rss-split.txt"));
  REQUIRE(rss.peak_bytes == 218120 * kKiB);
  REQUIRE(rss.current_bytes == 64692 * kKiB);
  REQUIRE(!rss.anon_bytes.has_value());
  REQUIRE(!rss.file_bytes.has_value());
}

TEST_CASE("Missing, incomplete or malformed status files are clear errors",
          "[engine][rss]") {
  fs::path missing = Fixture("absent.txt");
  REQUIRE_THROWS_WITH(ReadRss(missing), "cannot read process status: '" +
                                            missing.string() +
                                            "' (No such file or directory)");
  fs::path no_hwm = Fixture("no-vmhwm.txt");
  REQUIRE_THROWS_WITH(ReadRss(no_hwm), "no VmHWM line in process status: '" +
                                           no_hwm.string() +
                                           "' (expected 'VmHWM: <n> kB')");
  fs::path kernel_thread = Fixture("kernel-thread.txt");
  REQUIRE_THROWS_AS(ReadRss(kernel_thread), RssError);
  fs::path bad_number = Fixture("bad-number.txt");
  REQUIRE_THROWS_WITH(ReadRss(bad_number), "VmRSS on line 23 of '" +
                                               bad_number.string() +
                                               "': '646x2 kB' (expected '<n> "
                                               "kB')");
  fs::path bad_unit = Fixture("bad-unit.txt");
  REQUIRE_THROWS_WITH(ReadRss(bad_unit), "VmHWM on line 22 of '" +
                                             bad_unit.string() +
                                             "': '218120 MB' (expected '<n> "
                                             "kB')");
}

TEST_CASE(
    "This process's peak RSS covers memory it touched and resets to "
    "the current RSS",
    "[engine][rss]") {
  constexpr size_t kTouched = 64 * kMiB;
  // The kernel keeps RSS in per-CPU counters that it folds in batches, so
  // a reading can lag the truth by a few hundred KiB (36 KiB seen here).
  constexpr uint64_t kCounterSlackBytes = 4 * kMiB;
  RssReading before = ReadRss();
  REQUIRE(before.peak_bytes >= before.current_bytes);
  REQUIRE(before.current_bytes > 0);
  {
    std::vector<char> block(kTouched, 1);  // written, so resident
    // Lets the block escape so the compiler cannot drop the allocation.
    asm volatile("" : : "r"(block.data()) : "memory");
    RssReading during = ReadRss();
    REQUIRE(during.current_bytes + kCounterSlackBytes >=
            before.current_bytes + kTouched);
    REQUIRE(during.peak_bytes >= during.current_bytes);
  }
  RssReading after = ReadRss();
  REQUIRE(after.peak_bytes + kCounterSlackBytes >=
          before.current_bytes + kTouched);
  if (!ResetPeakRss()) {
    WARN("/proc/self/clear_refs refused the peak reset; not checked");
    return;
  }
  // The peak comes back to the current RSS, whatever the allocator did
  // with the freed block (a sanitizer's allocator keeps it resident).
  RssReading reset = ReadRss();
  REQUIRE(reset.peak_bytes <= reset.current_bytes + kCounterSlackBytes);
}

TEST_CASE(
    "The memory promise allows 1.1 x the file plus KV cache and "
    "scratch",
    "[engine][rss]") {
  // 4 GiB file: limit 4 GiB + 409.6 MiB (truncated to whole bytes) +
  // 256 MiB + 64 MiB = 4.7125 GiB.
  uint64_t limit = 4 * kGiB + 4 * kGiB / 10 + 256 * kMiB + 64 * kMiB;
  RssPromise kept = CheckRssPromise(limit, 4 * kGiB, 256 * kMiB, 64 * kMiB);
  REQUIRE(kept.limit_bytes == limit);
  REQUIRE(kept.kept);
  REQUIRE(kept.Message() ==
          "peak RSS 4.71 GiB within the promised 4.71 GiB (1.1 x file 4.00 "
          "GiB + KV cache 256.0 MiB + scratch 64.0 MiB)");
  RssPromise broken =
      CheckRssPromise(limit + 1, 4 * kGiB, 256 * kMiB, 64 * kMiB);
  REQUIRE(!broken.kept);
  REQUIRE(broken.Message().starts_with("peak RSS 4.71 GiB over the promised"));
}

}  // namespace
}  // namespace lapbench::engine
