// The values a suite dimension accepts, from the engine's and kernels' own
// name lists so a suite can never name something the code lacks.
#include "harness/suite_values.h"

#include <fmt/format.h>

#include <charconv>

#include "engine/placement.h"
#include "engine/synth/presets.h"
#include "engine/synth/tensor_types.h"
#include "harness/suite.h"
#include "kernels/registry.h"

namespace lapbench::harness {
namespace {

constexpr engine::PlacementKind kPlacementKinds[] = {
    engine::PlacementKind::kAll, engine::PlacementKind::kPhysical,
    engine::PlacementKind::kPerformance, engine::PlacementKind::kEfficiency,
    engine::PlacementKind::kLowPower};

// The KV cache formats the engine's KvCache stores.
constexpr std::string_view kKvTypes[] = {"f16", "f32"};

bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         text.substr(text.size() - suffix.size()) == suffix;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::optional<std::string> CanonicalFormat(std::string_view name) {
  for (const engine::FileFormat& f : engine::AllFileFormats()) {
    std::string wanted = Lower(name);
    if (wanted == "q4_k") wanted = "q4_k_m";
    if (f.name == wanted) return std::string(f.name);
  }
  return std::nullopt;
}

std::string JoinNames(const std::vector<std::string_view>& names) {
  return fmt::format("{}", fmt::join(names, ", "));
}

}  // namespace

std::vector<std::string_view> KnownNames(NameKind kind) {
  std::vector<std::string_view> names;
  switch (kind) {
    case NameKind::kModel:
      for (const engine::ModelPreset& p : engine::AllPresets()) {
        names.push_back(p.name);
      }
      break;
    case NameKind::kFormat:
      for (const engine::FileFormat& f : engine::AllFileFormats()) {
        names.push_back(f.name);
      }
      break;
    case NameKind::kVariant:
      names.push_back(kBestVariant);
      for (const kernels::Variant& v : kernels::AllVariants()) {
        names.push_back(v.name);
      }
      break;
    case NameKind::kPlacement:
      for (engine::PlacementKind k : kPlacementKinds) {
        names.push_back(engine::PlacementName(k));
      }
      break;
    case NameKind::kKvType:
      names.assign(std::begin(kKvTypes), std::end(kKvTypes));
      break;
  }
  return names;
}

std::optional<std::string> CanonicalName(NameKind kind, std::string_view name) {
  if (kind == NameKind::kFormat) return CanonicalFormat(name);
  if (kind == NameKind::kModel && EndsWith(name, ".gguf")) {
    return std::string(name);
  }
  for (std::string_view known : KnownNames(kind)) {
    if (known == name) return std::string(known);
  }
  return std::nullopt;
}

std::string ExpectedName(NameKind kind) {
  std::string names = JoinNames(KnownNames(kind));
  switch (kind) {
    case NameKind::kModel:
      return fmt::format("a preset ({}) or a path ending in .gguf", names);
    case NameKind::kFormat:
      return fmt::format("one of {}; q4_k means q4_k_m", names);
    default:
      return fmt::format("one of {}", names);
  }
}

bool CountAllowed(CountKind kind, int64_t value) {
  switch (kind) {
    case CountKind::kThreads:
      return value >= 1 && value <= kMaxThreads;
    case CountKind::kPromptTokens:
      return value >= 1 && value <= kMaxTokens;
    case CountKind::kGenTokens:
      return value >= 0 && value <= kMaxTokens;
  }
  return false;
}

std::string ExpectedCount(CountKind kind) {
  switch (kind) {
    case CountKind::kThreads:
      return fmt::format("a whole number from 1 to {} or 'all'", kMaxThreads);
    case CountKind::kPromptTokens:
      return fmt::format("a whole number of tokens from 1 to {}", kMaxTokens);
    case CountKind::kGenTokens:
      return fmt::format("a whole number of tokens from 0 to {}", kMaxTokens);
  }
  return "";
}

std::optional<int64_t> ParseCount(CountKind kind, std::string_view text) {
  if (kind == CountKind::kThreads && text == "all") return kAllThreads;
  int64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) return std::nullopt;
  if (!CountAllowed(kind, value)) return std::nullopt;
  return value;
}

}  // namespace lapbench::harness
