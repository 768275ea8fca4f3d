// GgufFile: mapping or copying a GGUF file, then tensor access and views.
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <new>

#include "engine/gguf/gguf.h"
#include "engine/gguf/parse.h"

namespace lapbench::engine::gguf {
namespace {

// Owned copies are aligned like a page-aligned mapping's data would be for
// any alignment a file is likely to use.
constexpr std::align_val_t kCopyAlignment{4096};

std::string SystemError() { return std::strerror(errno); }

// Transparent huge page size on x86-64, and the read size of a copy.
constexpr size_t kHugePageBytes = size_t{2} << 20;
constexpr size_t kCopyChunkBytes = size_t{64} << 20;

// A private read-only mapping of the whole file. Nothing is committed
// until MutableTensorData() writes.
void* MapFile(int fd, size_t size) {
  return mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
}

// An anonymous mapping of `size` rounded up to huge pages, advised for
// them (the advice is ignored where THP is off), holding the file's bytes.
// Each chunk's page-cache pages are dropped once copied. Returns
// MAP_FAILED with errno set, or throws GgufError naming the offset of a
// short read.
void* CopyIntoHugePages(int fd, size_t size, size_t& mapping_bytes,
                        const std::string& path) {
  mapping_bytes = (size + kHugePageBytes - 1) / kHugePageBytes * kHugePageBytes;
  void* data = mmap(nullptr, mapping_bytes, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (data == MAP_FAILED) return data;
  madvise(data, mapping_bytes, MADV_HUGEPAGE);
  auto* bytes = static_cast<char*>(data);
  for (size_t done = 0; done < size;) {
    const size_t want = std::min(kCopyChunkBytes, size - done);
    const ssize_t got = pread(fd, bytes + done, want, static_cast<off_t>(done));
    if (got < 0 && errno == EINTR) continue;  // a signal, e.g. a stop request
    if (got <= 0) {
      const std::string error = got < 0 ? SystemError() : "end of file";
      munmap(data, mapping_bytes);
      throw GgufError(
          path, done,
          fmt::format("cannot read: '{}' (expected {} bytes)", error, size));
    }
    posix_fadvise(fd, static_cast<off_t>(done), got, POSIX_FADV_DONTNEED);
    done += static_cast<size_t>(got);
  }
  return data;
}

}  // namespace

// The file's bytes: a private read-only mapping of the file (made writable
// page range by page range on request), an anonymous huge-page mapping
// holding a copy, or an owned aligned copy.
struct GgufFile::Storage {
  std::byte* data = nullptr;
  size_t size_bytes = 0;
  bool mapped = false;  // munmap `mapping_bytes` when done
  size_t mapping_bytes = 0;

  Storage() = default;
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;
  ~Storage() {
    if (data == nullptr) return;
    if (mapped) {
      munmap(data, mapping_bytes);
    } else {
      ::operator delete[](data, kCopyAlignment);
    }
  }
};

GgufFile::GgufFile(GgufFile&&) noexcept = default;
GgufFile& GgufFile::operator=(GgufFile&&) noexcept = default;
GgufFile::~GgufFile() = default;

GgufFile GgufFile::Open(const std::string& path, FileMemory memory) {
  GgufFile file;
  file.path_ = path;
  file.storage_ = std::make_unique<Storage>();
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    throw GgufError(path, std::nullopt,
                    fmt::format("cannot open: '{}' (expected a readable "
                                "GGUF file)",
                                SystemError()));
  }
  struct stat st {};
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw GgufError(path, std::nullopt,
                    fmt::format("not a regular file: '{}' (expected a GGUF "
                                "file)",
                                S_ISDIR(st.st_mode) ? "directory" : "other"));
  }
  auto size = static_cast<size_t>(st.st_size);
  if (size > 0) {
    size_t mapping_bytes = size;
    void* data = nullptr;
    try {
      data = memory == FileMemory::kMapped
                 ? MapFile(fd, size)
                 : CopyIntoHugePages(fd, size, mapping_bytes, path);
    } catch (...) {
      ::close(fd);
      throw;
    }
    if (data == MAP_FAILED) {
      std::string error = SystemError();
      ::close(fd);
      throw GgufError(path, std::nullopt,
                      fmt::format("cannot map: '{}' (expected a mappable "
                                  "file)",
                                  error));
    }
    file.storage_->data = static_cast<std::byte*>(data);
    file.storage_->size_bytes = size;
    file.storage_->mapped = true;
    file.storage_->mapping_bytes = mapping_bytes;
  }
  ::close(fd);
  file.Parse();
  return file;
}

