// The onednn variant against ref: products for the formats oneDNN covers,
// row ranges split across threads, the per-thread primitive cache, and
// null entries for everything else.
#include <catch2/catch.hpp>
#include <stdexcept>
#include <thread>

#include "kernels/check_cases.h"
#include "kernels/onednn/onednn_kernels.h"
#include "kernels/registry.h"
#include "tests/kernels/simd_compare.h"

namespace lapbench::kernels {
namespace {

using testing::kProductTolerance;

const KernelSet& Onednn() { return onednn::OnednnKernels(); }

// The weight formats the onednn table covers here; WARNs why for the rest.
std::vector<Format> CoveredFormats() {
  std::vector<Format> covered;
  for (Format f : testing::kWeightFormats) {
    if (Onednn().matvec[Slot(f)] != nullptr) {
      covered.push_back(f);
    } else {
      WARN("onednn " << Info(f).name
                     << " not covered: " << onednn::UnsupportedReason(f));
    }
  }
  return covered;
}

TEST_CASE("onednn sits between avx2 and ref in the registry",
          "[kernels][onednn]") {
  const auto variants = AllVariants();
  REQUIRE(variants.size() == 4);
  CHECK(variants[0].name == "avx512");
  CHECK(variants[1].name == "avx2");
  CHECK(variants[2].name == "onednn");
  CHECK(variants[3].name == "ref");
  CHECK(variants[2].kernels == &Onednn());
  CHECK_FALSE(variants[2].required.empty());
}

TEST_CASE("onednn leaves block formats and non-product operators null",
          "[kernels][onednn]") {
  for (Format f :
       {Format::kQ8_0, Format::kQ4_0, Format::kQ4_K, Format::kQ6_K}) {
    INFO(Info(f).name);
    CHECK(Onednn().matvec[Slot(f)] == nullptr);
    CHECK(Onednn().matmul[Slot(f)] == nullptr);
    CHECK(onednn::ImplementationName(f).empty());
    CHECK_FALSE(onednn::UnsupportedReason(f).empty());
  }
  CHECK(Onednn().rms_norm == nullptr);
  CHECK(Onednn().attention == nullptr);
  for (QuantizeActFn fn : Onednn().quantize_act) CHECK(fn == nullptr);
}

TEST_CASE("onednn names an implementation exactly for the formats it covers",
          "[kernels][onednn]") {
  for (Format f : testing::kWeightFormats) {
    INFO(Info(f).name);
    const bool covered = Onednn().matvec[Slot(f)] != nullptr;
    CHECK(covered == (Onednn().matmul[Slot(f)] != nullptr));
    CHECK(covered == !onednn::ImplementationName(f).empty());
    CHECK(covered == onednn::UnsupportedReason(f).empty());
  }
}

TEST_CASE("onednn matvec matches ref on awkward shapes", "[kernels][onednn]") {
  for (Format f : CoveredFormats()) {
    for (int64_t cols : testing::AwkwardCols(f)) {
      for (int64_t rows : testing::kAwkwardRows) {
        INFO(Info(f).name << " rows=" << rows << " cols=" << cols);
        CHECK(testing::ProductError(Onednn(), f, rows, cols, 0) <=
              kProductTolerance);
      }
    }
  }
}

TEST_CASE("onednn matmul matches ref for 1, 6 and 17 tokens",
          "[kernels][onednn]") {
  for (Format f : CoveredFormats()) {
    for (int64_t cols : testing::AwkwardCols(f)) {
      for (int64_t tokens : {1, 6, 17}) {
        const int64_t rows = cols > 4096 ? 5 : 9;
        INFO(Info(f).name << " rows=" << rows << " cols=" << cols
                          << " tokens=" << tokens);
        CHECK(testing::ProductError(Onednn(), f, rows, cols, tokens) <=
              kProductTolerance);
      }
    }
  }
}

// Two threads computing halves of one matvec, each many times, as the
// engine's pool does: every output equals ref's and none is missed.
TEST_CASE("onednn matvec on two threads fills exactly their row ranges",
          "[kernels][onednn]") {
  for (Format f : CoveredFormats()) {
    INFO(Info(f).name);
    constexpr int64_t kRows = 37;
    constexpr int64_t kCols = 512;
    const testing::Matrix m = testing::MakeMatrix(f, kRows, kCols, 5u);
    const testing::Activations a = testing::MakeActivations(f, kCols, 1, 7u);
    std::vector<float> want(kRows);
    ref::RefKernels().matvec[Slot(f)](m.view, a.bytes.data(), want.data(), 0,
                                      kRows);
    std::vector<float> got(kRows, check::Sentinel());
    auto run = [&](int64_t begin, int64_t end) {
      for (int i = 0; i < 50; ++i) {
        Onednn().matvec[Slot(f)](m.view, a.bytes.data(), got.data(), begin,
                                 end);
      }
    };
    std::thread first(run, 0, 20);
    std::thread second(run, 20, kRows);
    first.join();
    second.join();
    for (int64_t r = 0; r < kRows; ++r) {
      INFO("row " << r);
      REQUIRE_FALSE(check::IsSentinel(got[r]));
      CHECK(std::fabs(double{got[r]} - double{want[r]}) /
                testing::AbsDot(m, a, r, 0) <=
            kProductTolerance);
    }
  }
}

TEST_CASE("onednn reuses one primitive for equal-sized row ranges",
          "[kernels][onednn]") {
  if (Onednn().matvec[Slot(Format::kF32)] == nullptr) {
    WARN("skipped: onednn does not cover f32 here");
    return;
  }
  // A fresh thread starts with an empty cache.
  std::thread([] {
    const testing::Matrix m = testing::MakeMatrix(Format::kF32, 8, 64, 3u);
    const testing::Activations a =
        testing::MakeActivations(Format::kF32, 64, 2, 4u);
    std::vector<float> y(16);
    CHECK(onednn::CachedProductCount() == 0);
    onednn::MatVecOnednn(m.view, a.bytes.data(), y.data(), 0, 4);
    onednn::MatVecOnednn(m.view, a.bytes.data(), y.data(), 4, 8);
    CHECK(onednn::CachedProductCount() == 1);
    onednn::MatVecOnednn(m.view, a.bytes.data(), y.data(), 0, 8);
    CHECK(onednn::CachedProductCount() == 2);
    onednn::MatMulOnednn(m.view, a.bytes.data(), a.row_bytes, 2, y.data(), 8, 0,
                         8);
    CHECK(onednn::CachedProductCount() == 3);
  }).join();
}

TEST_CASE("onednn rejects an activation stride of a partial element",
          "[kernels][onednn]") {
  if (Onednn().matmul[Slot(Format::kF32)] == nullptr) {
    WARN("skipped: onednn does not cover f32 here");
    return;
  }
  const testing::Matrix m = testing::MakeMatrix(Format::kF32, 4, 16, 3u);
  std::vector<float> x(40, 1.0f);
  std::vector<float> y(8);
  CHECK_THROWS_AS(
      onednn::MatMulOnednn(m.view, x.data(), 16 * 4 + 2, 2, y.data(), 4, 0, 4),
      std::invalid_argument);
}

}  // namespace
}  // namespace lapbench::kernels
