// Per-tensor storage types for a nominal file format, chosen the way
// llama.cpp's converter and llama-quantize choose them.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/synth/presets.h"
#include "kernels/format.h"

namespace lapbench::engine {

// A nominal file format as `--format` names it: a recipe of tensor types
// whose most common type is `base`.
struct FileFormat {
  std::string_view name;       // "q4_0", "q4_k_m"
  kernels::Format base;        // what most matrices get
  uint32_t file_type;          // general.file_type (llama_ftype numbering)
  bool more_bits_mix = false;  // Q4_K_M: some attn_v/ffn_down get Q6_K
};

// general.quantization_version of the block layouts lapbench writes.
inline constexpr uint32_t kQuantizationVersion = 2;

// Every nominal format lapbench writes.
std::span<const FileFormat> AllFileFormats();
// The format called `name` (case-insensitive; "q4_k" means "q4_k_m").
// Throws SynthError listing the known names.
const FileFormat& FindFileFormat(std::string_view name);

// Why a tensor got its type; recorded per tensor in the report.
enum class TypeReason {
  kNominal,      // the format's base type
  kPure,         // --pure: every matrix gets the base type
  kFloat32Kept,  // 1-D tensors and norms always stay F32
  kOutputRule,   // output.weight (or tied token_embd): Q6_K/Q8_0 rule
  kMoreBits,     // Q4_K_M: attn_v/ffn_down of some layers get Q6_K
  kRowFallback,  // the row length is not a multiple of the chosen block
};

// "nominal", "pure", "f32-kept", "output-rule", "more-bits",
// "row-fallback": the spelling in reports.
std::string_view TypeReasonName(TypeReason reason);

// The type chosen for one tensor.
struct TensorTypeChoice {
  std::string name;
  std::vector<int64_t> dims;  // dims[0] = row length
  kernels::Format format = kernels::Format::kF32;
  TypeReason reason = TypeReason::kNominal;
  std::string note;  // what a fallback replaced and why; else empty
};

// Chooses a type for every tensor of a model (all of them: the Q4_K_M
// rules count attn_v and ffn_down tensors, the output rule needs to know
// whether output.weight exists). With `pure`, every 2-D tensor gets the
// base type, except that rows the block cannot hold still fall back.
std::vector<TensorTypeChoice> ChooseTensorTypes(
    std::span<const TensorSpec> tensors, const FileFormat& format,
    bool pure = false);

}  // namespace lapbench::engine
