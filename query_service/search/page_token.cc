#include "query_service/search/page_token.h"

#include <array>
#include <cstring>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/base/sha256.h"

namespace khabar::search {
namespace {

constexpr uint8_t kVersion = 2;
// version, offset, query fp, snapshot generation, check
constexpr size_t kTokenBytes = 1 + 8 + 8 + 8 + 4;
constexpr size_t kCheckAt = kTokenBytes - 4;

// Not a secret MAC: tokens are not a security boundary. The check catches
// truncation and hand edits; the fingerprint catches reuse with another query.
uint64_t Fingerprint(absl::string_view query) {
  const std::array<uint8_t, 32> d = base::Sha256Digest(query);
  uint64_t fp;
  std::memcpy(&fp, d.data(), sizeof(fp));
  return fp;
}

uint32_t Check(absl::string_view body) {
  const std::array<uint8_t, 32> d = base::Sha256Digest(body);
  uint32_t c;
  std::memcpy(&c, d.data(), sizeof(c));
  return c;
}

}  // namespace

std::string EncodePageToken(const PageToken& token, absl::string_view query) {
  std::string raw(kTokenBytes, '\0');
  raw[0] = static_cast<char>(kVersion);
  std::memcpy(&raw[1], &token.offset, 8);
  const uint64_t fp = Fingerprint(query);
  std::memcpy(&raw[9], &fp, 8);
  std::memcpy(&raw[17], &token.generation, 8);
  const uint32_t check = Check(absl::string_view(raw).substr(0, kCheckAt));
  std::memcpy(&raw[kCheckAt], &check, 4);
  return absl::WebSafeBase64Escape(raw);
}

absl::StatusOr<PageToken> DecodePageToken(absl::string_view token, absl::string_view query) {
  if (token.empty()) return PageToken{};
  std::string raw;
  if (token.size() > 64 || !absl::WebSafeBase64Unescape(token, &raw) || raw.size() != kTokenBytes ||
      static_cast<uint8_t>(raw[0]) != kVersion) {
    return absl::InvalidArgumentError(
        "page_token is not a token this service issued; pass next_page_token unchanged");
  }
  uint32_t check;
  std::memcpy(&check, &raw[kCheckAt], 4);
  if (check != Check(absl::string_view(raw).substr(0, kCheckAt))) {
    return absl::InvalidArgumentError("page_token is corrupt; pass next_page_token unchanged");
  }
  uint64_t fp;
  std::memcpy(&fp, &raw[9], 8);
  if (fp != Fingerprint(query)) {
    return absl::InvalidArgumentError(
        "page_token belongs to a different query (or collapse_duplicates setting); a token is "
        "valid only with the same query and options");
  }
  PageToken out;
  std::memcpy(&out.offset, &raw[1], 8);
  std::memcpy(&out.generation, &raw[17], 8);
  return out;
}

}  // namespace khabar::search
