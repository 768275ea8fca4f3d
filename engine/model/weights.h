// Binding a model's named tensors to the views the forward pass reads,
// with every shape and type checked against the ModelConfig.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "engine/model/hparams.h"
#include "kernels/ops.h"

namespace lapbench::engine {

// One stored tensor: GGUF type id, shape with ne[0] (contiguous) first, and
// its bytes, which must outlive every view bound to them.
struct TensorData {
  uint32_t ggml_type = 0;
  std::vector<int64_t> dims;
  const void* data = nullptr;
  size_t size_bytes = 0;
};

// Where tensors come from: a GGUF file, or memory in tests.
class TensorSource {
 public:
  virtual ~TensorSource() = default;
  // The tensor named `name`, or nullopt if the source has none.
  virtual std::optional<TensorData> Find(std::string_view name) const = 0;
};

// Thrown when a tensor is missing, has the wrong shape or a type the
// kernels do not compute; the message names the tensor.
class WeightError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The tensors of one block. Matrices are [rows = outputs][cols = inputs];
// norm weights are F32 vectors, null where the architecture has none.
struct LayerWeights {
  const float* attn_norm = nullptr;    // [n_embd]
  kernels::WeightView attn_q;          // [q_dim][n_embd]
  kernels::WeightView attn_k;          // [kv_dim][n_embd]
  kernels::WeightView attn_v;          // [kv_dim][n_embd]; empty if k_is_v
  const float* attn_q_norm = nullptr;  // [head_dim]
  const float* attn_k_norm = nullptr;  // [head_dim]
  kernels::WeightView attn_output;     // [n_embd][q_dim]
  const float* post_attention_norm = nullptr;  // [n_embd]
  const float* ffn_norm = nullptr;             // [n_embd]
  kernels::WeightView ffn_gate;                // [n_ff][n_embd]
  kernels::WeightView ffn_up;                  // [n_ff][n_embd]
  kernels::WeightView ffn_down;                // [n_embd][n_ff]
  const float* post_ffw_norm = nullptr;        // [n_embd]
  float output_scale = 1.0f;  // Gemma 4 layer_output_scale, else 1
};

// Every tensor the forward pass reads.
struct ModelWeights {
  kernels::WeightView token_embd;      // [n_vocab][n_embd]
  const float* output_norm = nullptr;  // [n_embd]
  kernels::WeightView output;          // [n_vocab][n_embd]; = token_embd
  bool tied_output = false;            // output.weight absent
  const float* rope_freqs = nullptr;   // [rotary_dim / 2] of its layers
  std::vector<LayerWeights> layers;
};

// Binds the tensors `config` needs from `source`. Throws WeightError for a
// missing tensor, a shape other than expected (naming both shapes), a type
// that is not computed (listing the supported ones) or short data.
ModelWeights BindWeights(const ModelConfig& config, const TensorSource& source);

// The weight formats of every matrix in `weights`, each listed once.
std::vector<kernels::Format> MatrixFormats(const ModelWeights& weights);

}  // namespace lapbench::engine
