// Finding, making and hashing the model files of a run.
#include "harness/model_files.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
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

// Makes the synthetic file of `preset` in `format` at `path` through a
// temporary name; returns its SHA-256.
std::string MakeCachedModel(const std::string& preset,
                            const std::string& format, const fs::path& path,
                            const std::function<bool()>& stop) {
  fs::create_directories(path.parent_path());
  fmt::print(stderr, "lapbench: info: making synthetic model {} {} in {}\n",
             preset, format, path.parent_path().string());
  const std::string temp =
      fmt::format("{}.tmp-{}", path.string(), static_cast<long>(getpid()));
  engine::MakeModelOptions options;
  options.progress = [&stop, &path](size_t, size_t,
                                    const engine::TensorTypeChoice&) {
    if (stop && stop()) {
      throw MakingStopped("stopped making model file: '" + path.string() + "'");
    }
  };
  const engine::MadeModel made =
      engine::MakeModel(engine::FindPreset(preset),
                        engine::FindFileFormat(format), temp, options);
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
  return made.sha256;
}

}  // namespace

const ModelFile& ModelFiles::Get(const std::string& model,
                                 const std::string& format, bool is_file,
                                 const std::function<bool()>& stop) {
  const std::string key = is_file ? model : model + "-" + format;
  if (auto it = known_.find(key); it != known_.end()) return it->second;
  ModelFile file;
  if (is_file) {
    file.path = model;
    file.sha256 = engine::gguf::FileSha256Hex(model);
  } else {
    const fs::path path = cache_dir_ / (key + ".gguf");
    file.path = path.string();
    if (!fs::exists(path)) {
      file.sha256 = MakeCachedModel(model, format, path, stop);
    } else {
      file.sha256 = ReadStoredSha256(path);
      if (file.sha256.empty()) {
        file.sha256 = engine::gguf::FileSha256Hex(file.path);
        StoreSha256(path, file.sha256);
      }
    }
  }
  return known_.emplace(key, std::move(file)).first->second;
}

}  // namespace lapbench::harness
