// What planning needs to know about a model in one format, from a preset
// (without writing it) or from a GGUF file's header: shapes, bytes and the
// weight formats its matrix products use.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/model/hparams.h"
#include "kernels/format.h"

namespace lapbench::harness {

// A model as the plan sees it.
struct ModelFacts {
  engine::ModelConfig config;  // n_ctx_train included
  std::string format;          // file format name: "q4_0", "q4_k_m"
  uint64_t weights_bytes = 0;  // the whole file (a preset: the exact size)
  int64_t n_params = 0;        // elements of every tensor
  // Formats of the matrices the kernels multiply (token_embd only when it
  // doubles as the output), sorted: each needs a matvec and a matmul.
  std::vector<kernels::Format> matrix_formats;
  bool synthetic = false;  // a preset: the runner writes the file first
};

// Facts of `model` (a preset name, or a .gguf path) in file format
// `format` (ignored for a .gguf). Throws std::runtime_error with a
// message naming the model when a file cannot be read or understood.
ModelFacts DescribeModel(const std::string& model, const std::string& format);

// The ModelConfig the engine would read from a preset's synthetic file.
engine::ModelConfig PresetConfig(std::string_view preset_name);

// Scratch a Session needs beside weights and KV cache: the n_batch-row
// activation buffers, per-thread attention scores over n_ctx, the logits,
// and quantized activations (bounded by their F32 size). An estimate that
// errs high.
uint64_t EstimateScratchBytes(const engine::ModelConfig& config, int n_threads,
                              int64_t n_ctx_tokens);

}  // namespace lapbench::harness
