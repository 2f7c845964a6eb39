#include "query_service/storage/snapshot.h"

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
#include "query_service/storage/crc32c.h"
#include "query_service/storage/io.h"

namespace khabar::storage {
namespace {

namespace fs = std::filesystem;

constexpr absl::string_view kHeaderMagic("KHSNAP\0\1", 8);
constexpr absl::string_view kTrailerMagic("KHSNEND\0", 8);
constexpr absl::string_view kPrefix = "snapshot-";
constexpr absl::string_view kSuffix = ".snap";
constexpr absl::string_view kTmpSuffix = ".tmp";
constexpr size_t kFlushBytes = 1 << 20;

std::optional<Lsn> ParseSnapshotName(absl::string_view name) {
  if (name.size() != kPrefix.size() + 20 + kSuffix.size() || !absl::StartsWith(name, kPrefix) ||
      !absl::EndsWith(name, kSuffix)) {
    return std::nullopt;
  }
  absl::string_view digits = name.substr(kPrefix.size(), 20);
  if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  Lsn lsn = 0;
  if (!absl::SimpleAtoi(digits, &lsn)) return std::nullopt;
  return lsn;
}

std::string EncodeHeader(Lsn lsn, uint64_t records) {
  std::string h(kHeaderMagic);
  PutFixed32(&h, kSnapshotVersion);
  PutFixed64(&h, lsn);
  PutFixed64(&h, records);
  PutFixed32(&h, crc32c::Mask(crc32c::Value(h)));
  return h;
}

absl::Status Damaged(const std::string& path, size_t offset, absl::string_view reason) {
  return absl::DataLossError(
      absl::StrCat(path, ": damaged snapshot at byte offset ", offset, ": ", reason));
}

}  // namespace

std::string SnapshotName(Lsn lsn) { return absl::StrFormat("%s%020u%s", kPrefix, lsn, kSuffix); }

SnapshotWriter::SnapshotWriter(std::string dir, std::string tmp_path, std::string final_path,
                               int fd, Lsn lsn, SyncMode sync)
    : dir_(std::move(dir)),
      tmp_path_(std::move(tmp_path)),
      final_path_(std::move(final_path)),
      lsn_(lsn),
      sync_(sync),
      fd_(fd) {}

absl::StatusOr<std::unique_ptr<SnapshotWriter>> SnapshotWriter::Create(const std::string& dir,
                                                                       Lsn lsn, SyncMode sync) {
  KHABAR_RETURN_IF_ERROR(EnsureDir(dir));
  const std::string final_path = (fs::path(dir) / SnapshotName(lsn)).string();
  const std::string tmp_path = absl::StrCat(final_path, kTmpSuffix);
  const int fd = ::open(tmp_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoError(tmp_path, "create", errno);
  auto w = std::unique_ptr<SnapshotWriter>(
      new SnapshotWriter(dir, tmp_path, final_path, fd, lsn, sync));
  w->buffer_ = EncodeHeader(lsn, 0);  // rewritten with the count by Finish()
  return w;
}

SnapshotWriter::~SnapshotWriter() {
  if (fd_ >= 0) ::close(fd_);
  if (!finished_) ::unlink(tmp_path_.c_str());
}

absl::Status SnapshotWriter::Flush() {
  KHABAR_RETURN_IF_ERROR(WriteAll(fd_, buffer_, tmp_path_));
  buffer_.clear();
  return absl::OkStatus();
}

absl::Status SnapshotWriter::Add(absl::string_view payload) {
  if (finished_) return absl::FailedPreconditionError("SnapshotWriter::Add after Finish");
  const size_t start = buffer_.size();
  AppendRecord(RecordType::kUpsert, lsn_, payload, &buffer_);
  records_crc_ = crc32c::Extend(records_crc_, buffer_.data() + start, buffer_.size() - start);
  ++records_;
  if (buffer_.size() >= kFlushBytes) return Flush();
  return absl::OkStatus();
}

absl::StatusOr<std::string> SnapshotWriter::Finish() {
  if (finished_) return absl::FailedPreconditionError("SnapshotWriter::Finish called twice");
  PutFixed64(&buffer_, records_);
  PutFixed32(&buffer_, crc32c::Mask(records_crc_));
  buffer_.append(kTrailerMagic.data(), kTrailerMagic.size());
  KHABAR_RETURN_IF_ERROR(Flush());
  const std::string header = EncodeHeader(lsn_, records_);
  if (::pwrite(fd_, header.data(), header.size(), 0) != static_cast<ssize_t>(header.size())) {
    return ErrnoError(tmp_path_, "pwrite header", errno);
  }
  if (sync_ == SyncMode::kFsync && ::fdatasync(fd_) != 0) {
    return ErrnoError(tmp_path_, "fdatasync", errno);
  }
  if (::close(fd_) != 0) {
    fd_ = -1;
    return ErrnoError(tmp_path_, "close", errno);
  }
  fd_ = -1;
  if (::rename(tmp_path_.c_str(), final_path_.c_str()) != 0) {
    return ErrnoError(final_path_, "rename", errno);
  }
  finished_ = true;
  if (sync_ == SyncMode::kFsync) KHABAR_RETURN_IF_ERROR(SyncDir(dir_));
  return final_path_;
}

absl::StatusOr<std::vector<SnapshotInfo>> ListSnapshots(const std::string& dir) {
  std::vector<SnapshotInfo> out;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::optional<Lsn> lsn = ParseSnapshotName(it->path().filename().string());
    if (!lsn.has_value()) continue;
    SnapshotInfo info;
    info.path = it->path().string();
    info.lsn = *lsn;
    std::error_code sec;
    info.bytes = fs::file_size(it->path(), sec);
    out.push_back(std::move(info));
  }
  if (ec) return absl::InternalError(absl::StrCat(dir, ": cannot list: ", ec.message()));
  std::sort(out.begin(), out.end(),
            [](const SnapshotInfo& a, const SnapshotInfo& b) { return a.lsn > b.lsn; });
  return out;
}

absl::StatusOr<SnapshotInfo> LoadSnapshot(const std::string& path, uint32_t max_record_bytes,
                                          absl::FunctionRef<absl::Status(absl::string_view)> fn) {
  KHABAR_ASSIGN_OR_RETURN(std::unique_ptr<MappedFile> file, MappedFile::Open(path));
  const absl::string_view data = file->data();
  if (data.size() < kSnapshotHeaderSize + kSnapshotTrailerSize) {
    return Damaged(path, 0, absl::StrCat("file of ", data.size(), " bytes is too short"));
  }
  if (data.substr(0, kHeaderMagic.size()) != kHeaderMagic) {
    return Damaged(path, 0, "not a snapshot (bad magic)");
  }
  if (crc32c::Unmask(GetFixed32(data.data() + 28)) != crc32c::Value(data.substr(0, 28))) {
    return Damaged(path, 28, "bad header crc");
  }
  const uint32_t version = GetFixed32(data.data() + 8);
  if (version != kSnapshotVersion) {
    return Damaged(path, 8, absl::StrCat("unsupported version ", version));
  }
  SnapshotInfo info;
  info.path = path;
  info.lsn = GetFixed64(data.data() + 12);
  info.records = GetFixed64(data.data() + 20);
  info.bytes = data.size();

  const size_t records_end = data.size() - kSnapshotTrailerSize;
  const absl::string_view trailer = data.substr(records_end);
  if (trailer.substr(12) != kTrailerMagic) return Damaged(path, records_end + 12, "bad trailer magic");
  if (GetFixed64(trailer.data()) != info.records) {
    return Damaged(path, records_end, "trailer and header disagree on the record count");
  }
  const absl::string_view records = data.substr(kSnapshotHeaderSize, records_end - kSnapshotHeaderSize);
  if (crc32c::Unmask(GetFixed32(trailer.data() + 8)) != crc32c::Value(records)) {
    return Damaged(path, records_end + 8, "bad checksum over the records");
  }
  // Pass 1: every record intact and the count right, before anything is applied.
  size_t offset = 0;
  uint64_t count = 0;
  while (offset < records.size()) {
    absl::StatusOr<DecodedRecord> r = DecodeRecord(records.substr(offset), max_record_bytes);
    if (!r.ok()) return Damaged(path, kSnapshotHeaderSize + offset, r.status().message());
    if (r->type != RecordType::kUpsert || r->lsn != info.lsn) {
      return Damaged(path, kSnapshotHeaderSize + offset, "record is not an upsert at the snapshot LSN");
    }
    offset += r->encoded_size;
    ++count;
  }
  if (count != info.records) {
    return Damaged(path, records_end,
                   absl::StrCat("holds ", count, " records, header says ", info.records));
  }
  // Pass 2: apply.
  offset = 0;
  while (offset < records.size()) {
    absl::StatusOr<DecodedRecord> r = DecodeRecord(records.substr(offset), max_record_bytes);
    KHABAR_RETURN_IF_ERROR(fn(r->payload));
    offset += r->encoded_size;
  }
  return info;
}

absl::StatusOr<std::vector<SnapshotInfo>> PruneSnapshots(const std::string& dir, int keep) {
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (absl::StartsWith(name, kPrefix) && absl::EndsWith(name, kTmpSuffix)) {
      fs::remove(it->path(), ec);
    }
  }
  KHABAR_ASSIGN_OR_RETURN(std::vector<SnapshotInfo> all, ListSnapshots(dir));
  const size_t n = static_cast<size_t>(std::max(keep, 1));
  for (size_t i = n; i < all.size(); ++i) {
    if (::unlink(all[i].path.c_str()) != 0) return ErrnoError(all[i].path, "unlink", errno);
  }
  if (all.size() > n) all.resize(n);
  return all;
}

}  // namespace khabar::storage
