// The minimal tokenizer a synthetic model carries, so GGUF tools load it.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/synth/presets.h"

namespace lapbench::engine {

// Token ids of the synthetic vocabulary.
inline constexpr int64_t kSynthUnkToken = 0;
inline constexpr int64_t kSynthBosToken = 1;
inline constexpr int64_t kSynthEosToken = 2;
inline constexpr int64_t kSynthPadToken = 3;
inline constexpr int64_t kSynthFirstByteToken = 4;  // <0x00> .. <0xFF>
inline constexpr int64_t kSynthFirstPlainToken = 4 + 256;

// tokenizer.ggml.* metadata of a SentencePiece-style ("llama") vocabulary
// of n_vocab distinct pieces: <unk>, <s>, </s>, <pad>, the 256 byte
// tokens, then plain pieces "t260", "t261", ... with decreasing scores.
// Throws SynthError when n_vocab is smaller than kSynthFirstPlainToken.
std::vector<MetadataEntry> SyntheticVocabMetadata(int64_t n_vocab);

}  // namespace lapbench::engine
