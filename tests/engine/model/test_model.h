// Tiny models for the forward-pass tests: seeded random weights of
// realistic scale, in-memory tensor and metadata sources.
#pragma once

#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <map>
#include <random>
#include <string>
#include <variant>
#include <vector>

#include "engine/model/hparams.h"
#include "engine/model/weights.h"
#include "kernels/format.h"
#include "kernels/quantize.h"

namespace lapbench::engine::testing {

// One tensor as floats; dims ne[0] first (for a matrix: {cols, rows}).
struct FloatTensor {
  std::vector<int64_t> dims;
  std::vector<float> values;
  bool is_matrix = false;  // quantized by Encode(); vectors stay F32
};
using WeightMap = std::map<std::string, FloatTensor, std::less<>>;

// Deterministic uniform floats in [-a, a] (our own conversion from the
// standard-specified mt19937_64, so every platform draws the same).
class Draws {
 public:
  explicit Draws(uint64_t seed) : rng_(seed) {}
  float Uniform(float a) {
    const double u = static_cast<double>(rng_() >> 11) * 0x1.0p-53;
    return static_cast<float>((2.0 * u - 1.0) * a);
  }

 private:
  std::mt19937_64 rng_;
};

// A matrix of `rows` outputs by `cols` inputs with standard deviation
// 1/sqrt(cols), the scale trained projections keep activations at.
inline FloatTensor RandomMatrix(Draws& d, int64_t cols, int64_t rows) {
  FloatTensor t{{cols, rows}, {}, true};
  const float a = std::sqrt(3.0f / static_cast<float>(cols));
  t.values.resize(static_cast<size_t>(cols * rows));
  for (float& v : t.values) v = d.Uniform(a);
  return t;
}

// A norm weight near 1 (as Gemma 3 GGUFs store 1 + w).
inline FloatTensor RandomNorm(Draws& d, int64_t n) {
  FloatTensor t{{n}, {}, false};
  t.values.resize(static_cast<size_t>(n));
  for (float& v : t.values) v = 1.0f + d.Uniform(0.2f);
  return t;
}

// Every tensor `c` needs, drawn from `seed`. Untied output for llama.
inline WeightMap MakeRandomWeights(const ModelConfig& c, uint64_t seed) {
  Draws d(seed);
  WeightMap w;
  w["token_embd.weight"] = RandomMatrix(d, c.n_embd, c.n_vocab);
  w["output_norm.weight"] = RandomNorm(d, c.n_embd);
  if (c.arch == Architecture::kLlama)
    w["output.weight"] = RandomMatrix(d, c.n_embd, c.n_vocab);
  for (size_t il = 0; il < c.layers.size(); ++il) {
    const LayerConfig& l = c.layers[il];
    const auto n = [il](const char* base) {
      return fmt::format("blk.{}.{}.weight", il, base);
    };
    w[n("attn_norm")] = RandomNorm(d, c.n_embd);
    w[n("attn_q")] = RandomMatrix(d, c.n_embd, l.q_dim());
    w[n("attn_k")] = RandomMatrix(d, c.n_embd, l.kv_dim());
    if (!l.k_is_v) w[n("attn_v")] = RandomMatrix(d, c.n_embd, l.kv_dim());
    w[n("attn_output")] = RandomMatrix(d, l.q_dim(), c.n_embd);
    w[n("ffn_norm")] = RandomNorm(d, c.n_embd);
    w[n("ffn_gate")] = RandomMatrix(d, c.n_embd, l.n_ff);
    w[n("ffn_up")] = RandomMatrix(d, c.n_embd, l.n_ff);
    w[n("ffn_down")] = RandomMatrix(d, l.n_ff, c.n_embd);
    if (c.qk_norm) {
      w[n("attn_q_norm")] = RandomNorm(d, l.head_dim);
      w[n("attn_k_norm")] = RandomNorm(d, l.head_dim);
    }
    if (c.post_norms) {
      w[n("post_attention_norm")] = RandomNorm(d, c.n_embd);
      w[n("post_ffw_norm")] = RandomNorm(d, c.n_embd);
    }
  }
  // Gemma 4 proportional RoPE: a quarter of the pairs turn, the rest not.
  for (const LayerConfig& l : c.layers) {
    if (!l.use_rope_freqs) continue;
    FloatTensor f{{l.rotary_dim / 2}, {}, false};
    for (int64_t i = 0; i < l.rotary_dim / 2; ++i)
      f.values.push_back(i < l.rotary_dim / 8 ? 1.0f : 1e30f);
    w["rope_freqs.weight"] = f;
  }
  return w;
}

// Tensors held in memory, as a TensorSource.
class MemoryTensors : public TensorSource {
 public:
  struct Stored {
    uint32_t ggml_type = 0;
    std::vector<int64_t> dims;
    std::vector<uint8_t> bytes;
  };

