// File: ordering.h
// -----------------------------------------------------------------------------
// How a result list is ordered: `order_by` (AIP-132 style) and the optional
// recency boost for news, an exponential decay on the article's age that
// multiplies its BM25 score (after Elasticsearch's function_score `exp`
// decay). docs/filters.md explains both.
//
//   absl::StatusOr<SortOrder> o = ParseOrderBy("published_time desc");
//   RecencyBoost boost{.half_life_seconds = 7 * 86400, .weight = 0.5, .origin = now};
//   double score = bm25 * boost.Factor(doc.published_time);
#ifndef KHABAR_QUERY_SERVICE_SEARCH_ORDERING_H_
#define KHABAR_QUERY_SERVICE_SEARCH_ORDERING_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "query_service/search/doc_iterator.h"

namespace khabar::search {

// kRelevance: score, best first. By time: newest (desc) or oldest (asc)
// first, then by score; articles without a time come last either way.
enum class SortOrder : uint8_t { kRelevance, kPublishedTimeDesc, kPublishedTimeAsc };

// "" or "relevance" (also "relevance desc"), "published_time desc",
// "published_time asc" or "published_time" (ascending, as AIP-132 reads a
// bare field); spaces around words are free, asc/desc ignore case.
// InvalidArgument for anything else.
absl::StatusOr<SortOrder> ParseOrderBy(absl::string_view order_by);

// The canonical spelling: "relevance", "published_time desc", "published_time asc".
absl::string_view OrderByName(SortOrder order);

// score × ((1 - weight) + weight × 0.5^(age / half_life)), age = origin -
// published_time in seconds (0 for articles dated after `origin`). An
// article without a time counts as infinitely old: (1 - weight).
struct RecencyBoost {
  double half_life_seconds = 7 * 86400.0;
  double weight = 0.5;  // in [0, 1]
  int64_t origin = 0;   // Unix seconds, usually now

  double Factor(int64_t published_time) const;
  // The factor, with age, half-life and weight as details.
  Explanation Explain(int64_t published_time) const;
};

// A half-life such as "7d", "36h", "90m", "1d12h", "1.5w" (units s, m, h, d,
// w); InvalidArgument naming `what` unless it is in [1 minute, 100 years].
absl::StatusOr<double> ParseHalfLife(absl::string_view what, absl::string_view text);

}  // namespace khabar::search

#endif  // KHABAR_QUERY_SERVICE_SEARCH_ORDERING_H_
