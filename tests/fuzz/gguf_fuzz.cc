// libFuzzer target for the GGUF reader: any input either parses into a file
// whose every accessor is safe to call, or fails with a GgufError.
#include <cstddef>
#include <cstdint>
#include <span>

#include "engine/gguf/gguf.h"

namespace gguf = lapbench::engine::gguf;

namespace {

// Calls every accessor a caller may use on a parsed file, touching the
// first and last byte of each tensor so the sanitizers see the bounds.
void Exercise(gguf::GgufFile& file) {
  (void)file.architecture();
  for (const gguf::KeyValue& kv : file.metadata()) {
    (void)kv.value.ToString();
    try {
      (void)file.GetU32(kv.key);
    } catch (const gguf::GgufError&) {
    }
    try {
      (void)file.GetI32Array(kv.key);
    } catch (const gguf::GgufError&) {
    }
    try {
      (void)file.GetF32Array(kv.key);
    } catch (const gguf::GgufError&) {
    }
  }
  volatile std::byte sink{};
  for (const gguf::TensorInfo& t : file.tensors()) {
    const std::byte* data = file.TensorData(t);
    sink = data[0];
    sink = data[t.size_bytes - 1];
    std::byte* mutable_data = file.MutableTensorData(t);
    mutable_data[t.size_bytes - 1] = sink;
    try {
      lapbench::kernels::WeightView view = file.View(t);
      sink = static_cast<const std::byte*>(
          view.data)[view.row_bytes * static_cast<size_t>(view.rows) - 1];
    } catch (const gguf::GgufError&) {
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    gguf::GgufFile file = gguf::GgufFile::FromBytes(
        std::span(reinterpret_cast<const std::byte*>(data), size), "fuzz");
    Exercise(file);
  } catch (const gguf::GgufError&) {
    // Refusing bad input with a GgufError is the expected outcome; any
    // other exception escapes and libFuzzer reports it as a crash.
  }
  return 0;
}
