// The avx2 variant's operator table. Compiled with baseline flags: reading
// the table must not execute AVX2 code on a CPU that lacks it.
#include "kernels/avx2/avx2_kernels.h"
#include "kernels/ref/ref_kernels.h"

namespace lapbench::kernels::avx2 {
namespace {

KernelSet MakeAvx2Kernels() {
  KernelSet k;
  // Not specialised: same as ref (an F32 activation row is a copy).
  k.quantize_act[Slot(Format::kF32)] = ref::QuantizeActF32;
  k.quantize_act[Slot(Format::kF16)] = QuantizeActF16Avx2;
  k.quantize_act[Slot(Format::kBf16)] = QuantizeActBf16Avx2;
  k.quantize_act[Slot(Format::kQ8_0)] = QuantizeActQ8_0Avx2;
  k.quantize_act[Slot(Format::kQ8_K)] = QuantizeActQ8_KAvx2;

  k.matvec[Slot(Format::kF32)] = MatVecF32Avx2;
  k.matvec[Slot(Format::kF16)] = MatVecF16Avx2;
  k.matvec[Slot(Format::kBf16)] = MatVecBf16Avx2;
  k.matvec[Slot(Format::kQ8_0)] = MatVecQ8_0Avx2;
  k.matvec[Slot(Format::kQ4_0)] = MatVecQ4_0Avx2;
  k.matvec[Slot(Format::kQ4_K)] = MatVecQ4_KAvx2;
  k.matvec[Slot(Format::kQ6_K)] = MatVecQ6_KAvx2;

  k.matmul[Slot(Format::kF32)] = MatMulF32Avx2;
  k.matmul[Slot(Format::kF16)] = MatMulF16Avx2;
  k.matmul[Slot(Format::kBf16)] = MatMulBf16Avx2;
  k.matmul[Slot(Format::kQ8_0)] = MatMulQ8_0Avx2;
  k.matmul[Slot(Format::kQ4_0)] = MatMulQ4_0Avx2;
  k.matmul[Slot(Format::kQ4_K)] = MatMulQ4_KAvx2;
  k.matmul[Slot(Format::kQ6_K)] = MatMulQ6_KAvx2;

  k.rms_norm = RmsNormAvx2;
  // Not specialised: same as ref. RoPE costs one sin/cos pair per rotated
  // pair per token, negligible next to the matrix products.
  k.rope = ref::Rope;
  k.softmax = SoftmaxAvx2;
  k.gelu = GeluAvx2;
  k.silu = SiluAvx2;
  k.mul = MulAvx2;
  k.add = AddAvx2;
  k.attention = AttentionAvx2;
  return k;
}

}  // namespace

const KernelSet& Avx2Kernels() {
  static const KernelSet kernels = MakeAvx2Kernels();
  return kernels;
}

}  // namespace lapbench::kernels::avx2
