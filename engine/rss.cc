// Reads VmHWM/VmRSS from /proc/PID/status and checks the memory promise.
#include "engine/rss.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <string_view>

#include "engine/memory_plan.h"

namespace lapbench::engine {
namespace {

constexpr uint64_t kKiB = 1024;

// The value of a "<n> kB" field in bytes, or nullopt when it is not one.
std::optional<uint64_t> ParseKib(std::string_view text) {
  size_t start = text.find_first_not_of(" \t");
  if (start == std::string_view::npos) return std::nullopt;
  text.remove_prefix(start);
  uint64_t kib = 0;
  auto [end, error] =
      std::from_chars(text.data(), text.data() + text.size(), kib);
  if (error != std::errc() ||
      std::string_view(
          end, static_cast<size_t>(text.data() + text.size() - end)) != " kB") {
    return std::nullopt;
  }
  if (kib > UINT64_MAX / kKiB) return std::nullopt;
  return kib * kKiB;
}

// Stores the value of `line` (number `line_number` of `path`) in `out` if
// its key is `key`; throws RssError on a malformed value.
void TakeField(std::string_view line, std::string_view key, int line_number,
               const std::filesystem::path& path,
               std::optional<uint64_t>& out) {
  if (line.size() <= key.size() || line.substr(0, key.size()) != key ||
      line[key.size()] != ':') {
    return;
  }
  std::string_view value = line.substr(key.size() + 1);
  out = ParseKib(value);
  if (out) return;
  size_t start = value.find_first_not_of(" \t");
  throw RssError(
      fmt::format("{} on line {} of '{}': '{}' (expected '<n> kB')", key,
                  line_number, path.string(),
                  start == std::string_view::npos ? "" : value.substr(start)));
}

// Throws RssError for a required field that was not found.
uint64_t Required(const std::optional<uint64_t>& value, std::string_view key,
                  const std::filesystem::path& path) {
  if (value) return *value;
  throw RssError(
      fmt::format("no {} line in process status: '{}' (expected '{}: <n> kB')",
                  key, path.string(), key));
}

}  // namespace

RssReading ReadRss(const std::filesystem::path& status_path) {
  errno = 0;
  std::ifstream in(status_path);
  if (!in) {
    int error = errno;
    throw RssError(fmt::format("cannot read process status: '{}' ({})",
                               status_path.string(),
                               error != 0 ? std::strerror(error) : "unknown"));
  }
  std::optional<uint64_t> hwm, rss, anon, file;
  std::string line;
  for (int line_number = 1; std::getline(in, line); ++line_number) {
    TakeField(line, "VmHWM", line_number, status_path, hwm);
    TakeField(line, "VmRSS", line_number, status_path, rss);
    TakeField(line, "RssAnon", line_number, status_path, anon);
    TakeField(line, "RssFile", line_number, status_path, file);
  }
  return RssReading{Required(hwm, "VmHWM", status_path),
                    Required(rss, "VmRSS", status_path), anon, file};
}

bool ResetPeakRss(const std::filesystem::path& clear_refs_path) {
  int fd = ::open(clear_refs_path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  // 5 resets the peak RSS (VmHWM); see proc(5), /proc/pid/clear_refs.
  bool written = ::write(fd, "5", 1) == 1;
  ::close(fd);
  return written;
}

RssPromise CheckRssPromise(uint64_t peak_bytes, uint64_t file_bytes,
                           uint64_t kv_cache_bytes, uint64_t scratch_bytes) {
  RssPromise promise;
  promise.peak_bytes = peak_bytes;
  promise.limit_bytes =
      file_bytes + file_bytes / 10 + kv_cache_bytes + scratch_bytes;
  promise.kept = peak_bytes <= promise.limit_bytes;
  promise.file_bytes = file_bytes;
  promise.kv_cache_bytes = kv_cache_bytes;
  promise.scratch_bytes = scratch_bytes;
  return promise;
}

std::string RssPromise::Message() const {
  return fmt::format(
      "peak RSS {} {} the promised {} (1.1 x file {} + KV cache {} + scratch "
      "{})",
      FormatSize(peak_bytes), kept ? "within" : "over", FormatSize(limit_bytes),
      FormatSize(file_bytes), FormatSize(kv_cache_bytes),
      FormatSize(scratch_bytes));
}

}  // namespace lapbench::engine
