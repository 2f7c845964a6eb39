#include "query_service/storage/store.h"

#include <filesystem>
#include <utility>

#include "common/base/status_macros.h"

namespace khabar::storage {

absl::StatusOr<std::unique_ptr<Store>> Store::Open(StoreOptions options) {
  KHABAR_ASSIGN_OR_RETURN(std::unique_ptr<Wal> wal,
                          Wal::Open({.dir = options.dir,
                                     .sync = options.sync,
                                     .segment_bytes = options.segment_bytes,
                                     .max_record_bytes = options.max_record_bytes}));
  return std::unique_ptr<Store>(new Store(std::move(options), std::move(wal)));
}

absl::StatusOr<RecoveryReport> Store::Recover(ReplayFn fn) {
  RecoveryReport report;
  KHABAR_ASSIGN_OR_RETURN(std::vector<SnapshotInfo> snapshots, ListSnapshots(options_.dir));
  for (const SnapshotInfo& candidate : snapshots) {
    bool applied = false;
    absl::StatusOr<SnapshotInfo> loaded =
        LoadSnapshot(candidate.path, options_.max_record_bytes, [&](absl::string_view payload) {
          applied = true;
          return fn(RecordType::kUpsert, candidate.lsn, payload);
        });
    if (loaded.ok()) {
      report.snapshot_file = loaded->path;
      report.snapshot_lsn = loaded->lsn;
      report.snapshot_records = static_cast<int64_t>(loaded->records);
      break;
    }
    // A damaged file is skipped (LoadSnapshot applies nothing from it); an
    // error from `fn` or from the file system is the caller's.
    if (applied || !absl::IsDataLoss(loaded.status())) return loaded.status();
    report.skipped_snapshots.push_back({candidate.path, std::string(loaded.status().message())});
  }
  KHABAR_ASSIGN_OR_RETURN(report.wal, wal_->Replay(report.snapshot_lsn, fn));
  absl::MutexLock lock(&mu_);
  last_snapshot_lsn_ = report.snapshot_lsn;
  return report;
}

absl::StatusOr<SnapshotInfo> Store::WriteSnapshot(Lsn lsn, absl::Span<const std::string> payloads) {
  absl::MutexLock serial(&snapshot_mu_);
  KHABAR_ASSIGN_OR_RETURN(std::unique_ptr<SnapshotWriter> writer,
                          SnapshotWriter::Create(options_.dir, lsn, options_.sync));
  for (const std::string& p : payloads) KHABAR_RETURN_IF_ERROR(writer->Add(p));
  SnapshotInfo info;
  KHABAR_ASSIGN_OR_RETURN(info.path, writer->Finish());
  info.lsn = lsn;
  info.records = payloads.size();
  std::error_code ec;
  info.bytes = std::filesystem::file_size(info.path, ec);
  {
    absl::MutexLock lock(&mu_);
    last_snapshot_lsn_ = std::max(last_snapshot_lsn_, lsn);
  }
  KHABAR_ASSIGN_OR_RETURN(std::vector<SnapshotInfo> kept,
                          PruneSnapshots(options_.dir, options_.keep_snapshots));
  // The log must reach back to the oldest snapshot we might fall back to; with
  // fewer snapshots than `keep_snapshots`, back to the start (LSN 0).
  const int keep = std::max(options_.keep_snapshots, 1);
  const Lsn retain_after = static_cast<int>(kept.size()) >= keep ? kept.back().lsn : 0;
  KHABAR_RETURN_IF_ERROR(wal_->DropSegmentsThrough(retain_after).status());
  return info;
}

Lsn Store::last_snapshot_lsn() const {
  absl::MutexLock lock(&mu_);
  return last_snapshot_lsn_;
}

}  // namespace khabar::storage
