// SHA-256 of a whole model file with OpenSSL's EVP digest, streamed.
#include "engine/gguf/file_hash.h"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

#include "engine/gguf/gguf.h"

namespace lapbench::engine::gguf {
namespace {

// 4 MiB reads: large enough that syscalls do not show, small enough to
// leave the page cache to the model itself.
constexpr size_t kChunkBytes = size_t{4} << 20;

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
struct DigestFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

}  // namespace

std::string FileSha256Hex(const std::string& path) {
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (!file) {
    throw GgufError(path, std::nullopt,
                    fmt::format("cannot open for hashing: '{}' (expected a "
                                "readable file)",
                                std::strerror(errno)));
  }
  std::unique_ptr<EVP_MD_CTX, DigestFree> ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) {
    throw GgufError(path, std::nullopt,
                    "cannot start SHA-256: 'EVP_DigestInit_ex failed' "
                    "(expected OpenSSL to provide SHA-256)");
  }
  std::vector<unsigned char> chunk(kChunkBytes);
  uint64_t offset = 0;
  while (size_t n = std::fread(chunk.data(), 1, chunk.size(), file.get())) {
    EVP_DigestUpdate(ctx.get(), chunk.data(), n);
    offset += n;
  }
  if (std::ferror(file.get())) {
    throw GgufError(path, offset,
                    fmt::format("cannot read for hashing: '{}' (expected "
                                "the whole file readable)",
                                std::strerror(errno)));
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_bytes = 0;
  EVP_DigestFinal_ex(ctx.get(), digest, &digest_bytes);
  std::string hex;
  for (unsigned int i = 0; i < digest_bytes; ++i) {
    hex += fmt::format("{:02x}", digest[i]);
  }
  return hex;
}

}  // namespace lapbench::engine::gguf
