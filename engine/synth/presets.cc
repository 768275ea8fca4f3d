// Model presets: the real hyperparameters (../docs/engine.md cites the
// sources), per-layer shapes, tensor lists and converter-style metadata.
#include "engine/synth/presets.h"

#include <fmt/format.h>

#include <array>
#include <cmath>
#include <numbers>

namespace lapbench::engine {
namespace {

using gguf::Array;
using gguf::Value;
using gguf::ValueType;

constexpr Llama3RopeScaling kLlama32Rope{32.0, 1.0, 4.0, 8192};
constexpr Llama3RopeScaling kLlama31Rope{8.0, 1.0, 4.0, 8192};
// Tiny: an original context of 64 puts the 16 pairs of a 32-dim head in all
// three bands of the llama3 rule (unscaled, smoothed, scaled by `factor`).
constexpr Llama3RopeScaling kTinyLlamaRope{8.0, 1.0, 4.0, 64};

// Real models: Gemma 4 from HF transformers' gemma4 conversion variants,
// Gemma 3 from its `_VARIANTS`, Llama 3.x from the HF config.json files.
// gemma4-12b's window and context come only from an ollama test fixture.
// Tiny models keep every feature (GQA, untied or tied output, llama3 rope
// factors, 5 local + 1 global layer with an 8-token window, Gemma 4's two
// head sizes and K=V) with rows of 256 so every format holds them.
const std::array<ModelPreset, 11> kPresets = {{
    {.name = "gemma4-12b",
     .model_name = "Gemma 4 12B",
     .size_label = "12B",
     .arch = Architecture::kGemma4,
     .n_vocab = 262144,
     .n_embd = 3840,
     .n_layers = 48,
     .n_heads = 16,
     .n_kv_heads = 8,
     .n_kv_heads_global = 1,
     .head_dim = 256,
     .head_dim_global = 512,
     .n_ff = 15360,
     .n_ctx_train = 131072,
     .sliding_window = 1024,
     .global_period = 6,
     .rope_base = 1e6f,
     .partial_rotary_global = 0.25,
     .k_eq_v = true,
     .final_softcap = 30.0f},
    {.name = "gemma4-31b",
     .model_name = "Gemma 4 31B",
     .size_label = "31B",
     .arch = Architecture::kGemma4,
     .n_vocab = 262144,
     .n_embd = 5376,
     .n_layers = 60,
     .n_heads = 32,
     .n_kv_heads = 16,
     .n_kv_heads_global = 4,
     .head_dim = 256,
     .head_dim_global = 512,
     .n_ff = 21504,
     .n_ctx_train = 262144,
     .sliding_window = 1024,
     .global_period = 6,
     .rope_base = 1e6f,
     .partial_rotary_global = 0.25,
     .k_eq_v = true,
     .final_softcap = 30.0f},
    {.name = "gemma3-1b",
     .model_name = "Gemma 3 1B",
     .size_label = "1B",
     .arch = Architecture::kGemma3,
     .n_vocab = 262144,
     .n_embd = 1152,
     .n_layers = 26,
     .n_heads = 4,
     .n_kv_heads = 1,
     .head_dim = 256,
     .n_ff = 6912,
     .n_ctx_train = 32768,
     .sliding_window = 512,
     .global_period = 6,
     .rope_base = 1e6f},
    {.name = "gemma3-4b",
     .model_name = "Gemma 3 4B",
     .size_label = "4B",
     .arch = Architecture::kGemma3,
     .n_vocab = 262144,
     .n_embd = 2560,
     .n_layers = 34,
     .n_heads = 8,
     .n_kv_heads = 4,
     .head_dim = 256,
     .n_ff = 10240,
     .n_ctx_train = 131072,
     .sliding_window = 1024,
     .global_period = 6,
     .rope_base = 1e6f,
     .rope_linear_factor = 8.0f},
    {.name = "gemma3-12b",
     .model_name = "Gemma 3 12B",
     .size_label = "12B",
     .arch = Architecture::kGemma3,
     .n_vocab = 262144,
     .n_embd = 3840,
     .n_layers = 48,
     .n_heads = 16,
     .n_kv_heads = 8,
     .head_dim = 256,
     .n_ff = 15360,
     .n_ctx_train = 131072,
     .sliding_window = 1024,
     .global_period = 6,
     .rope_base = 1e6f,
     .rope_linear_factor = 8.0f},
    {.name = "llama3.2-1b",
     .model_name = "Llama 3.2 1B",
     .size_label = "1B",
     .arch = Architecture::kLlama,
     .n_vocab = 128256,
     .n_embd = 2048,
     .n_layers = 16,
     .n_heads = 32,
     .n_kv_heads = 8,
     .head_dim = 64,
     .n_ff = 8192,
     .n_ctx_train = 131072,
     .rms_eps = 1e-5f,
     .rope_base = 500000.0f,
     .llama3_rope = kLlama32Rope},
    {.name = "llama3.2-3b",
     .model_name = "Llama 3.2 3B",
     .size_label = "3B",
     .arch = Architecture::kLlama,
     .n_vocab = 128256,
     .n_embd = 3072,
     .n_layers = 28,
     .n_heads = 24,
     .n_kv_heads = 8,
     .head_dim = 128,
     .n_ff = 8192,
     .n_ctx_train = 131072,
     .rms_eps = 1e-5f,
     .rope_base = 500000.0f,
     .llama3_rope = kLlama32Rope},
    {.name = "llama3.1-8b",
     .model_name = "Llama 3.1 8B",
     .size_label = "8B",
     .arch = Architecture::kLlama,
     .n_vocab = 128256,
     .n_embd = 4096,
     .n_layers = 32,
     .n_heads = 32,
     .n_kv_heads = 8,
     .head_dim = 128,
     .n_ff = 14336,
     .n_ctx_train = 131072,
     .rms_eps = 1e-5f,
     .rope_base = 500000.0f,
     .llama3_rope = kLlama31Rope,
     .tied_embeddings = false,
     .writes_head_dim = false},
    {.name = "tiny-llama",
     .model_name = "Tiny Llama",
     .size_label = "1M",
     .arch = Architecture::kLlama,
     .n_vocab = 512,
     .n_embd = 256,
     .n_layers = 2,
     .n_heads = 8,
     .n_kv_heads = 2,
     .head_dim = 32,
     .n_ff = 512,
     .n_ctx_train = 2048,
     .rms_eps = 1e-5f,
     .rope_base = 500000.0f,
     .llama3_rope = kTinyLlamaRope,
     .tied_embeddings = false},
    {.name = "tiny-gemma3",
     .model_name = "Tiny Gemma 3",
     .size_label = "3M",
     .arch = Architecture::kGemma3,
     .n_vocab = 512,
     .n_embd = 256,
     .n_layers = 6,
     .n_heads = 4,
     .n_kv_heads = 2,
     .head_dim = 64,
     .n_ff = 512,
     .n_ctx_train = 2048,
     .sliding_window = 8,
     .global_period = 6,
     .rope_base = 1e6f,
     .rope_linear_factor = 8.0f},
    {.name = "tiny-gemma4",
     .model_name = "Tiny Gemma 4",
     .size_label = "3M",
     .arch = Architecture::kGemma4,
     .n_vocab = 512,
     .n_embd = 256,
     .n_layers = 6,
     .n_heads = 4,
     .n_kv_heads = 2,
     .n_kv_heads_global = 1,
     .head_dim = 64,
     .head_dim_global = 128,
     .n_ff = 512,
     .n_ctx_train = 2048,
     .sliding_window = 8,
     .global_period = 6,
     .rope_base = 1e6f,
     .partial_rotary_global = 0.25,
     .k_eq_v = true,
     .final_softcap = 30.0f},
}};

std::string_view ArchName(Architecture arch) {
  switch (arch) {
    case Architecture::kLlama:
      return "llama";
    case Architecture::kGemma3:
      return "gemma3";
    case Architecture::kGemma4:
      return "gemma4";
  }
  return "unknown";
}

Value U32(int64_t v) {
  return Value::Of<ValueType::kUint32>(static_cast<uint32_t>(v));
}
Value F32(float v) { return Value::Of<ValueType::kFloat32>(v); }
Value Str(std::string_view v) {
  return Value::Of<ValueType::kString>(std::string(v));
}

// Appends `{arch}.<suffix>` = value.
class ArchKeys {
 public:
  ArchKeys(std::vector<MetadataEntry>& out, std::string_view arch)
      : out_(out), arch_(arch) {}
  void Add(std::string_view suffix, Value value) {
    out_.push_back({fmt::format("{}.{}", arch_, suffix), std::move(value)});
  }

