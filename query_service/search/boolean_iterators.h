// File: boolean_iterators.h
// -----------------------------------------------------------------------------
// The boolean operators over DocIterators. Each takes ownership of its
// children and sits on its first match once constructed.
//
//   AndIterator: documents of every child; leapfrogs with Advance from the
//                cheapest child; scores the sum.
//   OrIterator:  documents of at least `minimum_match` children (a min-scan
//                over the children's current docs); scores the sum of the
//                children on the document.
//   AndNotIterator:   documents of `positive` that `negative` lacks.
//   AndMaybeIterator: documents of `required`; `optional` only adds score.
//   ProximityIterator: the documents of its child, plus the sequential
//                proximity bonus of pairs of consecutive query words.
#ifndef KHABAR_QUERY_SERVICE_SEARCH_BOOLEAN_ITERATORS_H_
#define KHABAR_QUERY_SERVICE_SEARCH_BOOLEAN_ITERATORS_H_

#include <array>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "query_service/search/doc_iterator.h"
#include "query_service/search/posting_cursor.h"
#include "query_service/search/scoring.h"
#include "query_service/search/term_iterator.h"

namespace khabar::search {

using DocIteratorPtr = std::unique_ptr<DocIterator>;

class AndIterator final : public DocIterator {
 public:
  // REQUIRES: !children.empty().
  explicit AndIterator(std::vector<DocIteratorPtr> children);
  DocId Next() override;
  DocId Advance(DocId target) override;
  int64_t Cost() const override { return children_[0]->Cost(); }
  double Score() override;
  double ScoreBound() override;
  double ScoreAbove(double bar) override { return BoundThenScore(bar); }
  double MaxScore() const override;
  // The cheapest child's block ends; the children's bounds summed.
  DocId BlockEnd(DocId target) const override { return children_[0]->BlockEnd(target); }
  double MaxScoreIn(DocId from, DocId to) const override;
  // Block-max conjunction (Lucene's BlockMaxConjunctionScorer): from then
  // on, a window of the cheapest child's blocks where the children's
  // bounds sum to at most `min_score` is passed over without advancing the
  // other children into it.
  void SetMinCompetitiveScore(double min_score) override;
  Explanation Explain() override;
  std::string DebugString() const override;

 private:
  // The first doc >= target that every child has.
  DocId Align(DocId target);
  // Align from the first driver's doc when in_blocks_: the first two
  // drivers meet within their decoded blocks (each doc of the first against
  // eight of the second at a time), the others are advanced to each meeting.
  DocId AlignInBlocks();
  // Brings the children to their drivers' common doc `target`; doc_ = it.
  DocId Agreed(DocId target);
  // The first doc >= target in a window whose bound passes min_score_.
  DocId Competitive(DocId target);

