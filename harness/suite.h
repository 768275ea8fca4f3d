// Benchmark suites: what to sweep and how to measure, read from a TOML file
// (configs/suites/*.toml), validated, with command-line overrides on top.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace lapbench::harness {

// A suite file or override that cannot be used. The message names the file
// and line (or the flag), the key and the value:
// "quick.toml:12: sweep.threads[0]: '0' (expected ...)".
class SuiteError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// In a thread list: every CPU of the placement ("all" in the file).
inline constexpr int kAllThreads = 0;
// Thread counts above this are refused as typing mistakes.
inline constexpr int kMaxThreads = 1024;
// Prompt and generation lengths above this are refused (tokens).
inline constexpr int64_t kMaxTokens = 1 << 20;
// What `variants` may say to take the fastest variant the CPU can run.
inline constexpr std::string_view kBestVariant = "best";

// The dimensions a suite sweeps; every list is non-empty and holds the
// canonical spelling of each name.
struct SuiteSweep {
  std::vector<std::string> models;      // preset names or .gguf paths
  std::vector<std::string> formats;     // file formats: "q4_0", "q4_k_m"
  std::vector<std::string> variants;    // "best" or a kernel variant
  std::vector<int> threads;             // >= 1, or kAllThreads
  std::vector<std::string> placements;  // "all", "physical", ...
  std::vector<std::string> kv_types;    // KV cache format: "f16", "f32"
  std::vector<int64_t> prompt_tokens;   // >= 1
  std::vector<int64_t> gen_tokens;      // >= 0
};

// How each case is measured.
struct MeasurePolicy {
  int warmup_runs = 1;  // runs discarded before measuring
  int min_reps = 3;     // measured runs, at least...
  int max_reps = 10;    // ...and at most
  // Stop adding runs once the 95% confidence interval's half-width is below
  // this share of the median decode rate.
  double target_rel_ci = 0.05;
  // Wall time the whole suite may take; past it, cases stop at min_reps.
  // 0: no budget.
  double time_budget_s = 0;
  // Throttle suites: after warm-up, decode without pause for this long and
  // record the rate over time instead of repeating runs. 0: off.
  double sustained_decode_s = 0;
  // Measure each format's logits against the model's F32 (or F16)
  // reference over a fixed token sequence of accuracy_tokens positions.
  bool accuracy = false;
  int64_t accuracy_tokens = 128;
};

// The most positions an accuracy measurement may compare: each position
// keeps a row of reference logits (n_vocab floats, 1 MiB for a 262144-token
// vocabulary) until the format's pass has run.
inline constexpr int64_t kMaxAccuracyTokens = 4096;

// A validated suite.
struct Suite {
  std::string name;         // "quick"
  std::string description;  // one line
  std::string path;         // the file it came from
  SuiteSweep sweep;
  MeasurePolicy policy;
};

// Parses and validates suite text; `path` names it in errors. Throws
// SuiteError for a TOML syntax error, an unknown key (with a did-you-mean
// when one is close), a wrong type or an impossible value.
Suite ParseSuite(std::string_view toml_text, const std::string& path);

// Reads and parses the file at `path`. Throws SuiteError when it cannot be
// read or is invalid.
Suite LoadSuite(const std::filesystem::path& path);

// The file `name_or_path` means: a path when it contains '/' or ends in
// ".toml", else `<dir>/<name>.toml` for the first of `suite_dirs` holding
// it. Throws SuiteError listing the suites found when there is none.
std::filesystem::path FindSuiteFile(
    std::string_view name_or_path,
    const std::vector<std::filesystem::path>& suite_dirs);

// Where FindSuiteFile looks by default: ./configs/suites, then the source
// tree's configs/suites this binary was built from.
std::vector<std::filesystem::path> DefaultSuiteDirs();

// Command-line replacements for sweep dimensions, as typed (after splitting
// on commas). An absent list leaves the suite's own.
struct SuiteOverrides {
  std::optional<std::vector<std::string>> models;         // --model
  std::optional<std::vector<std::string>> formats;        // --formats
  std::optional<std::vector<std::string>> variants;       // --variants
  std::optional<std::vector<std::string>> threads;        // -t, --threads
  std::optional<std::vector<std::string>> placements;     // --placements
  std::optional<std::vector<std::string>> kv_types;       // --kv-types
  std::optional<std::vector<std::string>> prompt_tokens;  // --prompt-tokens
  std::optional<std::vector<std::string>> gen_tokens;     // --gen-tokens
};

// Replaces the overridden dimensions of `suite`, validating each value as
// the file's are. Throws SuiteError naming the flag and the value.
void ApplyOverrides(Suite& suite, const SuiteOverrides& overrides);

// The closest of `candidates` to `word` when it is near enough to be a
// likely typo (edit distance at most 2, and less than half its length);
// empty otherwise.
std::string DidYouMean(std::string_view word,
                       const std::vector<std::string_view>& candidates);

}  // namespace lapbench::harness
