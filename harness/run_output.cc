// The files, progress text and summary table of a run.
#include "harness/run_output.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace lapbench::harness {
namespace fs = std::filesystem;

namespace {

[[noreturn]] void ThrowWriteError(const fs::path& path) {
  throw std::runtime_error(
      fmt::format("cannot write: '{}' (expected a "
                  "writable file: {})",
                  path.string(), std::strerror(errno)));
}

// Opens `path` with `flags`, writes all of `text`, fsyncs and closes.
void WriteAndSync(const fs::path& path, int flags, std::string_view text) {
  const int fd = ::open(path.c_str(), flags | O_WRONLY | O_CLOEXEC, 0644);
  if (fd < 0) ThrowWriteError(path);
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      ThrowWriteError(path);
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) ThrowWriteError(path);
}

std::string Fixed(double value, int decimals) {
  return fmt::format("{:.{}f}", value, decimals);
}

// The median of `m` with its interval, "512.3 [505.1, 519.0]", or "-".
std::string WithInterval(const reports::Metric& m, int decimals) {
  if (m.summary.n == 0) return "-";
  return fmt::format("{} [{}, {}]", Fixed(m.summary.median, decimals),
                     Fixed(m.summary.ci_low, decimals),
                     Fixed(m.summary.ci_high, decimals));
}

std::string MedianOf(const reports::Metric& m, int decimals) {
  return m.summary.n == 0 ? "-" : Fixed(m.summary.median, decimals);
}

using Row = std::array<std::string, 11>;

Row SummaryRow(const reports::CaseResult& c) {
  const reports::CaseMetrics& m = c.metrics;
  const std::string status(reports::CaseStatusName(c.status));
  return {std::to_string(c.spec.id),
          c.spec.model,
          c.spec.format,
          c.spec.variant,
          std::to_string(c.spec.threads),
          WithInterval(m.decode_tokens_per_s, 1),
          MedianOf(m.prefill_tokens_per_s, 1),
          MedianOf(m.ttft_ms, 1),
          MedianOf(m.decode_latency_p99_ms, 2),
          m.peak_rss_bytes.summary.n == 0
              ? "-"
              : Fixed(m.peak_rss_bytes.summary.median / (1 << 20), 0),
          c.reason.empty() ? status : status + ": " + c.reason};
}

}  // namespace

void WriteFileAtomic(const fs::path& path, std::string_view text) {
  const fs::path temp = path.string() + ".tmp";
  WriteAndSync(temp, O_CREAT | O_TRUNC, text);
  std::error_code error;
  fs::rename(temp, path, error);
  if (error) {
    errno = error.value();
    ThrowWriteError(path);
  }
}

void AppendLineDurably(const fs::path& path, std::string_view line) {
  WriteAndSync(path, O_CREAT | O_APPEND, std::string(line) + "\n");
}

void StatusLine::Show(std::string_view text) {
  if (!terminal_) return;
  fmt::print(out_, "\r\033[K{}", text);
  std::fflush(out_);
  showing_ = true;
}

void StatusLine::Print(std::string_view line) {
  Clear();
  fmt::print(out_, "{}\n", line);
  std::fflush(out_);
}

void StatusLine::Clear() {
  if (!showing_) return;
  fmt::print(out_, "\r\033[K");
  showing_ = false;
}

fs::path DefaultOutDir(const std::string& suite_name) {
  std::string stamp = reports::UtcNow();  // 2026-12-04T09:12:00Z
  std::erase(stamp, '-');
  std::erase(stamp, ':');
  return fs::path("results") / (stamp + "-" + suite_name);
}

std::string CaseLabel(const PlannedCase& planned, int index, int count) {
  return fmt::format("case {}/{}  {} {} {} t={}", index, count,
                     planned.spec.model, planned.format, planned.variant,
                     planned.n_threads);
}

std::string CaseOutcome(const reports::CaseResult& result) {
  const reports::CaseMetrics& m = result.metrics;
  if (result.status == reports::CaseStatus::kMeasured) {
    if (result.throttle && result.throttle->analysis.n_burst_samples > 0) {
      const reports::ThrottleAnalysis& a = result.throttle->analysis;
      return fmt::format(
          "decode {:.1f} tok/s burst, {:.1f} sustained (ratio {:.3f}, {} "
          "intervals)",
          a.burst_tokens_per_s, a.sustained_tokens_per_s, a.ratio, a.n_samples);
    }
    const reports::Metric& rate = m.decode_tokens_per_s.summary.n > 0
                                      ? m.decode_tokens_per_s
                                      : m.prefill_tokens_per_s;
    return fmt::format(
        "{} {:.1f} tok/s ({} runs)",
        m.decode_tokens_per_s.summary.n > 0 ? "decode" : "prefill",
        rate.summary.median, rate.summary.n);
  }
  return fmt::format("{}: {}", reports::CaseStatusName(result.status),
                     result.reason);
}

std::string SummaryTable(const reports::Report& report) {
  std::vector<Row> rows = {{"case", "model", "format", "variant", "threads",
                            "decode tok/s [95% CI]", "prefill tok/s", "ttft ms",
                            "p99 ms", "peak MiB", "status"}};
  for (const reports::CaseResult& c : report.cases) {
    rows.push_back(SummaryRow(c));
  }
  std::array<size_t, 11> width{};
  for (const Row& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      width[i] = std::max(width[i], row[i].size());
    }
  }
  std::string out;
  for (const Row& row : rows) {
    for (size_t i = 0; i + 1 < row.size(); ++i) {
      out += fmt::format("{:<{}}  ", row[i], width[i]);
    }
    out += row.back() + "\n";
  }
  return out;
}

}  // namespace lapbench::harness
