// File: temp_dir.h
// -----------------------------------------------------------------------------
// A fresh directory per test under the system temp dir, named after the test
// and the process, removed when the object dies.
//
//   TempDir dir("ingest");
//   std::string path = dir.Write("in/a.txt", "...");   // parent directories made
#ifndef KHABAR_TESTS_TEMP_DIR_H_
#define KHABAR_TESTS_TEMP_DIR_H_

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"

namespace khabar::testing {

class TempDir {
 public:
  explicit TempDir(absl::string_view tag) {
    const ::testing::TestInfo* test = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = std::filesystem::temp_directory_path() /
            absl::StrCat("khabar_", tag, "_", ::getpid(), "_", test != nullptr ? test->name() : "");
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

  // Writes `content` to `name` (relative to the directory); returns the full path.
  std::string Write(const std::string& name, const std::string& content) const {
    const std::filesystem::path p = path_ / name;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
    return p.string();
  }

 private:
  std::filesystem::path path_;
};

}  // namespace khabar::testing

#endif  // KHABAR_TESTS_TEMP_DIR_H_
