// Writes a small seed corpus of valid GGUF files for the fuzzer into the
// directory given as the only argument.
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "engine/gguf/gguf.h"

namespace gguf = lapbench::engine::gguf;
using lapbench::kernels::Format;

namespace {

std::vector<std::byte> Bytes(size_t n) {
  std::vector<std::byte> data(n);
  for (size_t i = 0; i < n; ++i) data[i] = static_cast<std::byte>(i * 13);
  return data;
}

// A model-like file: llama keys, a small vocabulary, three tensors.
void WriteModel(const std::string& path) {
  gguf::GgufWriter w(path);
  w.SetString("general.architecture", "llama");
  w.SetU32("llama.block_count", 1);
  w.SetU32("llama.embedding_length", 64);
  w.SetF32("llama.attention.layer_norm_rms_epsilon", 1e-5f);
  w.SetStringArray("tokenizer.ggml.tokens", {"<s>", "</s>", "a", "b c"});
  w.SetF32Array("tokenizer.ggml.scores", {0.f, 0.f, -1.f, -2.f});
  w.SetI32Array("tokenizer.ggml.token_type", {3, 3, 1, 1});
  w.SetBool("tokenizer.ggml.add_bos_token", true);
  w.AddTensor("token_embd.weight", Format::kQ8_0, {64, 4});
  w.AddTensor("output_norm.weight", Format::kF32, {64});
  w.AddTensor("blk.0.ffn_down.weight", 13u, {256, 1});
  w.WriteTensor(Bytes(4 * 68));
  w.WriteTensor(Bytes(256));
  w.WriteTensor(Bytes(176));
  w.Finish();
}

// Every value type, a nested array and a 64-byte alignment.
void WriteEveryType(const std::string& path) {
  gguf::GgufWriter w(path);
  w.SetU32("general.alignment", 64);
  w.SetU8("u8", 1);
  w.Set("i8", gguf::Value::Of<gguf::ValueType::kInt8>(-1));
  w.Set("u16", gguf::Value::Of<gguf::ValueType::kUint16>(2));
  w.Set("i16", gguf::Value::Of<gguf::ValueType::kInt16>(-2));
  w.SetI32("i32", -3);
  w.SetU64("u64", 4);
  w.Set("i64", gguf::Value::Of<gguf::ValueType::kInt64>(-4));
  w.Set("f64", gguf::Value::Of<gguf::ValueType::kFloat64>(0.5));
  w.SetBoolArray("bools", {true, false});
  w.SetU32Array("u32s", {1, 2, 3});
  gguf::Array inner{std::vector<uint16_t>{1, 2}};
  gguf::Array outer{std::vector<gguf::Value>{
      gguf::Value::Of<gguf::ValueType::kArray>(inner)}};
  w.Set("nested", gguf::Value::Of<gguf::ValueType::kArray>(outer));
  w.AddTensor("a", Format::kQ4_K, {256, 2});
  w.AddTensor("b", Format::kBf16, {3, 2, 2, 2});
  w.WriteTensor(Bytes(288));
  w.WriteTensor(Bytes(48));
  w.Finish();
}

void WriteEmpty(const std::string& path) {
  gguf::GgufWriter w(path);
  w.Finish();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: gguf_seeds DIR\n");
    return 2;
  }
  std::string dir = argv[1];
  WriteModel(dir + "/model.gguf");
  WriteEveryType(dir + "/every_type.gguf");
  WriteEmpty(dir + "/empty.gguf");
  return 0;
}
