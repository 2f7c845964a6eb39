#include "query_service/storage/snapshot.h"

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "query_service/storage/store.h"
#include "query_service/storage/test_util.h"

namespace khabar::storage {
namespace {

namespace fs = std::filesystem;
using testing::ReadBytes;
using testing::TempDir;
using testing::WriteBytes;

// The state a store's records describe: id -> payload. Upsert payloads are
// "id=value"; delete payloads are the id.
using State = std::map<std::string, std::string>;

void Apply(State* state, RecordType type, absl::string_view payload) {
  if (type == RecordType::kUpsert) {
    const std::string p(payload);
    (*state)[p.substr(0, p.find('='))] = p;
  } else {
    state->erase(std::string(payload));
  }
}

std::vector<std::string> Payloads(const State& s) {
  std::vector<std::string> out;
  for (const auto& [id, p] : s) out.push_back(p);
  return out;
}

struct Recovered {
  std::unique_ptr<Store> store;
  RecoveryReport report;
  State state;
  absl::Status status;
};

Recovered Recover(const std::string& dir) {
  Recovered r;
  absl::StatusOr<std::unique_ptr<Store>> store = Store::Open({.dir = dir});
  if (!store.ok()) {
    r.status = store.status();
    return r;
  }
  r.store = std::move(*store);
  absl::StatusOr<RecoveryReport> report =
      r.store->Recover([&](RecordType t, Lsn, absl::string_view payload) {
        Apply(&r.state, t, payload);
        return absl::OkStatus();
      });
  r.status = report.status();
  if (report.ok()) r.report = *report;
  return r;
}

// Appends an upsert of id=value, or a delete when value is empty, to the WAL and the model.
void Write(Store* store, State* model, const std::string& id, const std::string& value) {
  const std::string payload = value.empty() ? id : absl::StrCat(id, "=", value);
  const RecordType type = value.empty() ? RecordType::kDelete : RecordType::kUpsert;
  ASSERT_TRUE(store->wal().AppendAndSync({{type, payload}}).ok());
  Apply(model, type, payload);
}

TEST(SnapshotTest, WriteListLoad) {
  TempDir tmp;
  absl::StatusOr<std::unique_ptr<SnapshotWriter>> w = SnapshotWriter::Create(tmp.path(), 42, SyncMode::kFsync);
  ASSERT_TRUE(w.ok()) << w.status();
  std::vector<std::string> payloads = {"a", std::string(3 << 20, 'x'), "", "c"};
  for (const std::string& p : payloads) ASSERT_TRUE((*w)->Add(p).ok());
  absl::StatusOr<std::string> path = (*w)->Finish();
  ASSERT_TRUE(path.ok()) << path.status();
  EXPECT_EQ(fs::path(*path).filename(), "snapshot-00000000000000000042.snap");
  EXPECT_FALSE(fs::exists(*path + ".tmp"));

  absl::StatusOr<std::vector<SnapshotInfo>> list = ListSnapshots(tmp.path());
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].lsn, 42u);

  std::vector<std::string> loaded;
  absl::StatusOr<SnapshotInfo> info = LoadSnapshot(*path, kDefaultMaxRecordBytes, [&](absl::string_view p) {
    loaded.emplace_back(p);
    return absl::OkStatus();
  });
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->lsn, 42u);
  EXPECT_EQ(info->records, 4u);
  EXPECT_EQ(loaded, payloads);
}

TEST(SnapshotTest, AnyDamageIsDetectedBeforeAnythingIsApplied) {
  TempDir tmp;
  auto w = SnapshotWriter::Create(tmp.path(), 7, SyncMode::kNone);
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Add("alpha").ok());
  ASSERT_TRUE((*w)->Add("beta").ok());
  absl::StatusOr<std::string> path = (*w)->Finish();
  ASSERT_TRUE(path.ok());
  const std::string good = ReadBytes(*path);
  // Flip one bit at every offset: header, records, trailer.
  for (size_t i = 0; i < good.size(); ++i) {
    std::string bad = good;
    bad[i] ^= 0x04;
    WriteBytes(*path, bad);
    int applied = 0;
    absl::StatusOr<SnapshotInfo> info = LoadSnapshot(*path, kDefaultMaxRecordBytes, [&](absl::string_view) {
      ++applied;
      return absl::OkStatus();
    });
    EXPECT_TRUE(absl::IsDataLoss(info.status())) << "flip at " << i << ": " << info.status();
    EXPECT_EQ(applied, 0) << "flip at " << i;
  }
  for (size_t cut : {size_t{0}, size_t{10}, good.size() - 1}) {
    WriteBytes(*path, good.substr(0, cut));
    EXPECT_TRUE(absl::IsDataLoss(LoadSnapshot(*path, 1024, [](absl::string_view) {
                                   return absl::OkStatus();
                                 }).status()))
        << "cut at " << cut;
  }
}

