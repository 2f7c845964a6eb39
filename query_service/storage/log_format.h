// File: log_format.h
// -----------------------------------------------------------------------------
// The framing shared by WAL segments and snapshots (docs/durability.md):
//
//   [u32 length][u32 masked crc32c][u8 type][u64 lsn][payload]
//
// little-endian; `length` counts the bytes after the 9-byte header (8 + payload
// size); the CRC covers type, lsn and payload. Payloads are opaque bytes.
//
//   std::string buf;
//   storage::AppendRecord(RecordType::kUpsert, 42, article_bytes, &buf);
//   absl::StatusOr<storage::DecodedRecord> r = storage::DecodeRecord(buf, kMaxRecordBytes);
#ifndef KHABAR_QUERY_SERVICE_STORAGE_LOG_FORMAT_H_
#define KHABAR_QUERY_SERVICE_STORAGE_LOG_FORMAT_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace khabar::storage {

// Log sequence number: 1 for the first record ever written, +1 per record.
using Lsn = uint64_t;

enum class RecordType : uint8_t {
  kUpsert = 1,  // payload: the serialized article
  kDelete = 2,  // payload: the article id
};

inline constexpr size_t kRecordHeaderSize = 4 + 4 + 1;
inline constexpr size_t kRecordLsnSize = 8;
// Default bound on `length`: a larger value is corruption, not a record.
inline constexpr uint32_t kDefaultMaxRecordBytes = 64u << 20;

struct DecodedRecord {
  RecordType type = RecordType::kUpsert;
  Lsn lsn = 0;
  absl::string_view payload;  // points into the decoded buffer
  size_t encoded_size = 0;    // header + lsn + payload
};

// Appends one framed record to `*out`.
void AppendRecord(RecordType type, Lsn lsn, absl::string_view payload, std::string* out);

// Decodes the record at the start of `data`. DataLossError whose message is
// the reason ("short header", "short payload", "bad length", "bad crc",
// "unknown record type") when `data` does not start with a whole, intact
// record.
absl::StatusOr<DecodedRecord> DecodeRecord(absl::string_view data, uint32_t max_record_bytes);

inline void PutFixed32(std::string* out, uint32_t v) {
  char b[4];
  for (int i = 0; i < 4; ++i) b[i] = static_cast<char>((v >> (8 * i)) & 0xff);
  out->append(b, 4);
}
inline void PutFixed64(std::string* out, uint64_t v) {
  char b[8];
  for (int i = 0; i < 8; ++i) b[i] = static_cast<char>((v >> (8 * i)) & 0xff);
  out->append(b, 8);
}
inline uint32_t GetFixed32(const char* p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}
inline uint64_t GetFixed64(const char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

}  // namespace khabar::storage

#endif  // KHABAR_QUERY_SERVICE_STORAGE_LOG_FORMAT_H_
