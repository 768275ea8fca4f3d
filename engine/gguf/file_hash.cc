// SHA-256 of a whole model file with OpenSSL's EVP digest, streamed.
#include "engine/gguf/file_hash.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

#include "engine/gguf/gguf.h"
#include "engine/sha256.h"

namespace lapbench::engine::gguf {
namespace {

// 4 MiB reads: large enough that syscalls do not show, small enough to
// leave the page cache to the model itself.
constexpr size_t kChunkBytes = size_t{4} << 20;

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
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
  Sha256 sha256;
  std::vector<unsigned char> chunk(kChunkBytes);
  uint64_t offset = 0;
  while (size_t n = std::fread(chunk.data(), 1, chunk.size(), file.get())) {
    sha256.Update(chunk.data(), n);
    offset += n;
  }
  if (std::ferror(file.get())) {
    throw GgufError(path, offset,
                    fmt::format("cannot read for hashing: '{}' (expected "
                                "the whole file readable)",
                                std::strerror(errno)));
  }
  return sha256.FinalHex();
}

}  // namespace lapbench::engine::gguf
