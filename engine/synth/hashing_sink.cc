// HashingFileSink: buffered file output with an OpenSSL EVP SHA-256.
#include "engine/synth/hashing_sink.h"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <cerrno>
#include <cstring>

#include "engine/synth/presets.h"

namespace lapbench::engine {
namespace {

// Large stdio buffers: model files are written in multi-megabyte pieces.
constexpr size_t kFileBufferBytes = size_t{4} << 20;

std::string Hex(const unsigned char* bytes, unsigned int n) {
  std::string out;
  for (unsigned int i = 0; i < n; ++i) out += fmt::format("{:02x}", bytes[i]);
  return out;
}

// A SHA-256 computation through OpenSSL's EVP interface.
struct Sha256 {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  Sha256() = default;
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  ~Sha256() { EVP_MD_CTX_free(ctx); }

  void Init() {
    if (ctx == nullptr || EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) != 1) {
      throw SynthError("cannot start SHA-256: 'EVP_DigestInit_ex' failed");
    }
  }
  void Update(const void* data, size_t n) { EVP_DigestUpdate(ctx, data, n); }
  std::string FinalHex() {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_DigestFinal_ex(ctx, md, &n);
    return Hex(md, n);
  }
};

}  // namespace

struct HashingFileSink::Digest : Sha256 {};

HashingFileSink::HashingFileSink(std::string path)
    : path_(std::move(path)), digest_(std::make_unique<Digest>()) {
  digest_->Init();
  file_ = std::fopen(path_.c_str(), "wb");
  if (file_ == nullptr) {
    throw SynthError(fmt::format("cannot create model file: '{}' ({})", path_,
                                 std::strerror(errno)));
  }
  std::setvbuf(file_, nullptr, _IOFBF, kFileBufferBytes);
}

HashingFileSink::~HashingFileSink() {
  if (file_ != nullptr) std::fclose(file_);
}

void HashingFileSink::Write(std::span<const std::byte> bytes) {
  if (std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size()) {
    throw SynthError(fmt::format("cannot write model file: '{}' ({})", path_,
                                 std::strerror(errno)));
  }
  digest_->Update(bytes.data(), bytes.size());
  size_bytes_ += bytes.size();
}

std::string HashingFileSink::Finish() {
  std::FILE* file = file_;
  file_ = nullptr;
  if (std::fclose(file) != 0) {
    throw SynthError(fmt::format("cannot close model file: '{}' ({})", path_,
                                 std::strerror(errno)));
  }
  return digest_->FinalHex();
}

}  // namespace lapbench::engine
