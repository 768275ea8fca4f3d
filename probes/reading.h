// A probed value, or the short reason it could not be read.
#pragma once

#include <optional>
#include <string>
#include <utility>

namespace lapbench::probes {

// Holds either a value read from the machine or the reason it is missing.
// Every probe field that can fail to read is a Reading, so a report never
// silently omits a field or turns "unknown" into zero.
template <typename T>
class Reading {
 public:
  // A missing reading whose reason is that nobody looked yet.
  Reading() : reason_("not probed") {}
  // A present reading.
  Reading(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design

  // A missing reading with the reason it is missing.
  static Reading Missing(std::string reason) {
    Reading r;
    r.reason_ = std::move(reason);
    return r;
  }

  bool has_value() const { return value_.has_value(); }
  explicit operator bool() const { return has_value(); }
  // Precondition: has_value().
  const T& value() const { return *value_; }
  const T& operator*() const { return *value_; }
  const T* operator->() const { return &*value_; }
  // The value, or `fallback` when missing.
  T value_or(T fallback) const { return value_.value_or(std::move(fallback)); }
  // Empty when the value is present.
  const std::string& reason() const { return reason_; }

 private:
  std::optional<T> value_;
  std::string reason_;
};

// Carries the reason of `from` into a missing Reading of another type.
template <typename T, typename U>
Reading<T> MissingLike(const Reading<U>& from) {
  return Reading<T>::Missing(from.reason());
}

}  // namespace lapbench::probes
