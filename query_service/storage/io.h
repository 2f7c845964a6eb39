// File: io.h
// -----------------------------------------------------------------------------
// The POSIX file operations the WAL and snapshots need, with errors that name
// the path and errno: a read-only mapping of a whole file, write-all, fsync of
// a file and of its directory (so a create, rename or unlink is durable).
#ifndef KHABAR_QUERY_SERVICE_STORAGE_IO_H_
#define KHABAR_QUERY_SERVICE_STORAGE_IO_H_

#include <cstddef>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace khabar::storage {

// A read-only view of a whole file (mmap). Non-copyable; unmapped on destruction.
class MappedFile {
 public:
  static absl::StatusOr<std::unique_ptr<MappedFile>> Open(const std::string& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  absl::string_view data() const { return absl::string_view(data_, size_); }

 private:
  MappedFile(const char* data, size_t size) : data_(data), size_(size) {}
  const char* data_;
  size_t size_;
};

// An errno-carrying status: "<path>: <what>: <strerror>".
absl::Status ErrnoError(absl::string_view path, absl::string_view what, int err);

// write(2) until all of `data` is written.
absl::Status WriteAll(int fd, absl::string_view data, absl::string_view path);

// fsync(2) of the directory `dir`.
absl::Status SyncDir(const std::string& dir);

// Creates `dir` (and parents) when missing.
absl::Status EnsureDir(const std::string& dir);

// ftruncate(2) `path` to `size`, then fsync it.
absl::Status TruncateAndSync(const std::string& path, size_t size);

}  // namespace khabar::storage

#endif  // KHABAR_QUERY_SERVICE_STORAGE_IO_H_
