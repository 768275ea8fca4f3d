// The onednn variant's operator table: the float formats for which oneDNN
// has a real (non-reference) matmul implementation on this CPU.
#include <fmt/format.h>

#include <array>
#include <oneapi/dnnl/dnnl.hpp>

#include "kernels/onednn/onednn_kernels.h"
#include "kernels/onednn/onednn_types.h"
#include "kernels/onednn/threading.h"

namespace lapbench::kernels::onednn {
namespace {

// The weight formats oneDNN has a data type for.
constexpr std::array<Format, 3> kFloatFormats = {Format::kF32, Format::kF16,
                                                 Format::kBf16};

// What oneDNN answered for one weight format.
struct Coverage {
  std::string implementation;  // empty when not covered
  std::string reason;          // why not covered; empty when covered
};

// Asks oneDNN which implementation it would pick for a decode-shaped
// product (1 token, weights as W^T) of `format`. oneDNN's reference
// implementations ("ref:any") are plain loops far slower than lapbench's
// own ref; offering them as a variant would only mislead, so they count as
// not covered.
Coverage AskOnednn(Format format) {
  const auto dt = FindDataType(format);
  if (!dt) return {"", "no oneDNN data type for this block format"};
  constexpr int64_t kProbeRows = 64;
  constexpr int64_t kProbeCols = 256;
  try {
    const dnnl::engine engine(dnnl::engine::kind::cpu, 0);
    const dnnl::memory::desc src({1, kProbeCols}, *dt, {kProbeCols, 1});
    const dnnl::memory::desc wei({kProbeCols, kProbeRows}, *dt,
                                 {1, kProbeCols});
    const dnnl::memory::desc dst({1, kProbeRows}, dnnl::memory::data_type::f32,
                                 {kProbeRows, 1});
    const dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(src, wei, dst),
                                          engine);
    std::string impl = pd.impl_info_str();
    if (impl.rfind("ref", 0) == 0) {
      return {"", fmt::format("oneDNN offers only its reference '{}'", impl)};
    }
    return {impl, ""};
  } catch (const dnnl::error&) {
    return {"", fmt::format("oneDNN {}.{} has no {} matmul on this CPU",
                            DNNL_VERSION_MAJOR, DNNL_VERSION_MINOR,
                            Info(format).name)};
  }
}

const std::array<Coverage, kFormatSlots>& AllCoverage() {
  static const std::array<Coverage, kFormatSlots> kCoverage = [] {
    std::array<Coverage, kFormatSlots> coverage;
    for (const FormatInfo& info : AllFormats()) {
      if (!info.is_weight_format) continue;
      coverage[Slot(info.format)] = AskOnednn(info.format);
    }
    return coverage;
  }();
  return kCoverage;
}

KernelSet MakeOnednnKernels() {
  KernelSet set;
  for (Format format : kFloatFormats) {
    if (AllCoverage()[Slot(format)].implementation.empty()) continue;
    set.matvec[Slot(format)] = MatVecOnednn;
    set.matmul[Slot(format)] = MatMulOnednn;
  }
  return set;
}

}  // namespace

const KernelSet& OnednnKernels() {
  static const KernelSet kSet = MakeOnednnKernels();
  return kSet;
}

std::string ImplementationName(Format weight) {
  return AllCoverage()[Slot(weight)].implementation;
}

std::string UnsupportedReason(Format weight) {
  return AllCoverage()[Slot(weight)].reason;
}

std::string LibraryDescription() {
  const dnnl_version_t* v = dnnl_version();
  return fmt::format("oneDNN {}.{}.{}, {} runtime", v->major, v->minor,
                     v->patch, ThreadingRuntimeName());
}

}  // namespace lapbench::kernels::onednn
