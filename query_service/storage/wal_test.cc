#include "query_service/storage/wal.h"

#include <filesystem>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "query_service/storage/log_format.h"
#include "query_service/storage/test_util.h"

namespace khabar::storage {
namespace {

namespace fs = std::filesystem;
using testing::ReadBytes;
using testing::TempDir;
using testing::WriteBytes;

using Replayed = std::vector<std::tuple<RecordType, Lsn, std::string>>;

struct Opened {
  std::unique_ptr<Wal> wal;
  WalReplayReport report;
  Replayed records;
};

Opened OpenAndReplay(const std::string& dir, Lsn after = 0, uint64_t segment_bytes = 64 << 20) {
  Opened o;
  absl::StatusOr<std::unique_ptr<Wal>> wal =
      Wal::Open({.dir = dir, .sync = SyncMode::kFsync, .segment_bytes = segment_bytes});
  EXPECT_TRUE(wal.ok()) << wal.status();
  if (!wal.ok()) return o;
  o.wal = std::move(*wal);
  absl::StatusOr<WalReplayReport> r =
      o.wal->Replay(after, [&](RecordType t, Lsn lsn, absl::string_view payload) {
        o.records.emplace_back(t, lsn, std::string(payload));
        return absl::OkStatus();
      });
  EXPECT_TRUE(r.ok()) << r.status();
  if (r.ok()) o.report = *r;
  return o;
}

absl::Status ReplayStatus(const std::string& dir) {
  absl::StatusOr<std::unique_ptr<Wal>> wal = Wal::Open({.dir = dir});
  if (!wal.ok()) return wal.status();
  return (*wal)
      ->Replay(0, [](RecordType, Lsn, absl::string_view) { return absl::OkStatus(); })
      .status();
}

std::string OnlySegment(const std::string& dir) {
  std::string found;
  int n = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (absl::StartsWith(e.path().filename().string(), "wal-")) {
      found = e.path().string();
      ++n;
    }
  }
  EXPECT_EQ(n, 1);
  return found;
}

TEST(LogFormatTest, RoundTripAndDamage) {
  std::string buf;
  AppendRecord(RecordType::kUpsert, 7, "payload one", &buf);
  const size_t first = buf.size();
  AppendRecord(RecordType::kDelete, 8, "", &buf);
  EXPECT_EQ(first, kRecordHeaderSize + kRecordLsnSize + 11);

  absl::StatusOr<DecodedRecord> a = DecodeRecord(buf, kDefaultMaxRecordBytes);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->type, RecordType::kUpsert);
  EXPECT_EQ(a->lsn, 7u);
  EXPECT_EQ(a->payload, "payload one");
  EXPECT_EQ(a->encoded_size, first);
  absl::StatusOr<DecodedRecord> b = DecodeRecord(absl::string_view(buf).substr(first), 1024);
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(b->type, RecordType::kDelete);
  EXPECT_EQ(b->lsn, 8u);
  EXPECT_EQ(b->payload, "");

  EXPECT_EQ(DecodeRecord(buf.substr(0, 5), 1024).status().message(), "short header");
  EXPECT_EQ(DecodeRecord(buf.substr(0, first - 1), 1024).status().message(), "short payload");
  EXPECT_EQ(DecodeRecord(buf, 8).status().message(), "bad length");
  for (size_t i = 4; i < first; ++i) {  // every byte covered by the crc, and the crc itself
    std::string bad = buf;
    bad[i] ^= 0x20;
    EXPECT_FALSE(DecodeRecord(bad, 1024).ok()) << "flip at " << i;
  }
}