  std::optional<TensorData> Find(std::string_view name) const override {
    const auto it = tensors.find(name);
    if (it == tensors.end()) return std::nullopt;
    const Stored& s = it->second;
    return TensorData{s.ggml_type, s.dims, s.bytes.data(), s.bytes.size()};
  }

  std::map<std::string, Stored, std::less<>> tensors;
};

// `weights` with every matrix stored in `format` (vectors stay F32).
inline MemoryTensors Encode(const WeightMap& weights, kernels::Format format) {
  MemoryTensors out;
  for (const auto& [name, t] : weights) {
    const kernels::Format f = t.is_matrix ? format : kernels::Format::kF32;
    const int64_t cols = t.dims[0];
    const int64_t rows = static_cast<int64_t>(t.values.size()) / cols;
    const size_t row_bytes = kernels::RowBytes(f, cols);
    MemoryTensors::Stored s{static_cast<uint32_t>(f), t.dims,
                            std::vector<uint8_t>(row_bytes * rows)};
    for (int64_t r = 0; r < rows; ++r) {
      kernels::QuantizeRow(f, t.values.data() + r * cols,
                           s.bytes.data() + r * row_bytes, cols);
    }
    out.tensors[name] = std::move(s);
  }
  return out;
}

// Metadata held in a map, as a MetadataSource.
class MapMetadata : public MetadataSource {
 public:
  using Entry = std::variant<int64_t, float, std::string, std::vector<int64_t>>;

  std::optional<std::string> GetString(std::string_view key) const override {
    return Get<std::string>(key);
  }
  std::optional<int64_t> GetInt(std::string_view key) const override {
    return Get<int64_t>(key);
  }
  std::optional<float> GetFloat(std::string_view key) const override {
    return Get<float>(key);
  }
  std::optional<std::vector<int64_t>> GetIntArray(
      std::string_view key) const override {
    return Get<std::vector<int64_t>>(key);
  }
  std::optional<std::vector<int64_t>> TensorDims(
      std::string_view name) const override {
    const auto it = tensor_dims.find(name);
    if (it == tensor_dims.end()) return std::nullopt;
    return it->second;
  }

  std::map<std::string, Entry, std::less<>> entries;
  std::map<std::string, std::vector<int64_t>, std::less<>> tensor_dims;

 private:
  template <typename T>
  std::optional<T> Get(std::string_view key) const {
    const auto it = entries.find(key);
    if (it == entries.end() || !std::holds_alternative<T>(it->second))
      return std::nullopt;
    return std::get<T>(it->second);
  }
};

// The three tiny configs of the tests. All widths are multiples of 256 so
// every block format (Q4_K's 256-element blocks included) can store them;
// the prompts are longer than the 4-token sliding window.
inline ModelConfig TinyLlama() {
  return MakeLlamaConfig(/*n_layers=*/2, /*n_embd=*/256, /*n_heads=*/4,
                         /*n_kv_heads=*/2, /*head_dim=*/64, /*n_ff=*/512,
                         /*n_vocab=*/96);
}

inline ModelConfig TinyGemma3() {
  // Layers 0, 1 sliding, layer 2 global (period 3).
  return MakeGemma3Config(/*n_layers=*/3, /*n_embd=*/256, /*n_heads=*/4,
                          /*n_kv_heads=*/1, /*head_dim=*/64, /*n_ff=*/512,
                          /*n_vocab=*/96, /*sliding_window=*/4,
                          /*period=*/3);
}

inline ModelConfig TinyGemma4() {
  // Layers 0, 1 sliding (head_dim 64, 2 KV heads), layer 2 global
  // (head_dim 128, 1 KV head, K as V, proportional RoPE).
  Gemma4Shape s;
  s.n_heads = 4;
  s.n_kv_heads_local = 2;
  s.n_kv_heads_global = 1;
  s.head_dim_local = 64;
  s.head_dim_global = 128;
  s.global_rotary_dim = 128;
  s.n_ff = 512;
  s.k_eq_v = true;
  return MakeGemma4Config(/*n_layers=*/3, /*n_embd=*/256, s, /*n_vocab=*/96,
                          /*sliding_window=*/4, /*period=*/3);
}

// A fixed prompt of n token ids below n_vocab.
inline std::vector<int32_t> Prompt(int64_t n, int64_t n_vocab) {
  std::vector<int32_t> tokens;
  for (int64_t i = 0; i < n; ++i)
    tokens.push_back(static_cast<int32_t>((i * 37 + 11) % n_vocab));
  return tokens;
}

}  // namespace lapbench::engine::testing
