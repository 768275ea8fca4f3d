// The hyperparameters of a model (ModelConfig), read from GGUF metadata or
// built in code, for the architectures the engine runs: llama, gemma3, gemma4.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "kernels/ops.h"

namespace lapbench::engine {

// The model families the forward pass implements.
enum class Architecture { kLlama, kGemma3, kGemma4 };

// "llama", "gemma3", "gemma4": the GGUF `general.architecture` spelling.
std::string_view ArchitectureName(Architecture arch);

// The gate activation of the feed-forward block.
enum class FfnActivation { kSilu, kGeluTanh };

// Thrown when metadata is missing, malformed or asks for a feature the
// engine does not implement; the message names the key and the value.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What one layer looks like; Gemma 4 mixes two kinds of layers.
struct LayerConfig {
  int64_t n_heads = 0;
  int64_t n_kv_heads = 0;
  int64_t head_dim = 0;    // of Q, K and V alike
  int64_t n_ff = 0;        // feed-forward inner width
  bool sliding = false;    // attends to the last `sliding_window` tokens
  int64_t rotary_dim = 0;  // leading dims of each head that RoPE turns
  float rope_base = 10000.0f;
  float rope_freq_scale = 1.0f;  // positions are multiplied by this
  bool use_rope_freqs = false;   // divide angles by rope_freqs.weight
  bool k_is_v = false;  // Gemma 4 global layers without attn_v: V = raw K

  int64_t q_dim() const { return n_heads * head_dim; }
  int64_t kv_dim() const { return n_kv_heads * head_dim; }
};

// Everything the forward pass needs to know besides the weights.
struct ModelConfig {
  Architecture arch = Architecture::kLlama;
  int64_t n_embd = 0;
  int64_t n_vocab = 0;
  int64_t n_ctx_train = 0;  // trained context length (0 when unknown)
  std::vector<LayerConfig> layers;

  kernels::RopeLayout rope_layout = kernels::RopeLayout::kInterleaved;
  int64_t sliding_window = 0;  // tokens, query included; 0 = none
  float rms_eps = 1e-5f;
  float embd_scale = 1.0f;     // token embeddings are multiplied by this
  float attn_scale = 1.0f;     // logit = attn_scale * dot(q, k)
  float attn_softcap = 0.0f;   // 0 = off
  float final_softcap = 0.0f;  // 0 = off
  FfnActivation ffn_act = FfnActivation::kSilu;
  bool qk_norm = false;     // per-head RMSNorm of Q and K with weights
  bool v_norm = false;      // per-head RMSNorm of V without weight
  bool post_norms = false;  // RMSNorm after attention and after the FFN

  int64_t n_layers() const { return static_cast<int64_t>(layers.size()); }
  // The largest per-layer value of each width, for scratch sizes.
  int64_t max_q_dim() const;
  int64_t max_kv_dim() const;
  int64_t max_n_heads() const;
  int64_t max_n_ff() const;
  bool uses_rope_freqs() const;
};

// Throws ConfigError when `config` is inconsistent (zero sizes, heads not a
// multiple of KV heads, odd or oversized rotary dims...).
void ValidateConfig(const ModelConfig& config);

// A Llama-style config in code: every layer alike, adjacent-pair RoPE,
// SiLU FFN, 1/sqrt(head_dim) attention scale.
ModelConfig MakeLlamaConfig(int64_t n_layers, int64_t n_embd, int64_t n_heads,
                            int64_t n_kv_heads, int64_t head_dim, int64_t n_ff,
                            int64_t n_vocab);

// A Gemma 3 config in code: layer il is global iff il % period ==
// period - 1 (the released models use period 6), window `sliding_window`.
ModelConfig MakeGemma3Config(int64_t n_layers, int64_t n_embd, int64_t n_heads,
                             int64_t n_kv_heads, int64_t head_dim, int64_t n_ff,
                             int64_t n_vocab, int64_t sliding_window,
                             int64_t period);

// Gemma 4 dense layer shapes for MakeGemma4Config.
struct Gemma4Shape {
  int64_t n_heads = 0;
  int64_t n_kv_heads_local = 0;
  int64_t n_kv_heads_global = 0;
  int64_t head_dim_local = 0;
  int64_t head_dim_global = 0;
  int64_t global_rotary_dim = 0;  // rope.dimension_count (= head_dim_global)
  int64_t n_ff = 0;
  bool k_eq_v = false;  // global layers reuse the K projection as V
};

// A Gemma 4 dense config in code: layer il is global iff il % period ==
// period - 1, and the last layer is always global.
ModelConfig MakeGemma4Config(int64_t n_layers, int64_t n_embd,
                             const Gemma4Shape& shape, int64_t n_vocab,
                             int64_t sliding_window, int64_t period);

// Read access to GGUF-style metadata, so configs can be read from a GGUF
// file or from a map in tests. Integer getters accept any integer type.
class MetadataSource {
 public:
  virtual ~MetadataSource() = default;
  virtual std::optional<std::string> GetString(std::string_view key) const = 0;
  virtual std::optional<int64_t> GetInt(std::string_view key) const = 0;
  virtual std::optional<float> GetFloat(std::string_view key) const = 0;
  // Integer or bool arrays, widened to int64 (bool: 0 or 1).
  virtual std::optional<std::vector<int64_t>> GetIntArray(
      std::string_view key) const = 0;
  // The shape (ne[0] first) of tensor `name`, or nullopt if absent.
  virtual std::optional<std::vector<int64_t>> TensorDims(
      std::string_view name) const = 0;
};

// Reads the config as llama.cpp's converter writes it for `llama`, `gemma3`
// and dense `gemma4`. Throws ConfigError for other architectures (listing
// the supported ones), for Gemma 4 per-layer embeddings, KV sharing and
// MoE, and for missing or out-of-range keys (naming the key).
ModelConfig ReadModelConfig(const MetadataSource& meta);

}  // namespace lapbench::engine
