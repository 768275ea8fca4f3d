// Reads one-value text files (sysfs, procfs) below a chosen filesystem root.
#include "probes/sysfs.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>

namespace lapbench::probes {
namespace fs = std::filesystem;

namespace {

std::string_view Trim(std::string_view text) {
  const char* kSpace = " \t\r\n";
  size_t begin = text.find_first_not_of(kSpace);
  if (begin == std::string_view::npos) return {};
  size_t end = text.find_last_not_of(kSpace);
  return text.substr(begin, end - begin + 1);
}

// Orders "hwmon2" before "hwmon10" by comparing digit runs as numbers.
bool NaturalLess(const std::string& a, const std::string& b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (std::isdigit(static_cast<unsigned char>(a[i])) &&
        std::isdigit(static_cast<unsigned char>(b[j]))) {
      size_t i_end = a.find_first_not_of("0123456789", i);
      size_t j_end = b.find_first_not_of("0123456789", j);
      if (i_end == std::string::npos) i_end = a.size();
      if (j_end == std::string::npos) j_end = b.size();
      uint64_t x = std::stoull(a.substr(i, std::min<size_t>(i_end - i, 18)));
      uint64_t y = std::stoull(b.substr(j, std::min<size_t>(j_end - j, 18)));
      if (x != y) return x < y;
      i = i_end;
      j = j_end;
      continue;
    }
    if (a[i] != b[j]) return a[i] < b[j];
    ++i;
    ++j;
  }
  return a.size() - i < b.size() - j;
}

std::string ErrnoReason(const fs::path& path, int error) {
  switch (error) {
    case ENOENT:
      return fmt::format("'{}' does not exist", path.string());
    case EACCES:
    case EPERM:
      return fmt::format("'{}' is not readable (permission denied)",
                         path.string());
    default:
      return fmt::format("'{}' could not be read: {}", path.string(),
                         std::strerror(error));
  }
}

}  // namespace

FsRoot::FsRoot(fs::path root) : root_(std::move(root)) {}

fs::path FsRoot::Resolve(std::string_view absolute) const {
  std::string_view relative = absolute;
  while (!relative.empty() && relative.front() == '/') {
    relative.remove_prefix(1);
  }
  return root_ / fs::path(relative);
}

Reading<std::string> FsRoot::ReadText(const fs::path& path) const {
  // A directory opens as a stream and reads as empty text: refuse it.
  std::error_code type_error;
  if (fs::is_directory(path, type_error)) {
    return Reading<std::string>::Missing(ErrnoReason(path, EISDIR));
  }
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) return Reading<std::string>::Missing(ErrnoReason(path, errno));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) {
    return Reading<std::string>::Missing(
        ErrnoReason(path, errno ? errno : EIO));
  }
  return std::string(Trim(buffer.str()));
}

bool ParseInt64(std::string_view text, int64_t& out) {
  if (text.empty()) return false;
  const char* first = text.data();
  if (*first == '+') ++first;
  const char* last = text.data() + text.size();
  auto [end, error] = std::from_chars(first, last, out);
  return error == std::errc() && end == last;
}

Reading<int64_t> FsRoot::ReadInt(const fs::path& path) const {
  Reading<std::string> text = ReadText(path);
  if (!text) return MissingLike<int64_t>(text);
  int64_t value = 0;
  if (!ParseInt64(*text, value)) {
    return Reading<int64_t>::Missing(fmt::format(
        "'{}' holds '{}' (expected an integer)", path.string(), *text));
  }
  return value;
}

Reading<uint64_t> FsRoot::ReadHex(const fs::path& path) const {
  Reading<std::string> text = ReadText(path);
  if (!text) return MissingLike<uint64_t>(text);
  std::string_view digits = *text;
  if (digits.starts_with("0x") || digits.starts_with("0X")) {
    digits.remove_prefix(2);
  }
  uint64_t value = 0;
  auto [end, error] =
      std::from_chars(digits.data(), digits.data() + digits.size(), value, 16);
  if (digits.empty() || error != std::errc() ||
      end != digits.data() + digits.size()) {
    return Reading<uint64_t>::Missing(
        fmt::format("'{}' holds '{}' (expected a hexadecimal number)",
                    path.string(), *text));
  }
  return value;
}

Reading<std::string> FsRoot::ReadLinkName(const fs::path& path) const {
  std::error_code error;
  fs::path target = fs::read_symlink(path, error);
  if (error) {
    return Reading<std::string>::Missing(ErrnoReason(path, error.value()));
  }
  return target.filename().string();
}

std::vector<std::string> FsRoot::List(const fs::path& dir,
                                      std::string_view prefix) const {
  std::vector<std::string> names;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(dir, error)) {
    std::string name = entry.path().filename().string();
    if (name.starts_with(prefix)) names.push_back(std::move(name));
  }
  std::sort(names.begin(), names.end(), NaturalLess);
  return names;
}

bool FsRoot::Exists(const fs::path& path) const {
  std::error_code error;
  return fs::exists(fs::symlink_status(path, error));
}

Reading<std::string> BracketedChoice(std::string_view text) {
  size_t open = text.find('[');
  size_t close = text.find(']', open == std::string_view::npos ? 0 : open);
  if (open == std::string_view::npos || close == std::string_view::npos) {
    return Reading<std::string>::Missing(
        fmt::format("'{}' has no [selected] choice", text));
  }
  return std::string(text.substr(open + 1, close - open - 1));
}

}  // namespace lapbench::probes