 private:
  std::vector<MetadataEntry>& out_;
  std::string_view arch_;
};

void AddLlamaKeys(const ModelPreset& p, ArchKeys& keys) {
  keys.Add("vocab_size", U32(p.n_vocab));
  keys.Add("context_length", U32(p.n_ctx_train));
  keys.Add("embedding_length", U32(p.n_embd));
  keys.Add("block_count", U32(p.n_layers));
  keys.Add("feed_forward_length", U32(p.n_ff));
  keys.Add("rope.dimension_count", U32(p.head_dim));
  keys.Add("attention.head_count", U32(p.n_heads));
  keys.Add("attention.head_count_kv", U32(p.n_kv_heads));
  keys.Add("rope.freq_base", F32(p.rope_base));
  keys.Add("attention.layer_norm_rms_epsilon", F32(p.rms_eps));
  if (p.writes_head_dim) {
    keys.Add("attention.key_length", U32(p.head_dim));
    keys.Add("attention.value_length", U32(p.head_dim));
  }
}

void AddGemma3Keys(const ModelPreset& p, ArchKeys& keys) {
  keys.Add("context_length", U32(p.n_ctx_train));
  keys.Add("embedding_length", U32(p.n_embd));
  keys.Add("block_count", U32(p.n_layers));
  keys.Add("feed_forward_length", U32(p.n_ff));
  keys.Add("attention.head_count", U32(p.n_heads));
  keys.Add("attention.layer_norm_rms_epsilon", F32(p.rms_eps));
  keys.Add("attention.key_length", U32(p.head_dim));
  keys.Add("attention.value_length", U32(p.head_dim));
  keys.Add("rope.freq_base", F32(p.rope_base));
  keys.Add("rope.freq_base_swa", F32(p.rope_base_swa));
  keys.Add("attention.sliding_window", U32(p.sliding_window));
  keys.Add("attention.head_count_kv", U32(p.n_kv_heads));
  if (p.rope_linear_factor > 0.0f) {
    keys.Add("rope.scaling.type", Str("linear"));
    keys.Add("rope.scaling.factor", F32(p.rope_linear_factor));
  }
}

// Gemma 4 writes head_count_kv per layer when global layers differ.
Value Gemma4KvHeads(const ModelPreset& p) {
  if (p.n_kv_heads == p.n_kv_heads_global) return U32(p.n_kv_heads);
  std::vector<int32_t> per_layer;
  for (int64_t il = 0; il < p.n_layers; ++il) {
    per_layer.push_back(static_cast<int32_t>(LayerKvHeads(p, il)));
  }
  return Value::Of<ValueType::kArray>(Array{std::move(per_layer)});
}

void AddGemma4Keys(const ModelPreset& p, ArchKeys& keys) {
  std::vector<bool> sliding;
  for (int64_t il = 0; il < p.n_layers; ++il) {
    sliding.push_back(!IsGlobalLayer(p, il));
  }
  keys.Add("context_length", U32(p.n_ctx_train));
  keys.Add("embedding_length", U32(p.n_embd));
  keys.Add("block_count", U32(p.n_layers));
  keys.Add("feed_forward_length", U32(p.n_ff));
  keys.Add("attention.head_count", U32(p.n_heads));
  keys.Add("attention.head_count_kv", Gemma4KvHeads(p));
  keys.Add("attention.layer_norm_rms_epsilon", F32(p.rms_eps));
  keys.Add("attention.key_length", U32(p.head_dim_global));
  keys.Add("attention.value_length", U32(p.head_dim_global));
  keys.Add("attention.key_length_swa", U32(p.head_dim));
  keys.Add("attention.value_length_swa", U32(p.head_dim));
  keys.Add("rope.dimension_count", U32(p.head_dim_global));
  keys.Add("rope.dimension_count_swa", U32(p.head_dim));
  keys.Add("rope.freq_base", F32(p.rope_base));
  keys.Add("rope.freq_base_swa", F32(p.rope_base_swa));
  keys.Add("attention.sliding_window", U32(p.sliding_window));
  keys.Add("attention.sliding_window_pattern",
           Value::Of<ValueType::kArray>(Array{std::move(sliding)}));
  keys.Add("attention.shared_kv_layers", U32(0));
  keys.Add("embedding_length_per_layer_input", U32(0));
  keys.Add("final_logit_softcapping", F32(p.final_softcap));
}

bool HasRopeFreqs(const ModelPreset& p) {
  return p.llama3_rope.has_value() || p.arch == Architecture::kGemma4;
}

void AddLayerTensors(const ModelPreset& p, int64_t il,
                     std::vector<TensorSpec>& out) {
  const bool gemma = p.arch != Architecture::kLlama;
  const int64_t hd = LayerHeadDim(p, il);
  const int64_t q_dim = p.n_heads * hd;
  const int64_t kv_dim = LayerKvHeads(p, il) * hd;
  auto add = [&](std::string_view name, std::vector<int64_t> dims) {
    out.push_back({fmt::format("blk.{}.{}.weight", il, name), dims});
  };
  add("attn_norm", {p.n_embd});
  add("attn_q", {p.n_embd, q_dim});
  add("attn_k", {p.n_embd, kv_dim});
  if (LayerHasAttnV(p, il)) add("attn_v", {p.n_embd, kv_dim});
  if (gemma) {
    add("attn_q_norm", {hd});
    add("attn_k_norm", {hd});
  }
  add("attn_output", {q_dim, p.n_embd});
  if (gemma) add("post_attention_norm", {p.n_embd});
  add("ffn_norm", {p.n_embd});
  add("ffn_gate", {p.n_embd, p.n_ff});
  add("ffn_up", {p.n_embd, p.n_ff});
  add("ffn_down", {p.n_ff, p.n_embd});
  if (gemma) add("post_ffw_norm", {p.n_embd});
}

}  // namespace

int64_t TensorSpec::n_elems() const {
  int64_t n = 1;
  for (int64_t d : dims) n *= d;
  return n;
}

std::span<const ModelPreset> AllPresets() { return kPresets; }

const ModelPreset& FindPreset(std::string_view name) {
  std::string known;
  for (const ModelPreset& p : kPresets) {
    if (p.name == name) return p;
    known += known.empty() ? "" : ", ";
    known += p.name;
  }
  throw SynthError(fmt::format(
      "unknown model preset: '{}' (expected one of {})", name, known));
}

bool IsGlobalLayer(const ModelPreset& p, int64_t il) {
  if (p.global_period <= 0) return true;
  if (p.arch == Architecture::kGemma4 && il == p.n_layers - 1) return true;
  return il % p.global_period == p.global_period - 1;
}

int64_t LayerHeadDim(const ModelPreset& p, int64_t il) {
  bool two_sizes = p.head_dim_global > 0;
  return two_sizes && IsGlobalLayer(p, il) ? p.head_dim_global : p.head_dim;
}

int64_t LayerKvHeads(const ModelPreset& p, int64_t il) {
  bool two_counts = p.n_kv_heads_global > 0;
  return two_counts && IsGlobalLayer(p, il) ? p.n_kv_heads_global
                                            : p.n_kv_heads;
}

bool LayerHasAttnV(const ModelPreset& p, int64_t il) {
  return !(p.k_eq_v && IsGlobalLayer(p, il));
}

std::vector<TensorSpec> PresetTensors(const ModelPreset& p) {
  std::vector<TensorSpec> out;
  if (HasRopeFreqs(p)) {
    out.push_back({"rope_freqs.weight",
                   {static_cast<int64_t>(RopeFreqFactors(p).size())}});
  }
  out.push_back({"token_embd.weight", {p.n_embd, p.n_vocab}});
  for (int64_t il = 0; il < p.n_layers; ++il) AddLayerTensors(p, il, out);
  out.push_back({"output_norm.weight", {p.n_embd}});
  if (!p.tied_embeddings) {
    out.push_back({"output.weight", {p.n_embd, p.n_vocab}});
  }
  return out;
}

std::vector<MetadataEntry> PresetMetadata(const ModelPreset& p) {
  std::vector<MetadataEntry> out;
  std::string_view arch = ArchName(p.arch);
  out.push_back({"general.architecture", Str(arch)});
  out.push_back({"general.type", Str("model")});
  out.push_back({"general.name", Str(p.model_name)});
  out.push_back({"general.size_label", Str(p.size_label)});
  ArchKeys keys(out, arch);
  switch (p.arch) {
    case Architecture::kLlama:
      AddLlamaKeys(p, keys);
      break;
    case Architecture::kGemma3:
      AddGemma3Keys(p, keys);
      break;
    case Architecture::kGemma4:
      AddGemma4Keys(p, keys);
      break;
  }
  return out;
}

std::vector<float> RopeFreqFactors(const ModelPreset& p) {
  std::vector<float> factors;
  if (p.arch == Architecture::kGemma4) {
    // Proportional RoPE: the first share of pairs turn, the rest are held
    // still by a huge divisor.
    int64_t n_pairs = p.head_dim_global / 2;
    auto n_turning = static_cast<int64_t>(static_cast<double>(n_pairs) *
                                          p.partial_rotary_global);
    for (int64_t i = 0; i < n_pairs; ++i) {
      factors.push_back(i < n_turning ? 1.0f : 1e30f);
    }
    return factors;
  }
  if (!p.llama3_rope) return factors;
  // llama3 rule: short wavelengths unscaled, long ones divided by `factor`,
  // a smooth blend in between.
  const Llama3RopeScaling& s = *p.llama3_rope;
  const double orig = static_cast<double>(s.original_context);
  const double high_wavelen = orig / s.high_freq_factor;
  const double low_wavelen = orig / s.low_freq_factor;
  for (int64_t i = 0; i < p.head_dim / 2; ++i) {
    double exponent = static_cast<double>(2 * i) / p.head_dim;
    double freq = 1.0 / std::pow(static_cast<double>(p.rope_base), exponent);
    double wavelen = 2.0 * std::numbers::pi / freq;
    double factor = s.factor;
    if (wavelen < high_wavelen) {
      factor = 1.0;
    } else if (wavelen <= low_wavelen) {
      double smooth = (orig / wavelen - s.low_freq_factor) /
                      (s.high_freq_factor - s.low_freq_factor);
      factor = 1.0 / ((1.0 - smooth) / s.factor + smooth);
    }
    factors.push_back(static_cast<float>(factor));
  }
  return factors;
}

int64_t ParameterCount(const ModelPreset& p) {
  int64_t n = 0;
  for (const TensorSpec& t : PresetTensors(p)) {
    if (t.name != "rope_freqs.weight") n += t.n_elems();
  }
  return n;
}

}  // namespace lapbench::engine
