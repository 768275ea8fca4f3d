// MakeModel: generates each tensor's rows in parallel, quantizes them into
// the tensor's file type and streams the result through a hashing sink.
#include "engine/synth/model_maker.h"

#include <algorithm>
#include <cstdio>
#include <type_traits>
#include <variant>

#include "engine/gguf/gguf.h"
#include "engine/synth/hashing_sink.h"
#include "engine/synth/parallel_rows.h"
#include "engine/synth/vocab.h"
#include "engine/synth/weight_init.h"
#include "kernels/quantize.h"

namespace lapbench::engine {
namespace {

using gguf::Value;
using gguf::ValueType;

// GGUF layout constants (gguf.md): 24-byte header, 32-byte alignment.
constexpr uint64_t kHeaderBytes = 24;
constexpr uint64_t kAlignment = 32;

uint64_t AlignUp(uint64_t n) {
  return (n + kAlignment - 1) / kAlignment * kAlignment;
}

// Rows of a tensor: the product of its dims after the first.
int64_t Rows(const std::vector<int64_t>& dims) {
  int64_t rows = 1;
  for (size_t i = 1; i < dims.size(); ++i) rows *= dims[i];
  return rows;
}

uint64_t TensorBytes(const TensorTypeChoice& c) {
  return kernels::RowBytes(c.format, c.dims[0], c.name) *
         static_cast<uint64_t>(Rows(c.dims));
}

// Fills `out` ((row_end - row_begin) x RowBytes) with rows
// [row_begin, row_end) of the tensor's values in its format.
void GenerateRows(const TensorInit& init, const TensorTypeChoice& c,
                  int64_t row_begin, int64_t row_end, int n_threads,
                  std::byte* out) {
  const int64_t cols = c.dims[0];
  const size_t row_bytes = kernels::RowBytes(c.format, cols, c.name);
  ParallelRows(row_end - row_begin, n_threads, [&](int64_t begin, int64_t end) {
    std::vector<float> values(static_cast<size_t>(cols));  // one row
    for (int64_t i = begin; i < end; ++i) {
      FillValues(init, (row_begin + i) * cols, cols, values.data());
      kernels::QuantizeRow(c.format, values.data(),
                           out + static_cast<size_t>(i) * row_bytes, cols);
    }
  });
}

// Generates the tensor block by block and streams each block to `writer`.
void WriteGeneratedTensor(const TensorInit& init, const TensorTypeChoice& c,
                          int n_threads, std::vector<std::byte>& buffer,
                          gguf::GgufWriter& writer) {
  const size_t row_bytes = kernels::RowBytes(c.format, c.dims[0], c.name);
  const int64_t rows = Rows(c.dims);
  const int64_t block_rows = RowsPerBlock(row_bytes);
  for (int64_t begin = 0; begin < rows; begin += block_rows) {
    const int64_t end = std::min(rows, begin + block_rows);
    buffer.resize(static_cast<size_t>(end - begin) * row_bytes);
    GenerateRows(init, c, begin, end, n_threads, buffer.data());
    writer.WriteTensorPart(buffer);
  }
}

uint64_t EncodedArrayBytes(const gguf::Array& array) {
  uint64_t n = 4 + 8;  // element type, count
  std::visit(
      [&n](const auto& v) {
        using E = typename std::decay_t<decltype(v)>::value_type;
        if constexpr (std::is_same_v<E, std::string>) {
          for (const std::string& s : v) n += 8 + s.size();
        } else if constexpr (std::is_same_v<E, Value>) {
          for (const Value& e : v) n += EncodedArrayBytes(*e.AsArray());
        } else if constexpr (std::is_same_v<E, bool>) {
          n += v.size();
        } else {
          n += v.size() * sizeof(E);
        }
      },
      array.elements);
  return n;
}

void WriteModel(const ModelPreset& preset, const FileFormat& format,
                const MakeModelOptions& options, MadeModel& made,
                HashingFileSink& sink) {
  gguf::GgufWriter writer(
      [&sink](std::span<const std::byte> bytes) { sink.Write(bytes); },
      made.path);
  for (MetadataEntry& e : SyntheticModelMetadata(
           preset, format, made.tensor_types, options.seed)) {
    writer.Set(std::move(e.key), std::move(e.value));
  }
  for (const TensorTypeChoice& c : made.tensor_types) {
    writer.AddTensor(c.name, c.format, c.dims);
  }
  std::vector<std::byte> buffer;  // one block of rows in the file type
  const size_t count = made.tensor_types.size();
  for (size_t i = 0; i < count; ++i) {
    const TensorTypeChoice& c = made.tensor_types[i];
    if (options.progress) options.progress(i, count, c);
    TensorInit init = InitFor(preset, {c.name, c.dims}, options.seed);
    WriteGeneratedTensor(init, c, options.n_threads, buffer, writer);
  }
  writer.Finish();
}

}  // namespace

std::vector<MetadataEntry> SyntheticModelMetadata(
    const ModelPreset& preset, const FileFormat& format,
    std::span<const TensorTypeChoice> tensor_types, uint64_t seed) {
  std::vector<MetadataEntry> out = PresetMetadata(preset);
  out.push_back(
      {"general.file_type", Value::Of<ValueType::kUint32>(format.file_type)});
  bool quantized = std::any_of(
      tensor_types.begin(), tensor_types.end(),
      [](const auto& c) { return kernels::Info(c.format).block_elems > 1; });
  if (quantized) {
    out.push_back({"general.quantization_version",
                   Value::Of<ValueType::kUint32>(kQuantizationVersion)});
  }
  out.push_back({"lapbench.synthetic.preset",
                 Value::Of<ValueType::kString>(std::string(preset.name))});
  out.push_back(
      {"lapbench.synthetic.seed", Value::Of<ValueType::kUint64>(seed)});
  for (MetadataEntry& e : SyntheticVocabMetadata(preset.n_vocab)) {
    out.push_back(std::move(e));
  }
  return out;
}

MadeModel MakeModel(const ModelPreset& preset, const FileFormat& format,
                    const std::string& path, const MakeModelOptions& options) {
  MadeModel made;
  made.path = path;
  made.n_params = ParameterCount(preset);
  made.tensor_types =
      ChooseTensorTypes(PresetTensors(preset), format, options.pure);
  HashingFileSink sink(path);
  WriteModel(preset, format, options, made, sink);
  made.sha256 = sink.Finish();
  made.size_bytes = sink.size_bytes();
  return made;
}

uint64_t EncodedValueBytes(const Value& value) {
  return std::visit(
      [](const auto& v) -> uint64_t {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::string>) {
          return 8 + v.size();
        } else if constexpr (std::is_same_v<T, gguf::Array>) {
          return EncodedArrayBytes(v);
        } else if constexpr (std::is_same_v<T, bool>) {
          return 1;
        } else {
          return sizeof(T);
        }
      },
      value.storage());
}

uint64_t EstimateFileBytes(const ModelPreset& preset, const FileFormat& format,
                           bool pure) {
  std::vector<TensorTypeChoice> types =
      ChooseTensorTypes(PresetTensors(preset), format, pure);
  uint64_t header = kHeaderBytes;
  for (const MetadataEntry& e :
       SyntheticModelMetadata(preset, format, types, 0)) {
    header += 8 + e.key.size() + 4 + EncodedValueBytes(e.value);
  }
  uint64_t data = 0;
  for (const TensorTypeChoice& c : types) {
    header += 8 + c.name.size() + 4 + 8 * c.dims.size() + 4 + 8;
    data += AlignUp(TensorBytes(c));
  }
  return AlignUp(header) + data;
}

}  // namespace lapbench::engine