TEST(WalTest, AppendReopenReplay) {
  TempDir tmp;
  {
    Opened o = OpenAndReplay(tmp.path());
    EXPECT_EQ(o.report.records_replayed, 0);
    absl::StatusOr<Lsn> lsn = o.wal->AppendAndSync(
        {{RecordType::kUpsert, "a"}, {RecordType::kUpsert, "b"}, {RecordType::kDelete, "a"}});
    ASSERT_TRUE(lsn.ok()) << lsn.status();
    EXPECT_EQ(*lsn, 3u);
    EXPECT_EQ(*o.wal->Append({}), 3u);
    EXPECT_EQ(o.wal->Stats().synced_lsn, 3u);
  }
  Opened o = OpenAndReplay(tmp.path());
  EXPECT_EQ(o.records, (Replayed{{RecordType::kUpsert, 1, "a"},
                                 {RecordType::kUpsert, 2, "b"},
                                 {RecordType::kDelete, 3, "a"}}));
  EXPECT_FALSE(o.report.tail_cut.has_value());
  ASSERT_TRUE(o.wal->AppendAndSync({{RecordType::kUpsert, "c"}}).ok());
  o.wal.reset();
  Opened again = OpenAndReplay(tmp.path(), /*after=*/2);
  EXPECT_EQ(again.report.records_skipped, 2);
  EXPECT_EQ(again.records, (Replayed{{RecordType::kDelete, 3, "a"}, {RecordType::kUpsert, 4, "c"}}));
}

TEST(WalTest, AppendBeforeReplayIsRefused) {
  TempDir tmp;
  absl::StatusOr<std::unique_ptr<Wal>> wal = Wal::Open({.dir = tmp.path()});
  ASSERT_TRUE(wal.ok());
  EXPECT_TRUE(absl::IsFailedPrecondition((*wal)->Append({{RecordType::kUpsert, "x"}}).status()));
}

TEST(WalTest, GroupCommitUnderConcurrentWriters) {
  TempDir tmp;
  constexpr int kThreads = 8;
  constexpr int kPerThread = 40;
  {
    Opened o = OpenAndReplay(tmp.path());
    std::vector<std::thread> threads;
    std::vector<std::vector<Lsn>> lsns(kThreads);
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kPerThread; ++i) {
          const std::string payload = absl::StrCat(t, ":", i);
          absl::StatusOr<Lsn> lsn = o.wal->AppendAndSync({{RecordType::kUpsert, payload}});
          ASSERT_TRUE(lsn.ok()) << lsn.status();
          // Acknowledged means synced: the shared fsync covered this record.
          EXPECT_GE(o.wal->Stats().synced_lsn, *lsn);
          lsns[t].push_back(*lsn);
        }
      });
    }
    for (std::thread& th : threads) th.join();
    EXPECT_EQ(o.wal->last_lsn(), static_cast<Lsn>(kThreads * kPerThread));
    for (const auto& v : lsns) {
      for (size_t i = 1; i < v.size(); ++i) EXPECT_LT(v[i - 1], v[i]);
    }
  }
  Opened o = OpenAndReplay(tmp.path());
  ASSERT_EQ(o.records.size(), static_cast<size_t>(kThreads * kPerThread));
  std::vector<int> next(kThreads, 0);
  for (size_t i = 0; i < o.records.size(); ++i) {
    EXPECT_EQ(std::get<1>(o.records[i]), i + 1);
    const std::string& p = std::get<2>(o.records[i]);
    const int t = std::stoi(p.substr(0, p.find(':')));
    EXPECT_EQ(p, absl::StrCat(t, ":", next[t]++));  // each writer's records in its order
  }
}

