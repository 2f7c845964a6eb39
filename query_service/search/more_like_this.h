// File: more_like_this.h
// -----------------------------------------------------------------------------
// Articles related to a given one, after Lucene's MoreLikeThis
// (docs/typo-suggest-mlt.md): the article's most characteristic words become
// an OR query that a related article must mostly match, ranked by BM25 like
// any search, the article itself left out.
//
//   absl::StatusOr<SearchResult> r =
//       search::MoreLikeThis(index, *index.FindDocId("k1_nvidia_chips"), {.limit = 5}, {}, bm25);
//   // r->parsed_query: "OR/3(جيل, الرقاقات[رقاق]^0.53, استهلاك^0.5, ...)"
//
// Term selection: every analysed word of the title and body (up to
// max_scan_bytes), stopwords, numbers and one-letter words left out, counted
// by stem with title occurrences weighing title_weight; a stem qualifies with
// a weighted frequency of at least min_term_freq and a document frequency of
// at least min_doc_freq (so another article has it); the max_query_terms
// with the highest tf * idf are kept, each weighted by its score relative to
// the best.
#ifndef KHABAR_QUERY_SERVICE_SEARCH_MORE_LIKE_THIS_H_
#define KHABAR_QUERY_SERVICE_SEARCH_MORE_LIKE_THIS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "query_service/index/index_snapshot.h"
#include "query_service/search/query.h"
#include "query_service/search/scoring.h"
#include "query_service/search/searcher.h"

namespace khabar::search {

struct MoreLikeThisOptions {
  size_t max_query_terms = 25;
  // Occurrences in the article, a title occurrence counting title_weight.
  double min_term_freq = 2;
  double title_weight = 3;
  // Articles with the stem (the article itself included), live ones: at
  // least min_doc_freq, at most max_doc_freq_ratio of all. No upper cap by
  // default (as in Lucene): a common word has a low idf, so it is rarely
  // selected and weighs little when it is, while a cap would drop the topic
  // words of a collection about one topic.
  int64_t min_doc_freq = 2;
  double max_doc_freq_ratio = 1.0;
  // Weigh each term by its score relative to the best one (Lucene's
  // MoreLikeThis boost): an article sharing the most characteristic words
  // ranks first. False: every term weighs 1.
  bool boost_terms = true;
  size_t min_word_letters = 2;
  // How many of the selected terms a related article must match
  // (ParseOptions::minimum_should_match syntax).
  std::string minimum_should_match = "30%";
  // Only this much of the body is read for terms.
  size_t max_scan_bytes = 64 * 1024;
};

// One selected term.
struct MoreLikeThisTerm {
  std::string stem;
  std::string form;      // its most frequent exact form in the article
  double tf = 0;         // weighted occurrences in the article
  int64_t doc_freq = 0;  // live articles with the stem
  double score = 0;      // tf * idf
};

// The terms of live document `doc`, best first. REQUIRES: doc is live.
std::vector<MoreLikeThisTerm> SelectMoreLikeThisTerms(const index::IndexSnapshot& index,
                                                      index::DocId doc,
                                                      const MoreLikeThisOptions& options);

// OR/k(term, ...) over the terms' stems, k from options.minimum_should_match;
// nullptr for no terms. InvalidArgument for a malformed minimum_should_match.
absl::StatusOr<Query> MoreLikeThisQuery(const std::vector<MoreLikeThisTerm>& terms,
                                        const MoreLikeThisOptions& options);

// The articles most like live document `doc`, ranked by BM25 on its terms
// (without the exact-form and proximity bonuses, which reward a typed
// query's word order). `doc` is never a hit; with rank.collapse_duplicates
// neither is any article of its near-duplicate cluster. An article without
// usable terms has no related articles (an empty result).
absl::StatusOr<SearchResult> MoreLikeThis(const index::IndexSnapshot& index, index::DocId doc,
                                          RankOptions rank, const MoreLikeThisOptions& options,
                                          const Bm25Options& bm25);

}  // namespace khabar::search

#endif  // KHABAR_QUERY_SERVICE_SEARCH_MORE_LIKE_THIS_H_