TEST(StoreTest, RecoversFromSnapshotPlusLog) {
  TempDir tmp;
  State model;
  {
    Recovered r = Recover(tmp.path());
    ASSERT_TRUE(r.status.ok()) << r.status;
    for (int i = 0; i < 10; ++i) Write(r.store.get(), &model, absl::StrCat("id", i), "v1");
    Write(r.store.get(), &model, "id3", "");
    const Lsn lsn = r.store->wal().last_lsn();
    ASSERT_TRUE(r.store->wal().Roll().ok());
    // Written while the snapshot is being made: must stay in the log.
    Write(r.store.get(), &model, "id4", "v2");
    ASSERT_TRUE(r.store->WriteSnapshot(lsn, Payloads([&] {
      State at = model;
      at["id4"] = "id4=v1";
      return at;
    }())).ok());
    Write(r.store.get(), &model, "id0", "");
    Write(r.store.get(), &model, "id10", "v1");
    EXPECT_EQ(r.store->last_snapshot_lsn(), lsn);
  }
  Recovered r = Recover(tmp.path());
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.report.snapshot_lsn, 11u);
  EXPECT_EQ(r.report.snapshot_records, 9);
  EXPECT_EQ(r.report.wal.records_replayed, 3);
  EXPECT_TRUE(r.report.skipped_snapshots.empty());
  EXPECT_EQ(r.state, model);
}

TEST(StoreTest, DamagedNewestSnapshotFallsBackToOlderSnapshotOrLog) {
  TempDir tmp;
  State model;
  std::vector<std::string> snapshot_paths;
  {
    Recovered r = Recover(tmp.path());
    ASSERT_TRUE(r.status.ok()) << r.status;
    for (int round = 0; round < 3; ++round) {
      for (int i = 0; i < 5; ++i) Write(r.store.get(), &model, absl::StrCat("id", i), absl::StrCat("r", round));
      Write(r.store.get(), &model, absl::StrCat("extra", round), "x");
      const Lsn lsn = r.store->wal().last_lsn();
      ASSERT_TRUE(r.store->wal().Roll().ok());
      absl::StatusOr<SnapshotInfo> info = r.store->WriteSnapshot(lsn, Payloads(model));
      ASSERT_TRUE(info.ok()) << info.status();
      snapshot_paths.push_back(info->path);
    }
    Write(r.store.get(), &model, "id1", "");
  }
  // keep_snapshots = 2: the first snapshot is gone, the log reaches back to the second.
  EXPECT_FALSE(fs::exists(snapshot_paths[0]));
  std::string newest = ReadBytes(snapshot_paths[2]);
  newest[newest.size() / 2] ^= 0x10;
  WriteBytes(snapshot_paths[2], newest);

  Recovered r = Recover(tmp.path());
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.report.snapshot_file, snapshot_paths[1]);
  ASSERT_EQ(r.report.skipped_snapshots.size(), 1u);
  EXPECT_EQ(r.report.skipped_snapshots[0].file, snapshot_paths[2]);
  EXPECT_TRUE(absl::StrContains(r.report.skipped_snapshots[0].reason, "damaged snapshot"));
  EXPECT_EQ(r.state, model);
  r.store.reset();

  // Both damaged: the log no longer reaches back to LSN 1, so this is data loss, said so.
  WriteBytes(snapshot_paths[1], "junk");
  Recovered lost = Recover(tmp.path());
  EXPECT_TRUE(absl::IsDataLoss(lost.status)) << lost.status;
  EXPECT_TRUE(absl::StrContains(lost.status.message(), "missing")) << lost.status;
}

TEST(StoreTest, DamagedOnlySnapshotFallsBackToTheLog) {
  TempDir tmp;
  State model;
  std::string path;
  {
    Recovered r = Recover(tmp.path());
    ASSERT_TRUE(r.status.ok());
    for (int i = 0; i < 4; ++i) Write(r.store.get(), &model, absl::StrCat("id", i), "v");
    const Lsn lsn = r.store->wal().last_lsn();
    ASSERT_TRUE(r.store->wal().Roll().ok());
    absl::StatusOr<SnapshotInfo> info = r.store->WriteSnapshot(lsn, Payloads(model));
    ASSERT_TRUE(info.ok());
    path = info->path;
    Write(r.store.get(), &model, "id9", "v");
  }
  std::string bytes = ReadBytes(path);
  WriteBytes(path, bytes.substr(0, bytes.size() - 1));
  Recovered r = Recover(tmp.path());
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_TRUE(r.report.snapshot_file.empty());
  EXPECT_EQ(r.report.skipped_snapshots.size(), 1u);
  EXPECT_EQ(r.report.wal.records_replayed, 5);
  EXPECT_EQ(r.state, model);
}

}  // namespace
}  // namespace khabar::storage
