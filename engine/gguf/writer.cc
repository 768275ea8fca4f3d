// GgufWriter: GGUF v3 little-endian output, one tensor's data at a time.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <array>
#include <bit>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>

#include "engine/gguf/gguf.h"
#include "engine/gguf/parse.h"

namespace lapbench::engine::gguf {

// A tensor the writer has been told about: its record and where its data
// goes.
struct DeclaredTensor {
  std::string name;
  const GgmlType* type;
  std::vector<int64_t> dims;
  uint64_t size_bytes;
  uint64_t offset;  // from the start of the data section
};

namespace {

constexpr uint32_t kWriteVersion = 3;

// Appends little-endian encodings to a byte buffer.
class Encoder {
 public:
  explicit Encoder(std::vector<std::byte>& out) : out_(out) {}

  template <typename T>
  void Put(T v) {
    const auto* p = reinterpret_cast<const std::byte*>(&v);
    out_.insert(out_.end(), p, p + sizeof(T));
  }
  void PutString(std::string_view s) {
    Put<uint64_t>(s.size());
    const auto* p = reinterpret_cast<const std::byte*>(s.data());
    out_.insert(out_.end(), p, p + s.size());
  }
  void PutValue(const Value& value);  // payload only, no type tag
  void PutArray(const Array& array);  // element type, count, elements

 private:
  std::vector<std::byte>& out_;
};

void Encoder::PutValue(const Value& value) {
  std::visit(
      [this](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::string>) {
          PutString(v);
        } else if constexpr (std::is_same_v<T, Array>) {
          PutArray(v);
        } else if constexpr (std::is_same_v<T, bool>) {
          Put<uint8_t>(v ? 1 : 0);
        } else {
          Put<T>(v);
        }
      },
      value.storage());
}

void Encoder::PutArray(const Array& array) {
  Put<uint32_t>(static_cast<uint32_t>(array.element_type()));
  Put<uint64_t>(array.size());
  std::visit(
      [this](const auto& v) {
        using E = typename std::decay_t<decltype(v)>::value_type;
        for (const auto& e : v) {
          if constexpr (std::is_same_v<E, std::string>) {
            PutString(e);
          } else if constexpr (std::is_same_v<E, Value>) {
            PutArray(*e.AsArray());  // checked by the writer's Set()
          } else if constexpr (std::is_same_v<E, bool>) {
            Put<uint8_t>(e ? 1 : 0);
          } else {
            Put<E>(e);
          }
        }
      },
      array.elements);
}

// True when every element of a nested array is itself a valid array.
bool NestedArraysValid(const Value& value) {
  const Array* array = value.AsArray();
  if (array == nullptr) return true;
  const auto* nested = std::get_if<std::vector<Value>>(&array->elements);
  if (nested == nullptr) return true;
  for (const Value& e : *nested) {
    if (e.AsArray() == nullptr || !NestedArraysValid(e)) return false;
  }
  return true;
}

}  // namespace

struct GgufWriter::Impl {
  std::string name;
  Sink sink;
  std::ofstream file;
  std::vector<KeyValue> metadata;
  std::map<std::string, size_t, std::less<>> key_index;
  std::vector<DeclaredTensor> tensors;
  std::map<std::string, size_t, std::less<>> tensor_index;
  uint64_t alignment = kDefaultAlignment;
  bool header_written = false;
  bool finished = false;
  size_t next_tensor = 0;
  uint64_t next_tensor_written = 0;  // bytes of next_tensor written so far

  [[noreturn]] void Fail(const std::string& detail) const {
    throw GgufError(name, std::nullopt, detail);
  }
  void CheckOpen(std::string_view what, std::string_view value) const {
    if (header_written || finished) {
      Fail(
          fmt::format("cannot add {} after tensor data was written: '{}' "
                      "(expected all metadata and tensors declared first)",
                      what, value));
    }
  }
  void Emit(std::span<const std::byte> bytes) { sink(bytes); }
  void EmitZeros(uint64_t n) {
    static constexpr std::array<std::byte, 256> kZeros{};
    while (n > 0) {
      uint64_t chunk = std::min<uint64_t>(n, kZeros.size());
      Emit(std::span(kZeros.data(), chunk));
      n -= chunk;
    }
  }
  void ResolveAlignment();
  void WriteHeader();
};

void GgufWriter::Impl::ResolveAlignment() {
  auto it = key_index.find(kAlignmentKey);
  if (it == key_index.end()) return;
  const auto* v = std::get_if<uint32_t>(&metadata[it->second].value.storage());
  if (v == nullptr || !std::has_single_bit(*v)) {
    Fail(fmt::format("bad {}: '{}' (expected a uint32 power of two)",
                     kAlignmentKey, metadata[it->second].value.ToString()));
  }
  alignment = *v;
}

