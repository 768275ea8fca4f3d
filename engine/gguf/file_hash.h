// SHA-256 of a whole model file, read in chunks (never all in memory).
#pragma once

#include <string>

namespace lapbench::engine::gguf {

// Lower-case hex SHA-256 of the file at `path`. Throws GgufError naming the
// path when it cannot be read.
std::string FileSha256Hex(const std::string& path);

}  // namespace lapbench::engine::gguf
