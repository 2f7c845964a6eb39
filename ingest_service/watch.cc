#include "ingest_service/watch.h"

#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/base/logging.h"

namespace khabar::ingest {
namespace {

namespace fs = std::filesystem;

constexpr uint32_t kMask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_ONLYDIR;

bool Hidden(absl::string_view name) { return name.empty() || name[0] == '.'; }

}  // namespace

absl::StatusOr<std::unique_ptr<DirectoryWatcher>> DirectoryWatcher::Create(
    const std::vector<std::string>& dirs) {
  const int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) {
    return absl::InternalError(absl::StrCat("inotify_init1: ", std::strerror(errno)));
  }
  std::unique_ptr<DirectoryWatcher> w(new DirectoryWatcher(fd));
  for (const std::string& dir : dirs) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
      return absl::NotFoundError(absl::StrCat(dir, ": not a directory; --watch needs directories"));
    }
    std::vector<std::string> ignored;  // files present at start are ingested by the first pass
    if (absl::Status s = w->AddTree(dir, &ignored); !s.ok()) return s;
  }
  return w;
}

DirectoryWatcher::~DirectoryWatcher() { ::close(fd_); }

absl::Status DirectoryWatcher::AddTree(const std::string& dir, std::vector<std::string>* found) {
  // IN_ONLYDIR belongs to the add call, not the events of interest.
  const int wd = ::inotify_add_watch(fd_, dir.c_str(), kMask);
  if (wd < 0) {
    return absl::InternalError(absl::StrCat(dir, ": cannot watch: ", std::strerror(errno)));
  }
  dirs_[wd] = dir;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (Hidden(name)) continue;
    if (it->is_directory(ec)) {
      if (absl::Status s = AddTree(it->path().string(), found); !s.ok()) return s;
    } else if (it->is_regular_file(ec)) {
      found->push_back(it->path().string());
    }
  }
  return absl::OkStatus();
}

std::vector<std::string> DirectoryWatcher::ReadChanges() {
  std::vector<std::string> changed;
  absl::flat_hash_set<std::string> seen;
  auto add = [&](std::string path) {
    if (seen.insert(path).second) changed.push_back(std::move(path));
  };
  alignas(struct inotify_event) char buf[64 * 1024];
  for (int round = 0; round < 1024; ++round) {  // bounded: drain what is queued now
    const ssize_t n = ::read(fd_, buf, sizeof(buf));
    if (n <= 0) break;  // EAGAIN: drained
    for (ssize_t off = 0; off < n;) {
      const auto* ev = reinterpret_cast<const struct inotify_event*>(buf + off);
      off += static_cast<ssize_t>(sizeof(struct inotify_event) + ev->len);
      if (ev->mask & IN_Q_OVERFLOW) {
        base::LogWarning("inotify queue overflowed; some changes may be missed until rescanned");
        continue;
      }
      auto dir = dirs_.find(ev->wd);
      if (dir == dirs_.end() || ev->len == 0) continue;
      const std::string name(ev->name);
      if (Hidden(name)) continue;
      const std::string path = absl::StrCat(dir->second, "/", name);
      if (ev->mask & IN_ISDIR) {
        if (ev->mask & (IN_CREATE | IN_MOVED_TO)) {
          std::vector<std::string> found;
          if (absl::Status s = AddTree(path, &found); !s.ok()) {
            base::LogWarning("cannot watch new directory", {{"error", std::string(s.message())}});
          }
          for (std::string& f : found) add(std::move(f));
        }
        continue;
      }
      if (ev->mask & (IN_CLOSE_WRITE | IN_MOVED_TO)) add(path);
    }
  }
  return changed;
}

}  // namespace khabar::ingest
