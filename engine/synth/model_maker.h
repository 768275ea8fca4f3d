// Writes a synthetic GGUF model of a preset: seeded weights, streamed
// tensor by tensor, the same bytes on every machine.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "engine/synth/presets.h"
#include "engine/synth/tensor_types.h"

namespace lapbench::engine {

// Called before each tensor is generated: its index, the tensor count and
// the tensor's type choice.
using MakeProgressFn = std::function<void(size_t index, size_t count,
                                          const TensorTypeChoice& tensor)>;

struct MakeModelOptions {
  uint64_t seed = 0;
  bool pure = false;  // every matrix in the format's base type
  int n_threads = 0;  // generation threads; 0 = all hardware threads
  MakeProgressFn progress;
};

// What MakeModel wrote.
struct MadeModel {
  std::string path;
  uint64_t size_bytes = 0;
  std::string sha256;  // 64 hex digits
  int64_t n_params = 0;
  std::vector<TensorTypeChoice> tensor_types;
};

// Every metadata record of the synthetic model file, in file order:
// the preset's general.* and architecture keys, general.file_type,
// general.quantization_version (when any tensor is quantized),
// lapbench.synthetic.{preset,seed} and the synthetic tokenizer.
std::vector<MetadataEntry> SyntheticModelMetadata(
    const ModelPreset& preset, const FileFormat& format,
    std::span<const TensorTypeChoice> tensor_types, uint64_t seed);

// Writes the model to `path`. Memory use is bounded by the largest single
// tensor in its file type (the GGUF writer takes a tensor's bytes in one
// piece), never the whole model. The file appears under `path` only when
// complete (HashingFileSink); on failure nothing is left and SynthError or
// gguf::GgufError, naming the path, is thrown.
MadeModel MakeModel(const ModelPreset& preset, const FileFormat& format,
                    const std::string& path,
                    const MakeModelOptions& options = {});

// The exact size MakeModel's file will have, computed without writing.
uint64_t EstimateFileBytes(const ModelPreset& preset, const FileFormat& format,
                           bool pure = false);

// Encoded size of a metadata value's payload (no key, no type tag), as
// GGUF v3 lays it out.
uint64_t EncodedValueBytes(const gguf::Value& value);

}  // namespace lapbench::engine
