// Incremental SHA-256 through OpenSSL's EVP digest interface.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

namespace lapbench::engine {

class Sha256 {
 public:
  // Throws std::runtime_error when OpenSSL cannot provide SHA-256.
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(const void* data, size_t n);
  // The digest of everything updated so far, as 64 lower-case hex digits.
  // Ends the computation.
  std::string FinalHex();

 private:
  struct Context;
  std::unique_ptr<Context> context_;
};

}  // namespace lapbench::engine
