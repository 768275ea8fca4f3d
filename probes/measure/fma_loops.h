// The per-ISA FP32 multiply-add loops behind MeasurePeakFlops.
#pragma once

#include <cstdint>

namespace lapbench::probes::measure {

// Independent accumulator chains per loop. A chain can issue its next
// operation only when the previous one has finished, so reaching peak needs
// latency x (operations per cycle) chains in flight:
// - FMA (AVX2, AVX-512): latency 4 cycles on Skylake to Golden Cove and on
//   Zen 3 to Zen 5, 5 on Haswell, Broadwell and Zen 1/2; at most 2 per cycle
//   (two FMA ports), so at most 5 x 2 = 10 chains are needed.
// - mul then add (scalar, SSE2): one chain step is a multiply followed by a
//   dependent add, 6 (Zen: 3 + 3) to 8 (Skylake: 4 + 4) cycles; Intel
//   issues one step per cycle (mul and add share ports 0 and 1, so 8 chains),
//   Zen two (two FMUL and two FADD pipes, so 6 x 2 = 12 chains).
// 12 chains cover every case; with the two constant operands they fill 14
// of the 16 XMM/YMM registers, so nothing spills.
inline constexpr int kFmaChains = 12;

// Each runs `n_iterations` steps of every chain (x = x * m + a, which stays
// finite and never denormal) and returns the sum of the chains, which the
// caller must consume. Only call one whose ISA the CPU and OS support.
float FmaLoopScalar(uint64_t n_iterations);
float FmaLoopSse2(uint64_t n_iterations);
float FmaLoopAvx2(uint64_t n_iterations);    // needs AVX2 and FMA
float FmaLoopAvx512(uint64_t n_iterations);  // needs AVX-512F

// The multiplier and addend of every chain: x converges to a / (1 - m) =
// 1.0, far from overflow and from denormals, which would slow the loop.
inline constexpr float kFmaMultiplier = 0.999f;
inline constexpr float kFmaAddend = 0.001f;

}  // namespace lapbench::probes::measure
