// The per-layer key/value cache of one session, in F32 or F16, laid out as
// the attention kernels read it: [n_ctx][n_kv_heads][head_dim] per layer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <vector>

#include "engine/model/hparams.h"
#include "kernels/format.h"

namespace lapbench::engine {

// Bytes one token adds to the cache of `config` in `kv_format` (F32 or
// F16): K and V of every layer at that layer's n_kv_heads x head_dim.
// Gemma 4's K-as-V layers share the K *projection*, not the cache: K is
// normed with a weight and rotated, V is normed without one, so both are
// stored.
size_t KvBytesPerToken(const ModelConfig& config, kernels::Format kv_format);

// Bytes of a whole cache of n_ctx positions. Every layer holds n_ctx
// positions, sliding-window layers included (see KvCache).
size_t KvCacheBytes(const ModelConfig& config, kernels::Format kv_format,
                    int64_t n_ctx);

// Owns K and V for every layer of one sequence. Sliding-window layers keep
// all n_ctx positions too: the attention kernels index the cache by
// absolute position, so a window-sized ring buffer would need a kernel
// that wraps around.
class KvCache {
 public:
  // Allocates n_ctx positions per layer. Throws std::invalid_argument for
  // a kv_format other than F32/F16 or n_ctx < 1.
  KvCache(const ModelConfig& config, kernels::Format kv_format, int64_t n_ctx);

  kernels::Format format() const { return format_; }
  int64_t n_ctx() const { return n_ctx_; }
  size_t size_bytes() const { return size_bytes_; }

  // Bytes between consecutive positions of layer il's K (or V).
  size_t row_bytes(int64_t il) const { return layers_[Index(il)].row_bytes; }
  // Start of layer il's K or V, position 0.
  const void* k(int64_t il) const {
    return storage_.get() + layers_[Index(il)].k_offset;
  }
  const void* v(int64_t il) const {
    return storage_.get() + layers_[Index(il)].v_offset;
  }

  // Stores `row` (kv_dim floats) at position pos of layer il's K or V,
  // converted to the cache format.
  void StoreK(int64_t il, int64_t pos, const float* row);
  void StoreV(int64_t il, int64_t pos, const float* row);

 private:
  struct Layer {
    size_t k_offset = 0;
    size_t v_offset = 0;
    size_t row_bytes = 0;
    int64_t kv_dim = 0;
  };
  static size_t Index(int64_t il) { return static_cast<size_t>(il); }
  void Store(int64_t il, size_t offset, int64_t pos, const float* row);

  kernels::Format format_;
  int64_t n_ctx_;
  std::vector<Layer> layers_;
  struct Free {
    void operator()(uint8_t* p) const { std::free(p); }
  };
  // Every layer's K then V, back to back. Aligned to a cache line, so a
  // head's slice of a row starts on one as often as the head size allows,
  // and for a cache of 2 MiB or more to a huge page, advised for them:
  // attention reads a few lines of every row, one row every kv_row_bytes,
  // and with 4 KiB pages each row of a big model is a TLB miss.
  std::unique_ptr<uint8_t, Free> storage_;
  size_t size_bytes_ = 0;
};

}  // namespace lapbench::engine
