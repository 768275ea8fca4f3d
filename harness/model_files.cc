// Naming, making and hashing the model files of a cache directory.
#include "harness/model_files.h"

#include <fmt/format.h>
#include <unistd.h>

#include <fstream>
#include <system_error>

#include "engine/gguf/file_hash.h"
#include "engine/synth/model_maker.h"
#include "engine/synth/presets.h"
#include "engine/synth/tensor_types.h"

namespace lapbench::harness {
namespace fs = std::filesystem;

namespace {

// The hash stored next to `path`, or empty when there is none.
std::string ReadStoredSha256(const fs::path& path) {
  std::ifstream in(path.string() + ".sha256");
  std::string hex;
  in >> hex;
  return hex.size() == 64 ? hex : std::string();
}

void StoreSha256(const fs::path& path, const std::string& hex) {
  std::ofstream(path.string() + ".sha256") << hex << "\n";
}

// Writes the file at `path` through a temporary name and stores its hash.
void MakeSyntheticFile(const engine::ModelPreset& preset,
                       const engine::FileFormat& format, uint64_t seed,
                       const fs::path& path, const MakeWatch& watch) {
  const std::string note =
      fmt::format("making synthetic model {} {} (seed {}) in {}", preset.name,
                  format.name, seed, path.parent_path().string());
  if (watch.note) {
    watch.note(note);
  } else {
    fmt::print(stderr, "lapbench: info: {}\n", note);
  }
  const std::string temp =
      fmt::format("{}.tmp-{}", path.string(), static_cast<long>(getpid()));
  engine::MakeModelOptions options;
  options.seed = seed;
  options.progress = [&watch, &path](size_t index, size_t count,
                                     const engine::TensorTypeChoice&) {
    if (watch.stop && watch.stop()) {
      throw MakingStopped("stopped making model file: '" + path.string() + "'");
    }
    if (watch.tensor) watch.tensor(index, count);
  };
  const engine::MadeModel made =
      engine::MakeModel(preset, format, temp, options);
  std::error_code error;
  fs::rename(temp, path, error);
  if (error) {
    fs::remove(temp);
    throw std::runtime_error(
        fmt::format("cannot rename model file: '{}' (expected a writable "
                    "cache directory: {})",
                    temp, error.message()));
  }
  StoreSha256(path, made.sha256);
}

}  // namespace

std::string SyntheticModelName(const std::string& preset,
                               const std::string& format, uint64_t seed) {
  return fmt::format("{}-{}-seed{}.gguf", preset, format, seed);
}

std::string EnsureSyntheticModel(const fs::path& cache_dir,
                                 const std::string& preset,
                                 const std::string& format, uint64_t seed,
                                 const MakeWatch& watch) {
  const engine::ModelPreset& p = engine::FindPreset(preset);
  const engine::FileFormat& f = engine::FindFileFormat(format);
  const fs::path path =
      cache_dir /
      SyntheticModelName(std::string(p.name), std::string(f.name), seed);
  if (fs::exists(path)) return path.string();
  fs::create_directories(cache_dir);
  MakeSyntheticFile(p, f, seed, path, watch);
  return path.string();
}

const ModelFile& ModelFiles::Get(const std::string& model,
                                 const std::string& format, bool is_file,
                                 const std::function<bool()>& stop) {
  const std::string key = is_file ? model : model + "|" + format;
  if (auto it = known_.find(key); it != known_.end()) return it->second;
  ModelFile file;
  if (is_file) {
    file.path = model;
    file.sha256 = engine::gguf::FileSha256Hex(model);
  } else {
    MakeWatch watch = watch_;
    if (stop) watch.stop = stop;
    file.path = EnsureSyntheticModel(cache_dir_, model, format, 0, watch);
    file.sha256 = ReadStoredSha256(file.path);
    if (file.sha256.empty()) {
      file.sha256 = engine::gguf::FileSha256Hex(file.path);
      StoreSha256(file.path, file.sha256);
    }
  }
  return known_.emplace(key, std::move(file)).first->second;
}

}  // namespace lapbench::harness
