// File: best_of_iterator.h
// -----------------------------------------------------------------------------
// Alternatives of one word (a typo-tolerant word's expansions, fuzzy.h):
// the documents of any child, scored by the best child on the document, not
// the sum -- an article that happens to contain several near-misspellings
// of a word is not more about it than one with the right word (Lucene's
// DisjunctionMaxQuery, without the tie-breaker).
//
//   BestOfIterator it(std::move(expansions));  // each a TermIterator
#ifndef KHABAR_QUERY_SERVICE_SEARCH_BEST_OF_ITERATOR_H_
#define KHABAR_QUERY_SERVICE_SEARCH_BEST_OF_ITERATOR_H_

#include <memory>
#include <string>
#include <vector>

#include "query_service/search/doc_iterator.h"

namespace khabar::search {

class BestOfIterator final : public DocIterator {
 public:
  // REQUIRES: !children.empty(). Takes ownership of the children.
  explicit BestOfIterator(std::vector<std::unique_ptr<DocIterator>> children);
  DocId Next() override;
  DocId Advance(DocId target) override;
  int64_t Cost() const override;
  MatchCount KnownMatches() const override;  // at least the largest child's
  double Score() override;
  double MaxScore() const override;
  Explanation Explain() override;
  std::string DebugString() const override;

 private:
  DocId Find();
  std::vector<std::unique_ptr<DocIterator>> children_;
};

}  // namespace khabar::search

#endif  // KHABAR_QUERY_SERVICE_SEARCH_BEST_OF_ITERATOR_H_
