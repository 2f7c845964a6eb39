// File: filter.h
// -----------------------------------------------------------------------------
// Metadata filters in the style of AIP-160 (https://google.aip.dev/160): a
// small expression language over an article's source, category, publication
// time and id, parsed once per request into a predicate tree that the searcher
// evaluates on every candidate document (docs/filters.md has the grammar):
//
//   source = "CNBC" AND published_time > "2025-07-01"
//   category = "تكنولوجيا" OR category = "اقتصاد"
//   NOT source = "x"          -source = "x"          source != "x"
//   id:("a", "b", "c")        source = ("CNBC" OR "BBC")      source = "CNBC*"
//   (category = "رياضة" OR category = "") published_time >= "2025-07-01T08:00:00+03:00"
//
// As in AIP-160, OR binds tighter than AND (and than the implicit AND of
// juxtaposed comparisons): `a AND b OR c` is `a AND (b OR c)`. Text values
// compare as exact bytes, ignoring ASCII letter case ("cnbc" = "CNBC"); a
// trailing '*' makes a prefix match. Times are RFC 3339 timestamps or dates
// (midnight UTC) and compare as instants; an article without a time matches no
// time comparison. Malformed input is an InvalidArgument naming the problem
// and its character position (1-based, in Unicode characters):
//
//   absl::StatusOr<Filter> f = ParseFilter("source = \"CNBC\" AND (", {});
//   // InvalidArgument: "filter: unbalanced '(' at character 21: add the closing ')'"
//
// Matches() allocates nothing, so it can run on every candidate.
#ifndef KHABAR_QUERY_SERVICE_SEARCH_FILTER_H_
#define KHABAR_QUERY_SERVICE_SEARCH_FILTER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "query_service/index/index_snapshot.h"

namespace khabar::search {

// The metadata a filter can test.
enum class FilterField : uint8_t { kSource, kCategory, kPublishedTime, kId };

// Field names as written in filters, for messages and docs.
inline constexpr absl::string_view kFilterFields = "source, category, published_time, id";

struct FilterLimits {
  size_t max_bytes = 4 * 1024;
  // Comparisons (a value list counts once, however long).
  size_t max_comparisons = 64;
  // Parenthesis nesting.
  int max_depth = 16;
};

// An immutable predicate tree; a default-constructed Filter matches every
// document. Copyable; holds its values, not views into the text.
class Filter {
 public:
  Filter() = default;

  // True for the filter that matches everything (an empty or blank text).
  bool empty() const { return nodes_.empty(); }
  // Whether any comparison reads published_time.
  bool uses_time() const { return uses_time_; }

  // Whether `doc` passes. No allocation.
  bool Matches(const index::Document& doc) const {
    return nodes_.empty() || Eval(static_cast<uint32_t>(nodes_.size() - 1), doc);
  }

  // The tree, fully parenthesized, values quoted and times in UTC:
  // AND(source = "CNBC", published_time > 2025-07-01T00:00:00Z).
  std::string DebugString() const;

 private:
  friend class FilterParser;

  enum class Kind : uint8_t { kAnd, kOr, kNot, kText, kTime };
  // kHas: the field has a value (published_time:*).
  enum class Cmp : uint8_t { kEq, kNe, kLt, kLe, kGt, kGe, kHas };
  // One value of a text comparison: exact, or a prefix (written with '*').
  struct TextValue {
    std::string text;
    bool prefix = false;
  };
  // Children come before their parent, the root is last. kAnd/kOr: their
  // children are child_[first, first + count). kNot: child_[first]. kText:
  // values_[first, first + count), exact values sorted for binary search,
  // then the prefixes. kTime: `seconds`/`nanos`.
  struct Node {
    Kind kind;
    Cmp cmp = Cmp::kEq;  // kText: kEq or kNe
    FilterField field = FilterField::kSource;
    uint32_t first = 0;
    uint32_t count = 0;
    uint32_t exact_count = 0;  // kText: exact values among `count`
    int64_t seconds = 0;
    int32_t nanos = 0;
  };

  bool Eval(uint32_t node, const index::Document& doc) const;
  bool TextMatches(const Node& n, absl::string_view value) const;
  std::string NodeString(uint32_t node) const;

  std::vector<Node> nodes_;
  std::vector<uint32_t> child_;
  std::vector<TextValue> values_;
  bool uses_time_ = false;
};

// The filter for `text`; an empty or blank text gives the empty Filter.
// InvalidArgument, prefixed "filter: " and with a character position, for
// malformed or oversized input.
absl::StatusOr<Filter> ParseFilter(absl::string_view text, const FilterLimits& limits = {});

}  // namespace khabar::search

#endif  // KHABAR_QUERY_SERVICE_SEARCH_FILTER_H_
