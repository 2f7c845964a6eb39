// File: sha256.h
// -----------------------------------------------------------------------------
// SHA-256 (FIPS 180-4) for content hashes and page-token checks. Self-contained
// so that neither service needs OpenSSL for one hash function.
//
//   std::string hex = base::Sha256Hex("abc");  // "ba7816bf..."
//   base::Sha256 h; h.Update(title); h.Update(body); auto digest = h.Finish();
#ifndef KHABAR_COMMON_BASE_SHA256_H_
#define KHABAR_COMMON_BASE_SHA256_H_

#include <array>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace khabar::base {

class Sha256 {
 public:
  Sha256();
  void Update(absl::string_view data);
  // REQUIRES: called once; the object is spent afterwards.
  std::array<uint8_t, 32> Finish();

 private:
  void Compress(const uint8_t* block);

  std::array<uint32_t, 8> state_;
  std::array<uint8_t, 64> buffer_;
  size_t buffered_ = 0;
  uint64_t total_bytes_ = 0;
};

std::array<uint8_t, 32> Sha256Digest(absl::string_view data);

// 64 lowercase hex characters.
std::string Sha256Hex(absl::string_view data);

}  // namespace khabar::base

#endif  // KHABAR_COMMON_BASE_SHA256_H_
