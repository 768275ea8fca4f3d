// A plainly written float64 forward pass of llama, gemma3 and dense gemma4,
// token by token, the oracle the engine's logits are checked against.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>
#include <vector>

#include "engine/model/hparams.h"
#include "tests/engine/model/test_model.h"

namespace lapbench::engine::testing {

using Vec = std::vector<double>;

class ReferenceModel {
 public:
  ReferenceModel(const ModelConfig& c, const WeightMap& w)
      : c_(c), w_(w), k_cache_(c.layers.size()), v_cache_(c.layers.size()) {}

  // Logits [n_vocab] of the next token after appending `token`.
  Vec Step(int32_t token) {
    const int64_t pos = pos_++;

    // x = token_embd[token] * embd_scale
    Vec x = Row("token_embd.weight", token);
    for (double& v : x) v *= c_.embd_scale;

    for (size_t il = 0; il < c_.layers.size(); ++il) {
      // x += attention block; x += feed-forward block
      Vec a = AttentionBlock(il, x, pos);
      for (size_t i = 0; i < x.size(); ++i) x[i] += a[i];
      Vec f = FfnBlock(il, x);
      for (size_t i = 0; i < x.size(); ++i) x[i] += f[i];
    }

    // logits = output . norm(x), soft-capped
    const bool tied = w_.find("output.weight") == w_.end();
    Vec logits = MatVec(tied ? "token_embd.weight" : "output.weight",
                        Norm(x, "output_norm.weight"));
    if (c_.final_softcap > 0) {
      for (double& v : logits)
        v = c_.final_softcap * std::tanh(v / c_.final_softcap);
    }
    return logits;
  }

 private:
  std::string Name(size_t il, const char* base) const {
    return fmt::format("blk.{}.{}.weight", il, base);
  }
  const FloatTensor& T(const std::string& name) const { return w_.at(name); }

  Vec Row(const std::string& name, int64_t r) const {
    const FloatTensor& t = T(name);
    const int64_t cols = t.dims[0];
    return Vec(t.values.begin() + r * cols, t.values.begin() + (r + 1) * cols);
  }

  Vec MatVec(const std::string& name, const Vec& x) const {
    const FloatTensor& t = T(name);
    const auto cols = static_cast<size_t>(t.dims[0]);
    Vec y(t.values.size() / cols, 0.0);
    for (size_t r = 0; r < y.size(); ++r) {
      for (size_t k = 0; k < cols; ++k) y[r] += t.values[r * cols + k] * x[k];
    }
    return y;
  }

  // x / sqrt(mean(x^2) + eps) * weight (no weight when name is empty).
  Vec Norm(const Vec& x, const std::string& weight) const {
    double ss = 0;
    for (double v : x) ss += v * v;
    const double scale = 1.0 / std::sqrt(ss / x.size() + c_.rms_eps);
    Vec y(x.size());
    for (size_t i = 0; i < x.size(); ++i) {
      y[i] = x[i] * scale * (weight.empty() ? 1.0 : T(weight).values[i]);
    }
    return y;
  }

  // Per-head norm of a [n_heads][head_dim] vector.
  Vec HeadNorm(const Vec& x, int64_t hd, const std::string& weight) const {
    Vec y;
    for (size_t h = 0; h < x.size() / hd; ++h) {
      Vec head =
          Norm(Vec(x.begin() + h * hd, x.begin() + (h + 1) * hd), weight);
      y.insert(y.end(), head.begin(), head.end());
    }
    return y;
  }

