// The per-layer key/value cache and its size arithmetic.
#include "engine/model/kv_cache.h"

#include <fmt/format.h>
#include <sys/mman.h>

#include <cstring>
#include <new>
#include <stdexcept>

#include "kernels/quantize.h"

namespace lapbench::engine {
namespace {

size_t ElemBytes(kernels::Format kv_format) {
  switch (kv_format) {
    case kernels::Format::kF32:
      return 4;
    case kernels::Format::kF16:
      return 2;
    default:
      throw std::invalid_argument(
          fmt::format("unsupported KV cache format: '{}' (expected f32 or f16)",
                      kernels::Info(kv_format).name));
  }
}

}  // namespace

size_t KvBytesPerToken(const ModelConfig& config, kernels::Format kv_format) {
  const size_t elem = ElemBytes(kv_format);
  size_t bytes = 0;
  for (const LayerConfig& l : config.layers) {
    bytes += 2 * static_cast<size_t>(l.kv_dim()) * elem;  // K and V
  }
  return bytes;
}

size_t KvCacheBytes(const ModelConfig& config, kernels::Format kv_format,
                    int64_t n_ctx) {
  return KvBytesPerToken(config, kv_format) * static_cast<size_t>(n_ctx);
}

KvCache::KvCache(const ModelConfig& config, kernels::Format kv_format,
                 int64_t n_ctx)
    : format_(kv_format), n_ctx_(n_ctx) {
  if (n_ctx < 1) {
    throw std::invalid_argument(
        fmt::format("bad KV cache length: '{}' (expected >= 1)", n_ctx));
  }
  const size_t elem = ElemBytes(kv_format);
  size_t offset = 0;
  for (const LayerConfig& l : config.layers) {
    Layer layer;
    layer.kv_dim = l.kv_dim();
    layer.row_bytes = static_cast<size_t>(l.kv_dim()) * elem;
    layer.k_offset = offset;
    offset += layer.row_bytes * static_cast<size_t>(n_ctx);
    layer.v_offset = offset;
    offset += layer.row_bytes * static_cast<size_t>(n_ctx);
    layers_.push_back(layer);
  }
  constexpr size_t kLineBytes = 64;
  constexpr size_t kHugePageBytes = size_t{2} << 20;
  const size_t align = offset >= kHugePageBytes ? kHugePageBytes : kLineBytes;
  const size_t allocated = (offset + align - 1) / align * align;
  storage_.reset(static_cast<uint8_t*>(std::aligned_alloc(align, allocated)));
  if (storage_ == nullptr) throw std::bad_alloc();
  // Only a hint: where THP is off the pages stay 4 KiB.
  if (align == kHugePageBytes)
    madvise(storage_.get(), allocated, MADV_HUGEPAGE);
  std::memset(storage_.get(), 0, allocated);
  size_bytes_ = offset;
}

void KvCache::Store(int64_t il, size_t offset, int64_t pos, const float* row) {
  const Layer& layer = layers_[Index(il)];
  uint8_t* dst =
      storage_.get() + offset + layer.row_bytes * static_cast<size_t>(pos);
  kernels::QuantizeRow(format_, row, dst, layer.kv_dim);
}

void KvCache::StoreK(int64_t il, int64_t pos, const float* row) {
  Store(il, layers_[Index(il)].k_offset, pos, row);
}

void KvCache::StoreV(int64_t il, int64_t pos, const float* row) {
  Store(il, layers_[Index(il)].v_offset, pos, row);
}

}  // namespace lapbench::engine
