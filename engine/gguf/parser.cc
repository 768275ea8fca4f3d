// The validating GGUF parser: every count, length, type and offset is
// checked against the file before it is used, so no input crashes, hangs
// or makes it allocate more than a few times the file's size.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <limits>
#include <numeric>
#include <utility>

#include "engine/gguf/parse.h"

namespace lapbench::engine::gguf {
namespace {

static_assert(std::endian::native == std::endian::little,
              "the GGUF reader assumes a little-endian host");

constexpr uint64_t kHeaderBytes = 24;
// Smallest possible records: a metadata record is an empty key (8-byte
// length), a type (4) and a 1-byte value; a tensor record is an empty name
// (8), n_dims (4), one dim (8), a type (4) and an offset (8).
constexpr uint64_t kMinKeyValueBytes = 8 + 4 + 1;
constexpr uint64_t kMinTensorRecordBytes = 8 + 4 + 8 + 4 + 8;
// Nested arrays are legal but unused; the cap bounds the parser's stack.
constexpr int kMaxArrayDepth = 16;
constexpr uint32_t kValueTypeCount = 13;
constexpr size_t kStringIndex = static_cast<size_t>(ValueType::kString);
constexpr size_t kBoolIndex = static_cast<size_t>(ValueType::kBool);

// Bytes one element of `type` takes at least (strings and arrays: their
// length fields).
uint64_t MinValueBytes(ValueType type) {
  constexpr std::array<uint64_t, kValueTypeCount> kBytes = {
      1, 1, 2, 2, 4, 4, 4, 1, 8, 12, 8, 8, 8};
  return kBytes[static_cast<size_t>(type)];
}

std::string SupportedTensorTypes() {
  std::string list;
  for (const GgmlType& type : AllGgmlTypes()) {
    list +=
        fmt::format("{}{} {}", list.empty() ? "" : ", ", type.id, type.name);
  }
  return list;
}

// Bytes as text, with anything unprintable as \xNN.
std::string Printable(std::span<const std::byte> bytes) {
  std::string out;
  for (std::byte b : bytes) {
    auto c = static_cast<unsigned char>(b);
    out += (c >= 0x20 && c < 0x7f && c != '\'')
               ? std::string(1, static_cast<char>(c))
               : fmt::format("\\x{:02x}", c);
  }
  return out;
}

class Parser {
 public:
  Parser(std::span<const std::byte> bytes, const std::string& path)
      : bytes_(bytes), path_(path) {}

  ParsedGguf Run();

 private:
  struct TensorPosition {
    uint64_t record;        // where the tensor's record starts
    uint64_t offset_field;  // where its data offset is stored
  };

  [[noreturn]] void Fail(uint64_t offset, const std::string& detail) const {
    throw GgufError(path_, offset, detail);
  }
  uint64_t remaining() const { return bytes_.size() - pos_; }
  // `what` (after `prefix`) names the field in the message; both are only
  // formatted when the field is cut off, which keeps big arrays fast.
  void Need(uint64_t n, std::string_view what,
            std::string_view prefix = "") const;
  template <typename T>
  T Read(std::string_view what, std::string_view prefix = "");
  std::string ReadString(std::string_view what);

  void ReadHeader(uint64_t& n_tensors, uint64_t& n_key_values);
  void ReadVersion();
  void CheckCounts(uint64_t n_tensors, uint64_t n_key_values) const;
  void ReadKeyValue();
  ValueType ReadValueType(std::string_view what);
  Value ReadValue(ValueType type, std::string_view what, int depth);
  template <size_t I>
  Value ReadScalar(std::string_view what, int depth);
  Array ReadArray(std::string_view what, int depth);
  template <size_t I>
  Array ReadElements(uint64_t count, std::string_view what, int depth);
  void ReadAlignment();
  void ReadTensorRecord();
  std::vector<int64_t> ReadDims(std::string_view name);
  const GgmlType& ReadTensorType(std::string_view name);
  void CheckShape(const GgmlType& type, std::span<const int64_t> dims,
                  uint64_t dims_at, std::string_view name) const;
  void PlaceTensors();

