// The stop request of a run: SIGINT and SIGTERM set a flag that the case
// runner checks between steps, so a run ends with a partial report
// instead of dying mid-write.
#pragma once

#include <csignal>
#include <string>

namespace lapbench::harness {

// While alive, SIGINT and SIGTERM (installed with sigaction, SA_RESETHAND)
// request a stop instead of ending the process; a second signal of the
// same kind gets the default action and ends it. The destructor restores
// the earlier handlers. Clears any earlier request.
class StopOnSignals {
 public:
  StopOnSignals();
  ~StopOnSignals();
  StopOnSignals(const StopOnSignals&) = delete;
  StopOnSignals& operator=(const StopOnSignals&) = delete;

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

// What the handler does: records `signal` as the stop request.
void RequestStop(int signal);
// Forgets the stop request.
void ClearStop();
// Whether a stop was requested.
bool StopRequested();
// The signal of the request; 0 when none.
int StopSignal();
// "interrupted by SIGINT", "terminated by SIGTERM" or "stopped by signal
// N"; empty when no stop was requested.
std::string StopReason();

}  // namespace lapbench::harness
