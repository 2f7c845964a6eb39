// File: facets.h
// -----------------------------------------------------------------------------
// Facet counts: for each requested metadata field, how many articles of the
// whole (filtered) result list have each value -- "CNBC عربية: 12, BBC: 7" --
// so a client can show counts beside its filters. The searcher feeds every
// matching document to a FacetCounter; only the top values are returned.
//
//   absl::StatusOr<std::vector<FacetField>> f = ParseFacetFields({"source"});
//   FacetCounter counter(*f, 20);
//   for (each matching doc) counter.Add(index.document(doc));
//   std::vector<FacetResult> facets = counter.Finish();
#ifndef KHABAR_QUERY_SERVICE_SEARCH_FACETS_H_
#define KHABAR_QUERY_SERVICE_SEARCH_FACETS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "query_service/index/index_snapshot.h"

namespace khabar::search {

enum class FacetField : uint8_t { kSource, kCategory };

// Field names as requests spell them, for messages and docs.
inline constexpr absl::string_view kFacetFields = "source, category";

// The fields named in `names`, in order; InvalidArgument for an unknown or
// repeated name.
absl::StatusOr<std::vector<FacetField>> ParseFacetFields(const std::vector<std::string>& names);

absl::string_view FacetFieldName(FacetField field);

struct FacetValue {
  std::string value;
  int64_t count = 0;
};

struct FacetResult {
  std::string field;               // "source", "category"
  std::vector<FacetValue> values;  // by count, then value (byte order); the top max_values
  int64_t other_count = 0;         // articles with a value not in `values`
  int64_t missing_count = 0;       // articles without a value (empty)
};

// Counts values over the documents it is given. Values are kept as views
// into the documents, which must outlive the counter (the searcher holds the
// index's read lock throughout). Values compare as exact bytes.
class FacetCounter {
 public:
  FacetCounter(std::vector<FacetField> fields, size_t max_values);

  bool empty() const { return counts_.empty(); }
  void Add(const index::Document& doc);
  // One result per field, in the order they were asked for.
  std::vector<FacetResult> Finish() const;

 private:
  struct Counts {
    FacetField field;
    absl::flat_hash_map<absl::string_view, int64_t> by_value;
    int64_t missing = 0;
  };
  std::vector<Counts> counts_;
  size_t max_values_;
};

}  // namespace khabar::search

#endif  // KHABAR_QUERY_SERVICE_SEARCH_FACETS_H_
