// Weight and activation formats: GGUF type ids, block geometry, names.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

namespace lapbench::kernels {

// A tensor storage format. The enumerator values are the GGUF/ggml type ids,
// so a tensor type read from a file converts with a static_cast after
// FormatFromGgufType() has accepted it.
enum class Format : uint32_t {
  kF32 = 0,
  kF16 = 1,
  kQ4_0 = 2,
  kQ8_0 = 8,
  kQ4_K = 12,
  kQ6_K = 14,
  kQ8_K = 15,
  kBf16 = 30,
};

// Geometry and pairing of one format.
struct FormatInfo {
  Format format;
  std::string_view name;  // "q4_0", "bf16": the CLI's and report's spelling
  int64_t block_elems;    // elements per block (1 for float formats)
  size_t block_bytes;     // bytes per block, exactly as in GGUF files
  Format activation;      // what the dot product quantizes activations to
  bool is_weight_format;  // false for activation-only formats (q8_k)
};

// Every supported format, weight formats first.
std::span<const FormatInfo> AllFormats();
// Geometry of `format`.
const FormatInfo& Info(Format format);
// "q4_0" -> kQ4_0; case-insensitive; nullopt for unknown names.
std::optional<Format> FormatFromName(std::string_view name);
// A GGUF tensor type id -> Format; nullopt when lapbench does not support it.
std::optional<Format> FormatFromGgufType(uint32_t ggml_type);

// Thrown when a tensor's shape cannot be stored in a format.
class FormatError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Bytes of one row of `n_elems` elements. Throws FormatError naming
// `tensor` and its row length when n_elems is not a multiple of the block.
size_t RowBytes(Format format, int64_t n_elems,
                std::string_view tensor = "tensor");

}  // namespace lapbench::kernels
