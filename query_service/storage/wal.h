// File: wal.h
// -----------------------------------------------------------------------------
// A write-ahead log of opaque records in segment files
// `<dir>/wal-<first lsn, 20 digits>.log` (framing: log_format.h). Appends are
// written to the OS at once and made durable by Sync(), which is a group
// commit: concurrent callers share one fdatasync (the first becomes the
// leader and syncs everything written so far, the others wait until
// synced_lsn() covers their LSN).
//
//   KHABAR_ASSIGN_OR_RETURN(std::unique_ptr<storage::Wal> wal,
//                           storage::Wal::Open({.dir = "/var/lib/khabar"}));
//   KHABAR_ASSIGN_OR_RETURN(storage::WalReplayReport report,
//       wal->Replay(/*after=*/0, [&](storage::RecordType t, storage::Lsn lsn,
//                                    absl::string_view payload) { ...; return absl::OkStatus(); }));
//   KHABAR_ASSIGN_OR_RETURN(storage::Lsn lsn,
//       wal->AppendAndSync({{storage::RecordType::kUpsert, bytes}}));
//
// Recovery: segments are read in order; a torn tail of the LAST segment
// (short header, short payload, bad length, bad crc) is cut off (ftruncate +
// fsync) and reported in WalReplayReport::tail_cut. Damage anywhere else, or
// a damaged record followed by an intact one (corruption, not a torn write),
// is DataLossError naming the file and byte offset. Thread-safe after Replay.
#ifndef KHABAR_QUERY_SERVICE_STORAGE_WAL_H_
#define KHABAR_QUERY_SERVICE_STORAGE_WAL_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"
#include "query_service/storage/log_format.h"

namespace khabar::storage {

enum class SyncMode {
  kFsync,  // Sync() calls fdatasync: an acknowledged record survives power loss
  kNone,   // Sync() returns at once: survives a process crash, not power loss
};

struct WalOptions {
  std::string dir;
  SyncMode sync = SyncMode::kFsync;
  // A segment is closed and a new one started once it holds this many bytes.
  uint64_t segment_bytes = 64ull << 20;
  uint32_t max_record_bytes = kDefaultMaxRecordBytes;
};

// One record to append; `payload` need only live for the call.
struct RecordRef {
  RecordType type;
  absl::string_view payload;
};

// The torn or corrupt tail that recovery cut off the last segment.
struct TailCut {
  std::string file;
  uint64_t offset = 0;  // where the bad record started = the new file size
  std::string reason;   // "short header", "short payload", "bad length", "bad crc", ...
  uint64_t bytes_cut = 0;
};

struct WalReplayReport {
  int64_t records_replayed = 0;  // lsn > after: given to the callback
  int64_t records_skipped = 0;   // lsn <= after: already in the snapshot
  int segments = 0;
  Lsn last_lsn = 0;
  std::optional<TailCut> tail_cut;
};

struct WalStats {
  uint64_t bytes = 0;  // on disk, all segments
  int segments = 0;
  Lsn last_lsn = 0;
  Lsn synced_lsn = 0;
};

// Called once per record, in LSN order; an error stops the replay and is returned.
using ReplayFn = absl::FunctionRef<absl::Status(RecordType type, Lsn lsn, absl::string_view payload)>;

class Wal {
 public:
  // Creates `options.dir` when missing. Reads nothing: call Replay() next.
  static absl::StatusOr<std::unique_ptr<Wal>> Open(WalOptions options);
  // Closes the segment without syncing (a clean shutdown calls Sync first).
  ~Wal();
  Wal(const Wal&) = delete;
  Wal& operator=(const Wal&) = delete;

  // Recovery: gives every record with lsn > `after` to `fn`, in order, cuts a
  // torn tail, and opens the last segment for appending (the next LSN is
  // max(last LSN on disk, after) + 1). REQUIRES: called once, before Append.
  absl::StatusOr<WalReplayReport> Replay(Lsn after, ReplayFn fn);

  // Writes `records` (not yet durable) and returns the LSN of the last one;
  // with no records, returns last_lsn(). After a write or sync error the log
  // refuses every later call (the on-disk state is no longer known).
  absl::StatusOr<Lsn> Append(absl::Span<const RecordRef> records);

  // Returns once every record with LSN <= `lsn` is durable (SyncMode::kFsync).
  absl::Status Sync(Lsn lsn);

  absl::StatusOr<Lsn> AppendAndSync(absl::Span<const RecordRef> records);

  // Syncs and closes the current segment and starts a new one, so that the
  // records written so far sit in closed segments. No-op when it is empty.
  absl::Status Roll();

  // Deletes the closed segments whose records all have LSN <= `lsn` (the
  // directory is fsynced). Returns how many were deleted.
  absl::StatusOr<int> DropSegmentsThrough(Lsn lsn);

  Lsn last_lsn() const;
  WalStats Stats() const;

  // "wal-00000000000000000001.log" for first LSN 1.
  static std::string SegmentName(Lsn first_lsn);

 private:
  struct Segment {
    Lsn first_lsn = 0;  // from the name: the LSN its first record has (or will have)
    std::string path;
    uint64_t bytes = 0;
  };

  explicit Wal(WalOptions options) : options_(std::move(options)) {}

  absl::Status OpenNewSegmentLocked(Lsn first_lsn) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status RollLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void WaitForSyncIdleLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  // Constant after construction.
  const WalOptions options_;

  mutable absl::Mutex mu_;
  absl::CondVar synced_cv_;  // signalled when a sync finishes
  bool replayed_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<Segment> segments_ ABSL_GUARDED_BY(mu_);  // by LSN; the last is open
  int fd_ ABSL_GUARDED_BY(mu_) = -1;                    // the last segment, for appends
  Lsn last_lsn_ ABSL_GUARDED_BY(mu_) = 0;
  Lsn synced_lsn_ ABSL_GUARDED_BY(mu_) = 0;
  bool sync_in_progress_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status broken_ ABSL_GUARDED_BY(mu_);  // sticky write/sync error
};

}  // namespace khabar::storage

#endif  // KHABAR_QUERY_SERVICE_STORAGE_WAL_H_
