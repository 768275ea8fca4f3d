// The forward pass: a Session runs prefill and decode steps of one
// sequence over a model's weights, with one kernel variant and one pool.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <vector>

#include "engine/model/hparams.h"
#include "engine/model/kv_cache.h"
#include "engine/model/weights.h"
#include "engine/thread_pool.h"
#include "kernels/registry.h"

namespace lapbench::engine {

// Sizes a Session allocates for once, at construction.
struct SessionOptions {
  int64_t n_ctx = 2048;     // positions the KV cache holds
  int64_t n_batch = 64;     // tokens per prefill chunk (scratch scales with it)
  bool all_logits = false;  // keep logits of every token of a chunk
  kernels::Format kv_format = kernels::Format::kF16;
};

// Query heads one attention call covers at most: runs of heads that share
// a KV head (grouped-query attention) are read together, and each head of
// a call needs its own row of scores, so every worker holds this many
// rows of n_ctx floats.
inline constexpr int64_t kAttentionHeadsPerCall = 8;
// Rows of attention scores per worker for `config`.
int64_t AttentionScoreRows(const ModelConfig& config);

// Which logits Prefill returns.
enum class Logits {
  kLast,  // [n_vocab]: the last token's
  kAll,   // [n_tokens][n_vocab]: needs all_logits and n_tokens <= n_batch
};

// Thrown for a bad request: a token id out of range, a full context, a
// variant that lacks an operator the model needs.
class SessionError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One sequence being evaluated. The config, weights, variant and pool must
// outlive the session. Not thread-safe: one caller at a time.
class Session {
 public:
  // Allocates the KV cache and every scratch buffer. Throws SessionError
  // when `variant` lacks a kernel for one of the weights' formats.
  Session(const ModelConfig& config, const ModelWeights& weights,
          const kernels::Variant& variant, ThreadPool& pool,
          SessionOptions options);

  // Appends `tokens` (one or more) at the current position and returns
  // their logits, valid until the next call.
  std::span<const float> Prefill(std::span<const int32_t> tokens,
                                 Logits which = Logits::kLast);
  // Appends one token; returns its logits [n_vocab].
  std::span<const float> Decode(int32_t token);

  // Forgets the sequence (position 0); the cache is overwritten lazily.
  void Reset() { pos_ = 0; }
  int64_t position() const { return pos_; }
  const KvCache& kv_cache() const { return cache_; }
  const SessionOptions& options() const { return options_; }
  // Bytes of every scratch buffer (activations, logits, per-thread scores),
  // the KV cache not included.
  size_t scratch_bytes() const;

 private:
  struct Product;  // one weight applied to the current input

  void CheckVariant() const;
  void Forward(std::span<const int32_t> tokens, int64_t n_out);
  void Embed(std::span<const int32_t> tokens);
  void Attention(int64_t il, int64_t n);
  void PrepareQkv(int64_t il, int64_t n);
  void Attend(int64_t il, int64_t n);
  void FeedForward(int64_t il, int64_t n);
  void Output(int64_t n, int64_t n_out);

  void Products(const float* x, int64_t n, int64_t cols,
                std::initializer_list<Product> products);
  void NormRows(const float* x, const float* weight, float* out, int64_t n,
                int64_t dim);
  void AddResidual(const float* delta, int64_t n, float scale);
  template <typename F>
  void ForTokens(int64_t n, F&& fn);

  const ModelConfig& config_;
  const ModelWeights& weights_;
  const kernels::KernelSet& k_;
  ThreadPool& pool_;
  SessionOptions options_;
  KvCache cache_;
  int64_t pos_ = 0;

  // Scratch, B = n_batch rows; each row holds the current layer's width.
  std::vector<float> x_;       // [B][n_embd] residual stream
  std::vector<float> xb_;      // [B][n_embd] normed input of a block
  std::vector<float> q_;       // [B][q_dim] queries
  std::vector<float> k_new_;   // [B][kv_dim] keys of the new tokens
  std::vector<float> v_new_;   // [B][kv_dim] values of the new tokens
  std::vector<float> att_;     // [B][q_dim] attention output per head
  std::vector<float> proj_;    // [B][n_embd] attn_output / ffn_down result
  std::vector<float> gate_;    // [B][n_ff] gate, then gate * up
  std::vector<float> up_;      // [B][n_ff]
  int64_t score_rows_;         // AttentionScoreRows(config)
  std::vector<float> scores_;  // [n_threads][score_rows_][n_ctx] logits
  std::vector<float> logits_;  // [B or 1][n_vocab]
  // Activations in weight activation formats: up to three distinct formats
  // per input (Q, K and V may differ), each [B][row bytes].
  std::vector<std::vector<uint8_t>> act_;
};

}  // namespace lapbench::engine