// Header, metadata and tensor records, then padding to the data section.
void GgufWriter::Impl::WriteHeader() {
  ResolveAlignment();
  uint64_t offset = 0;
  for (DeclaredTensor& t : tensors) {
    t.offset = offset;
    offset += AlignUp(t.size_bytes, alignment);
  }
  std::vector<std::byte> bytes;
  Encoder out(bytes);
  out.Put<uint32_t>(0x46554747);  // "GGUF" as a little-endian u32
  out.Put<uint32_t>(kWriteVersion);
  out.Put<uint64_t>(tensors.size());
  out.Put<uint64_t>(metadata.size());
  for (const KeyValue& kv : metadata) {
    out.PutString(kv.key);
    out.Put<uint32_t>(static_cast<uint32_t>(kv.value.type()));
    out.PutValue(kv.value);
  }
  for (const DeclaredTensor& t : tensors) {
    out.PutString(t.name);
    out.Put<uint32_t>(static_cast<uint32_t>(t.dims.size()));
    for (int64_t d : t.dims) out.Put<uint64_t>(static_cast<uint64_t>(d));
    out.Put<uint32_t>(t.type->id);
    out.Put<uint64_t>(t.offset);
  }
  if (!tensors.empty()) {
    bytes.resize(AlignUp(bytes.size(), alignment), std::byte{0});
  }
  Emit(bytes);
  header_written = true;
}

GgufWriter::GgufWriter(std::string path) : impl_(std::make_unique<Impl>()) {
  impl_->name = path;
  impl_->file.open(path, std::ios::binary | std::ios::trunc);
  if (!impl_->file) {
    impl_->Fail(fmt::format("cannot create: '{}' (expected a writable path)",
                            std::strerror(errno)));
  }
  impl_->sink = [impl = impl_.get()](std::span<const std::byte> bytes) {
    impl->file.write(reinterpret_cast<const char*>(bytes.data()),
                     static_cast<std::streamsize>(bytes.size()));
    if (!impl->file) {
      impl->Fail(fmt::format("cannot write: '{}' (expected free space)",
                             std::strerror(errno)));
    }
  };
}

GgufWriter::GgufWriter(Sink sink, std::string name)
    : impl_(std::make_unique<Impl>()) {
  impl_->name = std::move(name);
  impl_->sink = std::move(sink);
}

GgufWriter::GgufWriter(GgufWriter&&) noexcept = default;
GgufWriter& GgufWriter::operator=(GgufWriter&&) noexcept = default;
GgufWriter::~GgufWriter() = default;

void GgufWriter::Set(std::string key, Value value) {
  impl_->CheckOpen("metadata", key);
  if (key.empty()) impl_->Fail("empty metadata key: '' (expected a key)");
  if (!NestedArraysValid(value)) {
    impl_->Fail(
        fmt::format("nested array of '{}' holds a non-array: '{}' "
                    "(expected arrays only)",
                    key, value.ToString()));
  }
  auto it = impl_->key_index.find(key);
  if (it != impl_->key_index.end()) {
    impl_->metadata[it->second].value = std::move(value);
    return;
  }
  impl_->key_index.emplace(key, impl_->metadata.size());
  impl_->metadata.push_back({std::move(key), std::move(value), 0});
}

void GgufWriter::SetU8(std::string key, uint8_t v) {
  Set(std::move(key), Value::Of<ValueType::kUint8>(v));
}
void GgufWriter::SetU32(std::string key, uint32_t v) {
  Set(std::move(key), Value::Of<ValueType::kUint32>(v));
}
void GgufWriter::SetI32(std::string key, int32_t v) {
  Set(std::move(key), Value::Of<ValueType::kInt32>(v));
}
void GgufWriter::SetU64(std::string key, uint64_t v) {
  Set(std::move(key), Value::Of<ValueType::kUint64>(v));
}
void GgufWriter::SetF32(std::string key, float v) {
  Set(std::move(key), Value::Of<ValueType::kFloat32>(v));
}
void GgufWriter::SetBool(std::string key, bool v) {
  Set(std::move(key), Value::Of<ValueType::kBool>(v));
}
void GgufWriter::SetString(std::string key, std::string v) {
  Set(std::move(key), Value::Of<ValueType::kString>(std::move(v)));
}

namespace {
template <size_t I, typename V>
Value ArrayValue(V v) {
  Array array;
  array.elements.emplace<I>(std::move(v));
  return Value::Of<ValueType::kArray>(std::move(array));
}
}  // namespace

