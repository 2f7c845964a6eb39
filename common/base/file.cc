#include "common/base/file.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace khabar::base {
namespace fs = std::filesystem;

absl::StatusOr<std::string> ReadFile(absl::string_view path, uint64_t max_bytes) {
  const std::string p(path);
  std::error_code ec;
  fs::file_status st = fs::status(p, ec);
  if (ec || !fs::exists(st)) return absl::NotFoundError(absl::StrCat(path, ": no such file"));
  if (fs::is_directory(st)) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": is a directory, not a file"));
  }
  std::FILE* f = std::fopen(p.c_str(), "rb");
  if (f == nullptr) {
    return absl::PermissionDeniedError(absl::StrCat(path, ": cannot open: ", std::strerror(errno)));
  }
  std::string out;
  char buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0) {
    if (out.size() + n > max_bytes) {
      std::fclose(f);
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": file is larger than the limit of ", max_bytes, " bytes"));
    }
    out.append(buf, n);
  }
  const bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) return absl::DataLossError(absl::StrCat(path, ": read error"));
  return out;
}

absl::Status WriteFileAtomically(absl::string_view path, absl::string_view contents) {
  const std::string tmp = absl::StrCat(path, ".tmp");
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return absl::PermissionDeniedError(absl::StrCat(tmp, ": cannot create"));
    out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
    out.flush();
    if (!out) return absl::DataLossError(absl::StrCat(tmp, ": write failed"));
  }
  std::error_code ec;
  fs::rename(tmp, std::string(path), ec);
  if (ec) return absl::DataLossError(absl::StrCat(path, ": rename failed: ", ec.message()));
  return absl::OkStatus();
}

namespace {

bool IsHidden(const fs::path& p) {
  const std::string name = p.filename().string();
  return !name.empty() && name[0] == '.';
}

void ExpandDirectory(const fs::path& dir, std::vector<ExpandedPath>* out) {
  std::error_code ec;
  std::vector<fs::path> entries;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (!IsHidden(it->path())) entries.push_back(it->path());
  }
  if (ec) {
    out->push_back({dir.string(), absl::PermissionDeniedError(absl::StrCat(
                                      dir.string(), ": cannot list directory: ", ec.message()))});
    return;
  }
  std::sort(entries.begin(), entries.end());
  for (const fs::path& e : entries) {
    std::error_code sec;
    if (fs::is_directory(e, sec)) {
      ExpandDirectory(e, out);
    } else if (fs::is_regular_file(e, sec)) {
      out->push_back({e.string(), absl::OkStatus()});
    }
  }
}

}  // namespace

std::vector<ExpandedPath> ExpandPaths(const std::vector<std::string>& paths) {
  std::vector<ExpandedPath> out;
  for (const std::string& p : paths) {
    std::error_code ec;
    fs::file_status st = fs::status(p, ec);
    if (ec || !fs::exists(st)) {
      out.push_back({p, absl::NotFoundError(absl::StrCat(p, ": no such file or directory"))});
    } else if (fs::is_directory(st)) {
      ExpandDirectory(p, &out);
    } else {
      out.push_back({p, absl::OkStatus()});
    }
  }
  return out;
}

}  // namespace khabar::base
