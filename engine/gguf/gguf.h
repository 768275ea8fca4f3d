// GGUF model files: a validating memory-mapped reader and a streaming writer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "kernels/format.h"
#include "kernels/ops.h"

namespace lapbench::engine::gguf {

// Metadata value types; the enumerator values are the GGUF type ids.
enum class ValueType : uint32_t {
  kUint8 = 0,
  kInt8 = 1,
  kUint16 = 2,
  kInt16 = 3,
  kUint32 = 4,
  kInt32 = 5,
  kFloat32 = 6,
  kBool = 7,
  kString = 8,
  kArray = 9,
  kUint64 = 10,
  kInt64 = 11,
  kFloat64 = 12,
};

// "uint32", "string", "array": the spelling used in messages.
std::string_view ValueTypeName(ValueType type);

class Value;

// A metadata array: elements all of one type. Numeric and bool elements are
// kept packed (one vector per type) so a 262k-entry vocabulary costs what
// it costs in the file; strings and nested arrays are kept as objects.
struct Array {
  using Elements = std::variant<
      std::vector<uint8_t>, std::vector<int8_t>, std::vector<uint16_t>,
      std::vector<int16_t>, std::vector<uint32_t>, std::vector<int32_t>,
      std::vector<float>, std::vector<bool>, std::vector<std::string>,
      std::vector<Value>, std::vector<uint64_t>, std::vector<int64_t>,
      std::vector<double>>;

  // The variant index is the GGUF id of the element type.
  Elements elements;

  ValueType element_type() const {
    return static_cast<ValueType>(elements.index());
  }
  size_t size() const;
  // Element i as a scalar (or nested array) Value. Precondition: i < size().
  Value At(size_t i) const;
  bool operator==(const Array& other) const = default;
};

// One metadata value: a scalar, a string or an array (arrays may nest).
class Value {
 public:
  // The variant index is the GGUF value type id; bool is stored as bool.
  using Storage =
      std::variant<uint8_t, int8_t, uint16_t, int16_t, uint32_t, int32_t, float,
                   bool, std::string, Array, uint64_t, int64_t, double>;

  Value() = default;
  // A value of GGUF type kType from `v` (converted to that type's storage).
  template <ValueType kType, typename T>
  static Value Of(T&& v) {
    Value out;
    out.storage_.emplace<static_cast<size_t>(kType)>(std::forward<T>(v));
    return out;
  }

  ValueType type() const { return static_cast<ValueType>(storage_.index()); }
  const Storage& storage() const { return storage_; }

  // Integer scalars of any width: the value, if it fits the result type.
  std::optional<uint64_t> AsUnsigned() const;
  std::optional<int64_t> AsSigned() const;
  // float32 or float64 scalars.
  std::optional<double> AsFloat() const;
  std::optional<bool> AsBool() const;
  // Null unless this is a string / an array.
  const std::string* AsString() const;
  const Array* AsArray() const;

  // Human-readable form: numbers, quoted strings, arrays as
  // "[a, b, ... (n items)]" showing at most `max_elems` elements.
  std::string ToString(size_t max_elems = 8) const;

  bool operator==(const Value& other) const = default;

 private:
  Storage storage_;
};

// Thrown for malformed or unreadable files and failed metadata lookups.
// what() is "<path>: byte <offset>: <detail>" or, when no position
// applies, "<path>: <detail>"; detail reads
// "<what failed>: '<value>' (expected <what>)".
class GgufError : public std::runtime_error {
 public:
  GgufError(std::string path, std::optional<uint64_t> offset_bytes,
            const std::string& detail);
  const std::string& path() const { return path_; }
  std::optional<uint64_t> offset_bytes() const { return offset_bytes_; }

