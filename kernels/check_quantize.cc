// Checker cases for the activation quantizers (quantize_act).
#include <fmt/format.h>

#include <cstring>

#include "kernels/check_cases.h"
#include "kernels/formats/blocks.h"
#include "kernels/quantize.h"

namespace lapbench::kernels::check {
namespace {

// Quantizer error: |dequantized - input| in units of the format's step
// (one code of the block for Q8_0/Q8_K, one ulp of the element for the
// float formats). Variants may round ties differently (ggml's x86 Q8_0
// rounds ties to even, the reference away from zero), so they are compared
// with the input, where every correct rounding lands within half a step.
//
// F32 is a copy: no error at all.
constexpr double kF32ActSteps = 0.0;
// F16/BF16: round to nearest gives at most half an ulp.
constexpr double kHalfFloatActSteps = 0.5;
// Q8_0 and Q8_K: half a step from rounding the code, and 1% for the float
// arithmetic. Q8_0 stores d as fp16, which moves every dequantized value by
// up to 127 |fp16(d) - d| (a lot in blocks whose d is an fp16 subnormal);
// that part is subtracted before dividing by the step.
constexpr double kQ8_0ActSteps = 0.51;
constexpr double kQ8_KActSteps = 0.51;

double ActTolerance(Format act) {
  switch (act) {
    case Format::kF32:
      return kF32ActSteps;
    case Format::kQ8_0:
      return kQ8_0ActSteps;
    case Format::kQ8_K:
      return kQ8_KActSteps;
    default:
      return kHalfFloatActSteps;
  }
}

// One ulp of `x` in a float format with `mantissa_bits` stored bits whose
// smallest normal exponent is `min_exponent` (subnormals share its ulp).
double Ulp(float x, int mantissa_bits, int min_exponent) {
  const int e =
      x == 0.0f ? min_exponent : std::max(std::ilogb(x), min_exponent);
  return std::ldexp(1.0, e - mantissa_bits);
}

// The step that element i of `x` is quantized with in `act`, and in
// `stored_shift` how far storing that step moves a code-127 value.
double Step(Format act, const std::vector<float>& x, size_t i,
            double* stored_shift) {
  *stored_shift = 0.0;
  switch (act) {
    case Format::kF32:
      return Ulp(x[i], 23, -126);
    case Format::kF16:
      return Ulp(x[i], 10, -14);
    case Format::kBf16:
      return Ulp(x[i], 7, -126);
    default: {
      // One block's code: max |x| of the block / 127.
      const size_t block = static_cast<size_t>(Info(act).block_elems);
      const size_t first = i / block * block;
      float amax = 0.0f;
      for (size_t j = first; j < first + block; ++j) {
        amax = std::max(amax, std::fabs(x[j]));
      }
      const double step = amax / 127.0;
      if (act == Format::kQ8_0) {
        const float stored = Fp16ToFp32(Fp32ToFp16(static_cast<float>(step)));
        *stored_shift = 127.0 * std::fabs(double{stored} - step);
      }
      return step;
    }
  }
}

// Q8_K's bsums must be the 16-element sums of its own codes: the Q4_K dot
// product reads them instead of the codes.
bool BsumsConsistent(const void* bytes, int64_t n) {
  const auto* blocks = static_cast<const BlockQ8_K*>(bytes);
  for (int64_t b = 0; b < n / kQK_K; ++b) {
    for (int g = 0; g < kQK_K / 16; ++g) {
      int sum = 0;
      for (int i = 0; i < 16; ++i) sum += blocks[b].qs[16 * g + i];
      if (sum != blocks[b].bsums[g]) return false;
    }
  }
  return true;
}

// Inputs spanning magnitudes: block amplitudes from 1e-3 to 1e3, one
// outlier per 32 elements, and a first block of zeros when there are
// several blocks (the d = 0 branch of the quantizers).
std::vector<float> ActInput(uint64_t seed, int64_t n, int64_t block_elems) {
  std::vector<float> x = RandomFloats(seed, static_cast<size_t>(n), 1.0f);
  const int64_t group = std::max<int64_t>(block_elems, 32);
  for (int64_t i = 0; i < n; ++i) {
    x[i] *= std::pow(10.0f, static_cast<float>((i / group) % 7) - 3.0f);
    if (i % 32 == 5) x[i] *= 8.0f;
  }
  if (n >= 2 * block_elems && block_elems > 1) {
    std::fill(x.begin(), x.begin() + block_elems, 0.0f);
  }
  return x;
}

CaseOutcome RunQuantizeCase(const KernelSet& set, Format act, int64_t n,
                            uint64_t seed) {
  const std::vector<float> x = ActInput(seed, n, Info(act).block_elems);
  std::vector<uint8_t> bytes(RowBytes(act, n, "check activations"));
  set.quantize_act[Slot(act)](x.data(), bytes.data(), n);
  std::vector<float> back(static_cast<size_t>(n));
  DequantizeRow(act, bytes.data(), back.data(), n);

  CaseOutcome outcome;
  outcome.tolerance = ActTolerance(act);
  if (act == Format::kQ8_K && !BsumsConsistent(bytes.data(), n)) {
    outcome.reason = "bsums differ from the sums of the codes";
    outcome.max_error = std::numeric_limits<double>::infinity();
    return outcome;
  }
  for (size_t i = 0; i < x.size(); ++i) {
    double stored_shift = 0.0;
    const double step = Step(act, x, i, &stored_shift);
    const double diff =
        std::max(0.0, std::fabs(double{back[i]} - double{x[i]}) - stored_shift);
    const double err = step > 0.0   ? diff / step
                       : diff > 0.0 ? std::numeric_limits<double>::infinity()
                                    : 0.0;
    outcome.max_error = std::isnan(err)
                            ? std::numeric_limits<double>::infinity()
                            : std::max(outcome.max_error, err);
  }
  return outcome;
}

constexpr Format kActFormats[] = {Format::kF32, Format::kF16, Format::kBf16,
                                  Format::kQ8_0, Format::kQ8_K};

}  // namespace

std::vector<CheckCase> QuantizeCases(uint64_t seed) {
  std::vector<CheckCase> cases;
  for (Format act : kActFormats) {
    const int64_t block = Info(act).block_elems;
    for (int64_t n : {block, 7 * block, int64_t{4096}}) {
      const uint64_t case_seed = seed + 7919 * (cases.size() + 1);
      CheckCase c;
      c.op = "quantize_act";
      c.format = std::string(Info(act).name);
      c.shape = fmt::format("n={}", n);
      c.compared_with_ref = "input";
      c.covered = [act](const KernelSet& set) {
        return set.quantize_act[Slot(act)] != nullptr;
      };
      c.run = [act, n, case_seed](const KernelSet& set, Expected) {
        return RunQuantizeCase(set, act, n, case_seed);
      };
      cases.push_back(std::move(c));
    }
  }
  return cases;
}

}  // namespace lapbench::kernels::check
