#include "query_service/durable_engine.h"

#include <stdlib.h>

#include <filesystem>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"

namespace khabar::query {
namespace {

namespace fs = std::filesystem;

// Payloads in these tests are "id|title|hash".
absl::StatusOr<index::Document> Decode(absl::string_view payload) {
  std::vector<std::string> parts = absl::StrSplit(payload, '|');
  if (parts.size() != 3) return absl::InvalidArgumentError("bad test payload");
  index::Document d;
  d.id = parts[0];
  d.title = parts[1];
  d.content_hash = parts[2];
  d.payload = std::string(payload);
  return d;
}

index::Document Doc(const std::string& id, const std::string& title, const std::string& hash) {
  absl::StatusOr<index::Document> d = Decode(absl::StrCat(id, "|", title, "|", hash));
  return *d;
}

std::vector<index::Document> Batch(std::vector<index::Document> docs) { return docs; }

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "khabar_durable_XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data()) != nullptr ? tmpl : "";
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::set<std::string> LivePayloads(const search::Engine& e) {
  std::vector<std::string> v = e.LivePayloads();
  return {v.begin(), v.end()};
}

TEST(DurableEngineTest, MemoryOnlyIsAPassThrough) {
  search::Engine engine{search::EngineOptions{}};
  auto d = DurableEngine::Open(&engine, {}, Decode);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_FALSE((*d)->durable());
  auto r = (*d)->UpsertBatch(Batch({Doc("a", "خبر", "1")}));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*(*r)[0], index::UpsertOutcome::kCreated);
  EXPECT_FALSE((*d)->Stats().durable);
  EXPECT_TRUE((*d)->Snapshot().ok());
}

TEST(DurableEngineTest, LogsOnlyChangesAndRecoversThem) {
  TempDir tmp;
  TempDir crashed;
  std::set<std::string> expected;
  {
    search::Engine engine{search::EngineOptions{}};
    auto d = DurableEngine::Open(&engine, {.data_dir = tmp.path(), .snapshot_every_records = 0}, Decode);
    ASSERT_TRUE(d.ok()) << d.status();
    EXPECT_TRUE((*d)->durable());
    auto r = (*d)->UpsertBatch(Batch({Doc("a", "خبر أول", "1"), Doc("b", "خبر ثان", "1"),
                                      Doc("c", "خبر ثالث", "1"), Doc("", "بلا معرف", "1")}));
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_FALSE((*r)[3].ok());  // rejected: not logged
    r = (*d)->UpsertBatch(Batch({Doc("a", "خبر أول", "1"), Doc("b", "خبر معدل", "2")}));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*(*r)[0], index::UpsertOutcome::kUnchanged);  // not logged
    EXPECT_EQ(*(*r)[1], index::UpsertOutcome::kUpdated);
    std::vector<std::string> not_found;
    auto deleted = (*d)->Delete({"c", "zz"}, &not_found);
    ASSERT_TRUE(deleted.ok());
    EXPECT_EQ(*deleted, 1);
    EXPECT_EQ(not_found, (std::vector<std::string>{"zz"}));
    DurabilityStats s = (*d)->Stats();
    EXPECT_EQ(s.last_lsn, 5u);  // 3 created + 1 updated + 1 delete
    EXPECT_EQ(s.wal_records_since_snapshot, 5);
    EXPECT_GT(s.wal_bytes, 0u);
    expected = LivePayloads(engine);
    // What a crash leaves: the directory as it is now, before Close()'s snapshot.
    fs::copy(tmp.path(), crashed.path(), fs::copy_options::recursive);
  }
  search::Engine engine{search::EngineOptions{}};
  auto d = DurableEngine::Open(&engine, {.data_dir = crashed.path()}, Decode);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ((*d)->recovery().report.wal.records_replayed, 5);
  EXPECT_EQ((*d)->recovery().documents, 2);
  EXPECT_EQ(LivePayloads(engine), expected);
  EXPECT_EQ(expected, (std::set<std::string>{"a|خبر أول|1", "b|خبر معدل|2"}));
}

TEST(DurableEngineTest, CloseSnapshotsAndConcurrentWritersAllSurvive) {
  TempDir tmp;
  constexpr int kThreads = 4;
  constexpr int kPerThread = 25;
  {
    search::Engine engine{search::EngineOptions{}};
    auto d = DurableEngine::Open(&engine, {.data_dir = tmp.path(), .snapshot_every_records = 30}, Decode);
    ASSERT_TRUE(d.ok()) << d.status();
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kPerThread; ++i) {
          auto r = (*d)->UpsertBatch(Batch({Doc(absl::StrCat("t", t, "-", i), "خبر عاجل", "1")}));
          ASSERT_TRUE(r.ok()) << r.status();
        }
      });
    }
    for (std::thread& th : threads) th.join();
    ASSERT_TRUE((*d)->Close().ok());
    EXPECT_EQ((*d)->Stats().last_snapshot_lsn, static_cast<uint64_t>(kThreads * kPerThread));
    EXPECT_EQ((*d)->Stats().wal_records_since_snapshot, 0);
  }
  search::Engine engine{search::EngineOptions{}};
  auto d = DurableEngine::Open(&engine, {.data_dir = tmp.path()}, Decode);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ((*d)->recovery().report.snapshot_records, kThreads * kPerThread);
  EXPECT_EQ((*d)->recovery().report.wal.records_replayed, 0);
  EXPECT_EQ((*d)->recovery().documents, kThreads * kPerThread);
}

TEST(DurableEngineTest, SnapshotKeepsLaterRecordsInTheLog) {
  TempDir tmp;
  TempDir crashed;
  {
    search::Engine engine{search::EngineOptions{}};
    auto d = DurableEngine::Open(&engine, {.data_dir = tmp.path(), .snapshot_every_records = 0}, Decode);
    ASSERT_TRUE(d.ok());
    ASSERT_TRUE((*d)->UpsertBatch(Batch({Doc("a", "خبر", "1"), Doc("b", "خبر", "1")})).ok());
    ASSERT_TRUE((*d)->Snapshot().ok());
    ASSERT_TRUE((*d)->Delete({"a"}, nullptr).ok());
    ASSERT_TRUE((*d)->UpsertBatch(Batch({Doc("c", "خبر", "1")})).ok());
    EXPECT_EQ((*d)->Stats().last_snapshot_lsn, 2u);
    EXPECT_EQ((*d)->Stats().wal_records_since_snapshot, 2);
    fs::copy(tmp.path(), crashed.path(), fs::copy_options::recursive);  // crash
  }
  search::Engine engine{search::EngineOptions{}};
  auto d = DurableEngine::Open(&engine, {.data_dir = crashed.path()}, Decode);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ((*d)->recovery().report.snapshot_lsn, 2u);
  EXPECT_EQ((*d)->recovery().report.wal.records_replayed, 2);
  EXPECT_EQ(LivePayloads(engine), (std::set<std::string>{"b|خبر|1", "c|خبر|1"}));
}

}  // namespace
}  // namespace khabar::query
