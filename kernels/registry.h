// The kernel variants lapbench carries, what each needs, and which to run.
#pragma once

#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "kernels/ops.h"
#include "probes/cpu_features.h"

namespace lapbench::kernels {

// A named implementation of the operator set and the CPU features it needs.
struct Variant {
  std::string_view name;         // "ref", "avx2", "avx512", "onednn"
  std::string_view description;  // one line for `lapbench kernels --list`
  std::vector<probes::CpuFeature> required;
  // The operator table. Its functions may only be called when
  // MissingFeatures() is empty; reading the table itself is always safe.
  const KernelSet* kernels;
};

// Thrown when a forced variant is unknown or cannot run on this CPU.
class VariantError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Every variant, most specialised first, `ref` last.
std::span<const Variant> AllVariants();

// The required features `cpu` lacks (empty when the variant can run).
std::vector<probes::CpuFeature> MissingFeatures(const Variant& variant,
                                                const probes::CpuFeatures& cpu);

// The variant named `name`; throws VariantError for unknown names.
const Variant& FindVariant(std::string_view name);

// The variant named `name` if `cpu` can run it; otherwise throws
// VariantError naming the missing features (never an illegal instruction).
const Variant& ForceVariant(std::string_view name,
                            const probes::CpuFeatures& cpu);

// The first variant in AllVariants() order that `cpu` can run and that
// covers matvec and matmul for `weight`; `ref` covers everything.
const Variant& BestVariant(Format weight, const probes::CpuFeatures& cpu);

}  // namespace lapbench::kernels
