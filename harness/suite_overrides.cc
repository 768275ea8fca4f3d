// Finding a suite file by name, and command-line overrides of its sweep.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <set>

#include "harness/suite.h"
#include "harness/suite_values.h"

#ifndef LAPBENCH_SOURCE_SUITES_DIR
#define LAPBENCH_SOURCE_SUITES_DIR ""
#endif

namespace lapbench::harness {
namespace {

[[noreturn]] void FailFlag(std::string_view flag, std::string_view value,
                           std::string_view expected) {
  throw SuiteError(
      fmt::format("{}: '{}' (expected {})", flag, value, expected));
}

void CheckNoRepeat(std::string_view flag, const std::vector<std::string>& seen,
                   const std::string& value) {
  if (std::find(seen.begin(), seen.end(), value) != seen.end()) {
    FailFlag(flag, value, "no value listed twice");
  }
}

std::vector<std::string> OverrideNames(std::string_view flag,
                                       const std::vector<std::string>& values,
                                       NameKind kind) {
  if (values.empty()) FailFlag(flag, "", "a non-empty list");
  std::vector<std::string> names;
  for (const std::string& value : values) {
    std::optional<std::string> name = CanonicalName(kind, value);
    if (!name) {
      std::string expected = ExpectedName(kind);
      std::string close = DidYouMean(value, KnownNames(kind));
      if (!close.empty())
        expected += fmt::format("; did you mean '{}'?", close);
      FailFlag(flag, value, expected);
    }
    CheckNoRepeat(flag, names, *name);
    names.push_back(*name);
  }
  return names;
}

std::vector<int64_t> OverrideCounts(std::string_view flag,
                                    const std::vector<std::string>& values,
                                    CountKind kind) {
  if (values.empty()) FailFlag(flag, "", "a non-empty list");
  std::vector<int64_t> counts;
  std::vector<std::string> seen;
  for (const std::string& value : values) {
    std::optional<int64_t> count = ParseCount(kind, value);
    if (!count) FailFlag(flag, value, ExpectedCount(kind));
    CheckNoRepeat(flag, seen, value);
    seen.push_back(value);
    counts.push_back(*count);
  }
  return counts;
}

}  // namespace

void ApplyOverrides(Suite& suite, const SuiteOverrides& o) {
  SuiteSweep& s = suite.sweep;
  if (o.models)
    s.models = OverrideNames("--model", *o.models, NameKind::kModel);
  if (o.formats) {
    s.formats = OverrideNames("--formats", *o.formats, NameKind::kFormat);
  }
  if (o.variants) {
    s.variants = OverrideNames("--variants", *o.variants, NameKind::kVariant);
  }
  if (o.placements) {
    s.placements =
        OverrideNames("--placements", *o.placements, NameKind::kPlacement);
  }
  if (o.kv_types) {
    s.kv_types = OverrideNames("--kv-types", *o.kv_types, NameKind::kKvType);
  }
  if (o.threads) {
    s.threads.clear();
    for (int64_t t :
         OverrideCounts("--threads", *o.threads, CountKind::kThreads)) {
      s.threads.push_back(static_cast<int>(t));
    }
  }
  if (o.prompt_tokens) {
    s.prompt_tokens = OverrideCounts("--prompt-tokens", *o.prompt_tokens,
                                     CountKind::kPromptTokens);
  }
  if (o.gen_tokens) {
    s.gen_tokens =
        OverrideCounts("--gen-tokens", *o.gen_tokens, CountKind::kGenTokens);
  }
}

std::vector<std::filesystem::path> DefaultSuiteDirs() {
  std::vector<std::filesystem::path> dirs = {"configs/suites"};
  std::string_view source_dir = LAPBENCH_SOURCE_SUITES_DIR;
  if (!source_dir.empty()) dirs.emplace_back(source_dir);
  return dirs;
}

std::filesystem::path FindSuiteFile(
    std::string_view name_or_path,
    const std::vector<std::filesystem::path>& suite_dirs) {
  std::string_view n = name_or_path;
  bool is_path = n.find('/') != std::string_view::npos ||
                 (n.size() > 5 && n.substr(n.size() - 5) == ".toml");
  if (is_path) return std::filesystem::path(n);
  std::set<std::string> known;
  std::error_code ec;
  for (const std::filesystem::path& dir : suite_dirs) {
    std::filesystem::path file = dir / fmt::format("{}.toml", n);
    if (std::filesystem::is_regular_file(file, ec)) return file;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
      if (entry.path().extension() == ".toml") {
        known.insert(entry.path().stem().string());
      }
    }
  }
  throw SuiteError(fmt::format(
      "unknown suite: '{}' (expected one of {}, or a path to a .toml file)", n,
      known.empty() ? "none found"
                    : fmt::format("{}", fmt::join(known, ", "))));
}

}  // namespace lapbench::harness
