// ref's attention: one position, grouped-query heads, windows, soft-capping.
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "kernels/quantize.h"
#include "kernels/ref/ref_kernels.h"

namespace lapbench::kernels::ref {
namespace {

// Outputs are weighted sums of float V values with weights summing to one;
// a few float ulps of |v| <= 8 cover the roundings.
constexpr double kFewUlpsOfV = 5e-6;

// A small F32 cache: [n_ctx][n_kv_heads][head_dim].
struct Cache {
  int64_t n_heads, n_kv_heads, head_dim;
  std::vector<float> q, k, v;
  std::vector<float> out{};     // [n_heads][head_dim], set by Params()
  std::vector<float> scores{};  // [n_heads][pos + 1], set by Params()

  AttentionParams Params(int64_t pos) {
    out.assign(static_cast<size_t>(n_heads * head_dim), 0.0f);
    scores.assign(static_cast<size_t>(n_heads * (pos + 1)), 0.0f);
    AttentionParams p;
    p.q = q.data();
    p.k = k.data();
    p.v = v.data();
    p.kv_format = Format::kF32;
    p.kv_row_bytes = static_cast<size_t>(n_kv_heads * head_dim) * 4;
    p.out = out.data();
    p.scores = scores.data();
    p.scores_stride = pos + 1;
    p.n_heads = n_heads;
    p.n_kv_heads = n_kv_heads;
    p.head_dim = head_dim;
    p.pos = pos;
    p.scale = 1.0f;
    return p;
  }
};

TEST_CASE(
    "attention over one position returns that position's V, per KV "
    "head of each query group",
    "[kernels][ref][attention]") {
  // 4 query heads share 2 KV heads: heads 0, 1 read KV head 0; 2, 3 read 1.
  Cache c{4, 2, 2, {1, 2, 3, 4, 5, 6, 7, 8}, {1, 1, 1, 1}, {3, 4, -5, 6}};
  Attention(c.Params(0), 0, 4);
  CHECK(c.out == std::vector<float>{3, 4, 3, 4, -5, 6, -5, 6});
}

TEST_CASE("attention computes only the heads in its range",
          "[kernels][ref][attention]") {
  Cache c{2, 2, 2, {1, 1, 1, 1}, {1, 1, 1, 1}, {3, 4, 5, 6}};
  Attention(c.Params(0), 1, 2);
  CHECK(c.out == std::vector<float>{0, 0, 5, 6});
}

TEST_CASE("a sliding window excludes positions older than the window",
          "[kernels][ref][attention]") {
  // Positions 0 and 1 hold NaN: reading them would poison the output.
  const float nan = NAN;
  Cache c{1, 1, 1, {1}, {nan, nan, 2, 2}, {nan, nan, 4, 8}};
  AttentionParams p = c.Params(3);
  p.window = 2;  // positions 2 and 3 (the query's own)
  Attention(p, 0, 1);
  CHECK(c.out[0] == Approx(6.0).epsilon(kFewUlpsOfV));  // equal logits
}

TEST_CASE("logit soft-capping bounds logits by the cap",
          "[kernels][ref][attention]") {
  // Logits 1000 and 0: without a cap position 0 takes all the weight; with
  // cap 1 the logits become tanh(1000) = 1 and 0.
  Cache c{1, 1, 1, {1000}, {1, 0}, {1, 0}};
  Attention(c.Params(1), 0, 1);
  CHECK(c.out[0] == Approx(1.0).epsilon(kFewUlpsOfV));

  AttentionParams capped = c.Params(1);
  capped.softcap = 1.0f;
  Attention(capped, 0, 1);
  const double e = std::exp(1.0);
  CHECK(c.out[0] == Approx(e / (e + 1)).epsilon(kFewUlpsOfV));
}

TEST_CASE("attention reads an F16 cache like the F32 one it rounds to",
          "[kernels][ref][attention]") {
  Cache c{2, 1, 2, {0.5f, -1, 2, 0.25f}, {1, 2, -1, 0.5f}, {3, -2, 1, 7}};
  c.Params(1);
  Attention(c.Params(1), 0, 2);
  const std::vector<float> f32_out = c.out;

  std::vector<uint16_t> k16(4), v16(4);
  for (size_t i = 0; i < 4; ++i) {
    k16[i] = Fp32ToFp16(c.k[i]);  // every value here is exact in fp16
    v16[i] = Fp32ToFp16(c.v[i]);
  }
  AttentionParams p = c.Params(1);
  p.k = k16.data();
  p.v = v16.data();
  p.kv_format = Format::kF16;
  p.kv_row_bytes = 2 * 2;
  Attention(p, 0, 2);
  CHECK(c.out == f32_out);
}

}  // namespace
}  // namespace lapbench::kernels::ref
