// The error a probe throws when its input (a dump, an XML file) is unusable.
#pragma once

#include <stdexcept>

namespace lapbench::probes {

// An input given to a probe explicitly (--cpuid-dump, --topology-xml) that
// cannot be used. The message names the file and, where known, the line or
// byte offset and what was expected there. Sensors that are merely absent
// are not errors: they are Readings with a reason.
class ProbeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace lapbench::probes
