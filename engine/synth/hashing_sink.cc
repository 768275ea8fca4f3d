// HashingFileSink: buffered file output with an OpenSSL EVP SHA-256.
#include "engine/synth/hashing_sink.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "engine/synth/presets.h"

namespace lapbench::engine {
namespace {

// Large stdio buffers: model files are written in multi-megabyte pieces.
constexpr size_t kFileBufferBytes = size_t{4} << 20;

}  // namespace

HashingFileSink::HashingFileSink(std::string path)
    : path_(std::move(path)), partial_path_(path_ + ".partial") {
  file_ = std::fopen(partial_path_.c_str(), "wb");
  if (file_ == nullptr) {
    throw SynthError(fmt::format("cannot create model file: '{}' ({})",
                                 partial_path_, std::strerror(errno)));
  }
  std::setvbuf(file_, nullptr, _IOFBF, kFileBufferBytes);
}

HashingFileSink::~HashingFileSink() {
  if (file_ != nullptr) std::fclose(file_);
  if (!partial_path_.empty()) std::remove(partial_path_.c_str());
}

void HashingFileSink::Write(std::span<const std::byte> bytes) {
  if (std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size()) {
    throw SynthError(fmt::format("cannot write model file: '{}' ({})", path_,
                                 std::strerror(errno)));
  }
  digest_.Update(bytes.data(), bytes.size());
  size_bytes_ += bytes.size();
}

std::string HashingFileSink::Finish() {
  std::FILE* file = file_;
  file_ = nullptr;
  if (std::fclose(file) != 0) {
    throw SynthError(fmt::format("cannot close model file: '{}' ({})",
                                 partial_path_, std::strerror(errno)));
  }
  if (std::rename(partial_path_.c_str(), path_.c_str()) != 0) {
    throw SynthError(fmt::format("cannot rename '{}' to '{}' ({})",
                                 partial_path_, path_, std::strerror(errno)));
  }
  partial_path_.clear();
  return digest_.FinalHex();
}

}  // namespace lapbench::engine