// A torn final write: the file cut at every byte offset inside the last record.
TEST(WalTest, TornTailAtEveryOffsetIsCutReportedAndAppendable) {
  TempDir tmp;
  const std::string src = tmp.Sub("src");
  size_t good_size = 0;
  {
    Opened o = OpenAndReplay(src);
    ASSERT_TRUE(o.wal->AppendAndSync({{RecordType::kUpsert, "first"}, {RecordType::kDelete, "x"}}).ok());
    good_size = o.wal->Stats().bytes;
    ASSERT_TRUE(o.wal->AppendAndSync({{RecordType::kUpsert, "the last record"}}).ok());
  }
  const std::string segment = OnlySegment(src);
  const std::string bytes = ReadBytes(segment);
  ASSERT_GT(bytes.size(), good_size);
  for (size_t cut = good_size; cut < bytes.size(); ++cut) {
    SCOPED_TRACE(absl::StrCat("cut at ", cut));
    const std::string dir = tmp.Sub(absl::StrCat("cut", cut));
    fs::create_directories(dir);
    const std::string path = dir + "/" + fs::path(segment).filename().string();
    WriteBytes(path, bytes.substr(0, cut));
    {
      Opened o = OpenAndReplay(dir);
      ASSERT_EQ(o.records.size(), 2u);
      if (cut == good_size) {
        EXPECT_FALSE(o.report.tail_cut.has_value());
      } else {
        ASSERT_TRUE(o.report.tail_cut.has_value());
        EXPECT_EQ(o.report.tail_cut->file, path);
        EXPECT_EQ(o.report.tail_cut->offset, good_size);
        EXPECT_EQ(o.report.tail_cut->bytes_cut, cut - good_size);
        EXPECT_TRUE(o.report.tail_cut->reason == "short header" ||
                    o.report.tail_cut->reason == "short payload")
            << o.report.tail_cut->reason;
      }
      EXPECT_EQ(fs::file_size(path), good_size);
      absl::StatusOr<Lsn> lsn = o.wal->AppendAndSync({{RecordType::kUpsert, "after"}});
      ASSERT_TRUE(lsn.ok()) << lsn.status();
      EXPECT_EQ(*lsn, 3u);
    }
    Opened o = OpenAndReplay(dir);
    EXPECT_FALSE(o.report.tail_cut.has_value());
    EXPECT_EQ(o.records, (Replayed{{RecordType::kUpsert, 1, "first"},
                                   {RecordType::kDelete, 2, "x"},
                                   {RecordType::kUpsert, 3, "after"}}));
    fs::remove_all(dir);
  }
}

TEST(WalTest, FlippedByteInLastRecordIsCutAsBadCrc) {
  TempDir tmp;
  size_t good_size = 0;
  {
    Opened o = OpenAndReplay(tmp.path());
    ASSERT_TRUE(o.wal->AppendAndSync({{RecordType::kUpsert, "one"}}).ok());
    good_size = o.wal->Stats().bytes;
    ASSERT_TRUE(o.wal->AppendAndSync({{RecordType::kUpsert, "two two two"}}).ok());
  }
  const std::string segment = OnlySegment(tmp.path());
  std::string bytes = ReadBytes(segment);
  bytes[bytes.size() - 4] ^= 0x01;
  WriteBytes(segment, bytes);
  Opened o = OpenAndReplay(tmp.path());
  EXPECT_EQ(o.records, (Replayed{{RecordType::kUpsert, 1, "one"}}));
  ASSERT_TRUE(o.report.tail_cut.has_value());
  EXPECT_EQ(o.report.tail_cut->reason, "bad crc");
  EXPECT_EQ(o.report.tail_cut->offset, good_size);
}

TEST(WalTest, FlippedByteInTheMiddleIsDataLossNotATruncation) {
  TempDir tmp;
  size_t first_size = 0;
  {
    Opened o = OpenAndReplay(tmp.path());
    ASSERT_TRUE(o.wal->AppendAndSync({{RecordType::kUpsert, "one"}}).ok());
    first_size = o.wal->Stats().bytes;
    ASSERT_TRUE(o.wal->AppendAndSync({{RecordType::kUpsert, "two"}, {RecordType::kUpsert, "three"}}).ok());
  }
  const std::string segment = OnlySegment(tmp.path());
  std::string bytes = ReadBytes(segment);
  bytes[first_size + kRecordHeaderSize + kRecordLsnSize + 1] ^= 0x40;  // inside "two"
  WriteBytes(segment, bytes);
  absl::Status s = ReplayStatus(tmp.path());
  EXPECT_TRUE(absl::IsDataLoss(s)) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), segment)) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), absl::StrCat("byte offset ", first_size))) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), "bad crc")) << s;
  EXPECT_EQ(ReadBytes(segment), bytes);  // nothing was cut
}

