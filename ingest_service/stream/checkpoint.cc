#include "ingest_service/stream/checkpoint.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/base/file.h"

namespace khabar::ingest {
namespace {

constexpr absl::string_view kHeader = "# khabar ingest checkpoint v1";

}  // namespace

absl::StatusOr<Checkpoint> Checkpoint::Load(absl::string_view path) {
  Checkpoint cp;
  cp.path_ = std::string(path);
  struct stat st;
  if (::stat(cp.path_.c_str(), &st) != 0 && errno == ENOENT) return cp;
  absl::StatusOr<std::string> text = base::ReadFile(path);
  if (!text.ok()) return text.status();
  int line_no = 0;
  for (absl::string_view line : absl::StrSplit(*text, '\n', absl::SkipEmpty())) {
    ++line_no;
    if (line_no == 1) {
      if (line != kHeader) {
        return absl::InvalidArgumentError(absl::StrCat(
            path, ": not a khabar ingest checkpoint (first line is not \"", kHeader, "\")"));
      }
      continue;
    }
    std::vector<absl::string_view> f = absl::StrSplit(line, absl::MaxSplits(' ', 4));
    Entry e;
    int complete = 0;
    if (f.size() != 5 || !absl::SimpleAtoi(f[0], &complete) || !absl::SimpleAtoi(f[1], &e.done) ||
        !absl::SimpleAtoi(f[2], &e.size) || !absl::SimpleAtoi(f[3], &e.mtime_ns) || f[4].empty() ||
        (complete != 0 && complete != 1) || e.done < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ":", line_no, ": malformed checkpoint line \"", line, "\""));
    }
    e.complete = complete == 1;
    cp.files_[f[4]] = e;
  }
  return cp;
}

const Checkpoint::Entry* Checkpoint::Find(const FileKey& key) const {
  auto it = files_.find(key.path);
  if (it == files_.end()) return nullptr;
  if (it->second.size != key.size || it->second.mtime_ns != key.mtime_ns) return nullptr;
  return &it->second;
}

int64_t Checkpoint::DoneDocuments(const FileKey& key) const {
  const Entry* e = Find(key);
  return e == nullptr ? 0 : e->done;
}

bool Checkpoint::IsComplete(const FileKey& key) const {
  const Entry* e = Find(key);
  return e != nullptr && e->complete;
}

void Checkpoint::Update(const FileKey& key, int64_t done, bool complete) {
  if (!enabled() && !in_memory_) return;
  Entry& e = files_[key.path];
  e = Entry{key.size, key.mtime_ns, done, complete};
  dirty_ = true;
}

std::string Checkpoint::ToString() const {
  std::vector<const std::pair<const std::string, Entry>*> sorted;
  sorted.reserve(files_.size());
  for (const auto& kv : files_) sorted.push_back(&kv);
  std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->first < b->first; });
  std::string out = absl::StrCat(kHeader, "\n");
  for (const auto* kv : sorted) {
    const Entry& e = kv->second;
    absl::StrAppend(&out, e.complete ? 1 : 0, " ", e.done, " ", e.size, " ", e.mtime_ns, " ",
                    kv->first, "\n");
  }
  return out;
}

absl::Status Checkpoint::Save() {
  if (!enabled() || !dirty_) return absl::OkStatus();
  absl::Status s = base::WriteFileAtomically(path_, ToString());
  if (!s.ok()) return s;
  dirty_ = false;
  last_save_ = absl::Now();
  return absl::OkStatus();
}

absl::Status Checkpoint::SaveIfDue(absl::Duration interval) {
  if (absl::Now() - last_save_ < interval) return absl::OkStatus();
  return Save();
}

absl::StatusOr<FileKey> StatFileKey(absl::string_view path) {
  FileKey key;
  key.path = std::string(path);
  struct stat st;
  if (::stat(key.path.c_str(), &st) != 0) {
    return absl::NotFoundError(absl::StrCat(path, ": ", std::strerror(errno)));
  }
  key.size = st.st_size;
  key.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  return key;
}

}  // namespace khabar::ingest
