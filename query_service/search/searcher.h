// File: searcher.h
// -----------------------------------------------------------------------------
// Ranked retrieval over an InvertedIndex: the query is analysed with the
// index's analyzer, its distinct terms are OR-ed, and documents are scored by
// BM25F (Robertson & Zaragoza, "The Probabilistic Relevance Framework: BM25
// and Beyond", 2009): field frequencies are length-normalised per field,
// weighted, summed, then saturated once per term.
//
//   search::SearchRequest req{.query = "إنفيديا", .offset = 0, .limit = 10};
//   absl::StatusOr<search::SearchResult> r = search::Search(index, req, {});
#ifndef KHABAR_QUERY_SERVICE_SEARCH_SEARCHER_H_
#define KHABAR_QUERY_SERVICE_SEARCH_SEARCHER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "query_service/index/inverted_index.h"

namespace khabar::search {

// Defaults were chosen on the development sets of ../shared/eval (see
// docs/relevance.md for the measurements behind each).
struct Bm25Options {
  // Weight of a query word's exact (unstemmed) form relative to its stem:
  // documents with the very word typed rank above stem-only matches.
  double exact_weight = 0.3;
  // Weight of query stopwords, when the index keeps them (analyzer option
  // remove_stopwords false): low enough not to steer the ranking, enough to
  // fill the result list for queries that are mostly stopwords.
  double stopword_weight = 0.3;
  // Term proximity (in the spirit of Metzler & Croft's sequential dependence
  // model): each pair of consecutive query words found in order within
  // `proximity_window` positions adds a saturated bonus weighted by the pair's
  // mean idf times this weight. 0 disables it.
  double proximity_weight = 0.3;
  uint32_t proximity_window = 3;
  double k1 = 1.0;
  double title_weight = 3.0;
  double body_weight = 1.0;
  // Extra weight of the body's first words (index::Field::kLead).
  double lead_weight = 1.0;
  double title_b = 0.85;
  double body_b = 0.85;
};

struct SearchLimits {
  size_t max_query_bytes = 8 * 1024;
  size_t max_query_terms = 64;
};

struct SearchRequest {
  std::string query;
  size_t offset = 0;  // hits to skip
  size_t limit = 10;  // hits to return
  // Keep only the best-scoring document of each near-duplicate cluster
  // (index::InvertedIndex::cluster); offset and limit then count clusters.
  bool collapse_duplicates = false;
};

struct Hit {
  index::DocId doc;
  double score;
  // With collapse_duplicates: matching documents of the same cluster folded
  // into this hit.
  int32_t duplicate_count = 0;
};

// One distinct analysed query word, as snippets.h highlights it.
struct QueryWord {
  std::string term;  // normalized, unstemmed form (analysis::Token::term)
  std::string stem;  // its light stem
  bool stopword = false;
  bool phrase_part = false;  // inside a quoted phrase (matches `term` only)
};

struct SearchResult {
  std::vector<Hit> hits;       // best first, at most `limit`
  int64_t total_hits = 0;      // matching live documents (clusters when collapsing)
  std::vector<std::string> terms;  // the query's stems, in query order
  std::vector<QueryWord> words;    // the query's distinct words, in query order
};

// InvalidArgument for an empty or oversized query, or one with no searchable
// terms (only punctuation or diacritics).
absl::StatusOr<SearchResult> Search(const index::InvertedIndex& index, const SearchRequest& request,
                                    const Bm25Options& bm25 = {}, const SearchLimits& limits = {});

// Adds the proximity bonus of consecutive pairs of `stems` (query order) to
// `scores` (indexed by doc id). Exposed for tests.
void AddProximityScores(const index::InvertedIndex& index, const std::vector<std::string>& stems,
                        int64_t doc_count, const Bm25Options& bm25, std::vector<double>* scores);

// Lucene's BM25 idf: log(1 + (N - df + 0.5) / (df + 0.5)), never negative.
double Bm25Idf(int64_t doc_count, int64_t doc_freq);

}  // namespace khabar::search

#endif  // KHABAR_QUERY_SERVICE_SEARCH_SEARCHER_H_
