// GgufFile's typed metadata getters: each names the key and the type it
// expected when the key is missing or holds something else.
#include <fmt/format.h>

#include <limits>
#include <type_traits>

#include "engine/gguf/gguf.h"

namespace lapbench::engine::gguf {
namespace {

// Converts every element of an integer array to T, or nullopt when the
// array holds non-integers or a value T cannot hold.
template <typename T>
std::optional<std::vector<T>> IntegerElements(const Array& array) {
  return std::visit(
      [](const auto& v) -> std::optional<std::vector<T>> {
        using E = typename std::decay_t<decltype(v)>::value_type;
        if constexpr (std::is_integral_v<E> && !std::is_same_v<E, bool>) {
          std::vector<T> out;
          out.reserve(v.size());
          for (E e : v) {
            if (!std::in_range<T>(e)) return std::nullopt;
            out.push_back(static_cast<T>(e));
          }
          return out;
        } else {
          return std::nullopt;
        }
      },
      array.elements);
}

}  // namespace

const Value& GgufFile::Require(std::string_view key,
                               std::string_view expected) const {
  const Value* value = Find(key);
  if (value == nullptr) {
    throw GgufError(
        path_, std::nullopt,
        fmt::format("missing metadata key: '{}' (expected {})", key, expected));
  }
  return *value;
}

void GgufFile::ThrowWrongType(std::string_view key,
                              std::string_view expected) const {
  const KeyValue& kv = metadata_[key_index_.find(key)->second];
  std::string found(ValueTypeName(kv.value.type()));
  if (const Array* array = kv.value.AsArray()) {
    found = fmt::format("array of {}", ValueTypeName(array->element_type()));
  }
  throw GgufError(path_, kv.offset_bytes,
                  fmt::format("metadata key '{}' has the wrong type: '{}' "
                              "(expected {})",
                              key, found, expected));
}

uint32_t GgufFile::GetU32(std::string_view key) const {
  const Value& value = Require(key, "uint32");
  std::optional<uint64_t> v = value.AsUnsigned();
  if (!v || *v > std::numeric_limits<uint32_t>::max()) {
    ThrowWrongType(key, "an integer from 0 to 4294967295");
  }
  return static_cast<uint32_t>(*v);
}

uint64_t GgufFile::GetU64(std::string_view key) const {
  std::optional<uint64_t> v = Require(key, "uint64").AsUnsigned();
  if (!v) ThrowWrongType(key, "a non-negative integer");
  return *v;
}

float GgufFile::GetF32(std::string_view key) const {
  std::optional<double> v = Require(key, "float32").AsFloat();
  if (!v) ThrowWrongType(key, "float32 or float64");
  return static_cast<float>(*v);
}

bool GgufFile::GetBool(std::string_view key) const {
  std::optional<bool> v = Require(key, "bool").AsBool();
  if (!v) ThrowWrongType(key, "bool");
  return *v;
}

const std::string& GgufFile::GetString(std::string_view key) const {
  const std::string* v = Require(key, "string").AsString();
  if (v == nullptr) ThrowWrongType(key, "string");
  return *v;
}

std::vector<float> GgufFile::GetF32Array(std::string_view key) const {
  const Array* array = Require(key, "array of float32").AsArray();
  if (array != nullptr) {
    if (const auto* f = std::get_if<std::vector<float>>(&array->elements)) {
      return *f;
    }
    if (const auto* d = std::get_if<std::vector<double>>(&array->elements)) {
      return std::vector<float>(d->begin(), d->end());
    }
  }
  ThrowWrongType(key, "array of float32 or float64");
}

std::vector<int32_t> GgufFile::GetI32Array(std::string_view key) const {
  const Array* array = Require(key, "array of int32").AsArray();
  std::optional<std::vector<int32_t>> v;
  if (array != nullptr) v = IntegerElements<int32_t>(*array);
  if (!v) ThrowWrongType(key, "array of integers that fit int32");
  return std::move(*v);
}

std::vector<std::string> GgufFile::GetStringArray(std::string_view key) const {
  const Array* array = Require(key, "array of string").AsArray();
  using Strings = std::vector<std::string>;
  const Strings* v = array ? std::get_if<Strings>(&array->elements) : nullptr;
  if (v == nullptr) ThrowWrongType(key, "array of string");
  return *v;
}

std::optional<uint32_t> GgufFile::FindU32(std::string_view key) const {
  if (Find(key) == nullptr) return std::nullopt;
  return GetU32(key);
}

std::optional<uint64_t> GgufFile::FindU64(std::string_view key) const {
  if (Find(key) == nullptr) return std::nullopt;
  return GetU64(key);
}

std::optional<float> GgufFile::FindF32(std::string_view key) const {
  if (Find(key) == nullptr) return std::nullopt;
  return GetF32(key);
}

std::optional<bool> GgufFile::FindBool(std::string_view key) const {
  if (Find(key) == nullptr) return std::nullopt;
  return GetBool(key);
}

std::optional<std::string> GgufFile::FindString(std::string_view key) const {
  if (Find(key) == nullptr) return std::nullopt;
  return GetString(key);
}

std::optional<std::vector<float>> GgufFile::FindF32Array(
    std::string_view key) const {
  if (Find(key) == nullptr) return std::nullopt;
  return GetF32Array(key);
}

std::optional<std::vector<int32_t>> GgufFile::FindI32Array(
    std::string_view key) const {
  if (Find(key) == nullptr) return std::nullopt;
  return GetI32Array(key);
}

std::optional<std::vector<std::string>> GgufFile::FindStringArray(
    std::string_view key) const {
  if (Find(key) == nullptr) return std::nullopt;
  return GetStringArray(key);
}

}  // namespace lapbench::engine::gguf
