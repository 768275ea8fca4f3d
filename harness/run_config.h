// Run configurations: a suite file whose every sweep dimension holds one
// value, naming one configuration to run. `lapbench recommend -o` writes
// them; `lapbench run --config` and `lapbench model bench --config` read
// them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "harness/suite.h"

namespace lapbench::harness {

// One configuration, spelled as a suite spells it.
struct RunConfig {
  std::string model;    // preset name or .gguf path
  std::string format;   // weight file format (ignored for a .gguf model)
  std::string variant;  // a kernel variant or "best"
  int threads = kAllThreads;
  std::string placement;
  std::string kv_type;
  int64_t prompt_tokens = 0;
  int64_t gen_tokens = 0;

  bool operator==(const RunConfig&) const = default;
};

// Parses config text as a suite (ParseSuite's checks and messages), then
// checks that no sweep key lists more than one value. Throws SuiteError
// "winner.toml:9: sweep.threads: '[1, 2]' (expected a single value: a
// config file names one configuration)".
Suite ParseRunConfig(std::string_view toml_text, const std::string& path);

// Reads and parses the config file at `path`. Throws SuiteError when it
// cannot be read or is invalid.
Suite LoadRunConfig(const std::filesystem::path& path);

// The configuration of a suite whose dimensions each hold one value.
// Precondition: ParseRunConfig accepted it.
RunConfig RunConfigOf(const Suite& suite);

// Config file text for `config`: `comment` lines first (each as a TOML
// comment), then the suite keys `name` and `description` and a [sweep]
// with one value per key. A .gguf model gets no `formats` key (the file's
// own format is used).
std::string RunConfigToml(const RunConfig& config, const std::string& name,
                          const std::string& description,
                          const std::vector<std::string>& comment);

}  // namespace lapbench::harness
