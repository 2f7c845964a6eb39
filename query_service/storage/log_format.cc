#include "query_service/storage/log_format.h"

#include "absl/status/status.h"
#include "query_service/storage/crc32c.h"

namespace khabar::storage {

void AppendRecord(RecordType type, Lsn lsn, absl::string_view payload, std::string* out) {
  const size_t start = out->size();
  PutFixed32(out, static_cast<uint32_t>(kRecordLsnSize + payload.size()));
  PutFixed32(out, 0);  // crc, filled below
  out->push_back(static_cast<char>(type));
  PutFixed64(out, lsn);
  out->append(payload.data(), payload.size());
  const char* covered = out->data() + start + 8;
  const uint32_t crc = crc32c::Extend(0, covered, out->size() - start - 8);
  const uint32_t masked = crc32c::Mask(crc);
  for (int i = 0; i < 4; ++i) (*out)[start + 4 + i] = static_cast<char>((masked >> (8 * i)) & 0xff);
}

absl::StatusOr<DecodedRecord> DecodeRecord(absl::string_view data, uint32_t max_record_bytes) {
  if (data.size() < kRecordHeaderSize) return absl::DataLossError("short header");
  const uint32_t length = GetFixed32(data.data());
  if (length < kRecordLsnSize || length > max_record_bytes) {
    return absl::DataLossError("bad length");
  }
  if (data.size() - kRecordHeaderSize < length) return absl::DataLossError("short payload");
  const uint32_t expected = crc32c::Unmask(GetFixed32(data.data() + 4));
  const uint32_t actual = crc32c::Extend(0, data.data() + 8, 1 + length);
  if (expected != actual) return absl::DataLossError("bad crc");
  const auto type = static_cast<uint8_t>(data[8]);
  if (type != static_cast<uint8_t>(RecordType::kUpsert) &&
      type != static_cast<uint8_t>(RecordType::kDelete)) {
    return absl::DataLossError("unknown record type");
  }
  DecodedRecord r;
  r.type = static_cast<RecordType>(type);
  r.lsn = GetFixed64(data.data() + kRecordHeaderSize);
  r.payload = data.substr(kRecordHeaderSize + kRecordLsnSize, length - kRecordLsnSize);
  r.encoded_size = kRecordHeaderSize + length;
  return r;
}

}  // namespace khabar::storage
