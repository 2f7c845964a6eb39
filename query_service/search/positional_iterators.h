// File: positional_iterators.h
// -----------------------------------------------------------------------------
// Phrase and proximity matching. Both walk the postings of their words as a
// conjunction (leapfrogging from the rarest) and read positions only on the
// documents that have every word. A match is scored as one pseudo-term:
// BM25F over its occurrences per field, with an idf that is the sum of its
// words' idfs (as Lucene scores phrases).
//
//   PhraseIterator: the words' keys at consecutive positions (relative query
//                   positions, so a removed stopword keeps its gap).
//   NearIterator:   all words' keys within `window` positions, any order.
#ifndef KHABAR_QUERY_SERVICE_SEARCH_POSITIONAL_ITERATORS_H_
#define KHABAR_QUERY_SERVICE_SEARCH_POSITIONAL_ITERATORS_H_

#include <string>
#include <vector>

#include "query_service/search/doc_iterator.h"
#include "query_service/search/posting_cursor.h"
#include "query_service/search/scoring.h"

namespace khabar::search {

struct PositionalWord {
  std::string key;        // index key: ExactKey(term) for phrases, the stem for NEAR
  uint32_t offset = 0;    // query position relative to the first word
  double query_weight = 1;  // stopword_weight for a stopword
};

class PositionalIterator : public DocIterator {
 public:
  DocId Next() override;
  DocId Advance(DocId target) override;
  int64_t Cost() const override { return cost_; }
  double Score() override;
  double MaxScore() const override { return idf_ * (ctx_.bm25().k1 + 1.0); }
  Explanation Explain() override;

 protected:
  // REQUIRES: !words.empty(). Subclasses call Start() once constructed.
  PositionalIterator(const ScoringContext& ctx, std::vector<PositionalWord> words,
                     FieldScope scope);
  void Start() { Settle(cursors_[0].doc()); }
  // Occurrences on the current doc (every cursor is on it), per field.
  virtual FieldFreqs Count() = 0;

  const ScoringContext& ctx_;
  const std::vector<PositionalWord> words_;
  const FieldScope scope_;
  std::vector<PostingCursor> cursors_;  // parallel to words_

 private:
  // First doc >= target with all words, live, and an occurrence in scope.
  DocId Settle(DocId target);
  FieldFreqs freqs_{};
  double idf_ = 0;
  int64_t cost_ = 0;
  std::string idf_detail_;
};

class PhraseIterator final : public PositionalIterator {
 public:
  PhraseIterator(const ScoringContext& ctx, std::vector<PositionalWord> words, FieldScope scope);
  std::string DebugString() const override;

 private:
  FieldFreqs Count() override;
};

class NearIterator final : public PositionalIterator {
 public:
  NearIterator(const ScoringContext& ctx, std::vector<PositionalWord> words, uint32_t window,
               FieldScope scope);
  std::string DebugString() const override;

 private:
  FieldFreqs Count() override;
  const uint32_t window_;
};

}  // namespace khabar::search

#endif  // KHABAR_QUERY_SERVICE_SEARCH_POSITIONAL_ITERATORS_H_
