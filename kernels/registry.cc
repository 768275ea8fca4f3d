// The ordered list of kernel variants and the rules for choosing one.
#include "kernels/registry.h"

#include <fmt/format.h>

#include "kernels/avx2/avx2_kernels.h"
#include "kernels/avx512/avx512_kernels.h"
#include "kernels/onednn/onednn_kernels.h"
#include "kernels/ref/ref_kernels.h"

namespace lapbench::kernels {
namespace {

using probes::CpuFeature;

// Most specialised first, `ref` last (the fallback every CPU can run).
std::vector<Variant> MakeVariants() {
  std::vector<Variant> variants;
  // Order: avx512, avx2, onednn, ref, each as {name, description,
  // required features, &XxxKernels()}.
  // avx512 needs VNNI (a CPU with AVX-512 but no VNNI runs avx2); its
  // table picks the AVX512-BF16 kernels itself when the CPU has them.
  variants.push_back(
      {"avx512",
       "AVX-512 F/BW/VL/DQ + VNNI (vpdpbusd), BF16 if present",
       {CpuFeature::kAvx2, CpuFeature::kFma, CpuFeature::kF16c,
        CpuFeature::kAvx512F, CpuFeature::kAvx512Bw, CpuFeature::kAvx512Vl,
        CpuFeature::kAvx512Dq, CpuFeature::kAvx512Vnni},
       &avx512::Avx512Kernels()});
  variants.push_back({"avx2",
                      "AVX2 + FMA + F16C, 256-bit integer dot products",
                      {CpuFeature::kAvx2, CpuFeature::kFma, CpuFeature::kF16c},
                      &avx2::Avx2Kernels()});
  // onednn runs oneDNN's matmul primitive, which dispatches on the CPU
  // itself; its oldest JIT kernels need SSE4.1, so SSE4.2 (the probe's
  // nearest flag) is required. Its table holds only the float formats
  // oneDNN has a non-reference implementation for on this CPU.
  variants.push_back({"onednn",
                      "oneDNN matmul primitive (float formats it has JIT "
                      "kernels for), one oneDNN thread per call",
                      {CpuFeature::kSse42},
                      &onednn::OnednnKernels()});
  variants.push_back({"ref",
                      "portable C++, the oracle every variant matches",
                      {},
                      &ref::RefKernels()});
  return variants;
}

std::string JoinNames(const std::vector<CpuFeature>& features) {
  std::string joined;
  for (CpuFeature f : features) {
    if (!joined.empty()) joined += ", ";
    joined += probes::CpuFeatureName(f);
  }
  return joined;
}

std::string KnownNames() {
  std::string joined;
  for (const Variant& v : AllVariants()) {
    if (!joined.empty()) joined += ", ";
    joined += v.name;
  }
  return joined;
}

bool Covers(const Variant& v, Format weight) {
  return v.kernels->matvec[Slot(weight)] != nullptr &&
         v.kernels->matmul[Slot(weight)] != nullptr;
}

}  // namespace

std::span<const Variant> AllVariants() {
  static const std::vector<Variant> kVariants = MakeVariants();
  return kVariants;
}

std::vector<CpuFeature> MissingFeatures(const Variant& variant,
                                        const probes::CpuFeatures& cpu) {
  std::vector<CpuFeature> missing;
  for (CpuFeature f : variant.required) {
    if (!cpu.Usable(f)) missing.push_back(f);
  }
  return missing;
}

const Variant& FindVariant(std::string_view name) {
  for (const Variant& v : AllVariants()) {
    if (v.name == name) return v;
  }
  throw VariantError(fmt::format("unknown kernel variant: '{}' (expected {})",
                                 name, KnownNames()));
}

const Variant& ForceVariant(std::string_view name,
                            const probes::CpuFeatures& cpu) {
  const Variant& variant = FindVariant(name);
  const std::vector<CpuFeature> missing = MissingFeatures(variant, cpu);
  if (!missing.empty()) {
    throw VariantError(fmt::format(
        "kernel variant cannot run on this CPU: '{}' (expected CPU features "
        "{}; missing {})",
        name, JoinNames(variant.required), JoinNames(missing)));
  }
  return variant;
}

const Variant& BestVariant(Format weight, const probes::CpuFeatures& cpu) {
  for (const Variant& v : AllVariants()) {
    if (MissingFeatures(v, cpu).empty() && Covers(v, weight)) return v;
  }
  // Unreachable while `ref` covers every weight format; say so if not.
  throw VariantError(fmt::format(
      "no kernel variant covers weight format: '{}' (expected one of {})",
      Info(weight).name, KnownNames()));
}

}  // namespace lapbench::kernels
