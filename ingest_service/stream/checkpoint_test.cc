#include "ingest_service/stream/checkpoint.h"

#include <filesystem>
#include <fstream>
#include <string>

#include "gtest/gtest.h"

namespace khabar::ingest {
namespace {

namespace fs = std::filesystem;

class CheckpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("khabar_ckpt_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
    path_ = (dir_ / "ingest.ckpt").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path dir_;
  std::string path_;
};

TEST_F(CheckpointTest, MissingFileIsEmptyAndEnabled) {
  absl::StatusOr<Checkpoint> cp = Checkpoint::Load(path_);
  ASSERT_TRUE(cp.ok()) << cp.status();
  EXPECT_TRUE(cp->enabled());
  EXPECT_EQ(cp->DoneDocuments({"a.trec", 10, 5}), 0);
  EXPECT_FALSE(cp->IsComplete({"a.trec", 10, 5}));
}

TEST_F(CheckpointTest, RoundTripsThroughTheFile) {
  {
    Checkpoint cp = *Checkpoint::Load(path_);
    cp.Update({"dir/a b.trec", 100, 7}, 42, false);
    cp.Update({"dir/c.txt", 5, 9}, 1, true);
    ASSERT_TRUE(cp.Save().ok());
  }
  absl::StatusOr<Checkpoint> cp = Checkpoint::Load(path_);
  ASSERT_TRUE(cp.ok()) << cp.status();
  EXPECT_EQ(cp->DoneDocuments({"dir/a b.trec", 100, 7}), 42);  // spaces in paths survive
  EXPECT_FALSE(cp->IsComplete({"dir/a b.trec", 100, 7}));
  EXPECT_TRUE(cp->IsComplete({"dir/c.txt", 5, 9}));
}

TEST_F(CheckpointTest, ChangedFileStartsOver) {
  Checkpoint cp = *Checkpoint::Load(path_);
  cp.Update({"a.txt", 100, 7}, 3, true);
  EXPECT_TRUE(cp.IsComplete({"a.txt", 100, 7}));
  EXPECT_FALSE(cp.IsComplete({"a.txt", 101, 7}));  // size changed
  EXPECT_FALSE(cp.IsComplete({"a.txt", 100, 8}));  // rewritten
  EXPECT_EQ(cp.DoneDocuments({"a.txt", 100, 8}), 0);
}

TEST_F(CheckpointTest, RejectsAFileThatIsNotACheckpoint) {
  std::ofstream(path_) << "hello\n";
  absl::StatusOr<Checkpoint> cp = Checkpoint::Load(path_);
  ASSERT_FALSE(cp.ok());
  EXPECT_NE(cp.status().message().find("not a khabar ingest checkpoint"), std::string::npos);

  std::ofstream(path_) << "# khabar ingest checkpoint v1\n1 x 3 4 a.txt\n";
  cp = Checkpoint::Load(path_);
  ASSERT_FALSE(cp.ok());
  EXPECT_NE(cp.status().message().find(":2: malformed"), std::string::npos) << cp.status();
}

TEST_F(CheckpointTest, DisabledCheckpointRecordsNothing) {
  Checkpoint cp;
  cp.Update({"a.txt", 1, 1}, 1, true);
  EXPECT_FALSE(cp.IsComplete({"a.txt", 1, 1}));
  EXPECT_TRUE(cp.Save().ok());
  EXPECT_FALSE(fs::exists(path_));
}

TEST_F(CheckpointTest, StatFileKeyReadsSizeAndNamesMissingFiles) {
  const std::string f = (dir_ / "x.txt").string();
  std::ofstream(f) << "12345";
  absl::StatusOr<FileKey> key = StatFileKey(f);
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->size, 5);
  EXPECT_GT(key->mtime_ns, 0);
  absl::StatusOr<FileKey> missing = StatFileKey((dir_ / "nope.txt").string());
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("nope.txt"), std::string::npos);
}

}  // namespace
}  // namespace khabar::ingest
