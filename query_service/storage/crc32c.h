// File: crc32c.h
// -----------------------------------------------------------------------------
// CRC-32C (Castagnoli, polynomial 0x1EDC6F41, reflected 0x82F63B78), the
// checksum of iSCSI, ext4 metadata and LevelDB/RocksDB logs. Software
// slicing-by-8; the SSE4.2 `crc32` instruction when the CPU has it (checked
// once at run time).
//
//   uint32_t c = storage::crc32c::Value("123456789");  // 0xE3069283
//   c = storage::crc32c::Extend(c, more.data(), more.size());
//   uint32_t stored = storage::crc32c::Mask(c);       // what goes on disk
#ifndef KHABAR_QUERY_SERVICE_STORAGE_CRC32C_H_
#define KHABAR_QUERY_SERVICE_STORAGE_CRC32C_H_

#include <cstddef>
#include <cstdint>

#include "absl/strings/string_view.h"

namespace khabar::storage::crc32c {

// The CRC of data[0, n) appended to a message whose CRC is `crc`
// (Extend(0, ...) is the CRC of the data alone).
uint32_t Extend(uint32_t crc, const char* data, size_t n);

inline uint32_t Value(absl::string_view data) { return Extend(0, data.data(), data.size()); }

// The portable implementation, whatever the CPU (for tests and benchmarks).
uint32_t ExtendPortable(uint32_t crc, const char* data, size_t n);

// True when Extend uses the SSE4.2 instruction.
bool HardwareAccelerated();

// A CRC stored next to the data it covers is masked (rotated and offset, as
// in LevelDB): the CRC of a string that itself contains CRCs is otherwise
// prone to degenerate values.
inline constexpr uint32_t kMaskDelta = 0xa282ead8u;
inline uint32_t Mask(uint32_t crc) { return ((crc >> 15) | (crc << 17)) + kMaskDelta; }
inline uint32_t Unmask(uint32_t masked) {
  const uint32_t rot = masked - kMaskDelta;
  return (rot >> 17) | (rot << 15);
}

}  // namespace khabar::storage::crc32c

#endif  // KHABAR_QUERY_SERVICE_STORAGE_CRC32C_H_