  std::vector<DocIteratorPtr> children_;  // cheapest first
  // When every child has one, the children's drivers, in children_'s order
  // (else empty): Align leapfrogs on them, calls that are not virtual and
  // one layer fewer (a word's OR), then brings the children to the
  // document they agree on.
  std::vector<TermIterator*> drivers_;
  // Two or more drivers, all unscoped: their decoded blocks are their
  // documents and tombstones, and AlignInBlocks reads them in place,
  // testing liveness only where the first two meet.
  bool in_blocks_ = false;
  // Set by SetMinCompetitiveScore (until then Align skips no window).
  double min_score_ = -std::numeric_limits<double>::infinity();
  DocId window_end_ = 0;   // the current window, up to window_end_,
  double window_max_ = 0;  // and its bound
};

class OrIterator final : public DocIterator {
 public:
  // REQUIRES: !children.empty(), minimum_match >= 1.
  explicit OrIterator(std::vector<DocIteratorPtr> children, int minimum_match = 1);
  // What the query knows about its children, for tighter bounds: child i
  // matches a document only if children needs[i][0] and needs[i][1]
  // (indices, -1 for none) match it too: a word's exact form needs its stem,
  // a word pair's proximity bonus needs both stems. Pruning then leaves out
  // the bounds of children whose requirements are known to be missing.
  // REQUIRES: needs.size() == children.size(); indices < children.size().
  using Requirements = std::vector<std::array<int, 2>>;
  OrIterator(std::vector<DocIteratorPtr> children, Requirements needs);
  // What else the query knows: child i never scores more than ratio[i] times
  // its requirement needs[i][0] on the same document (a word's exact form
  // against its stem: each occurrence of the form is one of the stem, so
  // per field its frequency is at most the stem's, and the two scores differ
  // by their weights). 0 for none. A single candidate-proposing child then
  // bounds its dependents from its own score, before anything is advanced.
  // REQUIRES: the Requirements constructor; ratio.size() == children.size().
  void SetScoreRatios(std::vector<double> ratio);
  DocId Next() override;
  DocId Advance(DocId target) override;
  int64_t Cost() const override;
  // With minimum_match 1: at least the largest child's; exact when one child
  // is exact and every other one needs it (a word's stem and exact form).
  MatchCount KnownMatches() const override;
  double Score() override;
  // Unpruned with one independent child: its score, plus each dependent's
  // ratio times it (SetScoreRatios) or else its MaxScore(). Otherwise Score().
  double ScoreBound() override;
  double ScoreAbove(double bar) override;
  double MaxScore() const override;
  // Unpruned, with one independent child (lead_): its driver.
  TermIterator* Driver() override;
  // With minimum_match 1, the best of the children's (a child's documents
  // are the OR's, and the other children add to their scores, never take).
  double ScoreFloor(size_t k) const override;
  // The nearest block end among the children, and the sum of their bounds.
  DocId BlockEnd(DocId target) const override;
  double MaxScoreIn(DocId from, DocId to) const override;
  // Block-max MaxScore (Turtle & Flood 1995; per window as Lucene's
  // MaxScoreBulkScorer, Ding & Suel 2011 for the block bounds): the doc ids
  // are cut into windows at the block ends of the children that propose
  // candidates; in each window the children are ordered by their bound there,
  // and those whose bounds together cannot exceed the threshold are
  // "non-essential": they no longer propose candidates, and are advanced only
  // to score a candidate found by the others, stopping as soon as what they
  // could still add cannot lift it over the threshold. A window where no
  // child is essential is skipped whole. Each child is also told the
  // threshold minus what all others can add. minimum_match 1 only.
  void SetMinCompetitiveScore(double min_score) override;
  Explanation Explain() override;
  std::string DebugString() const override;