  void Rope(Vec& x, const LayerConfig& l, int64_t pos) const {
    const int64_t half = l.rotary_dim / 2;
    for (size_t h = 0; h < x.size() / l.head_dim; ++h) {
      double* head = x.data() + h * l.head_dim;
      for (int64_t i = 0; i < half; ++i) {
        double angle = pos * double{l.rope_freq_scale} *
                       std::pow(double{l.rope_base}, -2.0 * i / l.rotary_dim);
        if (l.use_rope_freqs) angle /= T("rope_freqs.weight").values[i];
        const bool split = c_.rope_layout == kernels::RopeLayout::kHalfSplit;
        double& a = head[split ? i : 2 * i];
        double& b = head[split ? i + half : 2 * i + 1];
        const double a0 = a, b0 = b;
        a = a0 * std::cos(angle) - b0 * std::sin(angle);
        b = a0 * std::sin(angle) + b0 * std::cos(angle);
      }
    }
  }

  Vec AttentionBlock(size_t il, const Vec& x, int64_t pos) {
    const LayerConfig& l = c_.layers[il];
    const int64_t hd = l.head_dim;
    const Vec h = Norm(x, Name(il, "attn_norm"));
    Vec q = MatVec(Name(il, "attn_q"), h);
    Vec k = MatVec(Name(il, "attn_k"), h);
    Vec v = l.k_is_v ? k : MatVec(Name(il, "attn_v"), h);
    if (c_.qk_norm) {
      q = HeadNorm(q, hd, Name(il, "attn_q_norm"));
      k = HeadNorm(k, hd, Name(il, "attn_k_norm"));
    }
    if (c_.v_norm) v = HeadNorm(v, hd, "");
    Rope(q, l, pos);
    Rope(k, l, pos);
    k_cache_[il].push_back(k);
    v_cache_[il].push_back(v);

    // Causal (and on sliding layers windowed) attention, per query head.
    const int64_t first =
        l.sliding ? std::max<int64_t>(0, pos - c_.sliding_window + 1) : 0;
    const int64_t group = l.n_heads / l.n_kv_heads;
    Vec out(q.size(), 0.0);
    for (int64_t head = 0; head < l.n_heads; ++head) {
      const int64_t kv = (head / group) * hd;
      Vec p;
      for (int64_t t = first; t <= pos; ++t) {
        double dot = 0;
        for (int64_t d = 0; d < hd; ++d)
          dot += q[head * hd + d] * k_cache_[il][t][kv + d];
        p.push_back(dot * c_.attn_scale);
      }
      const double top = *std::max_element(p.begin(), p.end());
      double sum = 0;
      for (double& s : p) sum += (s = std::exp(s - top));
      for (int64_t t = first; t <= pos; ++t) {
        for (int64_t d = 0; d < hd; ++d)
          out[head * hd + d] += p[t - first] / sum * v_cache_[il][t][kv + d];
      }
    }
    Vec o = MatVec(Name(il, "attn_output"), out);
    if (c_.post_norms) o = Norm(o, Name(il, "post_attention_norm"));
    return o;
  }

  Vec FfnBlock(size_t il, const Vec& x) const {
    const Vec h = Norm(x, Name(il, "ffn_norm"));
    Vec g = MatVec(Name(il, "ffn_gate"), h);
    const Vec u = MatVec(Name(il, "ffn_up"), h);
    for (size_t i = 0; i < g.size(); ++i) {
      const double a = g[i];
      const double act =
          c_.ffn_act == FfnActivation::kSilu
              ? a / (1.0 + std::exp(-a))
              : 0.5 * a *
                    (1.0 + std::tanh(std::sqrt(2.0 / std::numbers::pi) *
                                     (a + 0.044715 * a * a * a)));
      g[i] = act * u[i];
    }
    Vec f = MatVec(Name(il, "ffn_down"), g);
    if (c_.post_norms) f = Norm(f, Name(il, "post_ffw_norm"));
    return f;
  }

  const ModelConfig& c_;
  const WeightMap& w_;
  int64_t pos_ = 0;
  std::vector<std::vector<Vec>> k_cache_;  // [layer][pos][kv_dim]
  std::vector<std::vector<Vec>> v_cache_;
};

}  // namespace lapbench::engine::testing
