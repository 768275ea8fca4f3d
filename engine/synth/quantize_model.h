// Converts an F32/F16/BF16 GGUF model into a nominal format, tensor by
// tensor, with the per-tensor type choice of llama-quantize.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/synth/model_maker.h"
#include "engine/synth/tensor_types.h"

namespace lapbench::engine {

struct QuantizeModelOptions {
  bool pure = false;  // every matrix in the format's base type
  int n_threads = 0;  // 0 = all hardware threads
  MakeProgressFn progress;
};

// What QuantizeModel wrote.
struct QuantizedModel {
  std::string path;
  uint64_t size_bytes = 0;
  std::string sha256;  // 64 hex digits
  std::vector<TensorTypeChoice> tensor_types;
};

// Reads `in_path` (every tensor F32, F16 or BF16) and writes `out_path`
// with the same metadata in the same order, general.file_type set to the
// format's and general.quantization_version added when a tensor is
// quantized; tensors in input order, each quantized row by row with the
// reference quantizers (Q8_0/Q4_0 bytes equal llama-quantize's without an
// importance matrix). Memory: the input is mapped, one output tensor is
// held at a time. Throws SynthError for an already-quantized input (naming
// the first quantized tensor and its type) or when out_path is in_path,
// gguf::GgufError for unreadable files; removes a partial output.
QuantizedModel QuantizeModel(const std::string& in_path,
                             const std::string& out_path,
                             const FileFormat& format,
                             const QuantizeModelOptions& options = {});

}  // namespace lapbench::engine