 private:
  DocId Find();
  // Whether child i only matches where the children it needs do.
  bool Dependent(size_t i) const;
  // Brings the dependents left behind (unpruned Advance/Next skip them) to
  // doc_.
  void CatchUpDependents();
  // Find() once a threshold is set: the next candidate >= floor_ that the
  // bounds cannot rule out.
  DocId FindPruned();
  // Moves the window to the first one at or after max(window_end_, floor_)
  // with an essential child, partitioning the children by their bounds there;
  // false when none is left.
  bool NextWindow();
  // Sorts by_max_ by window bound; children from non_essential_ on propose
  // candidates.
  void Partition();
  // Splits by_max_ into the non-essential children (a prefix, by increasing
  // bound) and the essential ones: without requirements the longest prefix
  // whose window bounds sum to <= bar_; non_essential_sum_ is the prefix's sum.
  // Then IndexPositions() and NoteSingleEssential() for the new order.
  void CountNonEssential();
  // With one essential child, moves it from floor_ to its first document in
  // the window whose own score could still lift it over the bar (the others'
  // window bounds, or for the children it dominates ratio_ times its score;
  // when it dominates exactly one, a document without that one needs
  // single_alone_). Returns that document (window_end_ or beyond when none).
  DocId SkipUncompetitive();
  // Sets single_essential_, single_least_, single_dominated_ and
  // single_alone_ after a partition.
  void NoteSingleEssential();
  std::vector<DocIteratorPtr> children_;  // query order: the sum follows it
  const int minimum_match_;
  // Pruning state: children by increasing bound over the current window
  // [.., window_end_), how many are non-essential, and the bar (the
  // threshold less a rounding margin) a candidate's bound must pass.
  struct Bounded {
    DocIterator* it;
    int child;          // index in children_
    double max;         // over the whole list
    double window_max;  // over the current window
  };
  Requirements needs_;  // empty: none known
  std::vector<bool> dependent_;  // per child; empty when needs_ is
  // The only child that is not dependent, if one: unpruned, the OR's
  // documents are its documents (a word's stem, beside its exact forms).
  DocIterator* lead_ = nullptr;
  // ScoreBound with lead_: the dependents' ratios summed (with a rounding
  // margin) and the maxima of those without one; computed on first use.
  // Score() of scored_doc_ (a bound-first caller may ask twice).
  DocId scored_doc_ = kNoMoreDocs;
  double score_ = 0;
  bool lead_bound_known_ = false;
  double lead_ratio_ = 0;
  double lead_extra_ = 0;
  std::vector<bool> non_essential_child_;  // CountNonEssential's scratch
  // Dependents that propose candidates because their requirements were
  // taken into the non-essential set without them (CountNonEssential).
  std::vector<bool> proposer_;
  std::vector<int> completed_;  // CountNonEssential's scratch
  // FindPruned's examination of candidate d: whether its score passes the
  // bar, advancing the non-essential children only while they could still
  // lift it. W: 64-bit words per mask (mask_words_).
  template <int W>
  bool Examine(DocId d);
  // Per position in by_max_, after each partition: the positions it needs
  // and those that need it, as bit masks of mask_words_ words each, and the
  // position whose score bounds its own by ratio_at_ (SetScoreRatios; -1:
  // none).
  void IndexPositions();
  static constexpr int kMaxMaskWords = 4;
  int mask_words_ = 1;
  std::vector<int> position_;  // child -> position in by_max_
  std::vector<uint64_t> need_bits_;
  std::vector<uint64_t> dependent_bits_;
  std::vector<int> ratio_of_;
  std::vector<double> ratio_at_;
  // Examine's scratch, per position: an essential child's score on the
  // candidate, a non-essential one's share of the bound.
  std::vector<double> score_at_;
  std::vector<double> share_at_;
  // What Examine learns from which essential children are on a candidate
  // (the on-set: its bits from non_essential_ on), the same for every
  // candidate with that on-set until the next partition or bar (stamp):
  // whether the non-essential children that can still be on it cannot lift
  // it over the bar even at their window bounds (hopeless), and the
  // non-essential children it cannot pass without (required, by position).
  // Kept when at most kOnSetBits children are essential and one mask word
  // holds the positions.
  struct OnSet {
    uint64_t stamp = 0;
    bool hopeless = false;
    uint64_t required = 0;
  };
  static constexpr size_t kOnSetBits = 6;
  // `on` and `no`: Examine's masks after the essential children; `bound`:
  // the window bounds of those on the candidate, summed.
  const OnSet& OnSetOf(uint64_t on, uint64_t no, double bound);
  uint64_t on_set_stamp_ = 1;  // IndexPositions increments it
  // Made by the first partition: only a pruning OR asks, and an iterator
  // this small stays in malloc's per-thread cache.
  std::unique_ptr<OnSet[]> on_sets_;
  std::vector<Bounded> by_max_;
  size_t non_essential_ = 0;
  double non_essential_sum_ = 0;  // their window bounds, summed in by_max_ order
  std::vector<double> ratio_;     // SetScoreRatios; empty: none
  // Whether exactly one child is essential (CountNonEssential), and then the
  // least score it needs to compete (NoteSingleEssential).
  bool single_essential_ = false;
  double single_least_ = 0;
  // When the essential child dominates exactly one child (a word's stem
  // and its exact form): that child, and the least score the essential
  // one needs on a document without it (then only the undominated bounds
  // add to it). Null otherwise.
  DocIterator* single_dominated_ = nullptr;
  double single_alone_ = 0;
  double bar_ = 0;
  bool pruning_ = false;
  DocId floor_ = 0;        // no candidate below
  DocId window_end_ = 0;   // exclusive; 0 before the first window
};

class AndNotIterator final : public DocIterator {
 public:
  AndNotIterator(DocIteratorPtr positive, DocIteratorPtr negative);
  DocId Next() override;
  DocId Advance(DocId target) override;
  int64_t Cost() const override { return positive_->Cost(); }
  double Score() override { return positive_->Score(); }
  double MaxScore() const override { return positive_->MaxScore(); }
  DocId BlockEnd(DocId target) const override { return positive_->BlockEnd(target); }
  double MaxScoreIn(DocId from, DocId to) const override {
    return positive_->MaxScoreIn(from, to);
  }
  void SetMinCompetitiveScore(double min_score) override {
    positive_->SetMinCompetitiveScore(min_score);
  }
  Explanation Explain() override { return positive_->Explain(); }
  std::string DebugString() const override;

