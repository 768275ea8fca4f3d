// The stop flag of a run and the signal handlers that set it.
#include "harness/stop_signal.h"

#include <fmt/format.h>

#include <atomic>

namespace lapbench::harness {
namespace {

// Lock-free, so the handler may store to it.
std::atomic<int> g_stop_signal{0};
static_assert(std::atomic<int>::is_always_lock_free);

extern "C" void OnStopSignal(int signal) { RequestStop(signal); }

struct sigaction StopAction() {
  struct sigaction action {};
  action.sa_handler = OnStopSignal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESETHAND;
  return action;
}

}  // namespace

StopOnSignals::StopOnSignals() {
  ClearStop();
  const struct sigaction action = StopAction();
  sigaction(SIGINT, &action, &old_int_);
  sigaction(SIGTERM, &action, &old_term_);
}

StopOnSignals::~StopOnSignals() {
  sigaction(SIGINT, &old_int_, nullptr);
  sigaction(SIGTERM, &old_term_, nullptr);
}

void RequestStop(int signal) { g_stop_signal.store(signal); }
void ClearStop() { g_stop_signal.store(0); }
bool StopRequested() { return g_stop_signal.load() != 0; }
int StopSignal() { return g_stop_signal.load(); }

std::string StopReason() {
  switch (StopSignal()) {
    case 0:
      return "";
    case SIGINT:
      return "interrupted by SIGINT";
    case SIGTERM:
      return "terminated by SIGTERM";
    default:
      return fmt::format("stopped by signal {}", StopSignal());
  }
}

}  // namespace lapbench::harness
