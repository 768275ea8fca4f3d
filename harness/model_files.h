// The model files of a cache directory, shared by every command that
// decodes (run, throttle, model accuracy): a preset's synthetic file is
// made once per (preset, format, weight seed) and named after all three,
// so a file made with another seed is never taken for this one. A run
// also keeps each file's SHA-256.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>

namespace lapbench::harness {

// A model file ready to load.
struct ModelFile {
  std::string path;
  std::string sha256;  // 64 hex digits
};

// Thrown when a stop request ends the making of a model file (the partial
// file is removed).
class MakingStopped : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// "<preset>-<format>-seed<seed>.gguf", e.g. "tiny-llama-q4_0-seed0.gguf":
// the one name a synthetic file has in a model cache. `preset` and
// `format` are canonical names (FindPreset, FindFileFormat).
std::string SyntheticModelName(const std::string& preset,
                               const std::string& format, uint64_t seed);

// What making a synthetic file reports and asks while it writes.
struct MakeWatch {
  // Said once before writing ("making synthetic model ..."); default:
  // a `lapbench: info:` line on stderr.
  std::function<void(const std::string&)> note;
  // Before each tensor: its index and the tensor count.
  std::function<void(size_t index, size_t count)> tensor;
  // Asked before each tensor; a true ends the making with MakingStopped.
  std::function<bool()> stop;
};

// The path of `preset` in `format` with weight seed `seed` below
// `cache_dir`, made first when absent: written under a temporary name
// (`.tmp-<pid>`) and renamed, so a file with the final name is always
// whole, with its SHA-256 stored beside it in `<file>.sha256`. Throws
// MakingStopped, or what FindPreset, FindFileFormat and MakeModel throw,
// or std::runtime_error when the file cannot be renamed into place.
std::string EnsureSyntheticModel(const std::filesystem::path& cache_dir,
                                 const std::string& preset,
                                 const std::string& format, uint64_t seed,
                                 const MakeWatch& watch = {});

// Finds or makes the model files of a run (weight seed 0), remembering
// each with its SHA-256 for the whole run.
class ModelFiles {
 public:
  explicit ModelFiles(std::filesystem::path cache_dir, MakeWatch watch = {})
      : cache_dir_(std::move(cache_dir)), watch_(std::move(watch)) {}

  // The file of `model` in `format`: `model` itself when it is a .gguf path
  // (`is_file`), else EnsureSyntheticModel's file (seed 0). Its SHA-256 is
  // read from `<file>.sha256`, or computed and stored there. `stop`, when
  // set, replaces the watch's stop request. Throws what making or reading
  // the file throws.
  const ModelFile& Get(const std::string& model, const std::string& format,
                       bool is_file, const std::function<bool()>& stop = {});

  const std::filesystem::path& cache_dir() const { return cache_dir_; }

 private:
  std::filesystem::path cache_dir_;
  MakeWatch watch_;
  std::map<std::string, ModelFile> known_;
};

}  // namespace lapbench::harness