 private:
  DocId Skip();
  DocIteratorPtr positive_;
  DocIteratorPtr negative_;
};

class AndMaybeIterator final : public DocIterator {
 public:
  AndMaybeIterator(DocIteratorPtr required, DocIteratorPtr optional);
  DocId Next() override;
  DocId Advance(DocId target) override;
  int64_t Cost() const override { return required_->Cost(); }
  MatchCount KnownMatches() const override { return required_->KnownMatches(); }
  double Score() override;
  double MaxScore() const override { return required_->MaxScore() + optional_->MaxScore(); }
  Explanation Explain() override;
  std::string DebugString() const override;

 private:
  DocId Sync();
  DocIteratorPtr required_;
  DocIteratorPtr optional_;
};

// One pair of consecutive plain query words (their stems), for the bonus.
struct ProximityPair {
  std::string first;
  std::string second;
};

// The proximity bonus of one pair of consecutive query words: a child of a
// plain OR (so that MaxScore pruning sees the bonus only where both words
// occur), or of a ProximityIterator (over an AND of the words). It matches
// the live documents with both stems, and scores 0 unless `first` is
// followed within proximity_window positions by `second`. Positions are read
// only when the score is asked for. Its documents are a subset of the
// words', so it changes no match, only scores.
//
// Borrowing: the pair reads documents and positions through the two stems'
// iterators (unscoped TermIterators) of the OR or of the ProximityIterator's
// child, not through cursors of its own, so each stem list is decoded once,
// not once per pair it is in. doc() is only a lower bound of the next
// document with both stems: it equals the current document exactly when
// both iterators are on it, and Score() is 0 otherwise. That holds for the
// OR's two ways of visiting documents, and under a ProximityIterator:
//  - exhaustive: every child is at or after the OR's document, and a child
//    on it is moved on before the OR moves past it, so a pair is refreshed
//    (Next) whenever the OR passes its doc();
//  - pruned: a pair is dependent and is advanced to each candidate it may
//    be on; Advance and Score move a stem that lags behind up to the
//    candidate, as the OR itself would. When both its stems were taken into
//    the non-essential set without it (OrIterator::CountNonEssential), it
//    proposes candidates itself: its doc() is then a lower bound (the later
//    of its stems), and a document without both scores 0 here.
//  - under a ProximityIterator: its child's documents only increase, and
//    on each one every stem is on it or after it, so the pair is brought to
//    each document it scores (Advance) without moving a stem.
// Moving the stems only to the target (never past a document with one of
// them) keeps every document the OR must visit.
class ProximityPairIterator final : public DocIterator {
 public:
  // Reading `first` and `second` (not owned; unscoped stem iterators of the
  // OR this pair is a child of, which must outlive it and hold them before
  // the pair among its children, or of a ProximityIterator's child). An
  // EmptyIterator-like iterator when either stem has no postings.
  ProximityPairIterator(const ScoringContext& ctx, TermIterator* first, TermIterator* second);
  DocId Next() override;
  DocId Advance(DocId target) override;
  int64_t Cost() const override { return cost_; }
  double Score() override;
  // From the two words' frequencies on the document, without reading
  // positions (ordered near pairs are at most f1 * f2, and at most the
  // window times either).
  double ScoreBound() override;
  double MaxScore() const override;
  Explanation Explain() override;
  std::string DebugString() const override;
  const std::string& label() const { return label_; }
  // Asks the CPU for both stems' positions on doc() (REQUIRE both on it).
  void PrefetchPositions() const {
    first_->PrefetchPositions();
    second_->PrefetchPositions();
  }

