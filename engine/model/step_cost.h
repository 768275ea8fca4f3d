// What one forward step reads from memory and computes, from a model's
// config and bound weights: the numerators of the speed rooflines.
#pragma once

#include <cstdint>

#include "engine/model/hparams.h"
#include "engine/model/weights.h"
#include "kernels/format.h"

namespace lapbench::engine {

// Bytes of the matrices every token's forward pass reads once: each
// layer's Q, K, V, attention output, gate, up and down, and the output
// projection (for a tied model, the embedding matrix, counted once).
uint64_t MatrixBytes(const ModelWeights& weights);

// Bytes of the F32 norm vectors every step reads (all layers and the
// output norm).
uint64_t NormBytes(const ModelConfig& config, const ModelWeights& weights);

// Positions layer `layer` attends to for a query at position `pos`: pos + 1,
// or at most the window on sliding layers.
int64_t AttendedPositions(const ModelConfig& config, const LayerConfig& layer,
                          int64_t pos);

// KV cache bytes attention reads for one query at position `pos`: K and V
// of every attended position in every layer, in `kv_format` (F32 or F16).
uint64_t KvReadBytes(const ModelConfig& config, kernels::Format kv_format,
                     int64_t pos);

// Bytes one decode step at position `pos` reads: MatrixBytes, one row of
// the embedding, the norm vectors and KvReadBytes.
uint64_t DecodeStepBytes(const ModelConfig& config, const ModelWeights& weights,
                         kernels::Format kv_format, int64_t pos);

// Weight elements of the layers' matrices (one multiply-add each per
// token), without the output projection.
int64_t LayerMatrixParams(const ModelWeights& weights);
// Weight elements of the output projection.
int64_t OutputParams(const ModelWeights& weights);

// FLOPs of attention for one query at position `pos`: per layer and query
// head, 2 x head_dim for q.k and 2 x head_dim for the weighted sum of V,
// per attended position.
double AttentionFlops(const ModelConfig& config, int64_t pos);

// FLOPs of a prefill of `n_tokens` from position 0 that computes logits
// for the last token only: 2 x LayerMatrixParams x n_tokens + 2 x
// OutputParams + AttentionFlops at each position. Norms, RoPE and
// activations (a few FLOPs per activation, not per weight) are left out.
double PrefillFlops(const ModelConfig& config, const ModelWeights& weights,
                    int64_t n_tokens);

}  // namespace lapbench::engine
