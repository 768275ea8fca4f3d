// A file writer that hashes (SHA-256) and counts the bytes as they pass.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <span>
#include <string>

#include "engine/sha256.h"

namespace lapbench::engine {

// Writes bytes to a new file and computes their SHA-256 on the way, so a
// model's hash needs no second read. The bytes go to `<path>.partial`,
// renamed to `path` by Finish(): a run that fails, is interrupted or is
// killed never leaves a partial model under `path`, nor destroys a file
// already there. Throws SynthError naming the path on I/O failure.
class HashingFileSink {
 public:
  // Creates or truncates `<path>.partial`.
  explicit HashingFileSink(std::string path);
  // Closes and removes `<path>.partial` unless Finish() succeeded.
  ~HashingFileSink();
  HashingFileSink(const HashingFileSink&) = delete;
  HashingFileSink& operator=(const HashingFileSink&) = delete;

  void Write(std::span<const std::byte> bytes);
  // Flushes and closes the file, renames it to `path`, and returns the
  // SHA-256 as 64 hex digits.
  std::string Finish();

  uint64_t size_bytes() const { return size_bytes_; }

 private:
  std::string path_;
  std::string partial_path_;  // path_ + ".partial" until Finish()
  std::FILE* file_ = nullptr;
  Sha256 digest_;
  uint64_t size_bytes_ = 0;
};

}  // namespace lapbench::engine
