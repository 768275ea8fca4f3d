// Waiting for the CPU to cool between cases.
#include "harness/cooldown.h"

#include <fmt/format.h>

#include <chrono>
#include <thread>

#include "probes/headroom.h"

namespace lapbench::harness {

Cooldown::Cooldown(CooldownOptions options) : options_(std::move(options)) {
  if (!options_.now_s) {
    options_.now_s = [] {
      return std::chrono::duration<double>(
                 std::chrono::steady_clock::now().time_since_epoch())
          .count();
    };
  }
  if (!options_.sleep_s) {
    options_.sleep_s = [](double s) {
      std::this_thread::sleep_for(std::chrono::duration<double>(s));
    };
  }
  idle_c_ = ReadC();
}

std::optional<double> Cooldown::ReadC() {
  const probes::ThermalHeadroom h =
      probes::ProbeThermal(options_.root).headroom;
  if (!h.cpu_temp_mc) {
    reason_ = h.reason.empty() ? h.cpu_temp_mc.reason() : h.reason;
    return std::nullopt;
  }
  return static_cast<double>(*h.cpu_temp_mc) / 1000;
}

CooldownWait Cooldown::Wait(
    const std::function<void(const std::string&)>& progress) {
  CooldownWait wait;
  if (!idle_c_) return wait;
  const auto say = [&progress](const std::string& line) {
    if (progress) progress(line);
  };
  const double start_s = options_.now_s();
  for (;;) {
    wait.waited_s = options_.now_s() - start_s;
    wait.temp_c = ReadC();
    if (wait.temp_c && *wait.temp_c <= target_c()) {
      wait.outcome = CooldownOutcome::kCool;
      return wait;
    }
    if (wait.waited_s >= options_.timeout_s) {
      wait.outcome = CooldownOutcome::kTimedOut;
      say(fmt::format(
          "cooldown: still {} after {:.0f} s (target {:.1f} C); going on",
          wait.temp_c ? fmt::format("{:.1f} C", *wait.temp_c)
                      : "unreadable: " + reason_,
          wait.waited_s, target_c()));
      return wait;
    }
    if (options_.stop && options_.stop()) {
      wait.outcome = CooldownOutcome::kStopped;
      return wait;
    }
    say(fmt::format(
        "cooling down: {}, waiting for {:.1f} C (idle {:.1f} C + {:.1f} C), "
        "{:.0f} s of at most {:.0f} s",
        wait.temp_c ? fmt::format("{:.1f} C", *wait.temp_c) : "unreadable",
        target_c(), *idle_c_, options_.margin_c, wait.waited_s,
        options_.timeout_s));
    options_.sleep_s(options_.poll_s);
  }
}

}  // namespace lapbench::harness
