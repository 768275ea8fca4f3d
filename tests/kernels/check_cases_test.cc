// The checker's cases catch broken kernels (so a pass means something).
#include "kernels/check_cases.h"

#include <catch2/catch.hpp>
#include <string>

#include "kernels/ref/ref_kernels.h"

namespace lapbench::kernels::check {
namespace {

// ref's Q4_0 matvec with the last row's last block left out.
void MatVecQ4_0DropsLastBlock(const WeightView& w, const void* x, float* y,
                              int64_t row_begin, int64_t row_end) {
  WeightView shorter = w;
  shorter.cols = w.cols > 32 ? w.cols - 32 : w.cols;
  ref::MatVecQ4_0(shorter, x, y, row_begin, row_end);
  if (w.cols == 32 && row_end > row_begin) y[row_end - 1] = 0.0f;
}

// ref's F32 matvec that ignores the row range and writes every row.
void MatVecF32AllRows(const WeightView& w, const void* x, float* y, int64_t,
                      int64_t) {
  ref::MatVecF32(w, x, y, 0, w.rows);
}

// ref's RoPE with the layouts swapped.
void RopeWrongLayout(float* x, const RopeParams& p, int64_t pos) {
  RopeParams swapped = p;
  swapped.layout = p.layout == RopeLayout::kInterleaved
                       ? RopeLayout::kHalfSplit
                       : RopeLayout::kInterleaved;
  ref::Rope(x, swapped, pos);
}

// Runs every case of `cases` with `op` and `format` on `set` against ref;
// returns how many failed and how many ran.
std::pair<int, int> FailuresOf(const std::vector<CheckCase>& cases,
                               const KernelSet& set, const std::string& op,
                               const std::string& format) {
  int failed = 0;
  int ran = 0;
  for (const CheckCase& c : cases) {
    if (c.op != op || c.format != format) continue;
    const CaseOutcome out = c.run(set, Expected::kRef);
    ++ran;
    if (!(out.max_error <= out.tolerance) || !out.reason.empty()) ++failed;
  }
  return {failed, ran};
}

TEST_CASE("the checker fails a Q4_0 matvec that drops a block",
          "[kernels][check]") {
  KernelSet broken = ref::RefKernels();
  broken.matvec[Slot(Format::kQ4_0)] = MatVecQ4_0DropsLastBlock;
  const auto [failed, ran] =
      FailuresOf(ProductCases(1), broken, "matvec", "q4_0");
  REQUIRE(ran > 0);
  CHECK(failed == ran);
}

TEST_CASE("the checker fails a matvec that writes outside its row range",
          "[kernels][check]") {
  KernelSet broken = ref::RefKernels();
  broken.matvec[Slot(Format::kF32)] = MatVecF32AllRows;
  const auto [failed, ran] =
      FailuresOf(ProductCases(1), broken, "matvec", "f32");
  REQUIRE(ran > 0);
  CHECK(failed > 0);
}

TEST_CASE("the checker fails RoPE with the other pair layout",
          "[kernels][check]") {
  KernelSet broken = ref::RefKernels();
  broken.rope = RopeWrongLayout;
  const auto [failed, ran] =
      FailuresOf(ElementwiseCases(1), broken, "rope", "f32");
  REQUIRE(ran > 0);
  CHECK(failed >= ran / 2);  // position 0 does not rotate: those pass
}

TEST_CASE("ref passes its own cases when compared with itself",
          "[kernels][check]") {
  for (auto* make :
       {ProductCases, QuantizeCases, ElementwiseCases, AttentionCases}) {
    for (const CheckCase& c : make(3)) {
      const CaseOutcome out = c.run(ref::RefKernels(), Expected::kRef);
      INFO(c.op << " " << c.format << " " << c.shape);
      CHECK(out.reason.empty());
      CHECK(out.max_error <= out.tolerance);
    }
  }
}

}  // namespace
}  // namespace lapbench::kernels::check
