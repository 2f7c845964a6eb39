// File: posting_cursor.h
// -----------------------------------------------------------------------------
// The one place that reads a PostingList's layout: a forward cursor over its
// postings (tombstones included) with per-field frequencies and positions.
// Iterators (doc_iterator.h) see postings only through this class, so a
// compressed block format replaces this file, not the operators.
//
//   PostingCursor c(snapshot.Postings("غزه"));
//   for (; c.doc() != kNoMoreDocs; c.Next()) Use(c.doc(), c.freq(index::Field::kTitle));
#ifndef KHABAR_QUERY_SERVICE_SEARCH_POSTING_CURSOR_H_
#define KHABAR_QUERY_SERVICE_SEARCH_POSTING_CURSOR_H_

#include <algorithm>
#include <cstdint>

#include "absl/types/span.h"
#include "absl/container/inlined_vector.h"
#include "query_service/index/index_snapshot.h"

namespace khabar::search {

class PostingCursor {
 public:
  PostingCursor() = default;
  // The lists `postings` points to must outlive the cursor (hold the snapshot).
  explicit PostingCursor(const index::PostingsRef& postings) : lists_(postings.lists) {
    for (const index::PostingList& l : lists_) size_ += static_cast<int64_t>(l.docs.size());
    Enter(0);
  }

  index::DocId doc() const { return i_ < n_ ? cur_.docs[i_] : index::kNoMoreDocs; }
  void Next() {
    if (++i_ >= n_) Enter(k_ + 1);
  }
  // First posting with doc >= target (whole segments skipped by their last
  // doc, then galloping and binary search); never moves back.
  void Advance(index::DocId target) {
    if (i_ >= n_ || cur_.docs[i_] >= target) return;
    while (cur_.docs.back() < target) {
      Enter(k_ + 1);
      if (i_ >= n_) return;
    }
    const absl::Span<const index::DocId> docs = cur_.docs;
    if (docs[i_] >= target) return;
    size_t step = 1, lo = i_, hi = i_ + 1;
    while (hi < n_ && docs[hi] < target) {
      lo = hi;
      step *= 2;
      hi = std::min(n_, hi + step);
    }
    i_ = static_cast<size_t>(std::lower_bound(docs.begin() + lo, docs.begin() + hi, target) -
                             docs.begin());
  }
  // REQUIRE doc() != kNoMoreDocs.
  uint32_t freq(index::Field field) const { return cur_.freqs[static_cast<int>(field)][i_]; }
  absl::Span<const uint32_t> positions() const { return cur_.PositionsAt(i_); }
  // Postings in the lists (the cost of a full scan).
  int64_t size() const { return size_; }

 private:
  // Moves to the first posting of list k (lists are never empty), or to the
  // end when there is none.
  void Enter(size_t k) {
    k_ = k;
    i_ = 0;
    if (k < lists_.size()) {
      cur_ = lists_[k];
      n_ = cur_.docs.size();
    } else {
      cur_ = index::PostingList();
      n_ = 0;
    }
  }

  absl::InlinedVector<index::PostingList, 2> lists_;
  index::PostingList cur_;  // a copy of lists_[k_] (a view): cursors copy safely
  size_t k_ = 0;  // index of cur_ in lists_
  size_t i_ = 0;  // index in cur_
  size_t n_ = 0;  // cur_.docs.size()
  int64_t size_ = 0;
};

}  // namespace khabar::search

#endif  // KHABAR_QUERY_SERVICE_SEARCH_POSTING_CURSOR_H_
