// File: durable_engine.h
// -----------------------------------------------------------------------------
// The write path of the query service with "acknowledged means durable": a
// search::Engine in front of a storage::Store (snapshots + WAL) in a data
// directory. Each batch is applied to the engine, its CREATED/UPDATED records
// (DELETEs for deletions) are appended to the WAL in the same order, and the
// call returns only once the log is synced up to that point (group commit:
// concurrent streams share fdatasyncs). Without a data directory it is a thin
// pass-through and nothing is durable.
//
//   auto durable = DurableEngine::Open(&engine, {.data_dir = dir}, DocumentFromPayload);
//   // (*durable)->recovery() says what was loaded.
//   absl::StatusOr<UpsertResults> r = (*durable)->UpsertBatch(std::move(docs));  // then ack
//
// Snapshots: a background thread writes one every `snapshot_every_records`
// logged records, and Close() writes one. The live payloads are copied under
// the engine's reader lock (searches go on; ingest waits for the copy) at an
// LSN L, then written outside any lock; records logged meanwhile stay in the
// WAL, which is rolled at L so that old segments can be dropped.
#ifndef KHABAR_QUERY_SERVICE_DURABLE_ENGINE_H_
#define KHABAR_QUERY_SERVICE_DURABLE_ENGINE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "query_service/index/inverted_index.h"
#include "query_service/search/engine.h"
#include "query_service/storage/store.h"

namespace khabar::query {

struct DurabilityOptions {
  std::string data_dir;  // empty: memory only, acks are not durable
  storage::SyncMode sync = storage::SyncMode::kFsync;
  int64_t snapshot_every_records = 100000;  // 0: only at Close()
  bool snapshot_on_close = true;
  uint64_t segment_bytes = 64ull << 20;
};

// Turns a logged payload back into the document to index.
using PayloadDecoder = std::function<absl::StatusOr<index::Document>(absl::string_view payload)>;

struct RecoverySummary {
  storage::RecoveryReport report;
  int64_t documents = 0;           // live after recovery
  int64_t records_applied = 0;     // snapshot records + WAL records replayed
  int64_t rejected_on_replay = 0;  // records the index refused (e.g. stricter limits)
  absl::Duration took;
};

struct DurabilityStats {
  bool durable = false;
  uint64_t wal_bytes = 0;
  int64_t wal_records_since_snapshot = 0;
  uint64_t last_snapshot_lsn = 0;
  uint64_t last_lsn = 0;
};

using UpsertResults = std::vector<absl::StatusOr<index::UpsertOutcome>>;

class DurableEngine {
 public:
  // Recovers the data directory into `engine` (which must be empty and must
  // outlive this object) before returning; starts the snapshot thread.
  static absl::StatusOr<std::unique_ptr<DurableEngine>> Open(search::Engine* engine,
                                                             DurabilityOptions options,
                                                             PayloadDecoder decoder);
  // Calls Close() if it was not called.
  ~DurableEngine();
  DurableEngine(const DurableEngine&) = delete;
  DurableEngine& operator=(const DurableEngine&) = delete;

  // Engine::UpsertBatch, then log and sync. An error means the batch may be
  // applied in memory but is not known to be durable: do not acknowledge it.
  absl::StatusOr<UpsertResults> UpsertBatch(std::vector<index::Document> docs);
  // The same in two steps (Engine::PrepareBatch, then Engine::ApplyBatch and
  // the log): a stream analyses its next batch while the last is applied.
  search::Engine::PreparedBatch PrepareBatch(std::vector<index::Document> docs) const {
    return engine_->PrepareBatch(std::move(docs));
  }
  absl::StatusOr<UpsertResults> ApplyBatch(search::Engine::PreparedBatch batch);

  // Engine::Delete, then log and sync; the same error contract.
  absl::StatusOr<int64_t> Delete(const std::vector<std::string>& ids,
                                 std::vector<std::string>* not_found);

  // Writes a snapshot now (no-op without a data directory).
  absl::Status Snapshot();

  // Stops the snapshot thread, writes a final snapshot when records were
  // logged since the last one, and syncs the log. Idempotent.
  absl::Status Close();

  bool durable() const { return store_ != nullptr; }
  const RecoverySummary& recovery() const { return recovery_; }
  DurabilityStats Stats() const;

 private:
  DurableEngine(search::Engine* engine, DurabilityOptions options,
                std::unique_ptr<storage::Store> store);
  absl::Status Recover(const PayloadDecoder& decoder);
  // Appends `records` (REQUIRES order_mu_, which it releases) and syncs.
  absl::Status AppendUnlockAndSync(const std::vector<storage::RecordRef>& records);
  void MaybeRequestSnapshot(storage::Lsn last_lsn);
  void SnapshotLoop();

  // Constant after construction.
  search::Engine* const engine_;
  const DurabilityOptions options_;
  const std::unique_ptr<storage::Store> store_;  // null: memory only
  RecoverySummary recovery_;

  // Held from applying a batch to the engine until its records are appended,
  // so that LSN order is apply order (and a snapshot copy is exactly the
  // state at one LSN). Syncs happen outside it.
  absl::Mutex order_mu_;

  absl::Mutex snap_mu_;
  absl::CondVar snap_cv_;
  bool snapshot_requested_ ABSL_GUARDED_BY(snap_mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(snap_mu_) = false;
  bool closed_ ABSL_GUARDED_BY(snap_mu_) = false;
  storage::Lsn snapshot_copy_lsn_ ABSL_GUARDED_BY(snap_mu_) = 0;  // LSN of the last copy taken
  std::thread snapshot_thread_;
};

}  // namespace khabar::query

#endif  // KHABAR_QUERY_SERVICE_DURABLE_ENGINE_H_
