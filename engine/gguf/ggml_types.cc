// The ggml tensor type table, value type names and the GgufError message.
#include <fmt/format.h>

#include <array>

#include "engine/gguf/gguf.h"

namespace lapbench::engine::gguf {
namespace {

// Block geometry from ggml's type traits (ggml.c, ggml-common.h). Removed
// ids (4, 5, 31-33, 36-38) are absent: files must not use them.
constexpr std::array<GgmlType, 35> kGgmlTypes = {{
    {0, "f32", 1, 4},         {1, "f16", 1, 2},
    {2, "q4_0", 32, 18},      {3, "q4_1", 32, 20},
    {6, "q5_0", 32, 22},      {7, "q5_1", 32, 24},
    {8, "q8_0", 32, 34},      {9, "q8_1", 32, 36},
    {10, "q2_k", 256, 84},    {11, "q3_k", 256, 110},
    {12, "q4_k", 256, 144},   {13, "q5_k", 256, 176},
    {14, "q6_k", 256, 210},   {15, "q8_k", 256, 292},
    {16, "iq2_xxs", 256, 66}, {17, "iq2_xs", 256, 74},
    {18, "iq3_xxs", 256, 98}, {19, "iq1_s", 256, 50},
    {20, "iq4_nl", 32, 18},   {21, "iq3_s", 256, 110},
    {22, "iq2_s", 256, 82},   {23, "iq4_xs", 256, 136},
    {24, "i8", 1, 1},         {25, "i16", 1, 2},
    {26, "i32", 1, 4},        {27, "i64", 1, 8},
    {28, "f64", 1, 8},        {29, "iq1_m", 256, 56},
    {30, "bf16", 1, 2},       {34, "tq1_0", 256, 54},
    {35, "tq2_0", 256, 66},   {39, "mxfp4", 32, 17},
    {40, "nvfp4", 64, 36},    {41, "q1_0", 128, 18},
    {42, "q2_0", 64, 18},
}};

constexpr std::array<std::string_view, 13> kValueTypeNames = {
    "uint8", "int8",   "uint16", "int16",  "uint32", "int32",  "float32",
    "bool",  "string", "array",  "uint64", "int64",  "float64"};

std::string Message(const std::string& path, std::optional<uint64_t> offset,
                    const std::string& detail) {
  if (!offset) return fmt::format("{}: {}", path, detail);
  return fmt::format("{}: byte {}: {}", path, *offset, detail);
}

}  // namespace

std::span<const GgmlType> AllGgmlTypes() { return kGgmlTypes; }

const GgmlType* FindGgmlType(uint32_t id) {
  for (const GgmlType& type : kGgmlTypes) {
    if (type.id == id) return &type;
  }
  return nullptr;
}

std::string_view ValueTypeName(ValueType type) {
  auto id = static_cast<uint32_t>(type);
  return id < kValueTypeNames.size() ? kValueTypeNames[id] : "unknown";
}

GgufError::GgufError(std::string path, std::optional<uint64_t> offset_bytes,
                     const std::string& detail)
    : std::runtime_error(Message(path, offset_bytes, detail)),
      path_(std::move(path)),
      offset_bytes_(offset_bytes) {}

}  // namespace lapbench::engine::gguf
