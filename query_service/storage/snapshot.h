// File: snapshot.h
// -----------------------------------------------------------------------------
// Snapshot files `<dir>/snapshot-<lsn, 20 digits>.snap`: every live record as
// of LSN `lsn`, so that recovery loads the snapshot and replays only the WAL
// records after it. Layout (little-endian, docs/durability.md):
//
//   header   "KHSNAP\0\1" | u32 version (1) | u64 lsn | u64 record count |
//            u32 masked crc32c of the 28 bytes before it              (32 bytes)
//   records  log_format.h framing, type UPSERT, lsn = the snapshot LSN
//   trailer  u64 record count | u32 masked crc32c of all record bytes |
//            "KHSNEND\0"                                              (20 bytes)
//
// Written to `<name>.tmp`, fdatasync'd, renamed, and the directory fsync'd,
// so a snapshot file either is whole or does not exist under its final name.
//
//   KHABAR_ASSIGN_OR_RETURN(auto w, storage::SnapshotWriter::Create(dir, lsn, SyncMode::kFsync));
//   for (const std::string& p : payloads) KHABAR_RETURN_IF_ERROR(w->Add(p));
//   KHABAR_ASSIGN_OR_RETURN(std::string path, w->Finish());
#ifndef KHABAR_QUERY_SERVICE_STORAGE_SNAPSHOT_H_
#define KHABAR_QUERY_SERVICE_STORAGE_SNAPSHOT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "query_service/storage/log_format.h"
#include "query_service/storage/wal.h"

namespace khabar::storage {

inline constexpr uint32_t kSnapshotVersion = 1;
inline constexpr size_t kSnapshotHeaderSize = 32;
inline constexpr size_t kSnapshotTrailerSize = 20;

class SnapshotWriter {
 public:
  static absl::StatusOr<std::unique_ptr<SnapshotWriter>> Create(const std::string& dir, Lsn lsn,
                                                                SyncMode sync);
  // Removes the temporary file unless Finish() succeeded.
  ~SnapshotWriter();
  SnapshotWriter(const SnapshotWriter&) = delete;
  SnapshotWriter& operator=(const SnapshotWriter&) = delete;

  absl::Status Add(absl::string_view payload);
  // Completes the file and moves it to its final name, which is returned.
  absl::StatusOr<std::string> Finish();

 private:
  SnapshotWriter(std::string dir, std::string tmp_path, std::string final_path, int fd, Lsn lsn,
                 SyncMode sync);
  absl::Status Flush();

  const std::string dir_;
  const std::string tmp_path_;
  const std::string final_path_;
  const Lsn lsn_;
  const SyncMode sync_;
  int fd_;
  std::string buffer_;
  uint32_t records_crc_ = 0;
  uint64_t records_ = 0;
  bool finished_ = false;
};

struct SnapshotInfo {
  std::string path;
  Lsn lsn = 0;
  uint64_t records = 0;
  uint64_t bytes = 0;
};

// "snapshot-00000000000000000042.snap" for LSN 42.
std::string SnapshotName(Lsn lsn);

// The snapshot files in `dir` (not temporary ones), newest (highest LSN) first.
absl::StatusOr<std::vector<SnapshotInfo>> ListSnapshots(const std::string& dir);

// Checks the whole file (header, every record, count, trailer checksum), and
// only then gives each payload, in order, to `fn`. DataLossError naming the
// file, byte offset and reason when the file is damaged; nothing has been
// given to `fn` then.
absl::StatusOr<SnapshotInfo> LoadSnapshot(const std::string& path, uint32_t max_record_bytes,
                                          absl::FunctionRef<absl::Status(absl::string_view)> fn);

// Deletes all but the newest `keep` snapshots and any leftover temporary
// files. Returns the snapshots kept, newest first.
absl::StatusOr<std::vector<SnapshotInfo>> PruneSnapshots(const std::string& dir, int keep);

}  // namespace khabar::storage

#endif  // KHABAR_QUERY_SERVICE_STORAGE_SNAPSHOT_H_
