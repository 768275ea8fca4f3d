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

// A text that goes with a reading (the sensor it came from, the file it
// was read from) and is empty when that reading is missing: as a Reading
// that is missing for the same reason, so it too becomes null beside a
// reason rather than a bare null.
template <typename T>
Reading<std::string> TextBeside(const std::string& text, const Reading<T>& of) {
  if (text.empty()) return MissingLike<std::string>(of);
  return text;
}

}  // namespace lapbench::probes
