// File: term_iterator.h
// -----------------------------------------------------------------------------
// The leaf iterator: the live documents of one indexed term (a stem or an
// exact key), optionally restricted to the title or the body, scored by BM25F
// with a query weight (1 for a word's stem, Bm25Options::exact_weight for its
// exact form, times stopword_weight for a stopword).
//
//   ScoringContext ctx(index, bm25);
//   TermIterator it(ctx, "غزه", 1.0, FieldScope::kTitle);
#ifndef KHABAR_QUERY_SERVICE_SEARCH_TERM_ITERATOR_H_
#define KHABAR_QUERY_SERVICE_SEARCH_TERM_ITERATOR_H_

#include <array>
#include <limits>
#include <string>

#include "absl/container/inlined_vector.h"
#include "query_service/search/doc_iterator.h"
#include "query_service/search/posting_cursor.h"
#include "query_service/search/scoring.h"

namespace khabar::search {

// Live documents of `postings` in `scope` (what idf counts).
int64_t LiveDocFreq(const index::IndexSnapshot& index, const index::PostingsRef& postings,
                    FieldScope scope);

// Readable name of an index key: "exact:الذكاء" for an exact key, else the stem.
std::string TermLabel(absl::string_view key);

class TermIterator final : public DocIterator {
 public:
  // `ctx` is not owned and must outlive the iterator.
  TermIterator(const ScoringContext& ctx, absl::string_view key, double query_weight,
               FieldScope scope);

  DocId Next() override;
  // Inline: a conjunction calls it through TermIterator* (AndIterator's
  // drivers), once per posting it leapfrogs over.
  DocId Advance(DocId target) override {
    if (target <= doc_) return doc_;  // kNoMoreDocs included
    cursor_.Advance(target);
    return every_posting_matches_ ? doc_ = cursor_.doc() : Settle();
  }
  TermIterator* Driver() override { return this; }
  // Unscoped: every live posting is a match (tombstones are not).
  bool unscoped() const { return scope_ == FieldScope::kAll; }
  // The cursor's block from doc() on (REQUIRE doc() != kNoMoreDocs): its
  // docs, how many, the block's last doc, and a move m postings ahead in it
  // (REQUIRE unscoped(), m < block_ahead()). The move may land on a
  // tombstone: the caller asks live() before using the document.
  const DocId* block_docs() const { return cursor_.docs_ahead(); }
  uint32_t block_ahead() const { return cursor_.ahead(); }
  DocId block_last_doc() const { return cursor_.block_last_doc(); }
  void SkipInBlock(uint32_t m) {
    cursor_.Skip(m);
    doc_ = cursor_.doc();
  }
  // Whether doc() is a live document (REQUIRE doc() != kNoMoreDocs).
  bool live() const {
    return every_posting_matches_ || cursor_.all_live() || ctx_.index().is_live(doc_);
  }
  int64_t Cost() const override { return doc_freq_; }
  // The live documents with the term in scope.
  MatchCount KnownMatches() const override { return {doc_freq_, true}; }
  double Score() override;
  // From the lists' block bounds (a list too short to have them is scanned
  // once); computed on first use, which only pruning makes.
  double MaxScore() const override;
  // The last doc of the block (skip record) holding `target`, from the
  // segments' skip data; a gap between segments or a one-block list counts as
  // one stretch.
  DocId BlockEnd(DocId target) const override;
  // The largest block bound among the blocks overlapping [from, to].
  double MaxScoreIn(DocId from, DocId to) const override;
  // Tests the current block's postings in place, against the BM25F
  // frequency that `min_score` takes (no saturation, no call per posting);
  // skips a block whose bound cannot pass it, and tests only the postings
  // with the term in the title where the block's impact says the body and
  // the lead alone cannot. A scoped term, or a segment with deletions, skips
  // blocks alike and scores the others one posting at a time.
  DocId NextAbove(double min_score, DocId end) override;
  bool NextAboveSkipsBlocks() const override { return idf_ > 0; }
  // The best over the lists of their k-th best scores' floors (at the
  // smallest rank of index::kFloorRanks >= k): a list of more than one
  // block in a segment without deletions has them stored, for the body and
  // the lead alone, which this search rescales
  // (ScoringContext::ImpactFloorScale); a list of one block has its live
  // postings scored (with MaxScore's scan). Unscoped terms only.
  double ScoreFloor(size_t k) const override;
  Explanation Explain() override;
  std::string DebugString() const override;

  int64_t doc_freq() const { return doc_freq_; }
  // The term's idf times its query weight: Score() is this times the
  // saturated BM25F frequency.
  double weight() const { return idf_; }
  const std::string& key() const { return key_; }
  // Positions on doc() (REQUIRE doc() != kNoMoreDocs), valid until it moves.
  absl::Span<const uint32_t> positions() const { return cursor_.positions(); }
  // Asks the CPU for doc()'s positions, ahead of positions().
  void PrefetchPositions() const { cursor_.PrefetchPositions(); }
  // How many there are, without reading them.
  uint32_t occurrences() const;

 private:
  // Moves the cursor to the first matching posting at or after it.
  DocId Settle();
  FieldFreqs Freqs() const;
  // The largest FieldTf a posting of list k can have: its blocks' bounds, or
  // for a list without skip records (one block) its postings' own maximum.
  double ListMaxTf(size_t k) const;
  // Where a search of list k's skip records for `target` may start: the
  // cursor's block when the cursor is in list k at or before `target`.
  uint32_t FirstBlockFrom(size_t k, DocId target) const;
  // Doc range of list k: its segment's first doc up to the next list's.
  DocId ListLast(size_t k) const;

  const ScoringContext& ctx_;
  const std::string key_;
  const double query_weight_;
  PostingCursor cursor_;
  int64_t doc_freq_ = 0;
  double idf_ = 0;  // query weight included
  mutable double max_score_ = -1;  // < 0: not computed yet
  struct ListScale {
    double impact_scale;  // ScoringContext::ImpactScale of its segment (< 0: no impacts)
    double max_tf = -1;   // ListMaxTf, < 0: not computed yet
    // A one-block list's floors (index::PostingList::floor_share), as
    // FieldTf of its live postings: ListMaxTf's scan finds them.
    std::array<double, index::kFloorRanks.size()> floor_tf{};
  };
  // Per list (one inline, as PostingCursor's lists: a forced-merged index
  // has one segment).
  mutable absl::InlinedVector<ListScale, 1> lists_;
  // Score() of scored_doc_ (OR scores a pruning candidate, then its caller
  // asks again).
  double score_ = 0;
  // NextAbove's last min_score and the BM25F frequency it takes.
  double above_score_ = std::numeric_limits<double>::quiet_NaN();
  double above_tf_ = 0;
  DocId scored_doc_ = kNoMoreDocs;
  const FieldScope scope_;
  // Unscoped, and no list has a deleted document: Settle() would accept
  // every posting.
  bool every_posting_matches_ = false;
};

}  // namespace khabar::search

#endif  // KHABAR_QUERY_SERVICE_SEARCH_TERM_ITERATOR_H_
