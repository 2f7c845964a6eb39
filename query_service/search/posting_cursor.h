// File: posting_cursor.h
// -----------------------------------------------------------------------------
// The one place that reads a PostingList's layout: a forward cursor over its
// postings (tombstones included) with per-field frequencies and positions.
// Iterators (doc_iterator.h) see postings only through this class, so a
// compressed block format replaces this file, not the operators.
//
//   PostingCursor c(index.Postings("غزه"));
//   for (; c.doc() != kNoMoreDocs; c.Next()) Use(c.doc(), c.freq(index::Field::kTitle));
#ifndef KHABAR_QUERY_SERVICE_SEARCH_POSTING_CURSOR_H_
#define KHABAR_QUERY_SERVICE_SEARCH_POSTING_CURSOR_H_

#include <algorithm>
#include <cstdint>

#include "absl/types/span.h"
#include "query_service/index/inverted_index.h"

namespace khabar::search {

class PostingCursor {
 public:
  // `list` (may be null: no postings) is not owned and must outlive the cursor.
  explicit PostingCursor(const index::PostingList* list) : list_(list) {}

  index::DocId doc() const {
    return list_ != nullptr && i_ < list_->docs.size() ? list_->docs[i_] : index::kNoMoreDocs;
  }
  void Next() { ++i_; }
  // First posting with doc >= target (galloping, then binary search); never
  // moves back.
  void Advance(index::DocId target) {
    if (list_ == nullptr) return;
    const auto& docs = list_->docs;
    if (i_ >= docs.size() || docs[i_] >= target) return;
    size_t step = 1, lo = i_, hi = i_ + 1;
    while (hi < docs.size() && docs[hi] < target) {
      lo = hi;
      step *= 2;
      hi = std::min(docs.size(), hi + step);
    }
    i_ = static_cast<size_t>(std::lower_bound(docs.begin() + lo, docs.begin() + hi, target) -
                             docs.begin());
  }
  // REQUIRE doc() != kNoMoreDocs.
  uint32_t freq(index::Field field) const { return list_->freqs[static_cast<int>(field)][i_]; }
  absl::Span<const uint32_t> positions() const { return list_->PositionsAt(i_); }
  // Postings in the list (the cost of a full scan).
  int64_t size() const { return list_ == nullptr ? 0 : static_cast<int64_t>(list_->docs.size()); }

 private:
  const index::PostingList* list_;
  size_t i_ = 0;
};

}  // namespace khabar::search

#endif  // KHABAR_QUERY_SERVICE_SEARCH_POSTING_CURSOR_H_