 private:
  // CatchUp, then doc_ the stems' common document or a lower bound of the
  // next one.
  DocId Find(DocId target);
  // Ordered near occurrences in doc_ (decoded on first use).
  uint32_t Tf();
  // The bonus of `tf` ordered near occurrences.
  double Saturated(uint64_t tf) const;

  // The bonus weight and the cost from the two stems' document frequencies.
  void SetDocFreqs(int64_t df_first, int64_t df_second);
  // Moves each stem's iterator that is before `target` to it.
  void CatchUp(DocId target);

  const ScoringContext& ctx_;
  std::string label_;
  TermIterator* const first_;
  TermIterator* const second_;
  double weight_ = 0;  // proximity_weight * mean idf
  uint32_t tf_ = 0;    // ordered near pairs in doc_, once tf_known_
  bool tf_known_ = false;
  int64_t cost_ = 0;
};

// The proximity bonus of consecutive words on top of another operator (an
// AND, or an OR with minimum_should_match; a plain OR takes the pairs as
// children instead).
class ProximityIterator final : public DocIterator {
 public:
  // On a document of `child` where a pair's `first` is followed within
  // Bm25Options::proximity_window positions by its `second` tf times, adds
  // proximity_weight * mean idf * saturated tf.
  // The pairs read their stems through `child`'s own unscoped stem
  // iterators (ProximityPairIterator's borrowing; not owned): on each
  // document of `child`, each of them must be on it or after it (true of an
  // AND, or an OR with minimum_match, of the words' iterators).
  ProximityIterator(const ScoringContext& ctx, DocIteratorPtr child,
                    const std::vector<std::pair<TermIterator*, TermIterator*>>& pairs);
  DocId Next() override { return doc_ = child_->Next(); }
  DocId Advance(DocId target) override { return doc_ = child_->Advance(target); }
  int64_t Cost() const override { return child_->Cost(); }
  MatchCount KnownMatches() const override { return child_->KnownMatches(); }
  double Score() override;
  double ScoreBound() override;
  // The child's score above the bar less the pairs' bounds, then the pairs'
  // positions only if their bounds can still lift it over the bar.
  double ScoreAbove(double bar) override;
  double MaxScore() const override;
  // The child must beat the threshold less the largest possible bonus.
  void SetMinCompetitiveScore(double min_score) override;
  Explanation Explain() override;
  std::string DebugString() const override;

 private:
  // The pair's iterator, on doc_ if the pair occurs there, else null.
  ProximityPairIterator* On(ProximityPairIterator& pair);
  // The pairs' bounds on doc_ (ProximityPairIterator::ScoreBound), summed.
  double BonusBound();

  DocIteratorPtr child_;
  std::vector<std::unique_ptr<ProximityPairIterator>> pairs_;
};

namespace internal {
// Where two increasing runs of docs first meet: from a[0] and b[0], the
// first a[ia] that b has (b[ib] == a[ia], found); else found is false with
// ia == na (a's run ends first) or ib == nb (b's run is all below a[ia]).
// MeetAvx2 compares eight docs of a with eight of b at once, every pair,
// then moves on the run of eight with the smaller last doc: no branch per
// doc and no search (the leapfrog searched b's block once per document of
// a, and branched on the outcome each time); the last few docs of a run go
// one doc of a at a time. REQUIRES index::internal::HaveAvx2().
// AndIterator::AlignInBlocks calls them on two drivers' decoded blocks.
struct Meeting {
  uint32_t ia, ib;
  bool found;
};
Meeting MeetAvx2(const DocId* a, uint32_t na, const DocId* b, uint32_t nb);
Meeting MeetScalar(const DocId* a, uint32_t na, const DocId* b, uint32_t nb);
}  // namespace internal

// Number of (i, j) with 0 < b[j] - a[i] <= window; both spans increasing.
uint32_t CountOrderedNear(absl::Span<const uint32_t> a, absl::Span<const uint32_t> b,
                          uint32_t window);

}  // namespace khabar::search

#endif  // KHABAR_QUERY_SERVICE_SEARCH_BOOLEAN_ITERATORS_H_
