// Reading and checking ModelConfig: GGUF metadata keys and in-code presets.
#include "engine/model/hparams.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace lapbench::engine {
namespace {

// Reads `{arch}.<name>` keys of one file and turns absences and bad values
// into ConfigErrors naming the key.
class KeyReader {
 public:
  KeyReader(const MetadataSource& meta, std::string_view arch)
      : meta_(meta), arch_(arch) {}

  std::string Key(std::string_view name) const {
    return fmt::format("{}.{}", arch_, name);
  }

  int64_t Int(std::string_view name) const {
    const std::optional<int64_t> v = meta_.GetInt(Key(name));
    if (!v) throw Missing(name, "an integer");
    return *v;
  }
  int64_t IntOr(std::string_view name, int64_t fallback) const {
    return meta_.GetInt(Key(name)).value_or(fallback);
  }
  float FloatOr(std::string_view name, float fallback) const {
    return meta_.GetFloat(Key(name)).value_or(fallback);
  }
  std::optional<std::string> String(std::string_view name) const {
    return meta_.GetString(Key(name));
  }

  // A per-layer value stored as a scalar or as an array of n_layers.
  std::vector<int64_t> PerLayer(std::string_view name, int64_t n_layers,
                                std::optional<int64_t> fallback) const {
    const std::string key = Key(name);
    if (auto array = meta_.GetIntArray(key)) {
      if (static_cast<int64_t>(array->size()) != n_layers) {
        throw ConfigError(fmt::format(
            "per-layer key has the wrong length: '{}' = {} values (expected "
            "{}, one per layer)",
            key, array->size(), n_layers));
      }
      return *array;
    }
    std::optional<int64_t> scalar = meta_.GetInt(key);
    if (!scalar) scalar = fallback;
    if (!scalar) throw Missing(name, "an integer or a per-layer array");
    return std::vector<int64_t>(static_cast<size_t>(n_layers), *scalar);
  }

 private:
  ConfigError Missing(std::string_view name, std::string_view what) const {
    return ConfigError(fmt::format(
        "missing GGUF metadata key: '{}' (expected {})", Key(name), what));
  }

