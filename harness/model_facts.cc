// Model facts for planning, from presets (computed, nothing written) and
// from GGUF headers (the file is mapped, never read whole).
#include "harness/model_facts.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "engine/gguf/gguf.h"
#include "engine/model/forward.h"
#include "engine/model/gguf_source.h"
#include "engine/synth/model_maker.h"
#include "engine/synth/presets.h"
#include "engine/synth/tensor_types.h"

namespace lapbench::harness {
namespace {

// Session's prefill chunk (engine::SessionOptions::n_batch's default).
constexpr int64_t kBatchRows = 64;

bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         text.substr(text.size() - suffix.size()) == suffix;
}

void AddFormat(std::vector<kernels::Format>& formats, kernels::Format f) {
  if (std::find(formats.begin(), formats.end(), f) == formats.end()) {
    formats.push_back(f);
    std::sort(formats.begin(), formats.end());
  }
}

// Whether a 2-D tensor goes through matvec/matmul: all but the token
// embedding, which is a row lookup unless it is also the output.
bool IsProductMatrix(std::string_view name, size_t n_dims, bool has_output) {
  if (n_dims != 2) return false;
  return name != "token_embd.weight" || !has_output;
}

ModelFacts DescribePreset(const std::string& name, const std::string& format) {
  const engine::ModelPreset& preset = engine::FindPreset(name);
  const engine::FileFormat& file_format = engine::FindFileFormat(format);
  ModelFacts facts;
  facts.config = PresetConfig(name);
  facts.format = std::string(file_format.name);
  facts.weights_bytes = engine::EstimateFileBytes(preset, file_format);
  facts.n_params = engine::ParameterCount(preset);
  facts.synthetic = true;
  std::vector<engine::TensorSpec> tensors = engine::PresetTensors(preset);
  bool has_output = std::any_of(tensors.begin(), tensors.end(), [](auto& t) {
    return t.name == "output.weight";
  });
  for (const engine::TensorTypeChoice& t :
       engine::ChooseTensorTypes(tensors, file_format)) {
    if (IsProductMatrix(t.name, t.dims.size(), has_output)) {
      AddFormat(facts.matrix_formats, t.format);
    }
  }
  return facts;
}

// The file format named by general.file_type, else the base type of most
// matrices.
std::string FileFormatName(const engine::gguf::GgufFile& file,
                           const std::vector<kernels::Format>& formats) {
  std::optional<uint32_t> file_type = file.FindU32("general.file_type");
  for (const engine::FileFormat& f : engine::AllFileFormats()) {
    if (file_type && f.file_type == *file_type) return std::string(f.name);
  }
  if (formats.empty()) return "unknown";
  return std::string(kernels::Info(formats.front()).name);
}

ModelFacts DescribeFile(const std::string& path) {
  engine::gguf::GgufFile file = engine::gguf::GgufFile::Open(path);
  ModelFacts facts;
  facts.config = engine::ReadModelConfig(engine::GgufMetadata(file));
  facts.weights_bytes = file.file_size_bytes();
  bool has_output = file.FindTensor("output.weight") != nullptr;
  for (const engine::gguf::TensorInfo& t : file.tensors()) {
    facts.n_params += t.n_elems();
    if (!IsProductMatrix(t.name, t.dims.size(), has_output)) continue;
    if (!t.format) {
      throw std::runtime_error(fmt::format(
          "tensor type the engine does not compute: '{}' (tensor {}, type "
          "id {})",
          path, t.name, t.type));
    }
    AddFormat(facts.matrix_formats, *t.format);
  }
  facts.format = FileFormatName(file, facts.matrix_formats);
  return facts;
}

}  // namespace

engine::ModelConfig PresetConfig(std::string_view preset_name) {
  const engine::ModelPreset& p = engine::FindPreset(preset_name);
  int64_t period = p.global_period > 0 ? p.global_period : 1;
  engine::ModelConfig config;
  switch (p.arch) {
    case engine::Architecture::kLlama:
      config =
          engine::MakeLlamaConfig(p.n_layers, p.n_embd, p.n_heads, p.n_kv_heads,
                                  p.head_dim, p.n_ff, p.n_vocab);
      break;
    case engine::Architecture::kGemma3:
      config = engine::MakeGemma3Config(p.n_layers, p.n_embd, p.n_heads,
                                        p.n_kv_heads, p.head_dim, p.n_ff,
                                        p.n_vocab, p.sliding_window, period);
      break;
    case engine::Architecture::kGemma4: {
      engine::Gemma4Shape shape{
          p.n_heads,  p.n_kv_heads,      p.n_kv_heads_global,
          p.head_dim, p.head_dim_global, p.head_dim_global,
          p.n_ff,     p.k_eq_v};
      config = engine::MakeGemma4Config(p.n_layers, p.n_embd, shape, p.n_vocab,
                                        p.sliding_window, period);
      break;
    }
  }
  config.n_ctx_train = p.n_ctx_train;
  return config;
}

ModelFacts DescribeModel(const std::string& model, const std::string& format) {
  if (EndsWith(model, ".gguf")) return DescribeFile(model);
  return DescribePreset(model, format);
}

uint64_t EstimateScratchBytes(const engine::ModelConfig& c, int n_threads,
                              int64_t n_ctx_tokens) {
  // Floats per batch row: x, xb, proj [n_embd]; q, att [q_dim]; k_new,
  // v_new [kv_dim]; gate, up [n_ff]; and up to three quantized copies of
  // an input, each at most its F32 size. Each worker holds a few rows of
  // attention scores over the context.
  int64_t widest = std::max(c.n_embd, c.max_n_ff());
  int64_t row_floats = 3 * c.n_embd + 2 * c.max_q_dim() + 2 * c.max_kv_dim() +
                       2 * c.max_n_ff() + 3 * widest;
  int64_t floats =
      kBatchRows * row_floats +
      int64_t{n_threads} * engine::AttentionScoreRows(c) * n_ctx_tokens +
      c.n_vocab;
  return static_cast<uint64_t>(floats) * sizeof(float);
}

}  // namespace lapbench::harness