void GgufWriter::SetStringArray(std::string key, std::vector<std::string> v) {
  Set(std::move(key), ArrayValue<8>(std::move(v)));
}
void GgufWriter::SetI32Array(std::string key, std::vector<int32_t> v) {
  Set(std::move(key), ArrayValue<5>(std::move(v)));
}
void GgufWriter::SetU32Array(std::string key, std::vector<uint32_t> v) {
  Set(std::move(key), ArrayValue<4>(std::move(v)));
}
void GgufWriter::SetF32Array(std::string key, std::vector<float> v) {
  Set(std::move(key), ArrayValue<6>(std::move(v)));
}
void GgufWriter::SetBoolArray(std::string key, std::vector<bool> v) {
  Set(std::move(key), ArrayValue<7>(std::move(v)));
}

uint64_t GgufWriter::AddTensor(std::string name, kernels::Format format,
                               std::vector<int64_t> dims) {
  return AddTensor(std::move(name), static_cast<uint32_t>(format),
                   std::move(dims));
}

uint64_t GgufWriter::AddTensor(std::string name, uint32_t ggml_type,
                               std::vector<int64_t> dims) {
  Impl& w = *impl_;
  w.CheckOpen("a tensor", name);
  if (name.empty()) w.Fail("empty tensor name: '' (expected a name)");
  if (w.tensor_index.count(name) != 0) {
    w.Fail(
        fmt::format("duplicate tensor name: '{}' (expected each name "
                    "once)",
                    name));
  }
  const GgmlType* type = FindGgmlType(ggml_type);
  if (type == nullptr) {
    w.Fail(
        fmt::format("unknown type of tensor '{}': '{}' (expected a GGUF "
                    "tensor type id)",
                    name, ggml_type));
  }
  bool dims_ok = !dims.empty() && dims.size() <= kMaxTensorDims;
  for (int64_t d : dims) dims_ok = dims_ok && d > 0;
  std::optional<uint64_t> size;
  if (dims_ok) size = TensorBytes(*type, dims);
  if (!size) {
    w.Fail(fmt::format(
        "bad shape of {} tensor '{}': '{}' (expected 1 to 4 "
        "positive dims, the first a multiple of {})",
        type->name, name, fmt::join(dims, " x "), type->block_elems));
  }
  w.tensor_index.emplace(name, w.tensors.size());
  w.tensors.push_back({std::move(name), type, std::move(dims), *size, 0});
  return *size;
}

void GgufWriter::WriteTensor(std::span<const std::byte> bytes) {
  Impl& w = *impl_;
  if (w.next_tensor < w.tensors.size() && w.next_tensor_written == 0 &&
      bytes.size() != w.tensors[w.next_tensor].size_bytes) {
    const DeclaredTensor& t = w.tensors[w.next_tensor];
    w.Fail(
        fmt::format("data of tensor '{}' has the wrong size: '{} bytes' "
                    "(expected {})",
                    t.name, bytes.size(), t.size_bytes));
  }
  WriteTensorPart(bytes);
}

void GgufWriter::WriteTensorPart(std::span<const std::byte> bytes) {
  Impl& w = *impl_;
  if (w.finished) w.Fail("tensor data after Finish(): '' (expected none)");
  if (!w.header_written) w.WriteHeader();
  if (w.next_tensor >= w.tensors.size()) {
    w.Fail(
        fmt::format("more tensor data than declared tensors: '{}' "
                    "(expected {})",
                    w.next_tensor + 1, w.tensors.size()));
  }
  const DeclaredTensor& t = w.tensors[w.next_tensor];
  if (bytes.size() > t.size_bytes - w.next_tensor_written) {
    w.Fail(
        fmt::format("data of tensor '{}' overruns it: '{} bytes' (expected "
                    "at most the {} bytes left of {})",
                    t.name, bytes.size(), t.size_bytes - w.next_tensor_written,
                    t.size_bytes));
  }
  w.Emit(bytes);
  w.next_tensor_written += bytes.size();
  if (w.next_tensor_written < t.size_bytes) return;
  w.EmitZeros(AlignUp(t.size_bytes, w.alignment) - t.size_bytes);
  ++w.next_tensor;
  w.next_tensor_written = 0;
}

void GgufWriter::Finish() {
  Impl& w = *impl_;
  if (w.finished) return;
  if (!w.header_written) w.WriteHeader();
  if (w.next_tensor < w.tensors.size()) {
    const DeclaredTensor& t = w.tensors[w.next_tensor];
    if (w.next_tensor_written > 0) {
      w.Fail(fmt::format(
          "tensor partly written: '{}' ({} of {} bytes; expected all of it)",
          t.name, w.next_tensor_written, t.size_bytes));
    }
    w.Fail(
        fmt::format("tensor declared but not written: '{}' (expected data "
                    "for all {} tensors)",
                    t.name, w.tensors.size()));
  }
  w.finished = true;
  if (w.file.is_open()) {
    w.file.close();
    if (!w.file) {
      w.Fail(fmt::format("cannot close: '{}' (expected the data flushed)",
                         std::strerror(errno)));
    }
  }
}

}  // namespace lapbench::engine::gguf
