// File: indexed_test_base.h
// -----------------------------------------------------------------------------
// The fixture the searcher's tests share: an analyzer, an index, a way to add
// an article and the ids of a result's hits, in order.
//
//   class MyTest : public IndexedTest {};
//   TEST_F(MyTest, X) { Add("a", "عنوان", {"نص"}); ... Ids(*Search(index_.reader(), req)) ... }
#ifndef KHABAR_QUERY_SERVICE_SEARCH_INDEXED_TEST_BASE_H_
#define KHABAR_QUERY_SERVICE_SEARCH_INDEXED_TEST_BASE_H_

#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "query_service/index/inverted_index.h"
#include "query_service/search/searcher.h"

namespace khabar::search {

class IndexedTest : public ::testing::Test {
 protected:
  void Add(index::Document d) { ASSERT_TRUE(index_.Upsert(std::move(d)).ok()); }
  void Add(std::string id, std::string title, std::vector<std::string> paragraphs = {}) {
    index::Document d;
    d.id = std::move(id);
    d.title = std::move(title);
    d.paragraphs = std::move(paragraphs);
    Add(std::move(d));
  }
  std::vector<std::string> Ids(const SearchResult& r) {
    std::vector<std::string> ids;
    for (const Hit& h : r.hits) ids.push_back(index_.document(h.doc).id);
    return ids;
  }

  analysis::Analyzer analyzer_;
  index::InvertedIndex index_{&analyzer_};
};

}  // namespace khabar::search

#endif  // KHABAR_QUERY_SERVICE_SEARCH_INDEXED_TEST_BASE_H_
