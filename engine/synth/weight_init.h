// Seeded, machine-independent values for every tensor of a synthetic model.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/synth/presets.h"

namespace lapbench::engine {

// How the values of one tensor are drawn. Element i of the tensor (row r,
// column c: i = r * dims[0] + c) depends only on the seed, the tensor's
// name and i, so any split of the rows over threads gives the same bytes.
struct TensorInit {
  enum class Kind {
    kNormal,      // mean 0, standard deviation `scale`
    kNearCenter,  // `center` plus noise of standard deviation `scale`
    kFixed,       // the values in `fixed` (rope factors)
  };
  Kind kind = Kind::kNormal;
  uint64_t key = 0;  // stream key from the seed and the tensor name
  float scale = 0.0f;
  float center = 0.0f;
  std::vector<float> fixed;
};

// The init of tensor `t` of `preset`:
// - matrices: normal, std 1/sqrt(row length) (= fan-in), so a unit-RMS
//   input gives unit-RMS outputs and logits of std ~1 (the embedding has
//   std 1/sqrt(n_embd); Gemma's x sqrt(n_embd) makes it unit RMS);
// - norm weights: 1 +- 2%, as stored in the file (Gemma 3's converter
//   stores 1 + w, Gemma 4 and Llama store w; trained values sit near 1);
//   Gemma 4's Q/K norm weights sit at head_dim^-1/4 instead, because its
//   attention scale is 1.0: q.k of unit-RMS heads then has std ~1;
// - rope_freqs: the preset's factors.
TensorInit InitFor(const ModelPreset& preset, const TensorSpec& t,
                   uint64_t seed);

// Writes elements [first, first + n) of the tensor to out[0..n). Uses only
// integer arithmetic, one float multiply and std::fma per element, so the
// result is bit-identical on every IEEE-754 machine and compiler.
void FillValues(const TensorInit& init, int64_t first, int64_t n, float* out);

}  // namespace lapbench::engine
