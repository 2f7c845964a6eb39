#include "common/base/file.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace khabar::base {
namespace {
namespace fs = std::filesystem;

class FileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           absl::StrCat("khabar_file_test_", ::getpid(), "_",
                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "sub");
  }
  void TearDown() override { fs::remove_all(dir_); }
  void Write(const fs::path& p, const std::string& s) { std::ofstream(p) << s; }
  fs::path dir_;
};

TEST_F(FileTest, ReadsWholeFile) {
  Write(dir_ / "a.txt", "خبر\nعاجل");
  auto text = ReadFile((dir_ / "a.txt").string());
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_EQ(*text, "خبر\nعاجل");
}

TEST_F(FileTest, MissingFileNamesThePath) {
  auto text = ReadFile((dir_ / "nope.txt").string());
  EXPECT_EQ(text.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(text.status().message().find("nope.txt"), absl::string_view::npos);
}

TEST_F(FileTest, DirectoryIsNotAFile) {
  auto text = ReadFile(dir_.string());
  EXPECT_EQ(text.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(FileTest, EnforcesSizeLimit) {
  Write(dir_ / "big.txt", std::string(1000, 'x'));
  auto text = ReadFile((dir_ / "big.txt").string(), 999);
  EXPECT_EQ(text.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(text.status().message().find("limit of 999 bytes"), absl::string_view::npos);
}

TEST_F(FileTest, ExpandsDirectoriesSortedAndReportsMissing) {
  Write(dir_ / "b.txt", "b");
  Write(dir_ / "a.txt", "a");
  Write(dir_ / ".hidden", "h");
  Write(dir_ / "sub" / "c.txt", "c");
  auto out = ExpandPaths({dir_.string(), (dir_ / "missing").string()});
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(fs::path(out[0].path).filename(), "a.txt");
  EXPECT_EQ(fs::path(out[1].path).filename(), "b.txt");
  EXPECT_EQ(fs::path(out[2].path).filename(), "c.txt");
  EXPECT_TRUE(out[2].status.ok());
  EXPECT_EQ(out[3].status.code(), absl::StatusCode::kNotFound);
}

TEST_F(FileTest, WriteAtomicallyReplaces) {
  const std::string p = (dir_ / "ckpt").string();
  ASSERT_TRUE(WriteFileAtomically(p, "one").ok());
  ASSERT_TRUE(WriteFileAtomically(p, "two").ok());
  EXPECT_EQ(*ReadFile(p), "two");
  EXPECT_FALSE(fs::exists(p + ".tmp"));
}

}  // namespace
}  // namespace khabar::base
