// The model files a run loads: a preset's synthetic file, made once into a
// cache directory (by default harness/model_prep.h's DefaultModelDir, and
// named as ResolveModelFile names it, so the commands share the files), or
// a .gguf file as given; each with its SHA-256.
#pragma once

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

// Finds or makes model files, remembering each for the whole run.
class ModelFiles {
 public:
  explicit ModelFiles(std::filesystem::path cache_dir)
      : cache_dir_(std::move(cache_dir)) {}

  // The file of `model` in `format`: `model` itself when it is a .gguf path
  // (`is_file`), else `<cache>/<preset>-<format>.gguf`, made (seed 0)
  // when absent: written under a temporary name and renamed, so a file
  // with the final name is always whole. Its SHA-256 is kept next to it in
  // `<file>.sha256`. Before each tensor of a file being made, `stop` (when
  // set) is asked; a true ends the making with MakingStopped. Throws what
  // making or reading the file throws.
  const ModelFile& Get(const std::string& model, const std::string& format,
                       bool is_file, const std::function<bool()>& stop = {});

 private:
  std::filesystem::path cache_dir_;
  std::map<std::string, ModelFile> known_;
};

}  // namespace lapbench::harness
