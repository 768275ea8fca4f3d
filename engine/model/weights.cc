// Binding named tensors to weight views, checking shapes and types.
#include "engine/model/weights.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "kernels/format.h"

namespace lapbench::engine {
namespace {

using kernels::Format;
using kernels::WeightView;

// The supported weight formats, for messages: "f32, f16, ...".
std::string SupportedFormats() {
  std::vector<std::string_view> names;
  for (const kernels::FormatInfo& info : kernels::AllFormats()) {
    if (info.is_weight_format) names.push_back(info.name);
  }
  return fmt::format("{}", fmt::join(names, ", "));
}

// "[a, b]" with trailing 1-sized dims dropped, as ggml prints shapes.
std::vector<int64_t> Trimmed(std::vector<int64_t> dims) {
  while (dims.size() > 1 && dims.back() == 1) dims.pop_back();
  return dims;
}

class Binder {
 public:
  explicit Binder(const TensorSource& source) : source_(source) {}

  // The tensor `name` with shape `dims` (ne[0] first) in a computed format.
  std::optional<WeightView> OptionalMatrix(const std::string& name,
                                           int64_t cols, int64_t rows) const {
    const std::optional<TensorData> t = source_.Find(name);
    if (!t) return std::nullopt;
    CheckShape(name, *t, {cols, rows});
    const Format format = CheckFormat(name, t->ggml_type);
    WeightView view{t->data, format, rows, cols,
                    kernels::RowBytes(format, cols, name)};
    CheckSize(name, *t, view.row_bytes * static_cast<size_t>(rows));
    return view;
  }

  WeightView Matrix(const std::string& name, int64_t cols, int64_t rows) const {
    std::optional<WeightView> view = OptionalMatrix(name, cols, rows);
    if (!view) throw Missing(name);
    return *view;
  }

  // An F32 vector of n elements, or null when absent.
  const float* OptionalVector(const std::string& name, int64_t n) const {
    const std::optional<TensorData> t = source_.Find(name);
    if (!t) return nullptr;
    CheckShape(name, *t, {n});
    if (t->ggml_type != static_cast<uint32_t>(Format::kF32)) {
      throw WeightError(fmt::format(
          "unsupported tensor type: '{}' has GGUF type {} (expected f32 for "
          "a norm or factor vector)",
          name, t->ggml_type));
    }
    CheckSize(name, *t, static_cast<size_t>(n) * sizeof(float));
    return static_cast<const float*>(t->data);
  }

  const float* Vector(const std::string& name, int64_t n) const {
    const float* v = OptionalVector(name, n);
    if (v == nullptr) throw Missing(name);
    return v;
  }

 private:
  static WeightError Missing(const std::string& name) {
    return WeightError(
        fmt::format("missing model tensor: '{}' (expected in the file)", name));
  }

  static void CheckShape(const std::string& name, const TensorData& t,
                         const std::vector<int64_t>& expected) {
    if (Trimmed(t.dims) != Trimmed(expected)) {
      throw WeightError(
          fmt::format("wrong tensor shape: '{}' is [{}] (expected [{}])", name,
                      fmt::join(t.dims, ", "), fmt::join(expected, ", ")));
    }
  }

  static Format CheckFormat(const std::string& name, uint32_t ggml_type) {
    const std::optional<Format> f = kernels::FormatFromGgufType(ggml_type);
    if (!f || !kernels::Info(*f).is_weight_format) {
      throw WeightError(fmt::format(
          "unsupported tensor type: '{}' has GGUF type {} (expected one of "
          "{})",
          name, ggml_type, SupportedFormats()));
    }
    return *f;
  }

  static void CheckSize(const std::string& name, const TensorData& t,
                        size_t needed_bytes) {
    if (t.data == nullptr || t.size_bytes < needed_bytes) {
      throw WeightError(
          fmt::format("tensor data too short: '{}' has {} bytes (expected {})",
                      name, t.size_bytes, needed_bytes));
    }
  }

