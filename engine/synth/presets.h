// Named model presets: the real shapes of the target models and tiny test
// models, with the GGUF metadata and tensor list llama.cpp's converter writes.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "engine/gguf/gguf.h"
#include "engine/model/hparams.h"

namespace lapbench::engine {

// Thrown for bad synthetic-model requests (unknown preset or format,
// unsupported input file); the message names the offending value.
class SynthError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Llama 3 "llama3" RoPE scaling, which the converter bakes into the
// rope_freqs.weight tensor (one divisor per frequency pair).
struct Llama3RopeScaling {
  double factor = 1.0;
  double low_freq_factor = 1.0;
  double high_freq_factor = 4.0;
  int64_t original_context = 8192;  // tokens
};

// The hyperparameters of one model. Layer il is global (full attention)
// iff global_period > 0 and il % global_period == global_period - 1 (and,
// for Gemma 4, il is the last layer); otherwise it is local (sliding).
struct ModelPreset {
  std::string_view name = {};        // "gemma4-12b": the CLI spelling
  std::string_view model_name = {};  // general.name
  std::string_view size_label = {};  // general.size_label, "12B"
  Architecture arch = Architecture::kLlama;
  int64_t n_vocab = 0;
  int64_t n_embd = 0;
  int64_t n_layers = 0;
  int64_t n_heads = 0;
  int64_t n_kv_heads = 0;         // local layers (every layer if uniform)
  int64_t n_kv_heads_global = 0;  // Gemma 4 global layers
  int64_t head_dim = 0;           // local layers (every layer if uniform)
  int64_t head_dim_global = 0;    // Gemma 4 global layers
  int64_t n_ff = 0;
  int64_t n_ctx_train = 0;     // tokens
  int64_t sliding_window = 0;  // tokens, 0 = none
  int64_t global_period = 0;   // 0 = every layer global
  float rms_eps = 1e-6f;
  float rope_base = 10000.0f;       // global layers (all layers for llama)
  float rope_base_swa = 10000.0f;   // local layers
  float rope_linear_factor = 0.0f;  // Gemma 3 global layers; 0 = none
  std::optional<Llama3RopeScaling> llama3_rope = std::nullopt;
  double partial_rotary_global = 1.0;  // Gemma 4: share of pairs rotated
  bool tied_embeddings = true;
  bool k_eq_v = false;          // Gemma 4 global layers have no attn_v
  bool writes_head_dim = true;  // llama: key_length only if HF has head_dim
  float final_softcap = 0.0f;   // 0 = none (key absent)
};

// One tensor of a model: its GGUF name and dims (dims[0] = row length).
struct TensorSpec {
  std::string name;
  std::vector<int64_t> dims;

  int64_t n_elems() const;
};

// One metadata record, in the order the file gets it.
struct MetadataEntry {
  std::string key;
  gguf::Value value;
};

// Every preset, real models first, then the tiny test models.
std::span<const ModelPreset> AllPresets();
// The preset called `name`. Throws SynthError listing the known presets.
const ModelPreset& FindPreset(std::string_view name);

// Whether layer `il` attends globally (no sliding window).
bool IsGlobalLayer(const ModelPreset& preset, int64_t il);
// Head size, KV heads and whether attn_v exists, for layer `il`.
int64_t LayerHeadDim(const ModelPreset& preset, int64_t il);
int64_t LayerKvHeads(const ModelPreset& preset, int64_t il);
bool LayerHasAttnV(const ModelPreset& preset, int64_t il);

// The tensors of the model in file order: rope factors (if any), token
// embedding, each layer's tensors, final norm, output (if untied).
std::vector<TensorSpec> PresetTensors(const ModelPreset& preset);

// general.* and architecture metadata as llama.cpp's converter writes it,
// without general.file_type and without the tokenizer.
std::vector<MetadataEntry> PresetMetadata(const ModelPreset& preset);

// The values of rope_freqs.weight ({head_dim/2}, divisors of each pair's
// angle), or empty when the model has no such tensor.
std::vector<float> RopeFreqFactors(const ModelPreset& preset);

// Learned parameters (every tensor but rope_freqs.weight), the number
// model cards quote.
int64_t ParameterCount(const ModelPreset& preset);

}  // namespace lapbench::engine
