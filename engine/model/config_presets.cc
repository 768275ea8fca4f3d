// ModelConfig built in code (tests, presets) and the consistency checks
// every config passes before a forward pass uses it.
#include <fmt/format.h>

#include <cmath>
#include <string>

#include "engine/model/hparams.h"

namespace lapbench::engine {
namespace {

// Throws unless lo <= value <= hi, naming `what` and the layer (-1: the
// model as a whole).
void CheckRange(std::string_view what, int64_t layer, int64_t value, int64_t lo,
                int64_t hi) {
  if (value < lo || value > hi) {
    const std::string where =
        layer >= 0 ? fmt::format(" in layer {}", layer) : std::string();
    throw ConfigError(
        fmt::format("bad model hyperparameter: '{}' = {}{} (expected {} to {})",
                    what, value, where, lo, hi));
  }
}

void ValidateLayer(const LayerConfig& l, int64_t il) {
  constexpr int64_t kMaxWidth = int64_t{1} << 20;
  CheckRange("n_heads", il, l.n_heads, 1, 4096);
  CheckRange("n_kv_heads", il, l.n_kv_heads, 1, l.n_heads);
  CheckRange("head_dim", il, l.head_dim, 2, 4096);
  CheckRange("n_ff", il, l.n_ff, 1, kMaxWidth);
  CheckRange("rotary_dim", il, l.rotary_dim, 0, l.head_dim);
  if (l.n_heads % l.n_kv_heads != 0) {
    throw ConfigError(fmt::format(
        "bad model hyperparameter: 'n_heads' = {} in layer {} (expected a "
        "multiple of n_kv_heads = {})",
        l.n_heads, il, l.n_kv_heads));
  }
  if (l.rotary_dim % 2 != 0) {
    throw ConfigError(fmt::format(
        "bad model hyperparameter: 'rotary_dim' = {} in layer {} (expected "
        "an even number)",
        l.rotary_dim, il));
  }
}

LayerConfig UniformLayer(int64_t n_heads, int64_t n_kv_heads, int64_t head_dim,
                         int64_t n_ff) {
  LayerConfig l;
  l.n_heads = n_heads;
  l.n_kv_heads = n_kv_heads;
  l.head_dim = head_dim;
  l.n_ff = n_ff;
  l.rotary_dim = head_dim;
  return l;
}

// Gemma 3 and 4 share these conventions.
void SetGemmaCommon(ModelConfig& c, int64_t sliding_window) {
  c.rope_layout = kernels::RopeLayout::kHalfSplit;
  c.sliding_window = sliding_window;
  c.rms_eps = 1e-6f;
  c.embd_scale = std::sqrt(static_cast<float>(c.n_embd));
  c.ffn_act = FfnActivation::kGeluTanh;
  c.qk_norm = true;
  c.post_norms = true;
}

}  // namespace

void ValidateConfig(const ModelConfig& c) {
  constexpr int64_t kMaxWidth = int64_t{1} << 20;
  CheckRange("n_embd", -1, c.n_embd, 1, kMaxWidth);
  CheckRange("n_vocab", -1, c.n_vocab, 1, int64_t{1} << 24);
  CheckRange("n_layers", -1, c.n_layers(), 1, 4096);
  CheckRange("sliding_window", -1, c.sliding_window, 0, int64_t{1} << 30);
  if (!(c.rms_eps > 0.0f) || !std::isfinite(c.attn_scale) ||
      c.attn_softcap < 0.0f || c.final_softcap < 0.0f) {
    throw ConfigError(fmt::format(
        "bad model hyperparameter: 'rms_eps, attn_softcap, final_softcap' = "
        "'{}, {}, {}' (expected a positive eps and softcaps >= 0)",
        c.rms_eps, c.attn_softcap, c.final_softcap));
  }
  for (int64_t il = 0; il < c.n_layers(); ++il) {
    ValidateLayer(c.layers[static_cast<size_t>(il)], il);
  }
}

ModelConfig MakeLlamaConfig(int64_t n_layers, int64_t n_embd, int64_t n_heads,
                            int64_t n_kv_heads, int64_t head_dim, int64_t n_ff,
                            int64_t n_vocab) {
  ModelConfig c;
  c.arch = Architecture::kLlama;
  c.n_embd = n_embd;
  c.n_vocab = n_vocab;
  c.layers.assign(static_cast<size_t>(n_layers),
                  UniformLayer(n_heads, n_kv_heads, head_dim, n_ff));
  for (LayerConfig& l : c.layers) l.rope_base = 500000.0f;
  c.rope_layout = kernels::RopeLayout::kInterleaved;
  c.rms_eps = 1e-5f;
  c.attn_scale = 1.0f / std::sqrt(static_cast<float>(head_dim));
  c.ffn_act = FfnActivation::kSilu;
  ValidateConfig(c);
  return c;
}

ModelConfig MakeGemma3Config(int64_t n_layers, int64_t n_embd, int64_t n_heads,
                             int64_t n_kv_heads, int64_t head_dim, int64_t n_ff,
                             int64_t n_vocab, int64_t sliding_window,
                             int64_t period) {
  ModelConfig c;
  c.arch = Architecture::kGemma3;
  c.n_embd = n_embd;
  c.n_vocab = n_vocab;
  c.layers.assign(static_cast<size_t>(n_layers),
                  UniformLayer(n_heads, n_kv_heads, head_dim, n_ff));
  for (int64_t il = 0; il < n_layers; ++il) {
    LayerConfig& l = c.layers[static_cast<size_t>(il)];
    l.sliding = il % period < period - 1;
    l.rope_base = l.sliding ? 10000.0f : 1000000.0f;
  }
  SetGemmaCommon(c, sliding_window);
  c.attn_scale = 1.0f / std::sqrt(static_cast<float>(head_dim));
  ValidateConfig(c);
  return c;
}

ModelConfig MakeGemma4Config(int64_t n_layers, int64_t n_embd,
                             const Gemma4Shape& s, int64_t n_vocab,
                             int64_t sliding_window, int64_t period) {
  ModelConfig c;
  c.arch = Architecture::kGemma4;
  c.n_embd = n_embd;
  c.n_vocab = n_vocab;
  c.layers.resize(static_cast<size_t>(n_layers));
  for (int64_t il = 0; il < n_layers; ++il) {
    const bool sliding = il % period < period - 1 && il != n_layers - 1;
    LayerConfig& l = c.layers[static_cast<size_t>(il)];
    l = sliding ? UniformLayer(s.n_heads, s.n_kv_heads_local, s.head_dim_local,
                               s.n_ff)
                : UniformLayer(s.n_heads, s.n_kv_heads_global,
                               s.head_dim_global, s.n_ff);
    l.sliding = sliding;
    l.rotary_dim = sliding ? s.head_dim_local : s.global_rotary_dim;
    l.rope_base = sliding ? 10000.0f : 1000000.0f;
    l.use_rope_freqs = !sliding;
    l.k_is_v = !sliding && s.k_eq_v;
  }
  SetGemmaCommon(c, sliding_window);
  c.attn_scale = 1.0f;
  c.final_softcap = 30.0f;
  c.v_norm = true;
  ValidateConfig(c);
  return c;
}

}  // namespace lapbench::engine
