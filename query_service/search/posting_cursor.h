// File: posting_cursor.h
// -----------------------------------------------------------------------------
// A forward cursor over a term's postings in a snapshot (one compressed list
// per segment, index/posting_codec.h), tombstones included, with per-field
// frequencies and positions. Iterators (doc_iterator.h) see postings only
// through this class.
//
//   PostingCursor c(snapshot.Postings("غزه"));
//   for (; c.doc() != kNoMoreDocs; c.Next()) Use(c.doc(), c.freq(index::Field::kTitle));
#ifndef KHABAR_QUERY_SERVICE_SEARCH_POSTING_CURSOR_H_
#define KHABAR_QUERY_SERVICE_SEARCH_POSTING_CURSOR_H_

#include <cstdint>

#include "absl/container/inlined_vector.h"
#include "absl/types/span.h"
#include "query_service/index/index_snapshot.h"
#include "query_service/index/posting_codec.h"

namespace khabar::search {

class PostingCursor {
 public:
  PostingCursor() = default;
  // The lists `postings` points to must outlive the cursor (hold the snapshot).
  explicit PostingCursor(const index::PostingsRef& postings) { Reset(postings); }
  void Reset(const index::PostingsRef& postings) {
    lists_.assign(postings.lists.begin(), postings.lists.end());
    Enter(0);
  }

  index::DocId doc() const { return cur_.doc(); }
  void Next() {
    cur_.Next();
    if (cur_.doc() == index::kNoMoreDocs) Enter(k_ + 1);
  }
  // First posting with doc >= target (whole segments skipped by their doc
  // range, then blocks by their last doc); never moves back.
  void Advance(index::DocId target) {
    if (cur_.doc() >= target) return;
    cur_.Advance(target);
    while (cur_.doc() == index::kNoMoreDocs && k_ < lists_.size()) {
      ++k_;
      // Segments hold contiguous doc ranges: skip those ending before target.
      while (k_ + 1 < lists_.size() && lists_[k_ + 1].base <= target) ++k_;
      if (k_ >= lists_.size()) break;
      cur_.Reset(lists_[k_]);
      cur_.Advance(target);
    }
  }
  // REQUIRE doc() != kNoMoreDocs.
  uint32_t freq(index::Field field) const { return cur_.freq(static_cast<int>(field)); }
  // Valid until the cursor moves.
  absl::Span<const uint32_t> positions() const { return cur_.positions(); }
  // Whether the current list's segment has no deleted document (then no
  // liveness check is needed).
  bool all_live() const { return k_ < lists_.size() && lists_[k_].all_live; }
  // The current list's block from the current posting on (ListCursor's
  // scan interface; REQUIRE doc() != kNoMoreDocs). Skip(m) stays in the block.
  uint32_t ahead() const { return cur_.ahead(); }
  index::DocId doc_ahead(uint32_t m) const { return cur_.doc_ahead(m); }
  const index::DocId* docs_ahead() const { return cur_.docs_ahead(); }
  uint32_t freq_ahead(int field, uint32_t m) const { return cur_.freq_ahead(field, m); }
  void Skip(uint32_t m) { cur_.Skip(m); }
  // The lists, one per segment holding the term (for their skip records).
  absl::Span<const index::PostingList> lists() const { return lists_; }
  // The list the cursor is in, its current block, and whether that block has
  // the term in some title (REQUIRE doc() != kNoMoreDocs).
  size_t list_index() const { return k_; }
  uint32_t block() const { return cur_.block(); }
  bool block_has_title() const { return cur_.block_has_title(); }
  void PrefetchPositions() const { cur_.PrefetchPositions(); }
  index::DocId block_last_doc() const { return cur_.block_last_doc(); }

 private:
  // Opens list k (lists are never empty), or ends.
  void Enter(size_t k) {
    k_ = k;
    cur_.Reset(k < lists_.size() ? lists_[k] : index::PostingList());
  }

  // One inline: a forced-merged index has one segment.
  absl::InlinedVector<index::PostingList, 1> lists_;
  size_t k_ = 0;  // the list cur_ reads
  index::ListCursor cur_;
};

}  // namespace khabar::search

#endif  // KHABAR_QUERY_SERVICE_SEARCH_POSTING_CURSOR_H_
