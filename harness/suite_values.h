// The values a suite dimension accepts, shared by suite files and flags:
// the real name lists (presets, formats, variants, placements, KV types)
// and the ranges of counts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lapbench::harness {

// A dimension whose values are names.
enum class NameKind { kModel, kFormat, kVariant, kPlacement, kKvType };

// The canonical spelling of `name` ("Q4_K" -> "q4_k_m"; a model that is a
// preset name, or any path ending in ".gguf", as given), or nullopt.
std::optional<std::string> CanonicalName(NameKind kind, std::string_view name);

// What `kind` accepts, for an error's "(expected ...)": "one of q4_0, ...".
std::string ExpectedName(NameKind kind);

// Every known name of `kind` (models: the presets), for did-you-mean.
std::vector<std::string_view> KnownNames(NameKind kind);

// A dimension whose values are whole numbers.
enum class CountKind {
  kThreads,       // 1..kMaxThreads, or "all" (kAllThreads)
  kPromptTokens,  // 1..kMaxTokens
  kGenTokens,     // 0..kMaxTokens
};

// Whether `value` is allowed for `kind` (kAllThreads is not: it is only
// spelled "all").
bool CountAllowed(CountKind kind, int64_t value);

// What `kind` accepts: "a whole number from 1 to 1024 or 'all'".
std::string ExpectedCount(CountKind kind);

// `text` as a count of `kind` ("all" for threads), or nullopt when it is
// not a whole number in range.
std::optional<int64_t> ParseCount(CountKind kind, std::string_view text);

}  // namespace lapbench::harness
