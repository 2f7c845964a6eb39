// File: file.h
// -----------------------------------------------------------------------------
// Reading whole files and listing directories, with errors that name the path.
//
//   absl::StatusOr<std::string> text = base::ReadFile("data/articles/01.txt");
//   absl::StatusOr<std::vector<std::string>> files =
//       base::ExpandPaths({"data/articles"});  // regular files, sorted
#ifndef KHABAR_COMMON_BASE_FILE_H_
#define KHABAR_COMMON_BASE_FILE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace khabar::base {

// Largest file ReadFile accepts by default: a news article is kilobytes and a
// TREC bundle tens of megabytes; anything bigger is more likely a mistake.
inline constexpr uint64_t kDefaultMaxFileBytes = 256ull << 20;

// Reads `path` entirely. NotFound when missing, InvalidArgument when it is a
// directory or larger than `max_bytes`.
absl::StatusOr<std::string> ReadFile(absl::string_view path,
                                     uint64_t max_bytes = kDefaultMaxFileBytes);

// Writes `contents` to `path` atomically (temporary file + rename).
absl::Status WriteFileAtomically(absl::string_view path, absl::string_view contents);

// One entry of ExpandPaths: a file to read, or the error for a path argument
// that cannot be read (missing, unreadable).
struct ExpandedPath {
  std::string path;
  absl::Status status;
};

// Expands files and directories (recursively, hidden entries skipped) into the
// list of regular files they hold, sorted within each directory. A missing
// path becomes an entry with a NotFound status so the caller can report it and
// go on with the rest.
std::vector<ExpandedPath> ExpandPaths(const std::vector<std::string>& paths);

}  // namespace khabar::base

#endif  // KHABAR_COMMON_BASE_FILE_H_
