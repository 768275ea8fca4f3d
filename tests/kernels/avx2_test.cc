// The avx2 variant against ref: products, quantizers, element-wise
// operators and attention, skipped on CPUs without AVX2, FMA and F16C.
#include <catch2/catch.hpp>
#include <cstring>
#include <vector>

#include "kernels/avx2/avx2_kernels.h"
#include "kernels/ref/ref_kernels.h"
#include "probes/cpu_features.h"
#include "tests/kernels/simd_compare.h"

namespace lapbench::kernels {
namespace {

using probes::CpuFeature;
using testing::kElementTolerance;
using testing::kProductTolerance;

// True when this CPU can run avx2 kernels; otherwise says why in a WARN.
bool HostRunsAvx2() {
  const probes::CpuFeatures cpu = probes::DetectCpuFeatures();
  for (CpuFeature f :
       {CpuFeature::kAvx2, CpuFeature::kFma, CpuFeature::kF16c}) {
    if (!cpu.Usable(f)) {
      WARN("skipped: this CPU lacks " << probes::CpuFeatureName(f));
      return false;
    }
  }
  return true;
}

TEST_CASE("avx2 matvec matches ref on awkward shapes", "[kernels][avx2]") {
  if (!HostRunsAvx2()) return;
  for (Format f : testing::kWeightFormats) {
    for (int64_t cols : testing::AwkwardCols(f)) {
      for (int64_t rows : testing::kAwkwardRows) {
        if (cols > 4096 && rows > 7) continue;  // keep the big rows quick
        INFO(Info(f).name << " rows=" << rows << " cols=" << cols);
        CHECK(testing::ProductError(avx2::Avx2Kernels(), f, rows, cols, 0) <=
              kProductTolerance);
      }
    }
  }
}

TEST_CASE("avx2 matmul matches ref for token counts off the tile size",
          "[kernels][avx2]") {
  if (!HostRunsAvx2()) return;
  for (Format f : testing::kWeightFormats) {
    for (int64_t cols : testing::AwkwardCols(f)) {
      for (int64_t tokens : {1, 5}) {
        const int64_t rows = cols > 4096 ? 5 : 7;
        INFO(Info(f).name << " rows=" << rows << " cols=" << cols
                          << " tokens=" << tokens);
        CHECK(testing::ProductError(avx2::Avx2Kernels(), f, rows, cols,
                                    tokens) <= kProductTolerance);
      }
    }
  }
}

// The bytes of quantize_act for `act` on n floats, from table `k`.
std::vector<uint8_t> QuantizeAct(const KernelSet& k, Format act,
                                 const std::vector<float>& x) {
  const auto n = static_cast<int64_t>(x.size());
  std::vector<uint8_t> out(RowBytes(act, n));
  k.quantize_act[Slot(act)](x.data(), out.data(), n);
  return out;
}

TEST_CASE("avx2 Q8_K, F16 and BF16 activations are ref's bytes",
          "[kernels][avx2]") {
  if (!HostRunsAvx2()) return;
  for (Format act : {Format::kQ8_K, Format::kF16, Format::kBf16}) {
    for (int64_t n : {256, 4096}) {
      std::vector<float> x = testing::RandomFloats(n, 5u);
      // The largest magnitude twice with opposite signs: Q8_K must keep
      // the first (negative) one, as ref does.
      x[3] = -100.0f;
      x[7] = 100.0f;
      INFO(Info(act).name << " n=" << n);
      CHECK(QuantizeAct(avx2::Avx2Kernels(), act, x) ==
            QuantizeAct(ref::RefKernels(), act, x));
    }
  }
}

TEST_CASE("avx2 Q8_0 activations differ from ref only in tie rounding",
          "[kernels][avx2]") {
  if (!HostRunsAvx2()) return;
  const std::vector<float> x = testing::RandomFloats(4096, 9u);
  const auto got = QuantizeAct(avx2::Avx2Kernels(), Format::kQ8_0, x);
  const auto want = QuantizeAct(ref::RefKernels(), Format::kQ8_0, x);
  for (size_t b = 0; b < got.size(); b += 34) {
    // The fp16 scale is computed the same way; a code may differ by one
    // only where x * 127 / amax is exactly halfway.
    CHECK(std::memcmp(&got[b], &want[b], 2) == 0);
    for (size_t i = b + 2; i < b + 34; ++i) {
      const int diff =
          static_cast<int8_t>(got[i]) - static_cast<int8_t>(want[i]);
      CHECK(std::abs(diff) <= 1);
    }
  }
}

TEST_CASE("avx2 element-wise operators match ref", "[kernels][avx2]") {
  if (!HostRunsAvx2()) return;
  const KernelSet& k = avx2::Avx2Kernels();
  const KernelSet& ref = ref::RefKernels();
  for (int64_t n : {1, 37, 4096}) {
    INFO("n=" << n);
    const auto un = static_cast<size_t>(n);
    const std::vector<float> a = testing::RandomFloats(n, 1u);
    const std::vector<float> b = testing::RandomFloats(n, 2u);
    std::vector<float> got(un), want(un);
    k.rms_norm(a.data(), b.data(), got.data(), n, 1e-6f);
    ref.rms_norm(a.data(), b.data(), want.data(), n, 1e-6f);
    CHECK(testing::RelativeError(got, want) <= kElementTolerance);
    got = a;
    want = a;
    k.softmax(got.data(), n);
    ref.softmax(want.data(), n);
    CHECK(testing::RelativeError(got, want) <= kElementTolerance);
    for (UnaryFn KernelSet::*op : {&KernelSet::gelu, &KernelSet::silu}) {
      (k.*op)(a.data(), got.data(), n);
      (ref.*op)(a.data(), want.data(), n);
      CHECK(testing::RelativeError(got, want) <= kElementTolerance);
    }
    for (BinaryFn KernelSet::*op : {&KernelSet::mul, &KernelSet::add}) {
      (k.*op)(a.data(), b.data(), got.data(), n);
      (ref.*op)(a.data(), b.data(), want.data(), n);
      CHECK(testing::RelativeError(got, want) == 0.0);  // one rounding each
    }
  }
}

// Attention outputs of table `k` for one configuration.
std::vector<float> Attend(const KernelSet& k, Format kv_format,
                          int64_t head_dim, int64_t window, float softcap) {
  const int64_t n_heads = 8, n_kv_heads = 2, n_ctx = 41;
  const int64_t row_elems = n_kv_heads * head_dim;
  const std::vector<float> q = testing::RandomFloats(n_heads * head_dim, 3u);
  const std::vector<float> kf = testing::RandomFloats(n_ctx * row_elems, 4u);
  const std::vector<float> vf = testing::RandomFloats(n_ctx * row_elems, 6u);
  const size_t row_bytes = RowBytes(kv_format, row_elems);
  std::vector<uint8_t> kb(row_bytes * n_ctx), vb(row_bytes * n_ctx);
  QuantizeRow(kv_format, kf.data(), kb.data(), n_ctx * row_elems);
  QuantizeRow(kv_format, vf.data(), vb.data(), n_ctx * row_elems);
  std::vector<float> out(static_cast<size_t>(n_heads * head_dim));
  std::vector<float> scores(static_cast<size_t>(n_heads * n_ctx));
  AttentionParams p;
  p.q = q.data();
  p.k = kb.data();
  p.v = vb.data();
  p.kv_format = kv_format;
  p.kv_row_bytes = row_bytes;
  p.out = out.data();
  p.scores = scores.data();
  p.scores_stride = n_ctx;
  p.n_heads = n_heads;
  p.n_kv_heads = n_kv_heads;
  p.head_dim = head_dim;
  p.pos = n_ctx - 1;
  p.window = window;
  p.scale = 0.125f;
  p.softcap = softcap;
  k.attention(p, 0, n_heads);
  return out;
}

TEST_CASE("avx2 attention matches ref over F32 and F16 caches",
          "[kernels][avx2]") {
  if (!HostRunsAvx2()) return;
  for (Format kv : {Format::kF32, Format::kF16}) {
    for (int64_t head_dim : {36, 128}) {
      for (int64_t window : {0, 16}) {
        for (float softcap : {0.0f, 30.0f}) {
          INFO(Info(kv).name << " head_dim=" << head_dim << " window=" << window
                             << " softcap=" << softcap);
          CHECK(testing::RelativeError(
                    Attend(avx2::Avx2Kernels(), kv, head_dim, window, softcap),
                    Attend(ref::RefKernels(), kv, head_dim, window, softcap)) <=
                kElementTolerance);
        }
      }
    }
  }
}

}  // namespace
}  // namespace lapbench::kernels
