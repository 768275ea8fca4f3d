// Writes probe Readings into JSON: a value, or null beside its reason.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "probes/reading.h"

namespace lapbench::probes {

// Sets obj[key] to the reading's value; when it is missing, sets obj[key] to
// null and obj[key + "_reason"] to why, so no field is ever omitted.
template <typename T>
void PutReading(nlohmann::json& obj, std::string_view key,
                const Reading<T>& reading) {
  std::string name(key);
  if (reading.has_value()) {
    obj[name] = reading.value();
    return;
  }
  obj[name] = nullptr;
  obj[name + "_reason"] = reading.reason();
}

}  // namespace lapbench::probes
