// The avx512 variant against ref: matrix products for every weight format,
// with and without the AVX512-BF16 kernels; skipped on CPUs that lack the
// variant's required features.
#include <catch2/catch.hpp>

#include "kernels/avx512/avx512_kernels.h"
#include "kernels/registry.h"
#include "probes/cpu_features.h"
#include "tests/kernels/simd_compare.h"

namespace lapbench::kernels {
namespace {

using probes::CpuFeature;
using testing::kProductTolerance;

// True when this CPU can run the avx512 variant; otherwise WARNs why.
bool HostRunsAvx512() {
  const auto missing =
      MissingFeatures(FindVariant("avx512"), probes::DetectCpuFeatures());
  for (CpuFeature f : missing) {
    WARN("skipped: this CPU lacks " << probes::CpuFeatureName(f));
  }
  return missing.empty();
}

// The tables to check: without BF16 instructions always, with them when
// the CPU has AVX512-BF16.
std::vector<const KernelSet*> TablesToCheck() {
  std::vector<const KernelSet*> tables = {&avx512::Avx512Kernels(false)};
  if (probes::DetectCpuFeatures().Usable(CpuFeature::kAvx512Bf16)) {
    tables.push_back(&avx512::Avx512Kernels(true));
  } else {
    WARN("AVX512-BF16 kernels skipped: this CPU lacks avx512_bf16");
  }
  return tables;
}

TEST_CASE("avx512 matvec matches ref on awkward shapes", "[kernels][avx512]") {
  if (!HostRunsAvx512()) return;
  for (const KernelSet* k : TablesToCheck()) {
    for (Format f : testing::kWeightFormats) {
      for (int64_t cols : testing::AwkwardCols(f)) {
        for (int64_t rows : testing::kAwkwardRows) {
          if (cols > 4096 && rows > 7) continue;  // keep the big rows quick
          INFO(Info(f).name << " rows=" << rows << " cols=" << cols);
          CHECK(testing::ProductError(*k, f, rows, cols, 0) <=
                kProductTolerance);
        }
      }
    }
  }
}

TEST_CASE("avx512 matmul matches ref for token counts off the tile size",
          "[kernels][avx512]") {
  if (!HostRunsAvx512()) return;
  for (const KernelSet* k : TablesToCheck()) {
    for (Format f : testing::kWeightFormats) {
      for (int64_t cols : testing::AwkwardCols(f)) {
        for (int64_t tokens : {1, 6}) {
          const int64_t rows = cols > 4096 ? 5 : 9;
          INFO(Info(f).name << " rows=" << rows << " cols=" << cols
                            << " tokens=" << tokens);
          CHECK(testing::ProductError(*k, f, rows, cols, tokens) <=
                kProductTolerance);
        }
      }
    }
  }
}

TEST_CASE("avx512 is listed before avx2 and requires VNNI",
          "[kernels][avx512]") {
  const auto variants = AllVariants();
  REQUIRE(variants.size() >= 3);
  CHECK(variants[0].name == "avx512");
  CHECK(variants[1].name == "avx2");
  const auto& required = variants[0].required;
  CHECK(std::find(required.begin(), required.end(), CpuFeature::kAvx512Vnni) !=
        required.end());
}

TEST_CASE("avx512 cannot be forced on a CPU without AVX-512",
          "[kernels][avx512]") {
  probes::CpuFeatures avx2_only;
  for (CpuFeature f :
       {CpuFeature::kAvx2, CpuFeature::kFma, CpuFeature::kF16c}) {
    avx2_only.cpu[probes::CpuFeatures::Index(f)] = true;
    avx2_only.os_enabled[probes::CpuFeatures::Index(f)] = true;
  }
  CHECK_THROWS_AS(ForceVariant("avx512", avx2_only), VariantError);
  CHECK(ForceVariant("avx2", avx2_only).name == "avx2");
}

}  // namespace
}  // namespace lapbench::kernels
