// File: seed_files.h
// -----------------------------------------------------------------------------
// The benchmarks' text: every file of the first directory found among
// ../shared/seeds (from the repo, the build dir or bench/ in it) and
// `more_dirs`, as (file stem, contents). Empty when none exists: callers fall
// back to built-in text.
#ifndef KHABAR_BENCH_SEED_FILES_H_
#define KHABAR_BENCH_SEED_FILES_H_

#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace khabar::bench {

inline std::vector<std::pair<std::string, std::string>> SeedFiles(
    std::initializer_list<const char*> more_dirs = {}) {
  std::vector<const char*> dirs = {"../shared/seeds", "../../shared/seeds",
                                   "../../../shared/seeds"};
  dirs.insert(dirs.end(), more_dirs.begin(), more_dirs.end());
  std::vector<std::pair<std::string, std::string>> files;
  for (const char* dir : dirs) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) continue;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
      std::ifstream in(e.path());
      std::stringstream ss;
      ss << in.rdbuf();
      files.emplace_back(e.path().stem().string(), ss.str());
    }
    if (!files.empty()) break;
  }
  return files;
}

}  // namespace khabar::bench

#endif  // KHABAR_BENCH_SEED_FILES_H_
