// File: checkpoint.h
// -----------------------------------------------------------------------------
// What an interrupted ingest run already delivered, so the next run resumes
// without sending it again.
//
// For every input file the checkpoint keeps the file's size and modification
// time and how many of its documents are done (acknowledged by the query
// service or rejected for good), counted from the start of the file in
// parse order; and whether the whole file is done. A file whose size or
// mtime changed starts over (its articles are upserts, so nothing is
// duplicated).
//
//   KHABAR_ASSIGN_OR_RETURN(Checkpoint cp, Checkpoint::Load("ingest.ckpt"));
//   FileKey key{path, size, mtime_ns};
//   if (cp.IsComplete(key)) skip;
//   int64_t skip = cp.DoneDocuments(key);   // parse, drop the first `skip` documents
//   cp.Update(key, done, complete);
//   KHABAR_RETURN_IF_ERROR(cp.SaveIfDue());  // atomic rewrite, at most once a second
//
// On disk: a text file, "# khabar ingest checkpoint v1" then one line per file:
// "<complete 0|1> <done> <size> <mtime_ns> <path>" (the path is the rest of
// the line). Written to a temporary file and renamed, so a crash leaves the
// previous or the new version, never a torn one. Not thread-safe.
#ifndef KHABAR_INGEST_SERVICE_STREAM_CHECKPOINT_H_
#define KHABAR_INGEST_SERVICE_STREAM_CHECKPOINT_H_

#include <cstdint>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace khabar::ingest {

struct FileKey {
  std::string path;
  int64_t size = 0;
  int64_t mtime_ns = 0;
};

class Checkpoint {
 public:
  // An empty checkpoint that records nothing and is never saved.
  Checkpoint() = default;

  // An empty checkpoint that records in memory and is never saved: what
  // watch mode uses without --checkpoint, so a file event for a version
  // already ingested is skipped.
  static Checkpoint InMemory() {
    Checkpoint cp;
    cp.in_memory_ = true;
    return cp;
  }

  // Reads `path`; a missing file is an empty checkpoint that will be saved
  // there. InvalidArgument naming the line for a file that is not one.
  static absl::StatusOr<Checkpoint> Load(absl::string_view path);

  bool enabled() const { return !path_.empty(); }
  const std::string& path() const { return path_; }

  // Documents of `key` already done; 0 when the file is unknown or changed.
  int64_t DoneDocuments(const FileKey& key) const;
  // Whether every document of `key` is done (and the file did not change).
  bool IsComplete(const FileKey& key) const;

  void Update(const FileKey& key, int64_t done, bool complete);

  // Rewrites the file atomically (no-op when not enabled or unchanged).
  absl::Status Save();
  // Save(), when the last save is older than `interval`.
  absl::Status SaveIfDue(absl::Duration interval = absl::Seconds(1));

  // Serialized form (for tests).
  std::string ToString() const;

 private:
  struct Entry {
    int64_t size = 0;
    int64_t mtime_ns = 0;
    int64_t done = 0;
    bool complete = false;
  };
  const Entry* Find(const FileKey& key) const;

  std::string path_;
  bool in_memory_ = false;
  absl::flat_hash_map<std::string, Entry> files_;
  bool dirty_ = false;
  absl::Time last_save_ = absl::InfinitePast();
};

// The key of the file at `path` (size and mtime from stat).
absl::StatusOr<FileKey> StatFileKey(absl::string_view path);

}  // namespace khabar::ingest

#endif  // KHABAR_INGEST_SERVICE_STREAM_CHECKPOINT_H_
