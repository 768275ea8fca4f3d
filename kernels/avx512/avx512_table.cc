// The avx512 variant's operator table. Compiled with baseline flags:
// building and reading the table never executes AVX-512 code.
#include "kernels/avx2/avx2_kernels.h"
#include "kernels/avx512/avx512_kernels.h"
#include "probes/cpu_features.h"

namespace lapbench::kernels::avx512 {
namespace {

using probes::CpuFeature;

// Entries taken from avx2 are memory-bound or once-per-token operators
// where 512-bit registers gain nothing measurable; the avx512 variant
// requires AVX2, FMA and F16C too, so they are always safe to call.
void SetSharedWithAvx2(const KernelSet& avx2, KernelSet& k) {
  k.quantize_act = avx2.quantize_act;
  k.rms_norm = avx2.rms_norm;
  k.rope = avx2.rope;  // not specialised in avx2 either: same as ref
  k.softmax = avx2.softmax;
  k.gelu = avx2.gelu;
  k.silu = avx2.silu;
  k.mul = avx2.mul;
  k.add = avx2.add;
  k.attention = avx2.attention;
}

KernelSet MakeAvx512Kernels(bool use_bf16) {
  KernelSet k;
  SetSharedWithAvx2(avx2::Avx2Kernels(), k);

  k.matvec[Slot(Format::kF32)] = MatVecF32Avx512;
  k.matvec[Slot(Format::kF16)] = MatVecF16Avx512;
  k.matvec[Slot(Format::kBf16)] =
      use_bf16 ? MatVecBf16DotAvx512 : MatVecBf16Avx512;
  k.matvec[Slot(Format::kQ8_0)] = MatVecQ8_0Avx512;
  k.matvec[Slot(Format::kQ4_0)] = MatVecQ4_0Avx512;
  k.matvec[Slot(Format::kQ4_K)] = MatVecQ4_KAvx512;
  k.matvec[Slot(Format::kQ6_K)] = MatVecQ6_KAvx512;

  k.matmul[Slot(Format::kF32)] = MatMulF32Avx512;
  k.matmul[Slot(Format::kF16)] = MatMulF16Avx512;
  k.matmul[Slot(Format::kBf16)] =
      use_bf16 ? MatMulBf16DotAvx512 : MatMulBf16Avx512;
  k.matmul[Slot(Format::kQ8_0)] = MatMulQ8_0Avx512;
  k.matmul[Slot(Format::kQ4_0)] = MatMulQ4_0Avx512;
  k.matmul[Slot(Format::kQ4_K)] = MatMulQ4_KAvx512;
  k.matmul[Slot(Format::kQ6_K)] = MatMulQ6_KAvx512;
  return k;
}

}  // namespace

const KernelSet& Avx512Kernels(bool use_bf16) {
  static const KernelSet with_bf16 = MakeAvx512Kernels(true);
  static const KernelSet without_bf16 = MakeAvx512Kernels(false);
  return use_bf16 ? with_bf16 : without_bf16;
}

const KernelSet& Avx512Kernels() {
  static const bool use_bf16 =
      probes::DetectCpuFeatures().Usable(CpuFeature::kAvx512Bf16);
  return Avx512Kernels(use_bf16);
}

}  // namespace lapbench::kernels::avx512
