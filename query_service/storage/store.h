// File: store.h
// -----------------------------------------------------------------------------
// A data directory = snapshots + write-ahead log. Recover() loads the newest
// intact snapshot (falling back to older ones, reported) and replays the WAL
// records after it; WriteSnapshot() persists the live records as of an LSN and
// then drops the WAL segments no retained snapshot needs.
//
//   KHABAR_ASSIGN_OR_RETURN(auto store, storage::Store::Open({.dir = dir}));
//   KHABAR_ASSIGN_OR_RETURN(storage::RecoveryReport report, store->Recover(apply));
//   store->wal().AppendAndSync(...);
//   store->WriteSnapshot(lsn, payloads);   // payloads: every live record at lsn
#ifndef KHABAR_QUERY_SERVICE_STORAGE_STORE_H_
#define KHABAR_QUERY_SERVICE_STORAGE_STORE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"
#include "query_service/storage/snapshot.h"
#include "query_service/storage/wal.h"

namespace khabar::storage {

struct StoreOptions {
  std::string dir;
  SyncMode sync = SyncMode::kFsync;
  uint64_t segment_bytes = 64ull << 20;
  uint32_t max_record_bytes = kDefaultMaxRecordBytes;
  // Snapshots kept. With 2, the WAL is kept back to the older one, so a
  // damaged newest snapshot can still be recovered from (older snapshot + log).
  int keep_snapshots = 2;
};

struct SkippedSnapshot {
  std::string file;
  std::string reason;
};

struct RecoveryReport {
  std::string snapshot_file;  // empty when no snapshot was loaded
  Lsn snapshot_lsn = 0;
  int64_t snapshot_records = 0;
  std::vector<SkippedSnapshot> skipped_snapshots;  // damaged, newest first
  WalReplayReport wal;
};

class Store {
 public:
  static absl::StatusOr<std::unique_ptr<Store>> Open(StoreOptions options);

  // Gives `fn` the snapshot's records (as kUpsert at the snapshot LSN), then
  // the WAL's records after it, in LSN order. REQUIRES: called once, first.
  absl::StatusOr<RecoveryReport> Recover(ReplayFn fn);

  Wal& wal() { return *wal_; }
  const Wal& wal() const { return *wal_; }

  // Writes a snapshot holding `payloads` (every live record as of `lsn`, in
  // the order they should be re-applied), prunes old snapshots and drops the
  // WAL segments that the retained snapshots cover. Call Wal::Roll() when
  // taking the copy so that records <= lsn sit in closed segments.
  // Concurrent calls are serialized.
  absl::StatusOr<SnapshotInfo> WriteSnapshot(Lsn lsn, absl::Span<const std::string> payloads);

  Lsn last_snapshot_lsn() const;

  const StoreOptions& options() const { return options_; }

 private:
  Store(StoreOptions options, std::unique_ptr<Wal> wal)
      : options_(std::move(options)), wal_(std::move(wal)) {}

  const StoreOptions options_;
  const std::unique_ptr<Wal> wal_;
  absl::Mutex snapshot_mu_;  // one snapshot write at a time
  mutable absl::Mutex mu_;
  Lsn last_snapshot_lsn_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace khabar::storage

#endif  // KHABAR_QUERY_SERVICE_STORAGE_STORE_H_
