// Comparing the read bandwidth measured before and after a run.
#include "harness/bandwidth_drift.h"

#include <fmt/format.h>

#include <cmath>

namespace lapbench::harness {

std::optional<double> BandwidthDrift(double before_bytes_per_s,
                                     double after_bytes_per_s) {
  if (!(before_bytes_per_s > 0) || !(after_bytes_per_s > 0)) {
    return std::nullopt;
  }
  return after_bytes_per_s / before_bytes_per_s - 1.0;
}

std::optional<std::string> BandwidthDriftNote(double before_bytes_per_s,
                                              double after_bytes_per_s) {
  const std::optional<double> drift =
      BandwidthDrift(before_bytes_per_s, after_bytes_per_s);
  if (!drift || std::fabs(*drift) <= kBandwidthDriftLimit) return std::nullopt;
  return fmt::format(
      "read bandwidth {:.2f} GB/s before the run, {:.2f} GB/s after it "
      "({:+.0f}%): the memory speed the threads get changed (threads moved "
      "to other cores, or other load), so the roofline fractions are "
      "indicative only",
      before_bytes_per_s / 1e9, after_bytes_per_s / 1e9, *drift * 100.0);
}

}  // namespace lapbench::harness
