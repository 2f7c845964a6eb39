// File: watch.h
// -----------------------------------------------------------------------------
// Watches directory trees with inotify and reports files that were written
// and closed, or moved in: what `ingest_service --watch` ingests as they appear.
// New subdirectories are watched as they are created (and files already in
// them reported). Hidden names (".x", editors' temporaries) are ignored.
//
//   KHABAR_ASSIGN_OR_RETURN(auto watcher, DirectoryWatcher::Create({"incoming"}));
//   poll({watcher->fd(), POLLIN}, ...);
//   std::vector<std::string> changed = watcher->ReadChanges();
#ifndef KHABAR_INGEST_SERVICE_WATCH_H_
#define KHABAR_INGEST_SERVICE_WATCH_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"

namespace khabar::ingest {

class DirectoryWatcher {
 public:
  // Watches every directory in `dirs` recursively. NotFound naming the
  // directory when one is missing.
  static absl::StatusOr<std::unique_ptr<DirectoryWatcher>> Create(
      const std::vector<std::string>& dirs);
  ~DirectoryWatcher();
  DirectoryWatcher(const DirectoryWatcher&) = delete;
  DirectoryWatcher& operator=(const DirectoryWatcher&) = delete;

  // Readable (POLLIN) when changes are pending.
  int fd() const { return fd_; }

  // Drains pending events (non-blocking) and returns the changed regular
  // files, each once, in the order first seen.
  std::vector<std::string> ReadChanges();

 private:
  explicit DirectoryWatcher(int fd) : fd_(fd) {}
  // Watches `dir` and its subdirectories; appends files found in new ones to `found`.
  absl::Status AddTree(const std::string& dir, std::vector<std::string>* found);

  const int fd_;
  absl::flat_hash_map<int, std::string> dirs_;  // watch descriptor -> directory
};

}  // namespace khabar::ingest

#endif  // KHABAR_INGEST_SERVICE_WATCH_H_