GgufFile GgufFile::FromBytes(std::span<const std::byte> bytes,
                             std::string name) {
  GgufFile file;
  file.path_ = std::move(name);
  file.storage_ = std::make_unique<Storage>();
  if (!bytes.empty()) {
    file.storage_->data =
        static_cast<std::byte*>(::operator new[](bytes.size(), kCopyAlignment));
    file.storage_->size_bytes = bytes.size();
    std::memcpy(file.storage_->data, bytes.data(), bytes.size());
  }
  file.Parse();
  return file;
}

void GgufFile::Parse() {
  ParsedGguf parsed = ParseGguf(
      std::span<const std::byte>(storage_->data, storage_->size_bytes), path_);
  version_ = parsed.version;
  alignment_ = parsed.alignment;
  file_size_bytes_ = storage_->size_bytes;
  data_offset_bytes_ = parsed.data_offset_bytes;
  metadata_ = std::move(parsed.metadata);
  key_index_ = std::move(parsed.key_index);
  tensors_ = std::move(parsed.tensors);
  tensor_index_ = std::move(parsed.tensor_index);
}

std::string_view GgufFile::architecture() const {
  const Value* value = Find("general.architecture");
  const std::string* arch = value ? value->AsString() : nullptr;
  return arch ? std::string_view(*arch) : std::string_view();
}

const Value* GgufFile::Find(std::string_view key) const {
  auto it = key_index_.find(key);
  return it == key_index_.end() ? nullptr : &metadata_[it->second].value;
}

const TensorInfo* GgufFile::FindTensor(std::string_view name) const {
  auto it = tensor_index_.find(name);
  return it == tensor_index_.end() ? nullptr : &tensors_[it->second];
}

const TensorInfo& GgufFile::GetTensor(std::string_view name) const {
  const TensorInfo* info = FindTensor(name);
  if (info == nullptr) {
    throw GgufError(path_, std::nullopt,
                    fmt::format("missing tensor: '{}' (expected in the "
                                "file)",
                                name));
  }
  return *info;
}

const std::byte* GgufFile::TensorData(const TensorInfo& info) const {
  return storage_->data + data_offset_bytes_ + info.offset;
}

std::byte* GgufFile::MutableTensorData(const TensorInfo& info) {
  std::byte* data = storage_->data + data_offset_bytes_ + info.offset;
  if (!storage_->mapped) return data;

  // Make the tensor's pages writable; copy-on-write keeps the file intact.
  auto page_bytes = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  auto begin = reinterpret_cast<uintptr_t>(data) & ~(page_bytes - 1);
  auto end = reinterpret_cast<uintptr_t>(data) + info.size_bytes;
  if (mprotect(reinterpret_cast<void*>(begin), end - begin,
               PROT_READ | PROT_WRITE) != 0) {
    throw GgufError(path_, data_offset_bytes_ + info.offset,
                    fmt::format("cannot make tensor '{}' writable: '{}' "
                                "(expected mprotect to succeed)",
                                info.name, SystemError()));
  }
  return data;
}

kernels::WeightView GgufFile::View(const TensorInfo& info) const {
  if (!info.format) {
    std::string supported;
    for (const kernels::FormatInfo& f : kernels::AllFormats()) {
      if (!f.is_weight_format) continue;
      supported += fmt::format("{}{}", supported.empty() ? "" : ", ", f.name);
    }
    const GgmlType* type = FindGgmlType(info.type);
    throw GgufError(path_, std::nullopt,
                    fmt::format("tensor '{}' has a type lapbench does not "
                                "compute: '{}' (expected one of {})",
                                info.name, type ? type->name : "?", supported));
  }
  kernels::WeightView view;
  view.data = TensorData(info);
  view.format = *info.format;
  view.rows = info.rows();
  view.cols = info.cols();
  view.row_bytes = kernels::RowBytes(*info.format, info.cols(), info.name);
  return view;
}

int64_t TensorInfo::rows() const {
  int64_t n = 1;
  for (size_t i = 1; i < dims.size(); ++i) n *= dims[i];
  return n;
}

}  // namespace lapbench::engine::gguf
