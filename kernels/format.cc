// Weight and activation formats: GGUF type ids, block geometry, names.
#include "kernels/format.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>

namespace lapbench::kernels {
namespace {

// Block geometry from the GGUF/ggml block structs (ggml-common.h).
constexpr std::array<FormatInfo, 8> kFormats = {{
    {Format::kF32, "f32", 1, 4, Format::kF32, true},
    {Format::kF16, "f16", 1, 2, Format::kF16, true},
    {Format::kBf16, "bf16", 1, 2, Format::kBf16, true},
    {Format::kQ8_0, "q8_0", 32, 34, Format::kQ8_0, true},
    {Format::kQ6_K, "q6_k", 256, 210, Format::kQ8_K, true},
    {Format::kQ4_K, "q4_k", 256, 144, Format::kQ8_K, true},
    {Format::kQ4_0, "q4_0", 32, 18, Format::kQ8_0, true},
    {Format::kQ8_K, "q8_k", 256, 292, Format::kQ8_K, false},
}};

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

}  // namespace

std::span<const FormatInfo> AllFormats() { return kFormats; }

const FormatInfo& Info(Format format) {
  for (const FormatInfo& info : kFormats) {
    if (info.format == format) return info;
  }
  throw FormatError(
      fmt::format("unsupported format id {}", static_cast<uint32_t>(format)));
}

std::optional<Format> FormatFromName(std::string_view name) {
  for (const FormatInfo& info : kFormats) {
    if (EqualsIgnoreCase(info.name, name)) return info.format;
  }
  return std::nullopt;
}

std::optional<Format> FormatFromGgufType(uint32_t ggml_type) {
  for (const FormatInfo& info : kFormats) {
    if (static_cast<uint32_t>(info.format) == ggml_type) return info.format;
  }
  return std::nullopt;
}

size_t RowBytes(Format format, int64_t n_elems, std::string_view tensor) {
  const FormatInfo& info = Info(format);
  if (n_elems < 0 || n_elems % info.block_elems != 0) {
    throw FormatError(fmt::format(
        "{}: row length {} is not a multiple of the {}-element block of {}",
        tensor, n_elems, info.block_elems, info.name));
  }
  return static_cast<size_t>(n_elems / info.block_elems) * info.block_bytes;
}

}  // namespace lapbench::kernels