  std::span<const std::byte> bytes_;
  const std::string& path_;
  uint64_t pos_ = 0;
  ParsedGguf out_;
  std::vector<TensorPosition> positions_;  // parallel to out_.tensors
};

void Parser::Need(uint64_t n, std::string_view what,
                  std::string_view prefix) const {
  if (remaining() < n) {
    Fail(pos_, fmt::format("file ends in the {}{}: '{} bytes left' "
                           "(expected {})",
                           prefix, what, remaining(), n));
  }
}

template <typename T>
T Parser::Read(std::string_view what, std::string_view prefix) {
  Need(sizeof(T), what, prefix);
  T v;
  std::memcpy(&v, bytes_.data() + pos_, sizeof(T));
  pos_ += sizeof(T);
  return v;
}

std::string Parser::ReadString(std::string_view what) {
  uint64_t length_at = pos_;
  auto length = Read<uint64_t>(what, "length of the ");
  if (length > remaining()) {
    Fail(length_at, fmt::format("{} runs past the end of the file: "
                                "'{} bytes' (expected at most {})",
                                what, length, remaining()));
  }
  std::string s(reinterpret_cast<const char*>(bytes_.data() + pos_), length);
  pos_ += length;
  return s;
}

ParsedGguf Parser::Run() {
  uint64_t n_tensors = 0;
  uint64_t n_key_values = 0;
  ReadHeader(n_tensors, n_key_values);
  for (uint64_t i = 0; i < n_key_values; ++i) ReadKeyValue();
  ReadAlignment();
  for (uint64_t i = 0; i < n_tensors; ++i) ReadTensorRecord();

  // The data section starts at the next alignment boundary; a file with no
  // tensors may end right after its records.
  out_.data_offset_bytes = AlignUp(pos_, out_.alignment);
  if (n_tensors > 0 && out_.data_offset_bytes > bytes_.size()) {
    Fail(pos_, fmt::format("file ends before its data section: '{} bytes' "
                           "(expected at least {})",
                           bytes_.size(), out_.data_offset_bytes));
  }
  PlaceTensors();
  return std::move(out_);
}

void Parser::ReadHeader(uint64_t& n_tensors, uint64_t& n_key_values) {
  if (bytes_.size() < 4) {
    Fail(0, fmt::format("too short for a GGUF file: '{} bytes' "
                        "(expected at least {})",
                        bytes_.size(), kHeaderBytes));
  }
  if (std::memcmp(bytes_.data(), "GGUF", 4) != 0) {
    Fail(0, fmt::format("not a GGUF file: magic '{}' (expected 'GGUF')",
                        Printable(bytes_.first(4))));
  }
  pos_ = 4;
  ReadVersion();
  n_tensors = Read<uint64_t>("tensor count");
  n_key_values = Read<uint64_t>("metadata count");
  CheckCounts(n_tensors, n_key_values);
}

void Parser::ReadVersion() {
  auto version = Read<uint32_t>("version");
  if (version == 2 || version == 3) {
    out_.version = version;
    return;
  }
  if (version == 1) {
    Fail(4,
         "GGUF version 1 is obsolete: '1' (expected version 2 or 3; "
         "convert the model again with a current llama.cpp)");
  }
  if (version != 0 && (version & 0xffff) == 0) {
    Fail(4, fmt::format("GGUF version looks byte-swapped: '{}' (expected a "
                        "little-endian file, version 2 or 3)",
                        version));
  }
  Fail(4, fmt::format("unsupported GGUF version: '{}' (expected 2 or 3)",
                      version));
}

void Parser::CheckCounts(uint64_t n_tensors, uint64_t n_key_values) const {
  uint64_t left = remaining();
  if (n_tensors > left / kMinTensorRecordBytes) {
    Fail(8, fmt::format("tensor count too large for the file: '{}' "
                        "(expected at most {} in {} bytes)",
                        n_tensors, left / kMinTensorRecordBytes, left));
  }
  left -= n_tensors * kMinTensorRecordBytes;
  if (n_key_values > left / kMinKeyValueBytes) {
    Fail(16, fmt::format("metadata count too large for the file: '{}' "
                         "(expected at most {} in {} bytes)",
                         n_key_values, left / kMinKeyValueBytes, left));
  }
}

void Parser::ReadKeyValue() {
  uint64_t record_at = pos_;
  std::string key = ReadString(
      fmt::format("key of metadata record {}", out_.metadata.size()));
  if (key.empty()) {
    Fail(record_at, "empty metadata key: '' (expected a non-empty key)");
  }
  if (auto it = out_.key_index.find(key); it != out_.key_index.end()) {
    Fail(record_at,
         fmt::format("duplicate metadata key: '{}' (expected each key once; "
                     "first at byte {})",
                     key, out_.metadata[it->second].offset_bytes));
  }
  std::string what = fmt::format("value of '{}'", key);
  ValueType type = ReadValueType(fmt::format("type of '{}'", key));
  Value value = ReadValue(type, what, 0);
  out_.key_index.emplace(key, out_.metadata.size());
  out_.metadata.push_back({std::move(key), std::move(value), record_at});
}

ValueType Parser::ReadValueType(std::string_view what) {
  uint64_t type_at = pos_;
  auto id = Read<uint32_t>(what);
  if (id >= kValueTypeCount) {
    Fail(type_at, fmt::format("unknown {}: '{}' (expected a GGUF value type "
                              "0 to {})",
                              what, id, kValueTypeCount - 1));
  }
  return static_cast<ValueType>(id);
}

Value Parser::ReadValue(ValueType type, std::string_view what, int depth) {
  switch (type) {
    case ValueType::kUint8:
      return ReadScalar<0>(what, depth);
    case ValueType::kInt8:
      return ReadScalar<1>(what, depth);
    case ValueType::kUint16:
      return ReadScalar<2>(what, depth);
    case ValueType::kInt16:
      return ReadScalar<3>(what, depth);
    case ValueType::kUint32:
      return ReadScalar<4>(what, depth);
    case ValueType::kInt32:
      return ReadScalar<5>(what, depth);
    case ValueType::kFloat32:
      return ReadScalar<6>(what, depth);
    case ValueType::kBool:
      return ReadScalar<7>(what, depth);
    case ValueType::kString:
      return ReadScalar<8>(what, depth);
    case ValueType::kArray:
      return ReadScalar<9>(what, depth);
    case ValueType::kUint64:
      return ReadScalar<10>(what, depth);
    case ValueType::kInt64:
      return ReadScalar<11>(what, depth);
    case ValueType::kFloat64:
      return ReadScalar<12>(what, depth);
  }
  Fail(pos_, "internal: value type out of range");  // ReadValueType checked
}

template <size_t I>
Value Parser::ReadScalar(std::string_view what, int depth) {
  constexpr auto kType = static_cast<ValueType>(I);
  if constexpr (I == kArrayIndex) {
    return Value::Of<kType>(ReadArray(what, depth));
  } else if constexpr (I == kStringIndex) {
    return Value::Of<kType>(ReadString(what));
  } else if constexpr (I == kBoolIndex) {
    uint64_t at = pos_;
    auto byte = Read<uint8_t>(what);
    if (byte > 1) {
      Fail(at, fmt::format("bad bool {}: '{}' (expected 0 or 1)", what,
                           static_cast<int>(byte)));
    }
    return Value::Of<kType>(byte == 1);
  } else {
    return Value::Of<kType>(
        Read<std::variant_alternative_t<I, Value::Storage>>(what));
  }
}

Array Parser::ReadArray(std::string_view what, int depth) {
  if (depth >= kMaxArrayDepth) {
    Fail(pos_, fmt::format("arrays nested too deep in the {}: '{} levels' "
                           "(expected at most {})",
                           what, depth + 1, kMaxArrayDepth));
  }
  ValueType type =
      ReadValueType(fmt::format("element type of the array in the {}", what));
  uint64_t count_at = pos_;
  auto count =
      Read<uint64_t>(fmt::format("length of the array in the {}", what));
  uint64_t max_count = remaining() / MinValueBytes(type);
  if (count > max_count) {
    Fail(count_at, fmt::format("array in the {} runs past the end of the "
                               "file: '{} {} elements' (expected at most {})",
                               what, count, ValueTypeName(type), max_count));
  }
  switch (type) {
    case ValueType::kUint8:
      return ReadElements<0>(count, what, depth);
    case ValueType::kInt8:
      return ReadElements<1>(count, what, depth);
    case ValueType::kUint16:
      return ReadElements<2>(count, what, depth);
    case ValueType::kInt16:
      return ReadElements<3>(count, what, depth);
    case ValueType::kUint32:
      return ReadElements<4>(count, what, depth);
    case ValueType::kInt32:
      return ReadElements<5>(count, what, depth);
    case ValueType::kFloat32:
      return ReadElements<6>(count, what, depth);
    case ValueType::kBool:
      return ReadElements<7>(count, what, depth);
    case ValueType::kString:
      return ReadElements<8>(count, what, depth);
    case ValueType::kArray:
      return ReadElements<9>(count, what, depth);
    case ValueType::kUint64:
      return ReadElements<10>(count, what, depth);
    case ValueType::kInt64:
      return ReadElements<11>(count, what, depth);
    case ValueType::kFloat64:
      return ReadElements<12>(count, what, depth);
  }
  Fail(pos_, "internal: value type out of range");  // ReadValueType checked
}

// `count` has been checked against the bytes left for the smallest element
// of type I, so the reservations below stay proportional to the file.
template <size_t I>
Array Parser::ReadElements(uint64_t count, std::string_view what, int depth) {
  Array array;
  auto& v = array.elements.emplace<I>();
  if constexpr (I == kArrayIndex) {
    v.reserve(count);
    for (uint64_t i = 0; i < count; ++i) {
      v.push_back(Value::Of<ValueType::kArray>(ReadArray(what, depth + 1)));
    }
  } else if constexpr (I == kStringIndex) {
    v.reserve(count);
    for (uint64_t i = 0; i < count; ++i) v.push_back(ReadString(what));
  } else if constexpr (I == kBoolIndex) {
    v.resize(count);
    for (uint64_t i = 0; i < count; ++i) {
      v[i] = std::get<bool>(ReadScalar<kBoolIndex>(what, depth).storage());
    }
  } else {
    using T = typename std::decay_t<decltype(v)>::value_type;
    if (count == 0) return array;  // memcpy may not take a null pointer
    v.resize(count);
    std::memcpy(v.data(), bytes_.data() + pos_, count * sizeof(T));
    pos_ += count * sizeof(T);
  }
  return array;
}

void Parser::ReadAlignment() {
  auto it = out_.key_index.find(kAlignmentKey);
  if (it == out_.key_index.end()) return;
  const KeyValue& kv = out_.metadata[it->second];
  const auto* alignment = std::get_if<uint32_t>(&kv.value.storage());
  if (alignment == nullptr) {
    Fail(kv.offset_bytes,
         fmt::format("{} has the wrong type: '{}' (expected uint32)",
                     kAlignmentKey, ValueTypeName(kv.value.type())));
  }
  if (!std::has_single_bit(*alignment)) {
    Fail(kv.offset_bytes,
         fmt::format("{} is not a power of two: '{}' (expected a power of "
                     "two)",
                     kAlignmentKey, *alignment));
  }
  out_.alignment = *alignment;
}

void Parser::ReadTensorRecord() {
  uint64_t record_at = pos_;
  std::string name =
      ReadString(fmt::format("name of tensor record {}", out_.tensors.size()));
  if (name.empty()) {
    Fail(record_at, "empty tensor name: '' (expected a non-empty name)");
  }
  if (out_.tensor_index.count(name) != 0) {
    Fail(record_at, fmt::format("duplicate tensor name: '{}' (expected each "
                                "name once)",
                                name));
  }
  TensorInfo info;
  uint64_t dims_at = pos_;
  info.dims = ReadDims(name);
  const GgmlType& type = ReadTensorType(name);
  CheckShape(type, info.dims, dims_at, name);
  info.type = type.id;
  std::optional<kernels::Format> format = kernels::FormatFromGgufType(type.id);
  if (format && kernels::Info(*format).is_weight_format) info.format = format;
  info.size_bytes = *TensorBytes(type, info.dims);  // CheckShape checked
  uint64_t offset_at = pos_;
  info.offset = Read<uint64_t>(fmt::format("data offset of tensor '{}'", name));
  info.name = std::move(name);
  out_.tensor_index.emplace(info.name, out_.tensors.size());
  out_.tensors.push_back(std::move(info));
  positions_.push_back({record_at, offset_at});
}

std::vector<int64_t> Parser::ReadDims(std::string_view name) {
  uint64_t n_dims_at = pos_;
  auto n_dims =
      Read<uint32_t>(fmt::format("dimension count of tensor '{}'", name));
  if (n_dims == 0 || n_dims > kMaxTensorDims) {
    Fail(n_dims_at, fmt::format("bad dimension count of tensor '{}': '{}' "
                                "(expected 1 to {})",
                                name, n_dims, kMaxTensorDims));
  }
  std::vector<int64_t> dims;
  int64_t n_elems = 1;
  for (uint32_t i = 0; i < n_dims; ++i) {
    uint64_t dim_at = pos_;
    auto dim = Read<uint64_t>(fmt::format("dimensions of tensor '{}'", name));
    constexpr auto kMaxDim =
        static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
    if (dim == 0 || dim > kMaxDim) {
      Fail(dim_at, fmt::format("bad dimension {} of tensor '{}': '{}' "
                               "(expected 1 to {})",
                               i, name, dim, kMaxDim));
    }
    dims.push_back(static_cast<int64_t>(dim));
    if (__builtin_mul_overflow(n_elems, dims.back(), &n_elems)) {
      Fail(dim_at, fmt::format("element count of tensor '{}' overflows: "
                               "'{}' (expected at most 2^63-1 elements)",
                               name, fmt::join(dims, " x ")));
    }
  }
  return dims;
}

const GgmlType& Parser::ReadTensorType(std::string_view name) {
  uint64_t type_at = pos_;
  auto id = Read<uint32_t>(fmt::format("type of tensor '{}'", name));
  const GgmlType* type = FindGgmlType(id);
  if (type == nullptr) {
    Fail(type_at, fmt::format("unknown type of tensor '{}': '{}' (expected "
                              "one of {})",
                              name, id, SupportedTensorTypes()));
  }
  return *type;
}

void Parser::CheckShape(const GgmlType& type, std::span<const int64_t> dims,
                        uint64_t dims_at, std::string_view name) const {
  if (dims[0] % type.block_elems != 0) {
    Fail(dims_at, fmt::format("row length of {} tensor '{}' is not a "
                              "multiple of its block: '{}' (expected a "
                              "multiple of {})",
                              type.name, name, dims[0], type.block_elems));
  }
  if (!TensorBytes(type, dims)) {
    Fail(dims_at, fmt::format("byte size of {} tensor '{}' overflows: '{}' "
                              "(expected under 2^64 bytes)",
                              type.name, name, fmt::join(dims, " x ")));
  }
}

// Each tensor's data must be aligned, inside the file and apart from every
// other tensor's (the order of the data need not follow the records).
void Parser::PlaceTensors() {
  uint64_t data_bytes =
      bytes_.size() - std::min<uint64_t>(bytes_.size(), out_.data_offset_bytes);
  for (size_t i = 0; i < out_.tensors.size(); ++i) {
    const TensorInfo& t = out_.tensors[i];
    if (t.offset % out_.alignment != 0) {
      Fail(positions_[i].offset_field,
           fmt::format("data offset of tensor '{}' is not aligned: '{}' "
                       "(expected a multiple of {})",
                       t.name, t.offset, out_.alignment));
    }
    if (t.offset > data_bytes || t.size_bytes > data_bytes - t.offset) {
      Fail(positions_[i].offset_field,
           fmt::format("data of tensor '{}' runs past the end of the file: "
                       "'offset {} + {} bytes' (expected at most {} bytes "
                       "of data)",
                       t.name, t.offset, t.size_bytes, data_bytes));
    }
  }
  std::vector<size_t> order(out_.tensors.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(), [this](size_t a, size_t b) {
    return out_.tensors[a].offset < out_.tensors[b].offset;
  });
  for (size_t k = 1; k < order.size(); ++k) {
    const TensorInfo& prev = out_.tensors[order[k - 1]];
    const TensorInfo& t = out_.tensors[order[k]];
    if (prev.offset + prev.size_bytes > t.offset) {
      Fail(positions_[order[k]].offset_field,
           fmt::format("data of tensor '{}' overlaps tensor '{}': 'offset "
                       "{}' (expected at least {})",
                       t.name, prev.name, t.offset,
                       prev.offset + prev.size_bytes));
    }
  }
}

}  // namespace

std::optional<uint64_t> TensorBytes(const GgmlType& type,
                                    std::span<const int64_t> dims) {
  if (dims.empty() || dims[0] % type.block_elems != 0) return std::nullopt;
  uint64_t bytes = static_cast<uint64_t>(dims[0] / type.block_elems);
  if (__builtin_mul_overflow(bytes, type.block_bytes, &bytes)) {
    return std::nullopt;
  }
  for (size_t i = 1; i < dims.size(); ++i) {
    if (__builtin_mul_overflow(bytes, static_cast<uint64_t>(dims[i]), &bytes)) {
      return std::nullopt;
    }
  }
  return bytes;
}

ParsedGguf ParseGguf(std::span<const std::byte> bytes,
                     const std::string& path) {
  return Parser(bytes, path).Run();
}

}  // namespace lapbench::engine::gguf
