// The variant registry: order, forcing by name, choosing for a CPU.
#include "kernels/registry.h"

#include <catch2/catch.hpp>

namespace lapbench::kernels {
namespace {

using probes::CpuFeature;
using probes::CpuFeatures;

// A CPU where exactly `features` are present and OS-enabled.
CpuFeatures With(std::initializer_list<CpuFeature> features) {
  CpuFeatures cpu;
  for (CpuFeature f : features) {
    cpu.cpu[CpuFeatures::Index(f)] = true;
    cpu.os_enabled[CpuFeatures::Index(f)] = true;
  }
  return cpu;
}

TEST_CASE("the registry lists ref last, needing no CPU features",
          "[kernels][registry]") {
  const auto variants = AllVariants();
  REQUIRE_FALSE(variants.empty());
  CHECK(variants.back().name == "ref");
  CHECK(variants.back().required.empty());
  for (const Variant& v : variants) CHECK(v.kernels != nullptr);
}

TEST_CASE("forcing avx512 on a CPU without avx512f names what is missing",
          "[kernels][registry]") {
  const CpuFeatures avx2_only =
      With({CpuFeature::kAvx2, CpuFeature::kFma, CpuFeature::kF16c});
  REQUIRE_NOTHROW(FindVariant("avx512"));
  try {
    ForceVariant("avx512", avx2_only);
    FAIL("ForceVariant accepted avx512 on a CPU without it");
  } catch (const VariantError& e) {
    const std::string message = e.what();
    CHECK(message.find("'avx512'") != std::string::npos);
    CHECK(message.find("missing") != std::string::npos);
    CHECK(message.find("avx512f") != std::string::npos);
  }
}

TEST_CASE("forcing an unknown variant lists the known ones",
          "[kernels][registry]") {
  try {
    ForceVariant("sse9", CpuFeatures{});
    FAIL("ForceVariant accepted an unknown name");
  } catch (const VariantError& e) {
    const std::string message = e.what();
    CHECK(message.find("'sse9'") != std::string::npos);
    for (const Variant& v : AllVariants()) {
      CHECK(message.find(std::string(v.name)) != std::string::npos);
    }
  }
}

TEST_CASE("forcing a variant the CPU can run returns it",
          "[kernels][registry]") {
  CHECK(ForceVariant("ref", CpuFeatures{}).name == "ref");
}

TEST_CASE("a CPU without features gets ref for every weight format",
          "[kernels][registry]") {
  for (const FormatInfo& info : AllFormats()) {
    if (!info.is_weight_format) continue;
    CHECK(BestVariant(info.format, CpuFeatures{}).name == "ref");
  }
}

TEST_CASE("features the CPU has but the OS does not save count as missing",
          "[kernels][registry]") {
  for (const Variant& v : AllVariants()) {
    CpuFeatures cpu_only;
    for (CpuFeature f : v.required) cpu_only.cpu[CpuFeatures::Index(f)] = true;
    CHECK(MissingFeatures(v, cpu_only) == v.required);
    CHECK(MissingFeatures(v, With({})).size() == v.required.size());
  }
}

TEST_CASE("the best variant is the first in order that covers the format",
          "[kernels][registry]") {
  CpuFeatures all;
  all.cpu.fill(true);
  all.os_enabled.fill(true);
  for (const FormatInfo& info : AllFormats()) {
    if (!info.is_weight_format) continue;
    const size_t slot = Slot(info.format);
    std::string_view first_covering;
    for (const Variant& v : AllVariants()) {
      if (v.kernels->matvec[slot] && v.kernels->matmul[slot]) {
        first_covering = v.name;
        break;
      }
    }
    CHECK(BestVariant(info.format, all).name == first_covering);
  }
}

}  // namespace
}  // namespace lapbench::kernels
