// Internal to the onednn variant: lapbench formats as oneDNN data types.
#pragma once

#include <oneapi/dnnl/dnnl.hpp>
#include <optional>

#include "kernels/format.h"

namespace lapbench::kernels::onednn {

// The oneDNN type of a float weight format; nullopt for block formats,
// which oneDNN has no equivalent for (its int8 is per-tensor or per-channel
// scaled, not GGUF's per-32-element blocks).
inline std::optional<dnnl::memory::data_type> FindDataType(Format format) {
  switch (format) {
    case Format::kF32:
      return dnnl::memory::data_type::f32;
    case Format::kF16:
      return dnnl::memory::data_type::f16;
    case Format::kBf16:
      return dnnl::memory::data_type::bf16;
    default:
      return std::nullopt;
  }
}

// FindDataType for a format the table covers (always a float format).
inline dnnl::memory::data_type DataType(Format format) {
  return FindDataType(format).value_or(dnnl::memory::data_type::undef);
}

}  // namespace lapbench::kernels::onednn
