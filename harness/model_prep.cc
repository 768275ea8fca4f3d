// Finding or writing the model file a command decodes, and preparing it.
#include "harness/model_prep.h"

#include <cstdlib>

#include "harness/model_files.h"

namespace lapbench::harness {

std::filesystem::path DefaultModelDir() {
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) {
    return std::filesystem::path(xdg) / "lapbench" / "models";
  }
  if (const char* home = std::getenv("HOME"); home && *home) {
    return std::filesystem::path(home) / ".cache" / "lapbench" / "models";
  }
  return ".lapbench-models";
}

std::string ResolveModelFile(const std::string& model,
                             const std::string& format,
                             const std::filesystem::path& model_dir) {
  if (model.ends_with(".gguf") || model.find('/') != std::string::npos) {
    return model;
  }
  return EnsureSyntheticModel(model_dir, model, format, 0);
}

uint64_t TouchTensorPages(const engine::gguf::GgufFile& file) {
  constexpr size_t kPage = 4096;
  uint64_t sum = 0;
  for (const engine::gguf::TensorInfo& t : file.tensors()) {
    const auto* data =
        reinterpret_cast<const volatile uint8_t*>(file.TensorData(t));
    for (size_t at = 0; at < t.size_bytes; at += kPage) sum += data[at];
  }
  return sum;
}

std::vector<int32_t> PromptTokens(int64_t n, int64_t n_vocab) {
  std::vector<int32_t> tokens(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    tokens[static_cast<size_t>(i)] =
        static_cast<int32_t>(4 + (i * 7919 + 13) % (n_vocab - 4));
  }
  return tokens;
}

}  // namespace lapbench::harness
