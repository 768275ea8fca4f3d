// Bytes read and FLOPs computed by forward steps, for the rooflines.
#include "engine/model/step_cost.h"

#include <algorithm>

namespace lapbench::engine {
namespace {

uint64_t ViewBytes(const kernels::WeightView& w) {
  if (w.data == nullptr) return 0;
  return static_cast<uint64_t>(w.row_bytes) * static_cast<uint64_t>(w.rows);
}

int64_t ViewParams(const kernels::WeightView& w) {
  return w.data == nullptr ? 0 : w.rows * w.cols;
}

// The matrices of one layer; attn_v is empty on K-as-V layers.
template <typename F>
void ForEachLayerMatrix(const LayerWeights& l, F&& fn) {
  for (const kernels::WeightView* w :
       {&l.attn_q, &l.attn_k, &l.attn_v, &l.attn_output, &l.ffn_gate, &l.ffn_up,
        &l.ffn_down}) {
    fn(*w);
  }
}

}  // namespace

uint64_t MatrixBytes(const ModelWeights& weights) {
  uint64_t bytes = ViewBytes(weights.output);
  for (const LayerWeights& l : weights.layers) {
    ForEachLayerMatrix(
        l, [&](const kernels::WeightView& w) { bytes += ViewBytes(w); });
  }
  return bytes;
}

uint64_t NormBytes(const ModelConfig& config, const ModelWeights& weights) {
  const auto embd = static_cast<uint64_t>(config.n_embd) * sizeof(float);
  uint64_t bytes = weights.output_norm != nullptr ? embd : 0;
  for (size_t il = 0; il < weights.layers.size(); ++il) {
    const LayerWeights& l = weights.layers[il];
    const auto head =
        static_cast<uint64_t>(config.layers[il].head_dim) * sizeof(float);
    for (const float* v :
         {l.attn_norm, l.post_attention_norm, l.ffn_norm, l.post_ffw_norm}) {
      if (v != nullptr) bytes += embd;
    }
    if (l.attn_q_norm != nullptr) bytes += head;
    if (l.attn_k_norm != nullptr) bytes += head;
  }
  return bytes;
}

int64_t AttendedPositions(const ModelConfig& config, const LayerConfig& layer,
                          int64_t pos) {
  const int64_t all = pos + 1;
  if (!layer.sliding || config.sliding_window <= 0) return all;
  return std::min(all, config.sliding_window);
}

uint64_t KvReadBytes(const ModelConfig& config, kernels::Format kv_format,
                     int64_t pos) {
  uint64_t bytes = 0;
  for (const LayerConfig& l : config.layers) {
    const auto row =
        static_cast<uint64_t>(kernels::RowBytes(kv_format, l.kv_dim()));
    const auto n = static_cast<uint64_t>(AttendedPositions(config, l, pos));
    bytes += 2 * row * n;  // K and V
  }
  return bytes;
}

uint64_t DecodeStepBytes(const ModelConfig& config, const ModelWeights& weights,
                         kernels::Format kv_format, int64_t pos) {
  return MatrixBytes(weights) + weights.token_embd.row_bytes +
         NormBytes(config, weights) + KvReadBytes(config, kv_format, pos);
}

int64_t LayerMatrixParams(const ModelWeights& weights) {
  int64_t params = 0;
  for (const LayerWeights& l : weights.layers) {
    ForEachLayerMatrix(
        l, [&](const kernels::WeightView& w) { params += ViewParams(w); });
  }
  return params;
}

int64_t OutputParams(const ModelWeights& weights) {
  return ViewParams(weights.output);
}

double AttentionFlops(const ModelConfig& config, int64_t pos) {
  double flops = 0;
  for (const LayerConfig& l : config.layers) {
    const double n = static_cast<double>(AttendedPositions(config, l, pos));
    flops += 4.0 * static_cast<double>(l.n_heads * l.head_dim) * n;
  }
  return flops;
}

double PrefillFlops(const ModelConfig& config, const ModelWeights& weights,
                    int64_t n_tokens) {
  double flops = 2.0 * static_cast<double>(LayerMatrixParams(weights)) *
                     static_cast<double>(n_tokens) +
                 2.0 * static_cast<double>(OutputParams(weights));
  for (int64_t pos = 0; pos < n_tokens; ++pos) {
    flops += AttentionFlops(config, pos);
  }
  return flops;
}

}  // namespace lapbench::engine
