// The `ref` operator table: every operator and weight format, portable C++.
#include "kernels/ref/ref_kernels.h"

namespace lapbench::kernels::ref {
namespace {

KernelSet MakeRefKernels() {
  KernelSet set;
  set.quantize_act[Slot(Format::kF32)] = QuantizeActF32;
  set.quantize_act[Slot(Format::kF16)] = QuantizeActF16;
  set.quantize_act[Slot(Format::kBf16)] = QuantizeActBf16;
  set.quantize_act[Slot(Format::kQ8_0)] = QuantizeActQ8_0;
  set.quantize_act[Slot(Format::kQ8_K)] = QuantizeActQ8_K;

  set.matvec[Slot(Format::kF32)] = MatVecF32;
  set.matvec[Slot(Format::kF16)] = MatVecF16;
  set.matvec[Slot(Format::kBf16)] = MatVecBf16;
  set.matvec[Slot(Format::kQ8_0)] = MatVecQ8_0;
  set.matvec[Slot(Format::kQ4_0)] = MatVecQ4_0;
  set.matvec[Slot(Format::kQ4_K)] = MatVecQ4_K;
  set.matvec[Slot(Format::kQ6_K)] = MatVecQ6_K;

  set.matmul[Slot(Format::kF32)] = MatMulF32;
  set.matmul[Slot(Format::kF16)] = MatMulF16;
  set.matmul[Slot(Format::kBf16)] = MatMulBf16;
  set.matmul[Slot(Format::kQ8_0)] = MatMulQ8_0;
  set.matmul[Slot(Format::kQ4_0)] = MatMulQ4_0;
  set.matmul[Slot(Format::kQ4_K)] = MatMulQ4_K;
  set.matmul[Slot(Format::kQ6_K)] = MatMulQ6_K;

  set.rms_norm = RmsNorm;
  set.rope = Rope;
  set.softmax = Softmax;
  set.gelu = Gelu;
  set.silu = Silu;
  set.mul = Mul;
  set.add = Add;
  set.attention = Attention;
  return set;
}

}  // namespace

const KernelSet& RefKernels() {
  static const KernelSet kSet = MakeRefKernels();
  return kSet;
}

}  // namespace lapbench::kernels::ref