 private:
  std::string path_;
  std::optional<uint64_t> offset_bytes_;
};

// One ggml tensor type known to GGUF (including ones lapbench does not
// compute), with its block geometry.
struct GgmlType {
  uint32_t id;
  std::string_view name;  // "q4_k", "iq2_xxs", "bf16"
  int64_t block_elems;
  size_t block_bytes;
};

// Every tensor type id a current GGUF file may hold (removed ids excluded).
std::span<const GgmlType> AllGgmlTypes();
// The type with GGUF id `id`, or null for removed/unknown ids.
const GgmlType* FindGgmlType(uint32_t id);

// One tensor record of a GGUF file.
struct TensorInfo {
  std::string name;
  std::vector<int64_t> dims;  // dims[0] = row length (ggml ne[0]); 1..4 dims
  uint32_t type = 0;          // GGUF/ggml type id
  // The lapbench weight format of `type`, or nullopt when lapbench reads
  // but does not compute that type (e.g. q5_k, or the activation-only
  // q8_k): `model info` shows such files, the engine refuses them (View()
  // throws).
  std::optional<kernels::Format> format;
  uint64_t offset = 0;      // from the start of the data section
  uint64_t size_bytes = 0;  // bytes of data, without the alignment padding

  int64_t cols() const { return dims.empty() ? 0 : dims[0]; }
  int64_t rows() const;  // product of dims[1..]; 1 for a 1-D tensor
  int64_t n_elems() const { return cols() * rows(); }
};

// One metadata record, in file order.
struct KeyValue {
  std::string key;
  Value value;
  uint64_t offset_bytes = 0;  // where the record starts in the file
};

// Where an opened file's bytes live.
enum class FileMemory {
  // A private read-only mapping of the file: nothing is read until used,
  // pages are the page cache's 4 KiB ones. For reading metadata.
  kMapped,
  // An anonymous copy advised for transparent huge pages, read in chunks
  // whose page-cache pages are dropped behind the read, so the bytes are
  // in RAM once. For running a model: the matvecs stream weights, and with
  // 4 KiB pages every page boundary stops the hardware prefetcher and
  // costs a TLB miss (Llama 3.2 1B Q4_0 decode went from 0.64-0.66 to
  // 0.77-0.79 of the bandwidth roofline on the development VM).
  kHugePageCopy,
};

// A GGUF file, fully validated on open: nothing malformed reaches a caller.
class GgufFile {
 public:
  // Maps or copies `path` as `memory` says (writes through
  // MutableTensorData() change this process's pages only, never the file)
  // and validates it. Throws GgufError.
  static GgufFile Open(const std::string& path,
                       FileMemory memory = FileMemory::kMapped);
  // Parses a copy of `bytes`; `name` stands for the path in messages.
  static GgufFile FromBytes(std::span<const std::byte> bytes,
                            std::string name = "<memory>");

  GgufFile(GgufFile&&) noexcept;
  GgufFile& operator=(GgufFile&&) noexcept;
  ~GgufFile();

  const std::string& path() const { return path_; }
  uint32_t version() const { return version_; }
  uint64_t alignment() const { return alignment_; }
  uint64_t file_size_bytes() const { return file_size_bytes_; }
  uint64_t data_offset_bytes() const { return data_offset_bytes_; }
  // general.architecture, or "" when absent.
  std::string_view architecture() const;

  // Metadata in file order, and lookup by key (null when absent).
  std::span<const KeyValue> metadata() const { return metadata_; }
  const Value* Find(std::string_view key) const;

  // Typed getters: throw GgufError naming the key and the expected type
  // when the key is missing or holds another type. GetU32 accepts any
  // integer type whose value fits; GetF32 accepts float32 and float64;
  // integer arrays accept any integer element type whose values fit.
  uint32_t GetU32(std::string_view key) const;
  uint64_t GetU64(std::string_view key) const;
  float GetF32(std::string_view key) const;
  bool GetBool(std::string_view key) const;
  const std::string& GetString(std::string_view key) const;
  std::vector<float> GetF32Array(std::string_view key) const;
  std::vector<int32_t> GetI32Array(std::string_view key) const;
  std::vector<std::string> GetStringArray(std::string_view key) const;

  // As the getters, but nullopt when the key is absent (still throwing
  // when it is present with the wrong type).
  std::optional<uint32_t> FindU32(std::string_view key) const;
  std::optional<uint64_t> FindU64(std::string_view key) const;
  std::optional<float> FindF32(std::string_view key) const;
  std::optional<bool> FindBool(std::string_view key) const;
  std::optional<std::string> FindString(std::string_view key) const;
  std::optional<std::vector<float>> FindF32Array(std::string_view key) const;
  std::optional<std::vector<int32_t>> FindI32Array(std::string_view key) const;
  std::optional<std::vector<std::string>> FindStringArray(
      std::string_view key) const;

