// Per-tensor type choice: llama.cpp's llama_tensor_get_type rules for the
// recipes lapbench writes, with its row-length fallbacks.
#include "engine/synth/tensor_types.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>

namespace lapbench::engine {
namespace {

using kernels::Format;

// general.file_type values are llama.cpp's llama_ftype numbers.
constexpr std::array<FileFormat, 7> kFileFormats = {{
    {"f32", Format::kF32, 0},
    {"f16", Format::kF16, 1},
    {"bf16", Format::kBf16, 32},
    {"q8_0", Format::kQ8_0, 7},
    {"q6_k", Format::kQ6_K, 18},
    {"q4_k_m", Format::kQ4_K, 15, true},
    {"q4_0", Format::kQ4_0, 2},
}};

// The K-quant super-block: the output rule needs rows of whole blocks.
constexpr int64_t kSuperBlockElems = 256;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(c));
  return out;
}

bool IsMatrix(const TensorSpec& t) {
  int64_t n_above_rows = 0;
  for (size_t i = 1; i < t.dims.size(); ++i) n_above_rows += t.dims[i] > 1;
  return n_above_rows > 0;
}

// llama.cpp's use_more_bits: the first and last eighth of the layers and
// every third one between get more bits.
bool UseMoreBits(int64_t i, int64_t n) {
  return i < n / 8 || i >= 7 * n / 8 || (i - n / 8) % 3 == 2;
}

bool RowFits(Format format, int64_t row_elems) {
  return row_elems % kernels::Info(format).block_elems == 0;
}

// llama.cpp's tensor_type_fallback, mapped onto the formats lapbench
// computes. Q4_K's reference fallback is Q5_0, which lapbench lacks; Q4_0
// has the same 32-element block and is the nearest in size (4.5 vs 5.5
// bits per weight).
void ApplyRowFallback(TensorTypeChoice& c) {
  const int64_t row = c.dims[0];
  if (RowFits(c.format, row)) return;
  Format from = c.format;
  Format to = Format::kF16;
  std::string_view reference = "f16";
  if (from == Format::kQ4_K && RowFits(Format::kQ4_0, row)) {
    to = Format::kQ4_0;
    reference = "q5_0";
  } else if (from == Format::kQ6_K && RowFits(Format::kQ8_0, row)) {
    to = Format::kQ8_0;
    reference = "q8_0";
  }
  c.note = fmt::format(
      "row of {} is not a multiple of the {}-element {} block; {} instead "
      "(llama-quantize: {})",
      row, kernels::Info(from).block_elems, kernels::Info(from).name,
      kernels::Info(to).name, reference);
  c.format = to;
  c.reason = TypeReason::kRowFallback;
}

// Counts and positions the Q4_K_M and output rules need.
struct ModelCounts {
  bool has_output = false;
  int64_t n_attn_v = 0;
  int64_t n_ffn_down = 0;
};

ModelCounts CountTensors(std::span<const TensorSpec> tensors) {
  ModelCounts counts;
  for (const TensorSpec& t : tensors) {
    counts.has_output |= t.name == "output.weight";
    counts.n_attn_v += t.name.ends_with(".attn_v.weight");
    counts.n_ffn_down += t.name.ends_with(".ffn_down.weight");
  }
  return counts;
}

// The rules for a quantized recipe, before the row fallback.
void ChooseQuantized(const TensorSpec& t, const FileFormat& format,
                     const ModelCounts& counts, ModelCounts& seen,
                     TensorTypeChoice& c) {
  bool is_output = t.name == "output.weight" ||
                   (!counts.has_output && t.name == "token_embd.weight");
  if (is_output) {
    c.reason = TypeReason::kOutputRule;
    bool whole_blocks = t.dims[0] % kSuperBlockElems == 0;
    c.format = !whole_blocks || format.base == Format::kQ8_0 ? Format::kQ8_0
                                                             : Format::kQ6_K;
    if (!whole_blocks) {
      c.note = fmt::format("row of {} is not a multiple of {}: q8_0", t.dims[0],
                           kSuperBlockElems);
    }
    return;
  }
  if (t.name.ends_with(".attn_v.weight")) {
    if (format.more_bits_mix && UseMoreBits(seen.n_attn_v, counts.n_attn_v)) {
      c.format = Format::kQ6_K;
      c.reason = TypeReason::kMoreBits;
    }
    ++seen.n_attn_v;
  } else if (t.name.ends_with(".ffn_down.weight")) {
    if (format.more_bits_mix &&
        UseMoreBits(seen.n_ffn_down, counts.n_ffn_down)) {
      c.format = Format::kQ6_K;
      c.reason = TypeReason::kMoreBits;
    }
    ++seen.n_ffn_down;
  }
}

}  // namespace

std::span<const FileFormat> AllFileFormats() { return kFileFormats; }

const FileFormat& FindFileFormat(std::string_view name) {
  std::string wanted = Lower(name);
  if (wanted == "q4_k") wanted = "q4_k_m";
  std::string known;
  for (const FileFormat& f : kFileFormats) {
    if (f.name == wanted) return f;
    known += known.empty() ? "" : ", ";
    known += f.name;
  }
  throw SynthError(fmt::format(
      "unknown model format: '{}' (expected one of {}; q4_k means q4_k_m)",
      name, known));
}

std::string_view TypeReasonName(TypeReason reason) {
  switch (reason) {
    case TypeReason::kNominal:
      return "nominal";
    case TypeReason::kPure:
      return "pure";
    case TypeReason::kFloat32Kept:
      return "f32-kept";
    case TypeReason::kOutputRule:
      return "output-rule";
    case TypeReason::kMoreBits:
      return "more-bits";
    case TypeReason::kRowFallback:
      return "row-fallback";
  }
  return "unknown";
}

std::vector<TensorTypeChoice> ChooseTensorTypes(
    std::span<const TensorSpec> tensors, const FileFormat& format, bool pure) {
  const ModelCounts counts = CountTensors(tensors);
  const bool quantized = kernels::Info(format.base).block_elems > 1;
  ModelCounts seen;
  std::vector<TensorTypeChoice> out;
  for (const TensorSpec& t : tensors) {
    TensorTypeChoice c{t.name, t.dims, format.base,
                       pure ? TypeReason::kPure : TypeReason::kNominal, ""};
    if (!IsMatrix(t) || t.name.ends_with("_norm.weight")) {
      c.format = Format::kF32;
      c.reason = TypeReason::kFloat32Kept;
    } else if (quantized && !pure) {
      ChooseQuantized(t, format, counts, seen, c);
    }
    if (c.reason != TypeReason::kFloat32Kept) ApplyRowFallback(c);
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace lapbench::engine
