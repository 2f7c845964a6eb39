// File: match_all_iterator.h
// -----------------------------------------------------------------------------
// Every live document, with a constant score of 1: what a search with a
// filter and no query iterates (the filter then does the selecting).
//
//   MatchAllIterator it(index);
//   for (DocId d = it.doc(); d != kNoMoreDocs; d = it.Next()) ...
#ifndef KHABAR_QUERY_SERVICE_SEARCH_MATCH_ALL_ITERATOR_H_
#define KHABAR_QUERY_SERVICE_SEARCH_MATCH_ALL_ITERATOR_H_

#include <cstdint>
#include <string>

#include "query_service/index/index_snapshot.h"
#include "query_service/search/doc_iterator.h"

namespace khabar::search {

class MatchAllIterator final : public DocIterator {
 public:
  // `index` is not owned and must outlive the iterator.
  explicit MatchAllIterator(const index::IndexSnapshot& index)
      : index_(index), limit_(index.doc_id_limit()) {
    Seek(0);
  }

  DocId Next() override { return doc_ == kNoMoreDocs ? doc_ : Seek(doc_ + 1); }
  DocId Advance(DocId target) override { return target <= doc_ ? doc_ : Seek(target); }
  int64_t Cost() const override { return index_.live_documents(); }
  double Score() override { return 1.0; }
  double MaxScore() const override { return 1.0; }
  Explanation Explain() override {
    return {1.0, "no query: every article matching the filter", {}};
  }
  std::string DebugString() const override { return "ALL"; }

 private:
  DocId Seek(DocId from) {
    DocId d = from;
    while (d < limit_ && !index_.is_live(d)) ++d;
    doc_ = d < limit_ ? d : kNoMoreDocs;
    return doc_;
  }

  const index::IndexSnapshot& index_;
  const DocId limit_;
};

}  // namespace khabar::search

#endif  // KHABAR_QUERY_SERVICE_SEARCH_MATCH_ALL_ITERATOR_H_
