// File: searcher.h
// -----------------------------------------------------------------------------
// Ranked retrieval over an index snapshot: the query is parsed (query_parser.h)
// into a tree, its prefixes and typo-tolerant words (fuzzy.h) are expanded
// against the index, the tree becomes
// document-at-a-time iterators (doc_iterator.h) and the best `offset + limit`
// documents are kept in a bounded heap. Scoring is BM25F (scoring.h): for a
// plain keyword query each distinct word scores its stem (weight 1) and its
// exact form (exact_weight), stopwords at stopword_weight, and consecutive
// words add a proximity bonus -- exactly the ranking measured in
// docs/relevance.md.
//
//   search::SearchRequest req{.query = "\"الذكاء الاصطناعي\" -أمريكا", .limit = 10};
//   absl::StatusOr<search::SearchResult> r = search::Search(index, req, {});
#ifndef KHABAR_QUERY_SERVICE_SEARCH_SEARCHER_H_
#define KHABAR_QUERY_SERVICE_SEARCH_SEARCHER_H_

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "query_service/index/index_snapshot.h"
#include "query_service/search/doc_iterator.h"
#include "query_service/search/facets.h"
#include "query_service/search/filter.h"
#include "query_service/search/ordering.h"
#include "query_service/search/fuzzy.h"
#include "query_service/search/query.h"
#include "query_service/search/query_parser.h"
#include "query_service/search/scoring.h"

namespace khabar::search {

struct SearchLimits {
  size_t max_query_bytes = 8 * 1024;
  // Distinct words (by stem) in a query.
  size_t max_query_terms = 64;
  // Parenthesis nesting.
  int max_query_depth = 8;
  // Terms a prefix expands to: the most frequent are kept.
  size_t max_prefix_expansions = 128;
  FilterLimits filter = {};
  // Values returned per facet field (the most frequent).
  size_t max_facet_values = 20;
  // Hits counted exactly before top-k pruning may start (RankOptions::
  // exact_hits_up_to), unless the request asks for an exact count.
  int64_t exact_hits_up_to = 1000;
};

struct SearchRequest {
  std::string query;
  size_t offset = 0;  // hits to skip
  size_t limit = 10;  // hits to return
  // Keep only the best-scoring document of each near-duplicate cluster
  // (index::IndexSnapshot::cluster); offset and limit then count clusters.
  bool collapse_duplicates = false;
  QueryOperator default_operator = QueryOperator::kOr;
  // See ParseOptions::minimum_should_match; empty: any one word.
  std::string minimum_should_match = "";
  // Fill Hit::explanation.
  bool explain = false;
  // FULL: the query language; PLAIN: a bag of words (see QuerySyntax).
  QuerySyntax query_syntax = QuerySyntax::kFull;
  // Metadata filter (filter.h); empty: none. Applied to every candidate
  // before it is counted, faceted or ranked. With a non-empty filter the
  // query may be blank: every live document that passes, each scoring 1.
  std::string filter = "";
  // Relevance, or published time (then score) with timeless documents last.
  SortOrder order_by = SortOrder::kRelevance;
  // Fields to count values of over all matching documents (before collapsing).
  std::vector<FacetField> facets = {};
  // Multiplies each score by the boost's factor before ranking.
  std::optional<RecencyBoost> recency = std::nullopt;
  // Typo tolerance (fuzzy.h): with typo.enabled every eligible word expands
  // to indexed words within a few edits; `word~` expands either way.
  TypoOptions typo = {};
  // Count every match (no top-k pruning): total_hits is then always exact.
  bool exact_total_hits = false;
};

struct Hit {
  index::DocId doc;
  double score;
  // With collapse_duplicates: matching documents of the same cluster folded
  // into this hit.
  int32_t duplicate_count = 0;
  // With SearchRequest::explain: why it scored `score`.
  Explanation explanation;
};

// One distinct analysed word of the query's positive (not excluded) part, as
// snippets.h highlights it. Not query.h's QueryWord: this is the result's
// flattened view of the tree.
struct SearchWord {
  std::string term;  // normalized, unstemmed form (analysis::Token::term)
  std::string stem;  // its light stem
  bool stopword = false;
  bool phrase_part = false;  // inside a quoted phrase or proximity group (matches `term` only)
};

struct SearchResult {
  std::vector<Hit> hits;       // best first, at most `limit`
  int64_t total_hits = 0;      // matching live documents (clusters when collapsing)
  bool total_hits_exact = true;  // false: total_hits is a lower bound (pruned)
  std::vector<std::string> terms;  // the query's stems, in query order
  // The query tree as understood (Query DebugString, prefixes expanded).
  std::string parsed_query;
  // The query's distinct positive words, in query order; a prefix adds its
  // expansions (term = stem = the expanded index term), a fuzzy word the
  // forms it expanded to (term = the form, stem = its stem).
  std::vector<SearchWord> words;
  // One per SearchRequest::facets field, in that order.
  std::vector<FacetResult> facets;
};

// InvalidArgument for a malformed, empty (without a filter) or oversized
// query, one with no searchable terms (only stopwords, punctuation or
// diacritics), or a malformed filter.
absl::StatusOr<SearchResult> Search(const index::IndexSnapshot& index, const SearchRequest& request,
                                    const Bm25Options& bm25 = {}, const SearchLimits& limits = {});

// How Rank orders a resolved query's matches: what Search does once the
// query is parsed and expanded, and what MoreLikeThis (more_like_this.h)
// does with a query it builds itself.
struct RankOptions {
  size_t offset = 0;
  size_t limit = 10;
  bool collapse_duplicates = false;
  bool explain = false;
  // Never a hit, nor counted (MoreLikeThis: the article itself, and with
  // collapsing its near-duplicate cluster). kNoMoreDocs / nullopt: none.
  DocId exclude_doc = kNoMoreDocs;
  std::optional<index::ClusterId> exclude_cluster = std::nullopt;
  // Metadata filter (not owned; null: none), applied to every candidate
  // before it is counted, faceted or ranked.
  const Filter* filter = nullptr;
  SortOrder order_by = SortOrder::kRelevance;
  std::vector<FacetField> facets = {};
  size_t max_facet_values = 20;
  std::optional<RecencyBoost> recency = std::nullopt;
  // Top-k pruning (docs/query-processing.md): once this many hits are
  // counted, documents that cannot enter the top offset + limit may be
  // skipped, and total_hits becomes a lower bound. Only for relevance order
  // without collapsing, facets or recency; the default counts every hit.
  int64_t exact_hits_up_to = std::numeric_limits<int64_t>::max();
};

// The matches of `query` (prefixes and fuzzy words already resolved), best
// first, with the result's terms, words and parsed_query filled from it.
SearchResult Rank(const index::IndexSnapshot& index, const Query& query,
                  const RankOptions& options, const Bm25Options& bm25);

// A copy of `query` whose prefix nodes carry their expansions from `index`:
// the stems starting with the prefix (or with its own stem), the
// `max_expansions` with most postings kept.
Query ResolvePrefixes(const Query& query, const index::IndexSnapshot& index,
                      size_t max_expansions);

// The iterator tree of a resolved query. `ctx` must outlive it.
std::unique_ptr<DocIterator> BuildIterator(const Query& query, const ScoringContext& ctx);

}  // namespace khabar::search

#endif  // KHABAR_QUERY_SERVICE_SEARCH_SEARCHER_H_
