// A GGUF file seen as the model's metadata and tensor source, and a model
// loaded from one: config and bound weights over the mapped file.
#pragma once

#include <memory>
#include <string>

#include "engine/gguf/gguf.h"
#include "engine/model/hparams.h"
#include "engine/model/weights.h"

namespace lapbench::engine {

// Metadata of an open GGUF file through the MetadataSource interface.
class GgufMetadata : public MetadataSource {
 public:
  explicit GgufMetadata(const gguf::GgufFile& file) : file_(file) {}
  std::optional<std::string> GetString(std::string_view key) const override;
  std::optional<int64_t> GetInt(std::string_view key) const override;
  std::optional<float> GetFloat(std::string_view key) const override;
  std::optional<std::vector<int64_t>> GetIntArray(
      std::string_view key) const override;
  std::optional<std::vector<int64_t>> TensorDims(
      std::string_view name) const override;

 private:
  const gguf::GgufFile& file_;
};

// Tensors of an open GGUF file through the TensorSource interface.
class GgufTensors : public TensorSource {
 public:
  explicit GgufTensors(const gguf::GgufFile& file) : file_(file) {}
  std::optional<TensorData> Find(std::string_view name) const override;

 private:
  const gguf::GgufFile& file_;
};

// A model file opened, its config read and its weights bound; the weights
// point into the file's bytes (an anonymous huge-page copy, in RAM once:
// gguf::FileMemory::kHugePageCopy), which live as long as this object.
struct LoadedModel {
  gguf::GgufFile file;
  ModelConfig config;
  ModelWeights weights;
};

// Opens `path` and binds it. Throws gguf::GgufError for a malformed file,
// ConfigError or WeightError (prefixed with the path) for a model the
// engine cannot run.
std::unique_ptr<LoadedModel> LoadModel(const std::string& path);

}  // namespace lapbench::engine