  const MetadataSource& meta_;
  std::string arch_;
};

// Refuses a key whose value would select a feature we do not implement.
void RefuseIfPositive(const KeyReader& keys, std::string_view name,
                      std::string_view feature) {
  const int64_t value = keys.IntOr(name, 0);
  if (value > 0) {
    throw ConfigError(
        fmt::format("unsupported model feature ({}): '{}' = {} (expected 0)",
                    feature, keys.Key(name), value));
  }
}

// The linear RoPE scaling factor (1 when absent); other types are refused.
float LinearRopeScale(const KeyReader& keys) {
  const std::optional<std::string> type = keys.String("rope.scaling.type");
  if (!type || *type == "none") return 1.0f;
  if (*type != "linear") {
    throw ConfigError(fmt::format(
        "unsupported RoPE scaling: '{}' = '{}' (expected none or linear)",
        keys.Key("rope.scaling.type"), *type));
  }
  const float factor = keys.FloatOr("rope.scaling.factor", 1.0f);
  if (!(factor > 0.0f)) {
    throw ConfigError(
        fmt::format("bad RoPE scaling factor: '{}' = {} "
                    "(expected a positive number)",
                    keys.Key("rope.scaling.factor"), factor));
  }
  return 1.0f / factor;
}

// Vocabulary size: `{arch}.vocab_size`, else the rows of token_embd.
int64_t ReadVocab(const MetadataSource& meta, const KeyReader& keys) {
  if (auto n = meta.GetInt(keys.Key("vocab_size"))) return *n;
  const auto dims = meta.TensorDims("token_embd.weight");
  if (!dims || dims->size() < 2) {
    throw ConfigError(
        "missing vocabulary size: 'token_embd.weight' (expected a 2-D "
        "tensor or a vocab_size key)");
  }
  return (*dims)[1];
}

// Keys every architecture shares.
ModelConfig ReadCommon(const MetadataSource& meta, const KeyReader& keys,
                       Architecture arch) {
  ModelConfig c;
  c.arch = arch;
  c.n_embd = keys.Int("embedding_length");
  c.n_vocab = ReadVocab(meta, keys);
  c.n_ctx_train = keys.IntOr("context_length", 0);
  c.rms_eps = keys.FloatOr("attention.layer_norm_rms_epsilon", 1e-5f);
  const int64_t n_layers = keys.Int("block_count");
  if (n_layers <= 0 || n_layers > 4096) {
    throw ConfigError(
        fmt::format("bad layer count: '{}' = {} (expected 1 to "
                    "4096)",
                    keys.Key("block_count"), n_layers));
  }
  c.layers.resize(static_cast<size_t>(n_layers));
  const auto heads = keys.PerLayer("attention.head_count", n_layers, {});
  const auto kv_heads =
      keys.PerLayer("attention.head_count_kv", n_layers, heads[0]);
  const auto n_ff = keys.PerLayer("feed_forward_length", n_layers, {});
  for (size_t il = 0; il < c.layers.size(); ++il) {
    c.layers[il].n_heads = heads[il];
    c.layers[il].n_kv_heads = kv_heads[il];
    c.layers[il].n_ff = n_ff[il];
  }
  return c;
}

// The head dim stored under `key_name`, checked against its value twin.
int64_t ReadHeadDim(const KeyReader& keys, std::string_view key_name,
                    std::string_view value_name, int64_t fallback) {
  const int64_t k = keys.IntOr(key_name, fallback);
  const int64_t v = keys.IntOr(value_name, k);
  if (v != k) {
    throw ConfigError(fmt::format(
        "unsupported head sizes: '{}' = {} (expected equal to {} = {})",
        keys.Key(value_name), v, keys.Key(key_name), k));
  }
  return k;
}

ModelConfig ReadLlama(const MetadataSource& meta, const KeyReader& keys) {
  ModelConfig c = ReadCommon(meta, keys, Architecture::kLlama);
  const int64_t head_dim =
      ReadHeadDim(keys, "attention.key_length", "attention.value_length",
                  c.n_embd / c.layers[0].n_heads);
  const int64_t rotary_dim = keys.IntOr("rope.dimension_count", head_dim);
  const float base = keys.FloatOr("rope.freq_base", 10000.0f);
  const float freq_scale = LinearRopeScale(keys);
  const bool rope_freqs = meta.TensorDims("rope_freqs.weight").has_value();
  for (LayerConfig& layer : c.layers) {
    layer.head_dim = head_dim;
    layer.rotary_dim = rotary_dim;
    layer.rope_base = base;
    layer.rope_freq_scale = freq_scale;
    layer.use_rope_freqs = rope_freqs;
  }
  c.rope_layout = kernels::RopeLayout::kInterleaved;
  c.attn_scale = 1.0f / std::sqrt(static_cast<float>(head_dim));
  c.ffn_act = FfnActivation::kSilu;
  return c;
}

// Gemma 3: global iff il % period == period - 1, period defaulting to 6.
ModelConfig ReadGemma3(const MetadataSource& meta, const KeyReader& keys) {
  ModelConfig c = ReadCommon(meta, keys, Architecture::kGemma3);
  const int64_t head_dim =
      ReadHeadDim(keys, "attention.key_length", "attention.value_length",
                  c.n_embd / c.layers[0].n_heads);
  c.sliding_window = keys.IntOr("attention.sliding_window", 0);
  const int64_t period = keys.IntOr("attention.sliding_window_pattern", 6);
  const float global_scale = LinearRopeScale(keys);
  for (size_t il = 0; il < c.layers.size(); ++il) {
    LayerConfig& layer = c.layers[il];
    layer.head_dim = head_dim;
    layer.rotary_dim = head_dim;
    layer.sliding = c.sliding_window > 0 && period > 0 &&
                    static_cast<int64_t>(il) % period < period - 1;
    layer.rope_base = layer.sliding
                          ? keys.FloatOr("rope.freq_base_swa", 10000.0f)
                          : keys.FloatOr("rope.freq_base", 10000.0f);
    layer.rope_freq_scale = layer.sliding ? 1.0f : global_scale;
  }
  c.rope_layout = kernels::RopeLayout::kHalfSplit;
  // llama.cpp's rule: the 62-layer 27B scales by n_embd / n_heads.
  const int64_t scale_dim =
      c.n_layers() == 62 ? c.n_embd / c.layers[0].n_heads : head_dim;
  c.attn_scale = 1.0f / std::sqrt(static_cast<float>(scale_dim));
  c.attn_softcap = keys.FloatOr("attn_logit_softcapping", 0.0f);
  c.final_softcap = keys.FloatOr("final_logit_softcapping", 0.0f);
  c.embd_scale = std::sqrt(static_cast<float>(c.n_embd));
  c.ffn_act = FfnActivation::kGeluTanh;
  c.qk_norm = true;
  c.post_norms = true;
  return c;
}

// Gemma 4 per-layer sliding flags: a bool array (true = sliding).
std::vector<int64_t> ReadSlidingFlags(const MetadataSource& meta,
                                      const KeyReader& keys, int64_t n) {
  const std::string key = keys.Key("attention.sliding_window_pattern");
  auto flags = meta.GetIntArray(key);
  if (!flags || static_cast<int64_t>(flags->size()) != n) {
    throw ConfigError(fmt::format(
        "missing or short per-layer flags: '{}' (expected a bool array of "
        "{} values)",
        key, n));
  }
  return *flags;
}

ModelConfig ReadGemma4(const MetadataSource& meta, const KeyReader& keys) {
  RefuseIfPositive(keys, "embedding_length_per_layer_input",
                   "per-layer embeddings");
  RefuseIfPositive(keys, "attention.shared_kv_layers", "KV sharing");
  RefuseIfPositive(keys, "expert_count", "mixture of experts");
  ModelConfig c = ReadCommon(meta, keys, Architecture::kGemma4);
  const int64_t hd_global =
      ReadHeadDim(keys, "attention.key_length", "attention.value_length", 0);
  const int64_t hd_local = ReadHeadDim(keys, "attention.key_length_swa",
                                       "attention.value_length_swa", hd_global);
  const auto sliding = ReadSlidingFlags(meta, keys, c.n_layers());
  const bool rope_freqs = meta.TensorDims("rope_freqs.weight").has_value();
  c.sliding_window = keys.IntOr("attention.sliding_window", 0);
  for (size_t il = 0; il < c.layers.size(); ++il) {
    LayerConfig& layer = c.layers[il];
    layer.sliding = sliding[il] != 0;
    layer.head_dim = layer.sliding ? hd_local : hd_global;
    layer.rotary_dim = layer.sliding
                           ? keys.IntOr("rope.dimension_count_swa", hd_local)
                           : keys.IntOr("rope.dimension_count", hd_global);
    layer.rope_base = layer.sliding
                          ? keys.FloatOr("rope.freq_base_swa", 10000.0f)
                          : keys.FloatOr("rope.freq_base", 10000.0f);
    layer.use_rope_freqs = !layer.sliding && rope_freqs;
    layer.k_is_v =
        !meta.TensorDims(fmt::format("blk.{}.attn_v.weight", il)).has_value();
  }
  c.rope_layout = kernels::RopeLayout::kHalfSplit;
  c.attn_scale = 1.0f;
  c.final_softcap = keys.FloatOr("final_logit_softcapping", 0.0f);
  c.embd_scale = std::sqrt(static_cast<float>(c.n_embd));
  c.ffn_act = FfnActivation::kGeluTanh;
  c.qk_norm = true;
  c.v_norm = true;
  c.post_norms = true;
  return c;
}

template <typename F>
int64_t MaxOver(const ModelConfig& c, F f) {
  int64_t best = 0;
  for (const LayerConfig& layer : c.layers) best = std::max(best, f(layer));
  return best;
}

}  // namespace

