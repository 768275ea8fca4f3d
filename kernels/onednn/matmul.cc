// Matrix products through oneDNN's matmul primitive, cached per thread.
#include <fmt/format.h>

#include <oneapi/dnnl/dnnl.hpp>
#include <stdexcept>
#include <unordered_map>
#include <vector>

#include "kernels/onednn/onednn_kernels.h"
#include "kernels/onednn/onednn_types.h"
#include "kernels/onednn/threading.h"

namespace lapbench::kernels::onednn {
namespace {

using dnnl::memory;

// Everything a matmul primitive is specialised on. The row range enters as
// its length (n_rows): the primitive reads W from row_begin's address, so
// every equal-sized slice of a matrix shares one primitive.
struct ProblemKey {
  Format format = Format::kF32;
  int64_t n_tokens = 0;  // M
  int64_t cols = 0;      // K, the reduction
  int64_t n_rows = 0;    // N = row_end - row_begin
  int64_t x_ld = 0;      // elements between activation rows
  int64_t w_ld = 0;      // elements between weight rows
  int64_t y_ld = 0;      // floats between output rows (y_stride)

  bool operator==(const ProblemKey&) const = default;
};

struct ProblemKeyHash {
  size_t operator()(const ProblemKey& k) const {
    size_t h = static_cast<size_t>(k.format);
    for (int64_t v : {k.n_tokens, k.cols, k.n_rows, k.x_ld, k.w_ld, k.y_ld}) {
      h = h * 0x9E3779B97F4A7C15ull + static_cast<size_t>(v);
    }
    return h;
  }
};

// A primitive with memory objects whose data handles change per call.
struct CachedProduct {
  dnnl::matmul primitive;
  memory src;  // X: [n_tokens][cols], rows x_ld apart
  memory wei;  // W^T: [cols][n_rows], W's rows w_ld apart
  memory dst;  // Y: [n_tokens][n_rows] floats, rows y_ld apart
};

// A thread's engine, stream and primitives. Nothing here is shared between
// threads, so concurrent calls on disjoint row ranges need no locking.
struct ThreadContext {
  dnnl::engine engine{dnnl::engine::kind::cpu, 0};
  dnnl::stream stream{engine};
  std::unordered_map<ProblemKey, CachedProduct, ProblemKeyHash> cache;
};

// Distinct shapes one thread sees in a run: a few per layer kind times the
// prompt lengths in flight. Past this the cache starts over rather than
// grow without bound on a sweep over many token counts.
constexpr size_t kMaxCachedProducts = 256;

ThreadContext& Context() {
  thread_local ThreadContext context = [] {
    UseOnlyCallingThread();  // before any primitive is created or run
    return ThreadContext{};
  }();
  return context;
}

CachedProduct MakeProduct(const ProblemKey& k, const dnnl::engine& engine) {
  const memory::data_type dt = DataType(k.format);
  const memory::desc src({k.n_tokens, k.cols}, dt, {k.x_ld, 1});
  const memory::desc wei({k.cols, k.n_rows}, dt, {1, k.w_ld});
  const memory::desc dst({k.n_tokens, k.n_rows}, memory::data_type::f32,
                         {k.y_ld, 1});
  const dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(src, wei, dst),
                                        engine);
  return {dnnl::matmul(pd), memory(src, engine, nullptr),
          memory(wei, engine, nullptr), memory(dst, engine, nullptr)};
}

CachedProduct& FindOrMakeProduct(ThreadContext& context, const ProblemKey& k) {
  auto it = context.cache.find(k);
  if (it != context.cache.end()) return it->second;
  if (context.cache.size() >= kMaxCachedProducts) context.cache.clear();
  return context.cache.emplace(k, MakeProduct(k, context.engine)).first->second;
}

// `bytes` / `elem_bytes`, or an error naming `what` when it does not divide.
int64_t Elements(size_t bytes, size_t elem_bytes, const char* what) {
  if (bytes % elem_bytes != 0) {
    throw std::invalid_argument(fmt::format(
        "onednn matmul: {} is not a whole number of elements: '{}' bytes "
        "(expected a multiple of {})",
        what, bytes, elem_bytes));
  }
  return static_cast<int64_t>(bytes / elem_bytes);
}

}  // namespace

void MatMulOnednn(const WeightView& w, const void* x, size_t x_row_bytes,
                  int64_t n_tokens, float* y, int64_t y_stride,
                  int64_t row_begin, int64_t row_end) {
  if (row_end <= row_begin || n_tokens <= 0) return;
  const size_t elem_bytes = Info(w.format).block_bytes;  // float formats
  const ProblemKey key{w.format,
                       n_tokens,
                       w.cols,
                       row_end - row_begin,
                       Elements(x_row_bytes, elem_bytes, "x_row_bytes"),
                       Elements(w.row_bytes, elem_bytes, "row_bytes"),
                       y_stride};
  ThreadContext& context = Context();
  CachedProduct& p = FindOrMakeProduct(context, key);

  // W's slice starts at row_begin; y's at column row_begin of each row.
  const auto* w_slice = static_cast<const uint8_t*>(w.data) +
                        static_cast<size_t>(row_begin) * w.row_bytes;
  p.src.set_data_handle(const_cast<void*>(x));
  p.wei.set_data_handle(const_cast<uint8_t*>(w_slice));
  p.dst.set_data_handle(y + row_begin);
  p.primitive.execute(context.stream, {{DNNL_ARG_SRC, p.src},
                                       {DNNL_ARG_WEIGHTS, p.wei},
                                       {DNNL_ARG_DST, p.dst}});
  context.stream.wait();
}

size_t CachedProductCount() { return Context().cache.size(); }

void MatVecOnednn(const WeightView& w, const void* x, float* y,
                  int64_t row_begin, int64_t row_end) {
  const size_t x_row_bytes =
      RowBytes(Info(w.format).activation, w.cols, "onednn activations");
  MatMulOnednn(w, x, x_row_bytes, 1, y, static_cast<int64_t>(w.rows), row_begin,
               row_end);
}

}  // namespace lapbench::kernels::onednn
