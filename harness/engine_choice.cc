#include "harness/engine_choice.h"

#include <fmt/format.h>

#include <stdexcept>

#include "probes/cpu_features.h"

namespace lapbench::harness {

const kernels::Variant& PickVariant(const std::vector<kernels::Format>& formats,
                                    const std::string& forced) {
  const probes::CpuFeatures cpu = probes::DetectCpuFeatures();
  if (!forced.empty()) return kernels::ForceVariant(forced, cpu);
  for (const kernels::Variant& v : kernels::AllVariants()) {
    if (!kernels::MissingFeatures(v, cpu).empty()) continue;
    bool covers = true;
    for (const kernels::Format f : formats) {
      covers = covers && v.kernels->matvec[kernels::Slot(f)] != nullptr &&
               v.kernels->matmul[kernels::Slot(f)] != nullptr;
    }
    if (covers) return v;
  }
  return kernels::FindVariant("ref");
}

kernels::Format ParseKvFormat(const std::string& name) {
  const auto f = kernels::FormatFromName(name);
  if (!f || (*f != kernels::Format::kF32 && *f != kernels::Format::kF16)) {
    throw std::invalid_argument(
        fmt::format("bad --kv-format: '{}' (expected f16 or f32)", name));
  }
  return *f;
}

}  // namespace lapbench::harness
