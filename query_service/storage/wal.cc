#include "query_service/storage/wal.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/base/status_macros.h"
#include "query_service/storage/io.h"

namespace khabar::storage {
namespace {

namespace fs = std::filesystem;

constexpr absl::string_view kSegmentPrefix = "wal-";
constexpr absl::string_view kSegmentSuffix = ".log";
constexpr size_t kLsnDigits = 20;

// The first LSN encoded in a segment file name, or nullopt for another file.
std::optional<Lsn> ParseSegmentName(absl::string_view name) {
  if (name.size() != kSegmentPrefix.size() + kLsnDigits + kSegmentSuffix.size() ||
      !absl::StartsWith(name, kSegmentPrefix) || !absl::EndsWith(name, kSegmentSuffix)) {
    return std::nullopt;
  }
  absl::string_view digits = name.substr(kSegmentPrefix.size(), kLsnDigits);
  if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  Lsn lsn = 0;
  if (!absl::SimpleAtoi(digits, &lsn)) return std::nullopt;
  return lsn;
}

// True when an intact record with LSN `next_lsn` starts right after the
// damaged record at `offset` (whose length field must then be right): the
// damage is corruption in the middle of the log, not a torn final write.
bool IntactRecordFollows(absl::string_view data, size_t offset, Lsn next_lsn,
                         uint32_t max_record_bytes) {
  if (data.size() - offset < kRecordHeaderSize) return false;
  const uint32_t length = GetFixed32(data.data() + offset);
  if (length < kRecordLsnSize || length > max_record_bytes) return false;
  const size_t next = offset + kRecordHeaderSize + length;
  if (next >= data.size()) return false;
  absl::StatusOr<DecodedRecord> r = DecodeRecord(data.substr(next), max_record_bytes);
  return r.ok() && r->lsn == next_lsn;
}

}  // namespace

std::string Wal::SegmentName(Lsn first_lsn) {
  return absl::StrFormat("%s%020u%s", kSegmentPrefix, first_lsn, kSegmentSuffix);
}

absl::StatusOr<std::unique_ptr<Wal>> Wal::Open(WalOptions options) {
  if (options.dir.empty()) return absl::InvalidArgumentError("WAL directory is empty");
  KHABAR_RETURN_IF_ERROR(EnsureDir(options.dir));
  return std::unique_ptr<Wal>(new Wal(std::move(options)));
}

Wal::~Wal() {
  absl::MutexLock lock(&mu_);
  WaitForSyncIdleLocked();
  if (fd_ >= 0) ::close(fd_);
}

absl::StatusOr<WalReplayReport> Wal::Replay(Lsn after, ReplayFn fn) {
  absl::MutexLock lock(&mu_);
  if (replayed_) return absl::FailedPreconditionError("Wal::Replay called twice");

  std::error_code ec;
  std::vector<Segment> segments;
  for (fs::directory_iterator it(options_.dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::optional<Lsn> first = ParseSegmentName(it->path().filename().string());
    if (first.has_value()) segments.push_back({*first, it->path().string(), 0});
  }
  if (ec) return absl::InternalError(absl::StrCat(options_.dir, ": cannot list: ", ec.message()));
  std::sort(segments.begin(), segments.end(),
            [](const Segment& a, const Segment& b) { return a.first_lsn < b.first_lsn; });

  WalReplayReport report;
  report.segments = static_cast<int>(segments.size());
  Lsn prev = 0;  // LSN of the last good record read
  for (size_t i = 0; i < segments.size(); ++i) {
    Segment& seg = segments[i];
    const bool is_last = i + 1 == segments.size();
    KHABAR_ASSIGN_OR_RETURN(std::unique_ptr<MappedFile> file, MappedFile::Open(seg.path));
    const absl::string_view data = file->data();
    size_t offset = 0;
    Lsn expected = seg.first_lsn;
    while (offset < data.size()) {
      absl::StatusOr<DecodedRecord> r =
          DecodeRecord(data.substr(offset), options_.max_record_bytes);
      std::string reason;
      if (!r.ok()) {
        reason = std::string(r.status().message());
      } else if (r->lsn != expected) {
        reason = absl::StrCat("lsn ", r->lsn, " where ", expected, " was expected");
      }
      if (!reason.empty()) {
        const bool torn_tail = is_last && !r.ok() &&
                               !IntactRecordFollows(data, offset, expected + 1,
                                                    options_.max_record_bytes);
        if (!torn_tail) {
          return absl::DataLossError(absl::StrCat(
              seg.path, ": corrupt record at byte offset ", offset, ": ", reason,
              is_last ? " (intact records follow it, so it is not a torn final write)"
                      : " (not the last segment)",
              "; refusing to replay past it"));
        }
        const uint64_t size = data.size();
        file.reset();
        KHABAR_RETURN_IF_ERROR(TruncateAndSync(seg.path, offset));
        report.tail_cut = TailCut{seg.path, offset, reason, size - offset};
        break;
      }
      if (r->lsn > after) {
        const Lsn want = std::max(prev, after) + 1;
        if (r->lsn != want) {
          return absl::DataLossError(absl::StrCat(
              seg.path, ": records ", want, "..", r->lsn - 1,
              " are missing (neither in the snapshot nor in the log)"));
        }
        KHABAR_RETURN_IF_ERROR(fn(r->type, r->lsn, r->payload));
        ++report.records_replayed;
      } else {
        ++report.records_skipped;
      }
      prev = r->lsn;
      ++expected;
      offset += r->encoded_size;
    }
    seg.bytes = offset;
  }

  last_lsn_ = std::max(prev, after);
  segments_ = std::move(segments);
  if (!segments_.empty() && segments_.back().bytes == 0 &&
      segments_.back().first_lsn != last_lsn_ + 1) {
    // An empty segment whose name no longer fits (e.g. the log restarts after a snapshot).
    if (::unlink(segments_.back().path.c_str()) != 0) {
      return ErrnoError(segments_.back().path, "unlink", errno);
    }
    segments_.pop_back();
  }
  if (!segments_.empty() && segments_.back().bytes > 0 && prev < after) {
    // Every record on disk is older than the snapshot: start a segment at after + 1.
    KHABAR_RETURN_IF_ERROR(OpenNewSegmentLocked(last_lsn_ + 1));
  } else if (segments_.empty()) {
    KHABAR_RETURN_IF_ERROR(OpenNewSegmentLocked(last_lsn_ + 1));
  } else {
    const std::string& path = segments_.back().path;
    fd_ = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd_ < 0) return ErrnoError(path, "open for append", errno);
    if (options_.sync == SyncMode::kFsync && ::fdatasync(fd_) != 0) {
      return ErrnoError(path, "fdatasync", errno);
    }
  }
  synced_lsn_ = last_lsn_;
  replayed_ = true;
  report.last_lsn = last_lsn_;
  return report;
}

absl::Status Wal::OpenNewSegmentLocked(Lsn first_lsn) {
  const std::string path = (fs::path(options_.dir) / SegmentName(first_lsn)).string();
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoError(path, "create segment", errno);
  if (options_.sync == SyncMode::kFsync) {
    absl::Status s = SyncDir(options_.dir);
    if (!s.ok()) {
      ::close(fd);
      return s;
    }
  }
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
  segments_.push_back({first_lsn, path, 0});
  return absl::OkStatus();
}

void Wal::WaitForSyncIdleLocked() {
  while (sync_in_progress_) synced_cv_.Wait(&mu_);
}

absl::Status Wal::RollLocked() {
  if (segments_.empty() || segments_.back().bytes == 0) return absl::OkStatus();
  WaitForSyncIdleLocked();
  if (options_.sync == SyncMode::kFsync && ::fdatasync(fd_) != 0) {
    broken_ = ErrnoError(segments_.back().path, "fdatasync", errno);
    return broken_;
  }
  synced_lsn_ = last_lsn_;
  synced_cv_.SignalAll();
  absl::Status s = OpenNewSegmentLocked(last_lsn_ + 1);
  if (!s.ok()) broken_ = s;
  return s;
}

absl::Status Wal::Roll() {
  absl::MutexLock lock(&mu_);
  if (!replayed_) return absl::FailedPreconditionError("Wal::Replay must run before Roll");
  if (!broken_.ok()) return broken_;
  return RollLocked();
}

absl::StatusOr<Lsn> Wal::Append(absl::Span<const RecordRef> records) {
  absl::MutexLock lock(&mu_);
  if (!replayed_) return absl::FailedPreconditionError("Wal::Replay must run before Append");
  if (!broken_.ok()) return broken_;
  if (records.empty()) return last_lsn_;
  if (segments_.back().bytes >= options_.segment_bytes) KHABAR_RETURN_IF_ERROR(RollLocked());

  size_t total = 0;
  for (const RecordRef& r : records) {
    if (r.payload.size() + kRecordLsnSize > options_.max_record_bytes) {
      return absl::InvalidArgumentError(absl::StrCat("record of ", r.payload.size(),
                                                     " bytes is over the WAL limit of ",
                                                     options_.max_record_bytes));
    }
    total += kRecordHeaderSize + kRecordLsnSize + r.payload.size();
  }
  std::string buf;
  buf.reserve(total);
  Lsn lsn = last_lsn_;
  for (const RecordRef& r : records) AppendRecord(r.type, ++lsn, r.payload, &buf);
  absl::Status s = WriteAll(fd_, buf, segments_.back().path);
  if (!s.ok()) {
    broken_ = s;  // part of the batch may be on disk: recovery will cut it
    return s;
  }
  segments_.back().bytes += buf.size();
  last_lsn_ = lsn;
  return lsn;
}

absl::Status Wal::Sync(Lsn lsn) {
  absl::MutexLock lock(&mu_);
  if (!broken_.ok()) return broken_;
  if (lsn > last_lsn_) {
    return absl::InvalidArgumentError(
        absl::StrCat("Sync(", lsn, ") past the last written LSN ", last_lsn_));
  }
  if (options_.sync == SyncMode::kNone) return absl::OkStatus();
  while (synced_lsn_ < lsn) {
    if (!broken_.ok()) return broken_;
    if (sync_in_progress_) {  // a leader is syncing: wait for it, then look again
      synced_cv_.Wait(&mu_);
      continue;
    }
    // Become the leader: sync everything written so far, for every waiter.
    sync_in_progress_ = true;
    const Lsn target = last_lsn_;
    const int fd = fd_;  // Roll waits for sync_in_progress_ before closing it
    const std::string path = segments_.back().path;
    mu_.Unlock();
    const int rc = ::fdatasync(fd);
    const int err = errno;
    mu_.Lock();
    sync_in_progress_ = false;
    if (rc != 0) {
      broken_ = ErrnoError(path, "fdatasync", err);  // never retried: see docs/durability.md
    } else {
      synced_lsn_ = std::max(synced_lsn_, target);
    }
    synced_cv_.SignalAll();
  }
  return absl::OkStatus();
}

absl::StatusOr<Lsn> Wal::AppendAndSync(absl::Span<const RecordRef> records) {
  KHABAR_ASSIGN_OR_RETURN(Lsn lsn, Append(records));
  KHABAR_RETURN_IF_ERROR(Sync(lsn));
  return lsn;
}

absl::StatusOr<int> Wal::DropSegmentsThrough(Lsn lsn) {
  absl::MutexLock lock(&mu_);
  int dropped = 0;
  // Segment i is closed (not the last) and holds LSNs [first_i, first_{i+1}).
  while (segments_.size() >= 2 && segments_[1].first_lsn - 1 <= lsn) {
    if (::unlink(segments_.front().path.c_str()) != 0) {
      return ErrnoError(segments_.front().path, "unlink", errno);
    }
    segments_.erase(segments_.begin());
    ++dropped;
  }
  if (dropped > 0 && options_.sync == SyncMode::kFsync) KHABAR_RETURN_IF_ERROR(SyncDir(options_.dir));
  return dropped;
}

Lsn Wal::last_lsn() const {
  absl::MutexLock lock(&mu_);
  return last_lsn_;
}

WalStats Wal::Stats() const {
  absl::MutexLock lock(&mu_);
  WalStats s;
  for (const Segment& seg : segments_) s.bytes += seg.bytes;
  s.segments = static_cast<int>(segments_.size());
  s.last_lsn = last_lsn_;
  s.synced_lsn = synced_lsn_;
  return s;
}

}  // namespace khabar::storage
