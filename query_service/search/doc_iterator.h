// File: doc_iterator.h
// -----------------------------------------------------------------------------
// Document-at-a-time evaluation: every query operator is a DocIterator over
// the documents it matches, in increasing doc id order, that scores the
// document it sits on. Leaves read postings through PostingCursor
// (posting_cursor.h) only, so a new posting format changes that one class.
//
//   std::unique_ptr<DocIterator> it = ...;  // already on its first doc
//   for (DocId d = it->doc(); d != kNoMoreDocs; d = it->Next()) Use(d, it->Score());
//
// The contract (pisa's sentinel and next_geq, Xapian's estimates):
//   - doc() is kNoMoreDocs once exhausted; doc ids only increase;
//   - Advance(target) moves to the first match >= target and never moves
//     back (Advance to a target <= doc() is a no-op);
//   - Score() and Explain() REQUIRE doc() != kNoMoreDocs; Explain().value
//     equals Score();
//   - Cost() estimates the matches (AND drives from the cheapest child);
//   - KnownMatches() is what is known of the number of matches before
//     iterating (Lucene's Weight.count): a lower bound, or the exact number
//     (a word's document frequency). A top-k search that counts hits exactly
//     up to N can prune from the start when the bound is >= N, and with an
//     exact number at any N;
//   - MaxScore() bounds Score() over all documents (for MaxScore/WAND);
//   - BlockEnd(target) and MaxScoreIn(from, to) are the block-max view
//     (Lucene's advanceShallow / getMaxScore(upTo)): BlockEnd names the last
//     doc of the stretch of postings holding `target`, over which the
//     iterator's bound is one number; MaxScoreIn bounds Score() over the
//     documents in [from, to]. Neither moves the iterator. The defaults are
//     one stretch to the end, bounded by MaxScore();
//   - SetMinCompetitiveScore(t) (Lucene's setMinCompetitiveScore) lets the
//     iterator skip documents whose score cannot exceed t: from then on it
//     may omit such documents, and Score() of a document it still returns
//     may be lower than its true score only when the true score is <= t.
//     Thresholds only increase. Operators that cannot use it ignore it.
#ifndef KHABAR_QUERY_SERVICE_SEARCH_DOC_ITERATOR_H_
#define KHABAR_QUERY_SERVICE_SEARCH_DOC_ITERATOR_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "query_service/index/index_snapshot.h"

namespace khabar::search {

using index::DocId;
using index::kNoMoreDocs;

class TermIterator;

// Why a document scored what it did, as a tree (after Lucene's Explanation):
// a node's value is computed from its details as its description says.
struct Explanation {
  double value = 0;
  std::string description;
  std::vector<Explanation> details;

  // Indented, one node per line: "3.2 = sum of:\n  1.1 = weight(...)".
  std::string DebugString(int indent = 0) const;
};

// The number of documents an iterator matches, as known before iterating.
struct MatchCount {
  int64_t at_least = 0;
  bool exact = false;  // at_least is the number
};

class DocIterator {
 public:
  virtual ~DocIterator() = default;
  DocIterator() = default;
  DocIterator(const DocIterator&) = delete;
  DocIterator& operator=(const DocIterator&) = delete;

  DocId doc() const { return doc_; }
  virtual DocId Next() = 0;
  virtual DocId Advance(DocId target) = 0;
  virtual int64_t Cost() const = 0;
  virtual MatchCount KnownMatches() const { return {}; }
  virtual double Score() = 0;
  // An upper bound of Score() on the current document, cheaper to know
  // than Score() where the iterator can tell (a word's exact forms bounded
  // by its stem's score, a proximity bonus by the words' frequencies): a
  // top-k search asks it first, and Score() only when the bound could lift
  // the document over the k-th best. Exact up to rounding of the order of
  // 1e-12 relative (callers leave a margin). REQUIRES doc() != kNoMoreDocs.
  virtual double ScoreBound() { return Score(); }
  // Score(), or any value <= `bar` when the document cannot score above
  // `bar` (the caller drops it): operators whose ScoreBound() is cheap
  // return it when it is <= bar.
  virtual double ScoreAbove(double /*bar*/) { return Score(); }
  virtual double MaxScore() const = 0;
  virtual DocId BlockEnd(DocId /*target*/) const { return kNoMoreDocs - 1; }
  virtual double MaxScoreIn(DocId /*from*/, DocId /*to*/) const { return MaxScore(); }
  virtual void SetMinCompetitiveScore(double) {}
  // A score that at least k of the iterator's documents reach, known
  // before iterating (0 when none is known): a top-k search may start its
  // threshold there. Never above the true k-th best score, up to rounding
  // of the order of 1e-9 relative (callers leave a margin).
  virtual double ScoreFloor(size_t /*k*/) const { return 0; }
  // From doc() on, the first document below `end` whose Score() exceeds
  // `min_score` (or may: an iterator can stop early, its caller checks
  // again); else the first at or after `end`. Pruning's inner loop when one
  // child alone proposes candidates (OrIterator): a term iterator overrides
  // it to test a block's postings without scoring them one call at a time.
  virtual DocId NextAbove(double min_score, DocId end) {
    while (doc_ < end && Score() <= min_score) Next();
    return doc_;
  }
  // Whether NextAbove passes over the blocks (skip data) that cannot reach
  // its minimum by itself: then a caller's window may span several blocks.
  virtual bool NextAboveSkipsBlocks() const { return false; }
  // The term iterator whose documents are this iterator's documents, and
  // which this iterator follows (its doc() is the driver's as of its last
  // Next or Advance): a term iterator itself, or a word's OR of its stem and
  // exact forms, unpruned. A conjunction of such iterators leapfrogs on
  // their drivers directly and brings each one up to a document they all
  // have (AndIterator). Null when there is none.
  virtual TermIterator* Driver() { return nullptr; }
  virtual Explanation Explain() = 0;
  virtual std::string DebugString() const = 0;

 protected:
  // ScoreAbove for an operator whose ScoreBound() is cheaper than Score()
  // and leaves Score() less to do (its leaves cache their scores).
  double BoundThenScore(double bar) {
    const double bound = ScoreBound();
    return bound <= bar ? bound : Score();
  }

  DocId doc_ = kNoMoreDocs;
};

// Matches nothing (a word absent from the index).
class EmptyIterator final : public DocIterator {
 public:
  explicit EmptyIterator(std::string description) : description_(std::move(description)) {}
  DocId Next() override { return doc_; }
  DocId Advance(DocId) override { return doc_; }
  int64_t Cost() const override { return 0; }
  MatchCount KnownMatches() const override { return {0, true}; }
  double Score() override { return 0; }
  double MaxScore() const override { return 0; }
  Explanation Explain() override { return {0, description_, {}}; }
  std::string DebugString() const override { return absl::StrCat("EMPTY(", description_, ")"); }

 private:
  const std::string description_;
};

}  // namespace khabar::search

#endif  // KHABAR_QUERY_SERVICE_SEARCH_DOC_ITERATOR_H_
