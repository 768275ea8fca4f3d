// GGUF-backed metadata and tensor sources, and loading a model file.
#include "engine/model/gguf_source.h"

#include <fmt/format.h>

namespace lapbench::engine {

std::optional<std::string> GgufMetadata::GetString(std::string_view key) const {
  const gguf::Value* v = file_.Find(key);
  if (v == nullptr || v->AsString() == nullptr) return std::nullopt;
  return *v->AsString();
}

std::optional<int64_t> GgufMetadata::GetInt(std::string_view key) const {
  const gguf::Value* v = file_.Find(key);
  if (v == nullptr) return std::nullopt;
  if (auto b = v->AsBool()) return *b ? 1 : 0;
  return v->AsSigned();
}

std::optional<float> GgufMetadata::GetFloat(std::string_view key) const {
  const gguf::Value* v = file_.Find(key);
  if (v == nullptr) return std::nullopt;
  if (auto f = v->AsFloat()) return static_cast<float>(*f);
  return std::nullopt;
}

std::optional<std::vector<int64_t>> GgufMetadata::GetIntArray(
    std::string_view key) const {
  const gguf::Value* v = file_.Find(key);
  if (v == nullptr || v->AsArray() == nullptr) return std::nullopt;
  const gguf::Array& array = *v->AsArray();
  std::vector<int64_t> out;
  out.reserve(array.size());
  for (size_t i = 0; i < array.size(); ++i) {
    const gguf::Value element = array.At(i);
    std::optional<int64_t> n = element.AsSigned();
    if (auto b = element.AsBool()) n = *b ? 1 : 0;
    if (!n) {
      throw ConfigError(fmt::format(
          "{}: metadata array holds a non-integer: '{}' (expected integers "
          "or bools)",
          file_.path(), key));
    }
    out.push_back(*n);
  }
  return out;
}

std::optional<std::vector<int64_t>> GgufMetadata::TensorDims(
    std::string_view name) const {
  const gguf::TensorInfo* t = file_.FindTensor(name);
  if (t == nullptr) return std::nullopt;
  return t->dims;
}

std::optional<TensorData> GgufTensors::Find(std::string_view name) const {
  const gguf::TensorInfo* t = file_.FindTensor(name);
  if (t == nullptr) return std::nullopt;
  return TensorData{t->type, t->dims, file_.TensorData(*t),
                    static_cast<size_t>(t->size_bytes)};
}

std::unique_ptr<LoadedModel> LoadModel(const std::string& path) {
  auto model = std::make_unique<LoadedModel>(LoadedModel{
      gguf::GgufFile::Open(path, gguf::FileMemory::kHugePageCopy), {}, {}});
  try {
    model->config = ReadModelConfig(GgufMetadata(model->file));
    model->weights = BindWeights(model->config, GgufTensors(model->file));
  } catch (const ConfigError& e) {
    throw ConfigError(fmt::format("{}: {}", path, e.what()));
  } catch (const WeightError& e) {
    throw WeightError(fmt::format("{}: {}", path, e.what()));
  }
  return model;
}

}  // namespace lapbench::engine
