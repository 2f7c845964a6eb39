#include "query_service/durable_engine.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/base/logging.h"
#include "common/base/priority.h"
#include "common/base/status_macros.h"

namespace khabar::query {
namespace {

// Documents re-indexed per engine lock during recovery.
constexpr size_t kReplayBatch = 512;

}  // namespace

DurableEngine::DurableEngine(search::Engine* engine, DurabilityOptions options,
                             std::unique_ptr<storage::Store> store)
    : engine_(engine), options_(std::move(options)), store_(std::move(store)) {}

absl::StatusOr<std::unique_ptr<DurableEngine>> DurableEngine::Open(search::Engine* engine,
                                                                   DurabilityOptions options,
                                                                   PayloadDecoder decoder) {
  std::unique_ptr<storage::Store> store;
  if (!options.data_dir.empty()) {
    KHABAR_ASSIGN_OR_RETURN(store, storage::Store::Open({.dir = options.data_dir,
                                                         .sync = options.sync,
                                                         .segment_bytes = options.segment_bytes}));
  }
  auto d = std::unique_ptr<DurableEngine>(
      new DurableEngine(engine, std::move(options), std::move(store)));
  if (d->store_ != nullptr) {
    KHABAR_RETURN_IF_ERROR(d->Recover(decoder));
    // Snapshots are background work, at the indexing priority.
    d->snapshot_thread_ = std::thread([p = d.get(), nice = engine->options().indexing_nice] {
      base::LowerThisThreadPriority(nice);
      p->SnapshotLoop();
    });
  }
  return d;
}

DurableEngine::~DurableEngine() {
  absl::Status s = Close();
  if (!s.ok()) base::LogError("closing the data directory failed", {{"error", s.ToString()}});
}

absl::Status DurableEngine::Recover(const PayloadDecoder& decoder) {
  const absl::Time start = absl::Now();
  std::vector<index::Document> pending;
  int64_t rejected = 0;
  auto flush = [&] {
    if (pending.empty()) return;
    for (const auto& r : engine_->UpsertBatch(std::move(pending))) {
      if (!r.ok()) ++rejected;
    }
    pending.clear();
  };
  KHABAR_ASSIGN_OR_RETURN(
      recovery_.report,
      store_->Recover([&](storage::RecordType type, storage::Lsn lsn,
                          absl::string_view payload) -> absl::Status {
        ++recovery_.records_applied;
        if (type == storage::RecordType::kUpsert) {
          absl::StatusOr<index::Document> doc = decoder(payload);
          if (!doc.ok()) {
            return absl::DataLossError(absl::StrCat("record at LSN ", lsn,
                                                    " has an intact checksum but does not decode: ",
                                                    doc.status().message()));
          }
          pending.push_back(std::move(*doc));
          if (pending.size() >= kReplayBatch) flush();
        } else {
          flush();  // keep LSN order
          engine_->Delete({std::string(payload)}, nullptr);
        }
        return absl::OkStatus();
      }));
  flush();
  recovery_.rejected_on_replay = rejected;
  recovery_.documents = engine_->Stats().index.live_documents;
  recovery_.took = absl::Now() - start;
  absl::MutexLock lock(&snap_mu_);
  snapshot_copy_lsn_ = recovery_.report.snapshot_lsn;
  return absl::OkStatus();
}

absl::Status DurableEngine::AppendUnlockAndSync(const std::vector<storage::RecordRef>& records) {
  // Even with nothing to log, sync up to the last LSN: an UNCHANGED ack may
  // depend on another stream's record that is written but not yet synced.
  absl::StatusOr<storage::Lsn> lsn = store_->wal().Append(records);
  order_mu_.Unlock();
  if (!lsn.ok()) return lsn.status();
  KHABAR_RETURN_IF_ERROR(store_->wal().Sync(*lsn));
  MaybeRequestSnapshot(*lsn);
  return absl::OkStatus();
}

absl::StatusOr<UpsertResults> DurableEngine::UpsertBatch(std::vector<index::Document> docs) {
  return ApplyBatch(PrepareBatch(std::move(docs)));
}

absl::StatusOr<UpsertResults> DurableEngine::ApplyBatch(search::Engine::PreparedBatch batch) {
  if (store_ == nullptr) return engine_->ApplyBatch(std::move(batch));
  // The engine keeps the documents; the log needs the payloads afterwards.
  std::vector<std::string> payloads;
  payloads.reserve(batch.size());
  for (size_t i = 0; i < batch.size(); ++i) payloads.push_back(batch.payload(i));

  order_mu_.Lock();
  UpsertResults results = engine_->ApplyBatch(std::move(batch));
  std::vector<storage::RecordRef> records;
  for (size_t i = 0; i < results.size(); ++i) {
    if (results[i].ok() && *results[i] != index::UpsertOutcome::kUnchanged) {
      records.push_back({storage::RecordType::kUpsert, payloads[i]});
    }
  }
  KHABAR_RETURN_IF_ERROR(AppendUnlockAndSync(records));
  return results;
}

absl::StatusOr<int64_t> DurableEngine::Delete(const std::vector<std::string>& ids,
                                              std::vector<std::string>* not_found) {
  if (store_ == nullptr) return engine_->Delete(ids, not_found);
  std::vector<std::string> missing;
  order_mu_.Lock();
  const int64_t deleted = engine_->Delete(ids, &missing);
  std::vector<storage::RecordRef> records;
  {
    size_t m = 0;  // `missing` is a subsequence of `ids`
    for (const std::string& id : ids) {
      if (m < missing.size() && missing[m] == id) {
        ++m;
      } else {
        records.push_back({storage::RecordType::kDelete, id});
      }
    }
  }
  KHABAR_RETURN_IF_ERROR(AppendUnlockAndSync(records));
  if (not_found != nullptr) {
    for (std::string& id : missing) not_found->push_back(std::move(id));
  }
  return deleted;
}

void DurableEngine::MaybeRequestSnapshot(storage::Lsn last_lsn) {
  if (options_.snapshot_every_records <= 0) return;
  absl::MutexLock lock(&snap_mu_);
  if (!snapshot_requested_ &&
      last_lsn - snapshot_copy_lsn_ >= static_cast<uint64_t>(options_.snapshot_every_records)) {
    snapshot_requested_ = true;
    snap_cv_.Signal();
  }
}

void DurableEngine::SnapshotLoop() {
  while (true) {
    {
      absl::MutexLock lock(&snap_mu_);
      while (!snapshot_requested_ && !stopping_) snap_cv_.Wait(&snap_mu_);
      if (stopping_) return;
    }
    absl::Status s = Snapshot();
    if (!s.ok()) base::LogError("snapshot failed", {{"error", s.ToString()}});
    absl::MutexLock lock(&snap_mu_);
    snapshot_requested_ = false;
  }
}

absl::Status DurableEngine::Snapshot() {
  if (store_ == nullptr) return absl::OkStatus();
  const absl::Time start = absl::Now();
  std::vector<std::string> payloads;
  storage::Lsn lsn;
  {
    absl::MutexLock order(&order_mu_);
    lsn = store_->wal().last_lsn();
    KHABAR_RETURN_IF_ERROR(store_->wal().Roll());
    payloads = engine_->LivePayloads();
  }
  const absl::Duration copy = absl::Now() - start;
  {
    absl::MutexLock lock(&snap_mu_);
    snapshot_copy_lsn_ = lsn;
  }
  KHABAR_ASSIGN_OR_RETURN(storage::SnapshotInfo info, store_->WriteSnapshot(lsn, payloads));
  base::LogInfo("snapshot written", {{"file", info.path},
                                     {"lsn", absl::StrCat(lsn)},
                                     {"documents", absl::StrCat(payloads.size())},
                                     {"copy_ms", absl::StrCat(absl::ToInt64Milliseconds(copy))},
                                     {"total_ms", absl::StrCat(absl::ToInt64Milliseconds(
                                                      absl::Now() - start))}});
  return absl::OkStatus();
}

absl::Status DurableEngine::Close() {
  {
    absl::MutexLock lock(&snap_mu_);
    if (closed_) return absl::OkStatus();
    closed_ = true;
    stopping_ = true;
    snap_cv_.SignalAll();
  }
  if (snapshot_thread_.joinable()) snapshot_thread_.join();
  if (store_ == nullptr) return absl::OkStatus();
  if (options_.snapshot_on_close && store_->wal().last_lsn() > store_->last_snapshot_lsn()) {
    KHABAR_RETURN_IF_ERROR(Snapshot());
  }
  return store_->wal().Sync(store_->wal().last_lsn());
}

DurabilityStats DurableEngine::Stats() const {
  DurabilityStats s;
  s.durable = store_ != nullptr;
  if (store_ == nullptr) return s;
  const storage::WalStats wal = store_->wal().Stats();
  s.wal_bytes = wal.bytes;
  s.last_lsn = wal.last_lsn;
  s.last_snapshot_lsn = store_->last_snapshot_lsn();
  s.wal_records_since_snapshot = static_cast<int64_t>(wal.last_lsn - s.last_snapshot_lsn);
  return s;
}

}  // namespace khabar::query
