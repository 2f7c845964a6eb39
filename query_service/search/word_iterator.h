// File: word_iterator.h
// -----------------------------------------------------------------------------
// One query word inside a conjunction (an AND, or an OR with a minimum
// match): the documents of its stem, scored by the stem plus each of its
// exact forms on the document. The index holds an exact form only beside
// its stem (same documents, same occurrences), so the stem leads and the
// forms follow: they are advanced only when a document is scored.
//
// This is what an OrIterator with requirements does for a word, without
// the generic machinery (child vectors, requirement lists, a min-scan over
// the children, the catch-up loop): the conjunction leapfrogs on the stem
// (Driver), and reads the forms at its matches only. It does not prune: a
// word that proposes candidates itself (a one-word query, a flat OR's
// words) is an OrIterator's, whose MaxScore sees the stem and the forms.
//
//   WordIterator::Forms forms;
//   forms.push_back(std::make_unique<TermIterator>(ctx, index::ExactKey("الذكاء"), 0.2,
//                                                  FieldScope::kAll));
//   WordIterator word(std::make_unique<TermIterator>(ctx, "ذكاء", 1.0, FieldScope::kAll),
//                     std::move(forms));
#ifndef KHABAR_QUERY_SERVICE_SEARCH_WORD_ITERATOR_H_
#define KHABAR_QUERY_SERVICE_SEARCH_WORD_ITERATOR_H_

#include <memory>
#include <string>

#include "absl/container/inlined_vector.h"
#include "query_service/search/doc_iterator.h"
#include "query_service/search/term_iterator.h"

namespace khabar::search {

class WordIterator final : public DocIterator {
 public:
  using Forms = absl::InlinedVector<std::unique_ptr<TermIterator>, 2>;
  // `forms`: the word's exact forms, in the same scope as `stem` (each
  // matches only where the stem does). Takes ownership of both.
  WordIterator(std::unique_ptr<TermIterator> stem, Forms forms);

  DocId Next() override { return doc_ = stem_->Next(); }
  DocId Advance(DocId target) override {
    if (target <= doc_) return doc_;  // kNoMoreDocs included
    return doc_ = stem_->Advance(target);
  }
  // The stem's and the forms' costs summed, as an OR of them would count.
  int64_t Cost() const override { return cost_; }
  // The stem's document frequency: the word's documents are its stem's.
  MatchCount KnownMatches() const override { return stem_->KnownMatches(); }
  double Score() override;
  // The stem's score times one plus the forms' weight ratios to it (a
  // form's frequency on a document is at most its stem's, field by field):
  // no form is read.
  double ScoreBound() override;
  double ScoreAbove(double bar) override { return BoundThenScore(bar); }
  double MaxScore() const override;
  // The nearest block end among the stem and the forms, and the sum of
  // their bounds (as an OR of them).
  DocId BlockEnd(DocId target) const override;
  double MaxScoreIn(DocId from, DocId to) const override;
  // The best of the stem's floor and each form's, the latter raised by the
  // stem's score it implies (OrIterator::ScoreFloor with its ratios).
  double ScoreFloor(size_t k) const override;
  TermIterator* Driver() override { return stem_.get(); }
  Explanation Explain() override;
  std::string DebugString() const override;

  TermIterator* stem() const { return stem_.get(); }

 private:
  // Moves each form that lags behind doc_ to it.
  void CatchUpForms();

  std::unique_ptr<TermIterator> stem_;
  Forms forms_;
  int64_t cost_ = 0;
  // Each form's weight over the stem's (0 when the stem's weight is 0).
  absl::InlinedVector<double, 2> ratios_;
  // ScoreBound's factor and addend: the ratios summed with a rounding
  // margin, and the maxima of the forms without a ratio; on first use.
  bool bound_known_ = false;
  double bound_ratio_ = 0;
  double bound_extra_ = 0;
  // Score() of scored_doc_ (a bound-first caller may ask twice).
  DocId scored_doc_ = kNoMoreDocs;
  double score_ = 0;
};

}  // namespace khabar::search

#endif  // KHABAR_QUERY_SERVICE_SEARCH_WORD_ITERATOR_H_
