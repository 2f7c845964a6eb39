// File: page_token.h
// -----------------------------------------------------------------------------
// Opaque AIP-158 page tokens. A token records where the next page starts and
// a fingerprint of the query it belongs to, so a token used with another
// query, or edited by hand, is rejected instead of silently paging wrong.
// `query` is whatever the result list depends on: Engine passes the query
// text plus any option that changes the list (collapse_duplicates).
//
//   std::string token = EncodePageToken({.offset = 20}, "إنفيديا");
//   absl::StatusOr<PageToken> t = DecodePageToken(token, "إنفيديا");  // offset 20
#ifndef KHABAR_QUERY_SERVICE_SEARCH_PAGE_TOKEN_H_
#define KHABAR_QUERY_SERVICE_SEARCH_PAGE_TOKEN_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace khabar::search {

struct PageToken {
  uint64_t offset = 0;
  // The index snapshot the first page was computed on (Engine pins it); 0
  // for none.
  uint64_t generation = 0;
};

// URL-safe base64, no padding.
std::string EncodePageToken(const PageToken& token, absl::string_view query);

// InvalidArgument when `token` is malformed, tampered with, or was issued for
// another query. An empty token is the first page.
absl::StatusOr<PageToken> DecodePageToken(absl::string_view token, absl::string_view query);

}  // namespace khabar::search

#endif  // KHABAR_QUERY_SERVICE_SEARCH_PAGE_TOKEN_H_