TEST(WalTest, GarbageAfterTheLastRecordIsCut) {
  TempDir tmp;
  {
    Opened o = OpenAndReplay(tmp.path());
    ASSERT_TRUE(o.wal->AppendAndSync({{RecordType::kUpsert, "one"}}).ok());
  }
  const std::string segment = OnlySegment(tmp.path());
  const size_t size = fs::file_size(segment);
  WriteBytes(segment, ReadBytes(segment) + std::string("\xde\xad\xbe\xef garbage garbage", 20));
  Opened o = OpenAndReplay(tmp.path());
  EXPECT_EQ(o.records.size(), 1u);
  ASSERT_TRUE(o.report.tail_cut.has_value());
  EXPECT_EQ(o.report.tail_cut->offset, size);
  EXPECT_EQ(o.report.tail_cut->bytes_cut, 20u);
  EXPECT_EQ(o.report.tail_cut->reason, "bad length");
}

TEST(WalTest, SegmentsRollAndDamageInAnEarlierSegmentIsDataLoss) {
  TempDir tmp;
  {
    Opened o = OpenAndReplay(tmp.path(), 0, /*segment_bytes=*/32);
    for (int i = 0; i < 10; ++i) {
      ASSERT_TRUE(o.wal->AppendAndSync({{RecordType::kUpsert, std::string(40, 'a' + i)}}).ok());
    }
    EXPECT_EQ(o.wal->Stats().segments, 10);
  }
  {
    Opened o = OpenAndReplay(tmp.path(), 0, 32);
    ASSERT_EQ(o.records.size(), 10u);
    EXPECT_EQ(std::get<2>(o.records[9]), std::string(40, 'j'));
  }
  const std::string first = tmp.Sub(Wal::SegmentName(1));
  std::string bytes = ReadBytes(first);
  WriteBytes(first, bytes.substr(0, bytes.size() - 3));  // torn, but not the last segment
  absl::Status s = ReplayStatus(tmp.path());
  EXPECT_TRUE(absl::IsDataLoss(s)) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), first)) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), "not the last segment")) << s;
}

TEST(WalTest, DropSegmentsThroughKeepsWhatIsNeededAndDetectsGaps) {
  TempDir tmp;
  {
    Opened o = OpenAndReplay(tmp.path());
    ASSERT_TRUE(o.wal->AppendAndSync({{RecordType::kUpsert, "1"}, {RecordType::kUpsert, "2"}}).ok());
    ASSERT_TRUE(o.wal->Roll().ok());
    ASSERT_TRUE(o.wal->AppendAndSync({{RecordType::kUpsert, "3"}}).ok());
    ASSERT_TRUE(o.wal->Roll().ok());
    ASSERT_TRUE(o.wal->AppendAndSync({{RecordType::kUpsert, "4"}}).ok());
    EXPECT_EQ(*o.wal->DropSegmentsThrough(1), 0);  // segment 1..2 still holds 2
    EXPECT_EQ(*o.wal->DropSegmentsThrough(3), 2);
    EXPECT_EQ(o.wal->Stats().segments, 1);
  }
  Opened o = OpenAndReplay(tmp.path(), /*after=*/3);
  EXPECT_EQ(o.records, (Replayed{{RecordType::kUpsert, 4, "4"}}));
  o.wal.reset();
  absl::Status gap = ReplayStatus(tmp.path());  // after = 0: records 1..3 are gone
  EXPECT_TRUE(absl::IsDataLoss(gap)) << gap;
  EXPECT_TRUE(absl::StrContains(gap.message(), "records 1..3 are missing")) << gap;
}

}  // namespace
}  // namespace khabar::storage
