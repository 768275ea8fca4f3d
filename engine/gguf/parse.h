// Internal: the validating GGUF parser over a byte buffer.
#pragma once

#include <cstddef>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "engine/gguf/gguf.h"

namespace lapbench::engine::gguf {

// Everything the header, metadata and tensor records say, validated.
struct ParsedGguf {
  uint32_t version = 0;
  uint64_t alignment = 32;
  uint64_t data_offset_bytes = 0;  // start of the data section in the file
  std::vector<KeyValue> metadata;
  std::map<std::string, size_t, std::less<>> key_index;  // -> metadata
  std::vector<TensorInfo> tensors;
  std::map<std::string, size_t, std::less<>> tensor_index;  // -> tensors
};

// Parses and checks a whole GGUF file held in `bytes`; `path` names it in
// messages. Throws GgufError at the first problem.
ParsedGguf ParseGguf(std::span<const std::byte> bytes, const std::string& path);

// Rounds `n` up to a multiple of `alignment` (a power of two).
constexpr uint64_t AlignUp(uint64_t n, uint64_t alignment) {
  return (n + alignment - 1) & ~(alignment - 1);
}

// Bytes of a tensor of `type` with `dims`, or nullopt when the row length
// is not a multiple of the block or the size overflows 64 bits.
std::optional<uint64_t> TensorBytes(const GgmlType& type,
                                    std::span<const int64_t> dims);

inline constexpr uint64_t kDefaultAlignment = 32;
// ggml tensors have one to four dimensions.
inline constexpr uint64_t kMaxTensorDims = 4;
// The index of arrays among Value's alternatives.
inline constexpr size_t kArrayIndex = static_cast<size_t>(ValueType::kArray);
inline constexpr std::string_view kAlignmentKey = "general.alignment";

}  // namespace lapbench::engine::gguf