std::string_view ArchitectureName(Architecture arch) {
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

int64_t ModelConfig::max_q_dim() const {
  return MaxOver(*this, [](const LayerConfig& l) { return l.q_dim(); });
}
int64_t ModelConfig::max_kv_dim() const {
  return MaxOver(*this, [](const LayerConfig& l) { return l.kv_dim(); });
}
int64_t ModelConfig::max_n_heads() const {
  return MaxOver(*this, [](const LayerConfig& l) { return l.n_heads; });
}
int64_t ModelConfig::max_n_ff() const {
  return MaxOver(*this, [](const LayerConfig& l) { return l.n_ff; });
}
bool ModelConfig::uses_rope_freqs() const {
  return std::any_of(layers.begin(), layers.end(),
                     [](const LayerConfig& l) { return l.use_rope_freqs; });
}

ModelConfig ReadModelConfig(const MetadataSource& meta) {
  const std::optional<std::string> arch =
      meta.GetString("general.architecture");
  if (!arch) {
    throw ConfigError(
        "missing GGUF metadata key: 'general.architecture' (expected a "
        "string)");
  }
  const KeyReader keys(meta, *arch);
  ModelConfig config;
  if (*arch == "llama") {
    config = ReadLlama(meta, keys);
  } else if (*arch == "gemma3") {
    config = ReadGemma3(meta, keys);
  } else if (*arch == "gemma4") {
    config = ReadGemma4(meta, keys);
  } else {
    throw ConfigError(fmt::format(
        "unsupported model architecture: '{}' (expected llama, gemma3 or "
        "gemma4)",
        *arch));
  }
  ValidateConfig(config);
  return config;
}

}  // namespace lapbench::engine