  const TensorSource& source_;
};

// The attention tensors of layer il.
void BindAttention(const Binder& b, const ModelConfig& c, int64_t il,
                   LayerWeights& w) {
  const LayerConfig& l = c.layers[static_cast<size_t>(il)];
  const auto name = [il](std::string_view base) {
    return fmt::format("blk.{}.{}.weight", il, base);
  };
  w.attn_norm = b.Vector(name("attn_norm"), c.n_embd);
  w.attn_q = b.Matrix(name("attn_q"), c.n_embd, l.q_dim());
  w.attn_k = b.Matrix(name("attn_k"), c.n_embd, l.kv_dim());
  if (!l.k_is_v) w.attn_v = b.Matrix(name("attn_v"), c.n_embd, l.kv_dim());
  w.attn_output = b.Matrix(name("attn_output"), l.q_dim(), c.n_embd);
  if (c.qk_norm) {
    w.attn_q_norm = b.Vector(name("attn_q_norm"), l.head_dim);
    w.attn_k_norm = b.Vector(name("attn_k_norm"), l.head_dim);
  }
  if (c.post_norms) {
    w.post_attention_norm = b.Vector(name("post_attention_norm"), c.n_embd);
  }
}

// The feed-forward tensors of layer il.
void BindFfn(const Binder& b, const ModelConfig& c, int64_t il,
             LayerWeights& w) {
  const LayerConfig& l = c.layers[static_cast<size_t>(il)];
  const auto name = [il](std::string_view base) {
    return fmt::format("blk.{}.{}.weight", il, base);
  };
  w.ffn_norm = b.Vector(name("ffn_norm"), c.n_embd);
  w.ffn_gate = b.Matrix(name("ffn_gate"), c.n_embd, l.n_ff);
  w.ffn_up = b.Matrix(name("ffn_up"), c.n_embd, l.n_ff);
  w.ffn_down = b.Matrix(name("ffn_down"), l.n_ff, c.n_embd);
  if (c.post_norms) {
    w.post_ffw_norm = b.Vector(name("post_ffw_norm"), c.n_embd);
  }
  if (c.arch == Architecture::kGemma4) {
    const float* scale = b.OptionalVector(name("layer_output_scale"), 1);
    if (scale != nullptr) w.output_scale = *scale;
  }
}

// rope_freqs.weight: one divisor per rotated pair of the layers using it.
const float* BindRopeFreqs(const Binder& b, const ModelConfig& c) {
  int64_t rotary_dim = 0;
  for (const LayerConfig& l : c.layers) {
    if (!l.use_rope_freqs) continue;
    if (rotary_dim != 0 && l.rotary_dim != rotary_dim) {
      throw WeightError(fmt::format(
          "rope_freqs.weight serves layers of different rotary dims: '{}' "
          "(expected {})",
          l.rotary_dim, rotary_dim));
    }
    rotary_dim = l.rotary_dim;
  }
  if (rotary_dim == 0) return nullptr;
  return b.Vector("rope_freqs.weight", rotary_dim / 2);
}

}  // namespace

ModelWeights BindWeights(const ModelConfig& config,
                         const TensorSource& source) {
  const Binder b(source);
  ModelWeights w;
  w.token_embd = b.Matrix("token_embd.weight", config.n_embd, config.n_vocab);
  w.output_norm = b.Vector("output_norm.weight", config.n_embd);
  const std::optional<WeightView> output =
      b.OptionalMatrix("output.weight", config.n_embd, config.n_vocab);
  w.tied_output = !output.has_value();
  w.output = output.value_or(w.token_embd);
  w.rope_freqs = BindRopeFreqs(b, config);
  w.layers.resize(config.layers.size());
  for (int64_t il = 0; il < config.n_layers(); ++il) {
    BindAttention(b, config, il, w.layers[static_cast<size_t>(il)]);
    BindFfn(b, config, il, w.layers[static_cast<size_t>(il)]);
  }
  return w;
}

std::vector<Format> MatrixFormats(const ModelWeights& weights) {
  std::vector<Format> formats;
  const auto add = [&formats](const WeightView& v) {
    if (v.rows == 0) return;
    if (std::find(formats.begin(), formats.end(), v.format) == formats.end())
      formats.push_back(v.format);
  };
  add(weights.output);
  for (const LayerWeights& l : weights.layers) {
    for (const WeightView* v : {&l.attn_q, &l.attn_k, &l.attn_v, &l.attn_output,
                                &l.ffn_gate, &l.ffn_up, &l.ffn_down}) {
      add(*v);
    }
  }
  return formats;
}

}  // namespace lapbench::engine
