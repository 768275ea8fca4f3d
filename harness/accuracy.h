// Accuracy beside speed: a model in one weight format against the same
// model in a reference format (F32 or F16), over a fixed token sequence.
#pragma once

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/model/accuracy.h"
#include "engine/model/gguf_source.h"
#include "engine/thread_pool.h"
#include "kernels/registry.h"

namespace lapbench::harness {

// Seed of the token sequence every format is measured on.
inline constexpr uint64_t kAccuracyTokenSeed = 20261204;

// What to measure.
struct AccuracyRequest {
  std::string model;              // a preset name, or a path ending in .gguf
  std::string format;             // the file format measured: "q4_0"
  std::string reference = "f32";  // the file format it is compared with
  int64_t n_tokens = 128;         // positions compared
  std::string variant;            // empty: the best that covers both models
  int threads = 1;
  std::string cache_dir;  // where the two model files are made or reused
  uint64_t seed = 0;      // a preset's weight seed
  int64_t n_batch = 64;   // tokens per prefill chunk
};

// What was measured, and on which files with which kernels.
struct AccuracyResult {
  engine::AccuracyFigures figures;
  std::string variant;
  std::string model_path;      // the file in `format`
  std::string reference_path;  // the file in `reference`
};

// The fixed sequence: token i is SplitMix64(seed + i) mod n_vocab, with
// SplitMix64 the finalizer of Steele et al. (shift-xor-multiply by
// 0xbf58476d1ce4e5b9 and 0x94d049bb133111eb after adding
// 0x9e3779b97f4a7c15). It depends only on (n_tokens, n_vocab, seed), so
// every format of a model sees the same tokens on every machine. The
// modulo's bias is below n_vocab / 2^64: negligible.
std::vector<int32_t> AccuracyTokens(int64_t n_tokens, int64_t n_vocab,
                                    uint64_t seed = kAccuracyTokenSeed);

// The file of `model` in file format `format` under `cache_dir`, made when
// missing (a preset: harness/model_files.h's EnsureSyntheticModel with
// `seed`, "<preset>-<format>-seed<seed>.gguf", the file `lapbench run`
// and `lapbench throttle` use; a .gguf holding F32/F16/BF16 tensors:
// QuantizeModel, as "<stem>-<format>.gguf", remade when older than its
// input). Written under a temporary name and renamed, so a reader never
// sees a partial file. Throws engine::SynthError or
// std::runtime_error naming the model or file.
std::string ModelFileFor(const std::string& model, const std::string& format,
                         const std::string& cache_dir, uint64_t seed);

// Thrown by FixedSequenceLogits when its stop request says so.
class AccuracyStopped : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The logits of every position of the fixed sequence (AccuracyTokens of
// n_tokens over the model's vocabulary) through `model`, prefilled
// n_batch tokens at a time: [n_tokens][n_vocab] row-major. `stop` (when
// set) is asked before each chunk; a true throws AccuracyStopped. Throws
// std::invalid_argument for n_tokens or n_batch < 1.
std::vector<float> FixedSequenceLogits(const engine::LoadedModel& model,
                                       const kernels::Variant& variant,
                                       engine::ThreadPool& pool,
                                       int64_t n_tokens, int64_t n_batch = 64,
                                       const std::function<bool()>& stop = {});

// Makes or reuses both files, loads both models, and prefills the fixed
// sequence through each (one kernel variant and KV cache type for both,
// n_batch tokens per chunk, keeping every position's logits), comparing
// the logits chunk by chunk. Throws std::invalid_argument for a request
// out of range (n_tokens or n_batch < 1, an empty cache_dir), and what
// ModelFileFor, LoadModel and the Session throw.
AccuracyResult MeasureAccuracy(const AccuracyRequest& request);

}  // namespace lapbench::harness
