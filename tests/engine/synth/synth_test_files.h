// Temporary model files for the synth tests, removed when the test ends.
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <string_view>

namespace lapbench::engine::testing {

// A unique path under the temp directory; the file is deleted on scope exit.
class TempModelPath {
 public:
  explicit TempModelPath(std::string_view stem) {
    static std::atomic<int> counter{0};
    path_ = (std::filesystem::temp_directory_path() /
             (std::string("lapbench-synth-") + std::string(stem) + "-" +
              std::to_string(::getpid()) + "-" + std::to_string(counter++) +
              ".gguf"))
                .string();
  }
  ~TempModelPath() {
    std::error_code ec;
    std::filesystem::remove(path_, ec);
  }
  TempModelPath(const TempModelPath&) = delete;
  TempModelPath& operator=(const TempModelPath&) = delete;

  const std::string& str() const { return path_; }

 private:
  std::string path_;
};

}  // namespace lapbench::engine::testing
