// `lapbench run --cooldown`: between cases, wait until the hottest CPU
// sensor is back near the temperature it read before the first case, so
// each case starts from about the same thermal state.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "probes/sysfs.h"

namespace lapbench::harness {

// A case may start once the CPU is within this of its idle temperature.
// Laptop package sensors move by 1-3 C between reads at idle (fans, a
// background wakeup), so a tighter margin could wait out the timeout on
// noise alone; 5 C is still well below the 20-40 C a loaded laptop
// gains.
inline constexpr double kCooldownMarginC = 5.0;
// The longest wait: most thin laptops shed a minute of full load in one
// or two minutes; a machine that has not cooled by then is hot for a
// reason waiting will not fix (a warm room, a blocked fan).
inline constexpr double kCooldownTimeoutS = 120.0;
// How often the sensor is read while waiting.
inline constexpr double kCooldownPollS = 1.0;

// How to wait; the clock, the sleep and the output are injectable so
// tests run instantly.
struct CooldownOptions {
  probes::FsRoot root = probes::FsRoot("/");
  double margin_c = kCooldownMarginC;
  double timeout_s = kCooldownTimeoutS;
  double poll_s = kCooldownPollS;
  std::function<double()> now_s;        // default: the steady clock
  std::function<void(double)> sleep_s;  // default: this thread sleeps
  std::function<bool()> stop;           // asked before each sleep
};

// How a wait ended.
enum class CooldownOutcome {
  kCool,      // within the margin (perhaps at once)
  kTimedOut,  // still warmer after timeout_s
  kNoSensor,  // nothing to read: no waiting
  kStopped,   // a stop request
};

struct CooldownWait {
  CooldownOutcome outcome = CooldownOutcome::kNoSensor;
  double waited_s = 0;
  std::optional<double> temp_c;  // the last reading
};

// Reads the idle temperature at construction and waits against it.
class Cooldown {
 public:
  // Reads the hottest CPU sensor below options.root (as
  // probes::ComputeHeadroom picks it) as the idle temperature.
  explicit Cooldown(CooldownOptions options);

  // Whether there is a sensor to wait on; else unavailable_reason says
  // why (say it once: Wait returns kNoSensor at once).
  bool available() const { return idle_c_.has_value(); }
  const std::string& unavailable_reason() const { return reason_; }
  std::optional<double> idle_c() const { return idle_c_; }
  double target_c() const { return idle_c_.value_or(0) + options_.margin_c; }

  // Reads the sensor until it is at most idle + margin, the timeout passes
  // or a stop is requested, sleeping poll_s between reads. `progress` gets
  // a line before each sleep ("cooling down: 78.0 C, waiting for ...")
  // and one on a timeout.
  CooldownWait Wait(
      const std::function<void(const std::string&)>& progress = {});

 private:
  std::optional<double> ReadC();

  CooldownOptions options_;
  std::optional<double> idle_c_;
  std::string reason_;
};

}  // namespace lapbench::harness
