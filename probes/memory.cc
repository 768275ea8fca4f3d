// Reads /proc/meminfo, /proc/swaps and the THP settings below an FsRoot.
#include "probes/memory.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>
#include <sstream>
#include <string_view>
#include <utility>

namespace lapbench::probes {
namespace {

constexpr const char* kMeminfo = "/proc/meminfo";
constexpr const char* kSwaps = "/proc/swaps";
constexpr const char* kThpDir = "/sys/kernel/mm/transparent_hugepage";
constexpr uint64_t kKiB = 1024;

// One "Key: value [kB]" line of /proc/meminfo.
struct MeminfoLine {
  Reading<int64_t> number;
  bool in_kib = false;  // had the "kB" suffix, which means KiB
  std::string text;     // the whole line, for messages
  int line_no = 0;
};

// Every field of /proc/meminfo by key; or, when the file is unreadable,
// no fields and the reason.
struct Meminfo {
  std::map<std::string, MeminfoLine, std::less<>> fields;
  std::string path;
  std::string unreadable_reason;  // empty when the file was read
};

std::string_view Trim(std::string_view text) {
  size_t begin = text.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return {};
  size_t end = text.find_last_not_of(" \t\r");
  return text.substr(begin, end - begin + 1);
}

MeminfoLine ParseMeminfoValue(std::string_view value, std::string line,
                              int line_no, const std::string& path) {
  MeminfoLine out;
  out.text = std::move(line);
  out.line_no = line_no;
  if (value.ends_with(" kB")) {
    out.in_kib = true;
    value = Trim(value.substr(0, value.size() - 3));
  }
  int64_t number = 0;
  if (ParseInt64(value, number) && number >= 0) {
    out.number = number;
  } else {
    out.number = Reading<int64_t>::Missing(fmt::format(
        "'{}' line {}: '{}' (expected a non-negative integer, optionally "
        "followed by kB)",
        path, line_no, out.text));
  }
  return out;
}

// Splits meminfo into fields; a line with no colon becomes a warning.
Meminfo ReadMeminfo(const FsRoot& root, std::vector<std::string>& warnings) {
  Meminfo meminfo;
  meminfo.path = root.Resolve(kMeminfo).string();
  Reading<std::string> text = root.ReadText(meminfo.path);
  if (!text) {
    meminfo.unreadable_reason = text.reason();
    return meminfo;
  }
  std::istringstream in(*text);
  int line_no = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_no;
    size_t colon = line.find(':');
    if (colon == std::string::npos) {
      if (!Trim(line).empty()) {
        warnings.push_back(
            fmt::format("'{}' line {}: '{}' (expected Key: "
                        "value)",
                        meminfo.path, line_no, line));
      }
      continue;
    }
    std::string key(Trim(std::string_view(line).substr(0, colon)));
    std::string_view value = Trim(std::string_view(line).substr(colon + 1));
    meminfo.fields[key] = ParseMeminfoValue(value, line, line_no, meminfo.path);
  }
  return meminfo;
}

// The line for `key`, or the reason there is none.
const MeminfoLine* FindField(const Meminfo& meminfo, std::string_view key,
                             std::string& reason) {
  if (!meminfo.unreadable_reason.empty()) {
    reason = meminfo.unreadable_reason;
    return nullptr;
  }
  auto it = meminfo.fields.find(key);
  if (it == meminfo.fields.end()) {
    reason = fmt::format("'{}' has no {} line", meminfo.path, key);
    return nullptr;
  }
  return &it->second;
}

// A size field ("MemTotal: 16302048 kB") in bytes.
Reading<uint64_t> SizeBytes(const Meminfo& meminfo, std::string_view key) {
  std::string reason;
  const MeminfoLine* line = FindField(meminfo, key, reason);
  if (line == nullptr) return Reading<uint64_t>::Missing(reason);
  if (!line->number) return MissingLike<uint64_t>(line->number);
  uint64_t kib = static_cast<uint64_t>(*line->number);
  if (!line->in_kib || kib > std::numeric_limits<uint64_t>::max() / kKiB) {
    return Reading<uint64_t>::Missing(
        fmt::format("'{}' line {}: '{}' (expected a size in kB)", meminfo.path,
                    line->line_no, line->text));
  }
  return kib * kKiB;
}

// A count field ("HugePages_Total: 0"), which has no unit.
Reading<int64_t> Count(const Meminfo& meminfo, std::string_view key) {
  std::string reason;
  const MeminfoLine* line = FindField(meminfo, key, reason);
  if (line == nullptr) return Reading<int64_t>::Missing(reason);
  if (line->number && line->in_kib) {
    return Reading<int64_t>::Missing(
        fmt::format("'{}' line {}: '{}' (expected a page count, no unit)",
                    meminfo.path, line->line_no, line->text));
  }
  return line->number;
}

// The selected choice of a THP setting file ("always [madvise] never").
Reading<std::string> ThpChoice(const FsRoot& root, std::string_view name) {
  std::filesystem::path dir = root.Resolve(kThpDir);
  if (!root.Exists(dir)) {
    return Reading<std::string>::Missing(fmt::format(
        "'{}' does not exist (kernel built without transparent huge pages)",
        dir.string()));
  }
  std::filesystem::path path = dir / std::string(name);
  Reading<std::string> text = root.ReadText(path);
  if (!text) return text;
  Reading<std::string> choice = BracketedChoice(*text);
  if (choice && !choice->empty()) return choice;
  return Reading<std::string>::Missing(
      fmt::format("'{}' holds '{}' (expected one [selected] choice)",
                  path.string(), *text));
}

// "zram", "disk", "zram+disk" or "none", from /proc/swaps. zram swap is
// compressed RAM, not extra capacity, so the report tells the two apart.
Reading<std::string> SwapKind(const FsRoot& root) {
  std::filesystem::path path = root.Resolve(kSwaps);
  Reading<std::string> text = root.ReadText(path);
  if (!text) return text;
  bool zram = false;
  bool other = false;
  std::istringstream in(*text);
  std::string line;
  std::getline(in, line);  // the "Filename Type Size..." header
  while (std::getline(in, line)) {
    std::string_view device = Trim(line);
    if (device.empty()) continue;
    device = device.substr(0, device.find_first_of(" \t"));
    (device.starts_with("/dev/zram") ? zram : other) = true;
  }
  if (zram && other) return std::string("zram+disk");
  if (zram) return std::string("zram");
  return std::string(other ? "disk" : "none");
}

std::string GiBText(uint64_t bytes) {
  constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;
  return fmt::format("{:.1f} GiB", static_cast<double>(bytes) / kGiB);
}

// Chooses the planning figure: MemAvailable, the kernel's own estimate of
// what a new workload can take without swapping. hwloc's NUMA sizes come
// from /sys/devices/system/node and undercount on some VMs, so they are
// reported beside it, never planned with.
void ChoosePlanningFigure(const Topology& topology, MemoryInfo& out) {
  if (out.available_bytes) {
    out.planning_bytes = out.available_bytes;
    out.used_for_planning =
        "meminfo MemAvailable: the kernel's estimate of memory a new "
        "workload can use without swapping";
  } else {
    out.planning_bytes = MissingLike<uint64_t>(out.available_bytes);
    out.used_for_planning =
        fmt::format("none: MemAvailable could not be read ({})",
                    out.available_bytes.reason());
  }
  if (!out.total_bytes || !out.hwloc_numa_bytes) return;

  // More than this relative difference between MemTotal and hwloc's NUMA
  // total means one of them misses memory; small gaps are kernel
  // reservations counted differently.
  constexpr double kDisagreeFraction = 0.10;
  double meminfo_bytes = static_cast<double>(*out.total_bytes);
  double hwloc_bytes = static_cast<double>(*out.hwloc_numa_bytes);
  if (std::abs(hwloc_bytes - meminfo_bytes) <=
      kDisagreeFraction * meminfo_bytes) {
    return;
  }
  out.warnings.push_back(fmt::format(
      "hwloc's NUMA memory ({}, topology {}) and /proc/meminfo MemTotal ({}) "
      "differ by more than 10%: lapbench plans with meminfo MemAvailable",
      GiBText(*out.hwloc_numa_bytes), topology.source,
      GiBText(*out.total_bytes)));
}

}  // namespace

MemoryInfo ProbeMemory(const FsRoot& root, const Topology& topology) {
  MemoryInfo out;
  Meminfo meminfo = ReadMeminfo(root, out.warnings);
  out.total_bytes = SizeBytes(meminfo, "MemTotal");
  out.available_bytes = SizeBytes(meminfo, "MemAvailable");
  out.swap_total_bytes = SizeBytes(meminfo, "SwapTotal");
  out.swap_free_bytes = SizeBytes(meminfo, "SwapFree");
  out.swap_kind = SwapKind(root);
  out.hugepage_size_bytes = SizeBytes(meminfo, "Hugepagesize");
  out.hugepages_total = Count(meminfo, "HugePages_Total");
  out.thp_enabled = ThpChoice(root, "enabled");
  out.thp_defrag = ThpChoice(root, "defrag");
  out.hwloc_numa_bytes = topology.total_numa_memory_bytes;
  ChoosePlanningFigure(topology, out);
  return out;
}

}  // namespace lapbench::probes
