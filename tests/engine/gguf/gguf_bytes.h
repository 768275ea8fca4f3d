// Test helpers: GGUF files built byte by byte (to make them malformed on
// purpose) and with GgufWriter into memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>
#include <vector>

#include "engine/gguf/gguf.h"

namespace lapbench::engine::gguf::testing {

// Appends raw little-endian fields; size() is the offset of the next one.
class Bytes {
 public:
  Bytes& U8(uint8_t v) { return Raw(&v, 1); }
  Bytes& U32(uint32_t v) { return Raw(&v, 4); }
  Bytes& U64(uint64_t v) { return Raw(&v, 8); }
  Bytes& F32(float v) { return Raw(&v, 4); }
  Bytes& Str(std::string_view s) {
    U64(s.size());
    return Raw(s.data(), s.size());
  }
  Bytes& Header(uint64_t n_tensors, uint64_t n_key_values,
                uint32_t version = 3) {
    Raw("GGUF", 4);
    U32(version);
    U64(n_tensors);
    return U64(n_key_values);
  }
  // A metadata record with a uint32 value.
  Bytes& KeyU32(std::string_view key, uint32_t v) {
    Str(key);
    U32(4);
    return U32(v);
  }
  // A tensor record.
  Bytes& Tensor(std::string_view name, std::vector<uint64_t> dims,
                uint32_t type, uint64_t offset) {
    Str(name);
    U32(static_cast<uint32_t>(dims.size()));
    for (uint64_t d : dims) U64(d);
    U32(type);
    return U64(offset);
  }
  Bytes& PadTo(size_t alignment) {
    while (bytes_.size() % alignment != 0) U8(0);
    return *this;
  }
  Bytes& Zeros(size_t n) {
    bytes_.resize(bytes_.size() + n, std::byte{0});
    return *this;
  }
  size_t size() const { return bytes_.size(); }
  std::span<const std::byte> span() const { return bytes_; }

 private:
  Bytes& Raw(const void* p, size_t n) {
    const auto* b = static_cast<const std::byte*>(p);
    bytes_.insert(bytes_.end(), b, b + n);
    return *this;
  }
  std::vector<std::byte> bytes_;
};

// A writer whose output lands in `out`.
inline GgufWriter MemoryWriter(std::vector<std::byte>& out) {
  return GgufWriter(
      [&out](std::span<const std::byte> b) {
        out.insert(out.end(), b.begin(), b.end());
      },
      "<memory>");
}

// `n` bytes counting up from `seed`, as tensor data.
inline std::vector<std::byte> Pattern(size_t n, uint8_t seed) {
  std::vector<std::byte> data(n);
  for (size_t i = 0; i < n; ++i) {
    data[i] = static_cast<std::byte>(static_cast<uint8_t>(seed + i * 7));
  }
  return data;
}

}  // namespace lapbench::engine::gguf::testing
