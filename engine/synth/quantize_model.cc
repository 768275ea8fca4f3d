// QuantizeModel: float GGUF in, nominal-format GGUF out, one tensor at a
// time through the reference row quantizers.
#include "engine/synth/quantize_model.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "engine/gguf/gguf.h"
#include "engine/synth/hashing_sink.h"
#include "engine/synth/parallel_rows.h"
#include "kernels/quantize.h"

namespace lapbench::engine {
namespace {

using gguf::Value;
using gguf::ValueType;

bool IsFloatFormat(const std::optional<kernels::Format>& f) {
  return f == kernels::Format::kF32 || f == kernels::Format::kF16 ||
         f == kernels::Format::kBf16;
}

// Throws unless every tensor of `file` is F32, F16 or BF16.
void RequireFloatTensors(const gguf::GgufFile& file) {
  for (const gguf::TensorInfo& t : file.tensors()) {
    if (IsFloatFormat(t.format)) continue;
    const gguf::GgmlType* type = gguf::FindGgmlType(t.type);
    throw SynthError(fmt::format(
        "{}: input is already quantized: tensor '{}' is '{}' (expected "
        "f32, f16 or bf16 tensors; quantize from the float model)",
        file.path(), t.name,
        type != nullptr ? type->name : std::string_view("unknown")));
  }
}

void RequireDistinctPaths(const std::string& in, const std::string& out) {
  std::error_code ec;
  if (in == out || std::filesystem::equivalent(in, out, ec)) {
    throw SynthError(fmt::format(
        "output is the input file: '{}' (expected a different path)", out));
  }
}

// Converts tensor `in` of `file` into `c.format` at `out`.
void ConvertRows(const gguf::GgufFile& file, const gguf::TensorInfo& in,
                 const TensorTypeChoice& c, int64_t row_begin, int64_t row_end,
                 int n_threads, std::byte* out) {
  const int64_t cols = in.cols();
  const size_t in_row_bytes = kernels::RowBytes(*in.format, cols, in.name);
  const size_t out_row_bytes = kernels::RowBytes(c.format, cols, c.name);
  const std::byte* src =
      file.TensorData(in) + static_cast<size_t>(row_begin) * in_row_bytes;
  ParallelRows(row_end - row_begin, n_threads, [&](int64_t begin, int64_t end) {
    std::vector<float> row(static_cast<size_t>(cols));
    for (int64_t r = begin; r < end; ++r) {
      auto ur = static_cast<size_t>(r);
      kernels::DequantizeRow(*in.format, src + ur * in_row_bytes, row.data(),
                             cols);
      kernels::QuantizeRow(c.format, row.data(), out + ur * out_row_bytes,
                           cols);
    }
  });
}

// Converts the tensor block by block and streams each block to `writer`.
void WriteConvertedTensor(const gguf::GgufFile& file,
                          const gguf::TensorInfo& in, const TensorTypeChoice& c,
                          int n_threads, std::vector<std::byte>& buffer,
                          gguf::GgufWriter& writer) {
  const size_t row_bytes = kernels::RowBytes(c.format, in.cols(), c.name);
  const int64_t block_rows = RowsPerBlock(row_bytes);
  for (int64_t begin = 0; begin < in.rows(); begin += block_rows) {
    const int64_t end = std::min(in.rows(), begin + block_rows);
    buffer.resize(static_cast<size_t>(end - begin) * row_bytes);
    ConvertRows(file, in, c, begin, end, n_threads, buffer.data());
    writer.WriteTensorPart(buffer);
  }
}

// Copies the input's metadata in order, with general.file_type replaced
// and general.quantization_version placed right after it (or both
// appended), which is where MakeModel puts them: quantizing a maker's F32
// file gives the same bytes as making the model in the format directly.
void CopyMetadata(const gguf::GgufFile& file, const FileFormat& format,
                  bool quantized, gguf::GgufWriter& writer) {
  auto add_type_keys = [&] {
    writer.Set("general.file_type",
               Value::Of<ValueType::kUint32>(format.file_type));
    if (quantized) {
      writer.Set("general.quantization_version",
                 Value::Of<ValueType::kUint32>(kQuantizationVersion));
    }
  };
  bool has_file_type = file.Find("general.file_type") != nullptr;
  for (const gguf::KeyValue& kv : file.metadata()) {
    if (kv.key == "general.quantization_version") continue;
    if (kv.key == "general.file_type") {
      add_type_keys();
    } else {
      writer.Set(kv.key, kv.value);
    }
  }
  if (!has_file_type) add_type_keys();
}

void WriteQuantized(const gguf::GgufFile& file, const FileFormat& format,
                    const QuantizeModelOptions& options, QuantizedModel& result,
                    HashingFileSink& sink) {
  gguf::GgufWriter writer(
      [&sink](std::span<const std::byte> bytes) { sink.Write(bytes); },
      result.path);
  bool quantized = std::any_of(
      result.tensor_types.begin(), result.tensor_types.end(),
      [](const auto& c) { return kernels::Info(c.format).block_elems > 1; });
  CopyMetadata(file, format, quantized, writer);
  for (const TensorTypeChoice& c : result.tensor_types) {
    writer.AddTensor(c.name, c.format, c.dims);
  }
  std::vector<std::byte> buffer;  // one block of output rows
  const size_t count = result.tensor_types.size();
  for (size_t i = 0; i < count; ++i) {
    const TensorTypeChoice& c = result.tensor_types[i];
    if (options.progress) options.progress(i, count, c);
    WriteConvertedTensor(file, file.tensors()[i], c, options.n_threads, buffer,
                         writer);
  }
  writer.Finish();
}

}  // namespace

QuantizedModel QuantizeModel(const std::string& in_path,
                             const std::string& out_path,
                             const FileFormat& format,
                             const QuantizeModelOptions& options) {
  RequireDistinctPaths(in_path, out_path);
  gguf::GgufFile file = gguf::GgufFile::Open(in_path);
  RequireFloatTensors(file);
  std::vector<TensorSpec> specs;
  for (const gguf::TensorInfo& t : file.tensors()) {
    specs.push_back({t.name, t.dims});
  }
  QuantizedModel result;
  result.path = out_path;
  result.tensor_types = ChooseTensorTypes(specs, format, options.pure);
  HashingFileSink sink(out_path);
  WriteQuantized(file, format, options, result, sink);
  result.sha256 = sink.Finish();
  result.size_bytes = sink.size_bytes();
  return result;
}

}  // namespace lapbench::engine
