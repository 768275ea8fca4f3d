// Resident set size of this process (peak and current), from
// /proc/self/status, and the engine's promise on its peak.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>

namespace lapbench::engine {

// A status file that is missing or cannot be parsed. The message names the
// file and, for a bad line, its number.
class RssError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One reading of a process's memory. Mapped weights that are resident count
// in file_bytes; the KV cache and scratch in anon_bytes.
struct RssReading {
  uint64_t peak_bytes = 0;             // VmHWM: highest RSS so far
  uint64_t current_bytes = 0;          // VmRSS
  std::optional<uint64_t> anon_bytes;  // RssAnon (Linux 4.5+)
  std::optional<uint64_t> file_bytes;  // RssFile (Linux 4.5+)
};

// Reads `status_path` (a /proc/PID/status file). Throws RssError when it
// cannot be read, lacks VmHWM or VmRSS, or a value is not "<n> kB".
RssReading ReadRss(
    const std::filesystem::path& status_path = "/proc/self/status");

// Resets this process's VmHWM to its current RSS by writing "5" to
// `clear_refs_path`, so the next peak is that of what runs after. Returns
// false when the kernel refuses (it needs Linux 4.0+).
bool ResetPeakRss(
    const std::filesystem::path& clear_refs_path = "/proc/self/clear_refs");

// The engine's memory promise: peak RSS <= 1.1 x model file size + KV
// cache + scratch. The tenth of the file covers what is not tensor data
// yet resident (metadata, tokenizer, code, allocator slack).
struct RssPromise {
  uint64_t peak_bytes = 0;
  uint64_t limit_bytes = 0;  // file + file / 10 + KV cache + scratch
  bool kept = false;         // peak_bytes <= limit_bytes
  uint64_t file_bytes = 0;
  uint64_t kv_cache_bytes = 0;
  uint64_t scratch_bytes = 0;

  // "peak RSS 4.62 GiB within the promised 4.80 GiB (1.1 x file 4.00
  // GiB + KV cache 256.0 MiB + scratch 128.0 MiB)", or "... over ...".
  std::string Message() const;
};

// Checks `peak_bytes` against the promise for a run of a `file_bytes`
// model file with the given KV cache and scratch.
RssPromise CheckRssPromise(uint64_t peak_bytes, uint64_t file_bytes,
                           uint64_t kv_cache_bytes, uint64_t scratch_bytes);

}  // namespace lapbench::engine
