// The synthetic tokenizer: special tokens, byte tokens and plain pieces.
#include "engine/synth/vocab.h"

#include <fmt/format.h>

namespace lapbench::engine {
namespace {

using gguf::Array;
using gguf::Value;
using gguf::ValueType;

// tokenizer.ggml.token_type codes.
constexpr int32_t kTypeNormal = 1;
constexpr int32_t kTypeUnknown = 2;
constexpr int32_t kTypeControl = 3;
constexpr int32_t kTypeByte = 6;

Value U32(int64_t v) {
  return Value::Of<ValueType::kUint32>(static_cast<uint32_t>(v));
}

template <typename T>
Value ArrayOf(std::vector<T> v) {
  return Value::Of<ValueType::kArray>(Array{std::move(v)});
}

}  // namespace

std::vector<MetadataEntry> SyntheticVocabMetadata(int64_t n_vocab) {
  if (n_vocab < kSynthFirstPlainToken) {
    throw SynthError(fmt::format(
        "synthetic vocabulary too small: '{}' (expected at least {})", n_vocab,
        kSynthFirstPlainToken));
  }
  std::vector<std::string> tokens = {"<unk>", "<s>", "</s>", "<pad>"};
  std::vector<float> scores(kSynthFirstByteToken, 0.0f);
  std::vector<int32_t> types = {kTypeUnknown, kTypeControl, kTypeControl,
                                kTypeControl};
  for (int byte = 0; byte < 256; ++byte) {
    tokens.push_back(fmt::format("<0x{:02X}>", byte));
    scores.push_back(0.0f);
    types.push_back(kTypeByte);
  }
  for (int64_t id = kSynthFirstPlainToken; id < n_vocab; ++id) {
    tokens.push_back(fmt::format("t{}", id));
    scores.push_back(-static_cast<float>(id - kSynthFirstPlainToken));
    types.push_back(kTypeNormal);
  }
  std::vector<MetadataEntry> out;
  out.push_back({"tokenizer.ggml.model",
                 Value::Of<ValueType::kString>(std::string("llama"))});
  out.push_back({"tokenizer.ggml.tokens", ArrayOf(std::move(tokens))});
  out.push_back({"tokenizer.ggml.scores", ArrayOf(std::move(scores))});
  out.push_back({"tokenizer.ggml.token_type", ArrayOf(std::move(types))});
  out.push_back({"tokenizer.ggml.bos_token_id", U32(kSynthBosToken)});
  out.push_back({"tokenizer.ggml.eos_token_id", U32(kSynthEosToken)});
  out.push_back({"tokenizer.ggml.unknown_token_id", U32(kSynthUnkToken)});
  out.push_back({"tokenizer.ggml.padding_token_id", U32(kSynthPadToken)});
  out.push_back(
      {"tokenizer.ggml.add_bos_token", Value::Of<ValueType::kBool>(true)});
  out.push_back(
      {"tokenizer.ggml.add_eos_token", Value::Of<ValueType::kBool>(false)});
  return out;
}

}  // namespace lapbench::engine
