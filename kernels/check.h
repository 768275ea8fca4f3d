// The correctness checker: every variant x operator x format against ref,
// and ref against a float64 oracle, on seeded random data.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "probes/cpu_features.h"

namespace lapbench::kernels {

// What became of one comparison (oneDNN benchdnn's result states).
enum class CheckStatus {
  kPassed,      // ran, error within tolerance
  kFailed,      // ran, error above tolerance (or a contract was broken)
  kSkipped,     // the CPU lacks features the variant needs: never executed
  kNotCovered,  // the variant's table entry for this operator is null
};

// "passed", "failed", "skipped", "not covered".
std::string_view CheckStatusName(CheckStatus status);

// One comparison. Errors are normalised per operator (see docs/kernels.md):
// products by sum |w x| of the row, quantizers in activation steps,
// element-wise operators by the largest expected magnitude.
struct CheckRow {
  std::string variant;  // "ref", "avx2", ...
  std::string op;       // "matvec", "matmul", "quantize_act", "rope", ...
  std::string format;   // weight, activation or KV format; "f32" otherwise
  std::string shape;    // e.g. "rows=7 cols=4096 tokens=7"; "*" if not run
  CheckStatus status = CheckStatus::kPassed;
  std::string reason;    // why failed, skipped or not covered; else empty
  double max_error = 0;  // NaN when not run
  double tolerance = 0;  // NaN when not run
  // What the output was compared with: "ref", "oracle" (float64, for ref
  // itself) or "input" (quantizers: the floats they were given).
  std::string compared_with;
};

// What to check.
struct CheckOptions {
  uint64_t seed = 20240917;  // same seed, same data, same table
  // Only this variant (plus nothing else); empty means every variant.
  std::string variant;
};

// Runs every case of every variant in AllVariants() (or options.variant)
// on this `cpu`. ref is compared with the float64 oracle, every other
// variant with ref. Variants `cpu` cannot run are reported skipped and none
// of their functions is called. Throws VariantError for an unknown
// options.variant.
std::vector<CheckRow> RunChecks(const probes::CpuFeatures& cpu,
                                const CheckOptions& options = {});

// True when any row failed.
bool AnyFailed(std::span<const CheckRow> rows);

// Writes `rows` as a fixed-width text table with a one-line summary, and
// returns AnyFailed(rows) (the CLI's exit status).
bool WriteCheckTable(std::span<const CheckRow> rows, std::ostream& out);

}  // namespace lapbench::kernels
