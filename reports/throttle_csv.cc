// The CSV form of a throttle series: one line per interval.
#include <fmt/format.h>

#include <array>
#include <charconv>
#include <cmath>

#include "reports/stats.h"
#include "reports/throttle.h"

namespace lapbench::reports {
namespace {

constexpr std::string_view kThrottleCsvHeader =
    "t_s,tokens_per_s,clock_ghz,cpu_temp_c,trip_c,power_w";
constexpr std::array<const char*, 6> kThrottleColumns = {
    "t_s", "tokens_per_s", "clock_ghz", "cpu_temp_c", "trip_c", "power_w"};

std::string_view TrimLine(std::string_view line) {
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) {
    line.remove_suffix(1);
  }
  return line;
}

// One field: a finite number, or nullopt when empty.
std::optional<double> ParseField(std::string_view field, size_t line_no,
                                 size_t column) {
  if (field.empty()) return std::nullopt;
  double value = 0;
  const auto [end, ec] =
      std::from_chars(field.data(), field.data() + field.size(), value);
  if (ec != std::errc() || end != field.data() + field.size() ||
      !std::isfinite(value)) {
    throw StatsError(fmt::format("line {}: {}: '{}' (expected a number)",
                                 line_no, kThrottleColumns[column], field));
  }
  return value;
}

ThrottleSample ParseRow(std::string_view line, size_t line_no) {
  std::array<std::optional<double>, 6> v;
  size_t column = 0;
  for (size_t start = 0;; ++column) {
    const size_t comma = line.find(',', start);
    if (column >= v.size()) {
      throw StatsError(
          fmt::format("line {}: '{}' (expected 6 fields)", line_no, line));
    }
    v[column] = ParseField(line.substr(start, comma - start), line_no, column);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  if (column != 5 || !v[0] || !v[1]) {
    throw StatsError(fmt::format(
        "line {}: '{}' (expected 6 fields, t_s and tokens_per_s present)",
        line_no, line));
  }
  return {*v[0], *v[1], v[2], v[3], v[4], v[5]};
}

std::string Field(const std::optional<double>& v) {
  return v ? fmt::format("{}", *v) : "";
}

}  // namespace

std::vector<ThrottleSample> ParseThrottleCsv(std::string_view text) {
  std::vector<ThrottleSample> samples;
  size_t line_no = 0;
  while (!text.empty()) {
    const size_t eol = text.find('\n');
    const std::string_view line = TrimLine(text.substr(0, eol));
    text = eol == std::string_view::npos ? "" : text.substr(eol + 1);
    ++line_no;
    if (line_no == 1) {
      if (line != kThrottleCsvHeader) {
        throw StatsError(fmt::format("line 1: '{}' (expected the header {})",
                                     line, kThrottleCsvHeader));
      }
      continue;
    }
    if (!line.empty()) samples.push_back(ParseRow(line, line_no));
  }
  return samples;
}

std::string ToCsv(std::span<const ThrottleSample> samples) {
  std::string out = std::string(kThrottleCsvHeader) + "\n";
  for (const ThrottleSample& s : samples) {
    out += fmt::format("{},{},{},{},{},{}\n", s.t_s, s.tokens_per_s,
                       Field(s.clock_ghz), Field(s.cpu_temp_c), Field(s.trip_c),
                       Field(s.power_w));
  }
  return out;
}

}  // namespace lapbench::reports
