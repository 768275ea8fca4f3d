// Whether the machine's read bandwidth held between two measurements of
// one run: `lapbench model bench` measures it before loading the model and
// again after decode, because the roofline divides by the first one.
#pragma once

#include <optional>
#include <string>

namespace lapbench::harness {

// Relative change beyond which the two measurements disagree: run-to-run
// noise of the best-segment read bandwidth on an idle machine stays well
// inside it, while a thread moved to another kind of core (a laptop's
// efficiency cores, a VM's vCPU put on a busy or shared core) or a
// memory-heavy neighbour moves it by far more.
inline constexpr double kBandwidthDriftLimit = 0.15;

// after / before - 1, or nothing when either measurement is missing (<= 0).
std::optional<double> BandwidthDrift(double before_bytes_per_s,
                                     double after_bytes_per_s);

// A note for the report when the drift is beyond kBandwidthDriftLimit,
// giving both figures and what it means for the roofline; nothing when
// the measurements agree or one is missing.
std::optional<std::string> BandwidthDriftNote(double before_bytes_per_s,
                                              double after_bytes_per_s);

}  // namespace lapbench::harness