  // Tensors in file order; lookup by name (null when absent).
  std::span<const TensorInfo> tensors() const { return tensors_; }
  const TensorInfo* FindTensor(std::string_view name) const;
  // Like FindTensor, but throws GgufError naming the tensor when absent.
  const TensorInfo& GetTensor(std::string_view name) const;

  // The first byte of a tensor's data (size_bytes long). `info` must come
  // from this file's tensors().
  const std::byte* TensorData(const TensorInfo& info) const;
  std::byte* MutableTensorData(const TensorInfo& info);

  // The tensor as a matrix of rows() rows of cols() elements. Throws
  // GgufError when lapbench does not compute the tensor's type.
  kernels::WeightView View(const TensorInfo& info) const;

 private:
  struct Storage;  // the mapping or the owned copy
  GgufFile() = default;
  void Parse();  // fills everything below from storage_; throws GgufError
  const Value& Require(std::string_view key, std::string_view expected) const;
  [[noreturn]] void ThrowWrongType(std::string_view key,
                                   std::string_view expected) const;

  std::string path_;
  std::unique_ptr<Storage> storage_;
  uint32_t version_ = 0;
  uint64_t alignment_ = 32;
  uint64_t file_size_bytes_ = 0;
  uint64_t data_offset_bytes_ = 0;
  std::vector<KeyValue> metadata_;
  std::map<std::string, size_t, std::less<>> key_index_;
  std::vector<TensorInfo> tensors_;
  std::map<std::string, size_t, std::less<>> tensor_index_;
};

// Writes a GGUF v3 little-endian file as a stream: set metadata and declare
// tensors, then write each tensor's bytes in declaration order (only one
// tensor needs to be in memory at a time), then Finish().
class GgufWriter {
 public:
  // Receives the file's bytes in order.
  using Sink = std::function<void(std::span<const std::byte>)>;

  // Writes to the file at `path` (created or truncated on first write).
  explicit GgufWriter(std::string path);
  // Writes to `sink`; `name` stands for the path in messages.
  GgufWriter(Sink sink, std::string name);
  ~GgufWriter();
  GgufWriter(GgufWriter&&) noexcept;
  GgufWriter& operator=(GgufWriter&&) noexcept;

  // Metadata setters, kept in insertion order; setting a key again replaces
  // its value in place. Only before the first tensor data is written.
  // general.alignment (uint32, a power of two) sets the data alignment.
  void Set(std::string key, Value value);
  void SetU8(std::string key, uint8_t v);
  void SetU32(std::string key, uint32_t v);
  void SetI32(std::string key, int32_t v);
  void SetU64(std::string key, uint64_t v);
  void SetF32(std::string key, float v);
  void SetBool(std::string key, bool v);
  void SetString(std::string key, std::string v);
  void SetStringArray(std::string key, std::vector<std::string> v);
  void SetI32Array(std::string key, std::vector<int32_t> v);
  void SetU32Array(std::string key, std::vector<uint32_t> v);
  void SetF32Array(std::string key, std::vector<float> v);
  void SetBoolArray(std::string key, std::vector<bool> v);

  // Declares the next tensor; dims[0] is the row length. Returns the
  // number of data bytes WriteTensor() expects for it.
  uint64_t AddTensor(std::string name, kernels::Format format,
                     std::vector<int64_t> dims);
  // As above with a raw GGUF type id (any type in AllGgmlTypes()).
  uint64_t AddTensor(std::string name, uint32_t ggml_type,
                     std::vector<int64_t> dims);

  // Writes the data of the next declared tensor (the header, metadata and
  // tensor records go out before the first one). `bytes` must be exactly
  // that tensor's size.
  void WriteTensor(std::span<const std::byte> bytes);
  // Writes the next part of the current tensor's data, so a tensor larger
  // than memory can be streamed in row blocks; the tensor is complete (and
  // the next one starts) once its parts add up to its size. A part that
  // would overrun the tensor is an error.
  void WriteTensorPart(std::span<const std::byte> bytes);
  // Checks every declared tensor was written, writes the header if no
  // tensor was declared, and closes the file.
  void Finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lapbench::engine::gguf
