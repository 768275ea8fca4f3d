// The onednn variant: matrix products through oneDNN's matmul primitive for
// the weight formats oneDNN computes natively on this CPU.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "kernels/ops.h"

namespace lapbench::kernels::onednn {

// The onednn operator table for this CPU. A weight format gets matvec and
// matmul entries only when oneDNN has a non-reference matmul implementation
// for it here (F32 and BF16 on AVX-512 machines with libdnnl 2.6; F16 has
// no CPU matmul in 2.6; block formats have no oneDNN equivalent). Every
// other entry is null. Building the table asks oneDNN once; it never runs a
// product, so reading it is safe on any x86-64 CPU.
const KernelSet& OnednnKernels();

// The oneDNN implementation that computes `weight` products here, as oneDNN
// names it ("brg:avx512_core_bf16"); empty when the format is not covered.
std::string ImplementationName(Format weight);

// Why `weight` is not covered ("oneDNN 2.6 has no f16 matmul on this CPU");
// empty when it is.
std::string UnsupportedReason(Format weight);

// "oneDNN 2.6.3, OpenMP runtime": the library this binary runs with.
std::string LibraryDescription();

// One product y[t, r] = dot(W[r, :], X[t, :]) for t < n_tokens and rows
// [row_begin, row_end) of W, with the ops.h layouts. x_row_bytes, w.row_bytes
// and y_stride are in bytes, bytes and floats. Runs oneDNN single-threaded
// on the calling thread (see threading.h); primitives are cached per thread.
// Throws dnnl::error when oneDNN rejects the problem and
// std::invalid_argument when a stride is not a whole number of elements.
void MatMulOnednn(const WeightView& w, const void* x, size_t x_row_bytes,
                  int64_t n_tokens, float* y, int64_t y_stride,
                  int64_t row_begin, int64_t row_end);

// Primitives cached on the calling thread (for tests of the cache).
size_t CachedProductCount();

// MatMulOnednn with one token (MatVecFn).
void MatVecOnednn(const WeightView& w, const void* x, float* y,
                  int64_t row_begin, int64_t row_end);

}  // namespace lapbench::kernels::onednn
