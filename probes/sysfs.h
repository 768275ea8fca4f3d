// Reads one-value text files (sysfs, procfs) below a chosen filesystem root.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "probes/reading.h"

namespace lapbench::probes {

// A filesystem root to probe: "/" on a live machine, or a fixture tree laid
// out like one (`<root>/sys/class/thermal/...`, `<root>/proc/meminfo`).
// Every reader distinguishes a missing file, a permission error, a read
// error and unparsable content, and names the file in the reason.
class FsRoot {
 public:
  explicit FsRoot(std::filesystem::path root = "/");

  // `absolute` is a path as on a live system ("/sys/class/hwmon"); the
  // result is that path below this root.
  std::filesystem::path Resolve(std::string_view absolute) const;
  const std::filesystem::path& root() const { return root_; }
  bool IsLive() const { return root_ == "/"; }

  // Whole file contents, with leading and trailing whitespace removed.
  Reading<std::string> ReadText(const std::filesystem::path& path) const;
  // A decimal integer file (sign allowed); anything else is a reason.
  Reading<int64_t> ReadInt(const std::filesystem::path& path) const;
  // A hexadecimal file such as "0x8086".
  Reading<uint64_t> ReadHex(const std::filesystem::path& path) const;
  // The last component of a symlink's target (a driver's name, say).
  Reading<std::string> ReadLinkName(const std::filesystem::path& path) const;
  // Names of the entries of `dir` that start with `prefix`, sorted
  // naturally (hwmon2 before hwmon10); empty when `dir` is missing.
  std::vector<std::string> List(const std::filesystem::path& dir,
                                std::string_view prefix = "") const;
  bool Exists(const std::filesystem::path& path) const;

 private:
  std::filesystem::path root_;
};

// Parses a whole string as a decimal integer; false on any stray character.
bool ParseInt64(std::string_view text, int64_t& out);

// The token in square brackets of a choice list, "always [madvise] never".
Reading<std::string> BracketedChoice(std::string_view text);

}  // namespace lapbench::probes
