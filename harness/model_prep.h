// Getting a model ready to time, shared by the commands that decode:
// where a preset's synthetic file lives, paging in the weights, a fixed
// prompt.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/gguf/gguf.h"

namespace lapbench::harness {

// Where synthetic models are kept between runs: $XDG_CACHE_HOME/lapbench/
// models, else ~/.cache/lapbench/models, else ./.lapbench-models.
std::filesystem::path DefaultModelDir();

// The file for `--model`: `model` itself when it names a .gguf file (or
// contains a '/'), else the synthetic model of preset `model` in `format`
// (seed 0) below `model_dir`, as EnsureSyntheticModel (harness/
// model_files.h) names and makes it. Progress goes to stderr. Throws what
// EnsureSyntheticModel throws.
std::string ResolveModelFile(const std::string& model,
                             const std::string& format,
                             const std::filesystem::path& model_dir);

// Reads one byte of every 4 KiB page of every tensor so timed steps do not
// pay for page faults; returns a sum the compiler cannot drop.
uint64_t TouchTensorPages(const engine::gguf::GgufFile& file);

// Prompt token ids: a fixed spread over the vocabulary, never 0-3 (the
// special pieces of the synthetic tokenizer). Precondition: n_vocab > 4.
std::vector<int32_t> PromptTokens(int64_t n, int64_t n_vocab);

}  // namespace lapbench::harness
