// Metadata values: typed access and a readable rendering for `model info`.
#include <fmt/format.h>

#include <array>
#include <limits>
#include <type_traits>
#include <utility>

#include "engine/gguf/gguf.h"
#include "engine/gguf/parse.h"

namespace lapbench::engine::gguf {
namespace {

// Element i of array alternative I as a Value. The element types of
// Array::Elements and the scalar types of Value::Storage share indexes.
template <size_t I>
Value ElementAt(const Array::Elements& elements, size_t i) {
  const auto& v = std::get<I>(elements);
  if constexpr (I == kArrayIndex) {
    return v[i];
  } else {
    using T = std::variant_alternative_t<I, Value::Storage>;
    return Value::Of<static_cast<ValueType>(I)>(static_cast<T>(v[i]));
  }
}

template <size_t... I>
constexpr auto MakeElementTable(std::index_sequence<I...>) {
  return std::array<Value (*)(const Array::Elements&, size_t), sizeof...(I)>{
      &ElementAt<I>...};
}

constexpr auto kElementAt = MakeElementTable(
    std::make_index_sequence<std::variant_size_v<Array::Elements>>());

// Escapes control characters and quotes so a value prints on one line.
std::string Quoted(std::string_view s, size_t max_chars) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size() && i < max_chars; ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  if (s.size() > max_chars) out += "...";
  return out + "\"";
}

std::string ArrayToString(const Array& array, size_t max_elems) {
  std::string out = "[";
  size_t shown = std::min(array.size(), max_elems);
  for (size_t i = 0; i < shown; ++i) {
    if (i > 0) out += ", ";
    out += array.At(i).ToString(max_elems);
  }
  if (shown < array.size()) {
    out += fmt::format("{}... ({} items)", shown > 0 ? ", " : "", array.size());
  }
  return out + "]";
}

}  // namespace

size_t Array::size() const {
  return std::visit([](const auto& v) { return v.size(); }, elements);
}

Value Array::At(size_t i) const {
  return kElementAt[elements.index()](elements, i);
}

std::optional<uint64_t> Value::AsUnsigned() const {
  return std::visit(
      [](const auto& v) -> std::optional<uint64_t> {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
          if (v < 0) return std::nullopt;
          return static_cast<uint64_t>(v);
        } else {
          return std::nullopt;
        }
      },
      storage_);
}

std::optional<int64_t> Value::AsSigned() const {
  return std::visit(
      [](const auto& v) -> std::optional<int64_t> {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, uint64_t>) {
          if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
            return std::nullopt;
          }
          return static_cast<int64_t>(v);
        } else if constexpr (std::is_integral_v<T> &&
                             !std::is_same_v<T, bool>) {
          return static_cast<int64_t>(v);
        } else {
          return std::nullopt;
        }
      },
      storage_);
}

std::optional<double> Value::AsFloat() const {
  if (const auto* f = std::get_if<float>(&storage_)) return *f;
  if (const auto* d = std::get_if<double>(&storage_)) return *d;
  return std::nullopt;
}

std::optional<bool> Value::AsBool() const {
  if (const auto* b = std::get_if<bool>(&storage_)) return *b;
  return std::nullopt;
}

const std::string* Value::AsString() const {
  return std::get_if<std::string>(&storage_);
}

const Array* Value::AsArray() const { return std::get_if<Array>(&storage_); }

std::string Value::ToString(size_t max_elems) const {
  return std::visit(
      [max_elems](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::string>) {
          return Quoted(v, 200);
        } else if constexpr (std::is_same_v<T, Array>) {
          return ArrayToString(v, max_elems);
        } else if constexpr (std::is_same_v<T, bool>) {
          return v ? "true" : "false";
        } else if constexpr (std::is_same_v<T, uint8_t> ||
                             std::is_same_v<T, int8_t>) {
          return fmt::format("{}", static_cast<int>(v));
        } else {
          return fmt::format("{}", v);
        }
      },
      storage_);
}

}  // namespace lapbench::engine::gguf
