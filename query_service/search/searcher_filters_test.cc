// Filters, facets, order_by and the recency boost in the searcher's
// collection loop (searcher.h).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "query_service/search/indexed_test_base.h"
#include "query_service/index/inverted_index.h"
#include "query_service/search/searcher.h"

namespace khabar::search {
namespace {

constexpr int64_t kJul1 = 1751328000;  // 2025-07-01T00:00:00Z
constexpr int64_t kDay = 86400;

class SearcherFiltersTest : public IndexedTest {
 protected:
  void Add(std::string id, std::string source, std::string category, int64_t time,
           std::string title, std::vector<std::string> paragraphs = {}) {
    index::Document d;
    d.id = std::move(id);
    d.source = std::move(source);
    d.category = std::move(category);
    d.published_time = time;
    d.title = std::move(title);
    d.paragraphs = std::move(paragraphs);
    IndexedTest::Add(std::move(d));
  }
  SearchResult MustSearch(const SearchRequest& req) {
    absl::StatusOr<SearchResult> r = Search(index_.reader(), req);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *std::move(r) : SearchResult{};
  }

  // Six articles about chips (رقائق) and one about football.
  void AddNews() {
    Add("t1", "CNBC", "تكنولوجيا", kJul1 - 2 * kDay, "رقائق إنفيديا الجديدة");
    Add("t2", "BBC", "تكنولوجيا", kJul1 + kDay, "رقائق ورقائق وهواتف");
    Add("e1", "CNBC", "اقتصاد", kJul1 + 2 * kDay, "أسواق الرقائق تتراجع");
    Add("e2", "الجزيرة", "اقتصاد", 0, "الرقائق والاقتصاد");
    Add("e3", "CNBC", "اقتصاد", kJul1 + 3 * kDay, "خبر عن رقائق");
    Add("n1", "BBC", "", kJul1, "رقائق");
    Add("s1", "BBC", "رياضة", kJul1 + 4 * kDay, "نهائي كأس العالم");
  }

};

TEST_F(SearcherFiltersTest, FilterRestrictsHitsAndTotalHits) {
  AddNews();
  EXPECT_EQ(MustSearch({.query = "رقائق"}).total_hits, 6);
  SearchResult r = MustSearch({.query = "رقائق", .filter = "source = \"CNBC\""});
  EXPECT_EQ(r.total_hits, 3);
  std::vector<std::string> ids = Ids(r);
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<std::string>{"e1", "e3", "t1"}));

  r = MustSearch({.query = "رقائق",
                  .limit = 1,
                  .filter = "category = \"اقتصاد\" AND published_time >= \"2025-07-03\""});
  EXPECT_EQ(r.total_hits, 2);  // e1, e3; e2 has no time
  ASSERT_EQ(r.hits.size(), 1u);

  r = MustSearch({.query = "رقائق", .filter = "NOT source = BBC AND NOT id:(e2)"});
  EXPECT_EQ(r.total_hits, 3);
  // A filter that passes nothing is an empty answer, not an error.
  r = MustSearch({.query = "رقائق", .filter = "source = \"nobody\""});
  EXPECT_EQ(r.total_hits, 0);
  EXPECT_TRUE(r.hits.empty());
}

TEST_F(SearcherFiltersTest, MalformedFilterIsInvalidArgument) {
  AddNews();
  absl::StatusOr<SearchResult> r = Search(index_.reader(), {.query = "رقائق", .filter = "source = "});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(r.status().message(), "filter: ")) << r.status();
}

TEST_F(SearcherFiltersTest, FacetsCountTheWholeFilteredResultList) {
  AddNews();
  SearchResult r = MustSearch(
      {.query = "رقائق", .limit = 1, .facets = {FacetField::kSource, FacetField::kCategory}});
  ASSERT_EQ(r.facets.size(), 2u);
  const FacetResult& source = r.facets[0];
  EXPECT_EQ(source.field, "source");
  ASSERT_EQ(source.values.size(), 3u);
  // CNBC 3, BBC 2 (s1 is about football), الجزيرة 1.
  EXPECT_EQ(source.values[0].value, "CNBC");
  EXPECT_EQ(source.values[0].count, 3);
  EXPECT_EQ(source.values[1].value, "BBC");
  EXPECT_EQ(source.values[1].count, 2);
  EXPECT_EQ(source.values[2].value, "الجزيرة");
  EXPECT_EQ(source.values[2].count, 1);
  const FacetResult& category = r.facets[1];
  EXPECT_EQ(category.field, "category");
  ASSERT_EQ(category.values.size(), 2u);
  EXPECT_EQ(category.values[0].value, "اقتصاد");
  EXPECT_EQ(category.values[0].count, 3);
  EXPECT_EQ(category.values[1].value, "تكنولوجيا");
  EXPECT_EQ(category.values[1].count, 2);
  EXPECT_EQ(category.missing_count, 1);

  // With a filter, only what passes is counted.
  r = MustSearch({.query = "رقائق", .filter = "source = CNBC", .facets = {FacetField::kCategory}});
  ASSERT_EQ(r.facets.size(), 1u);
  ASSERT_EQ(r.facets[0].values.size(), 2u);
  EXPECT_EQ(r.facets[0].values[0].value, "اقتصاد");
  EXPECT_EQ(r.facets[0].values[0].count, 2);
  EXPECT_EQ(r.facets[0].values[1].count, 1);
  // No facets asked, none given.
  EXPECT_TRUE(MustSearch({.query = "رقائق"}).facets.empty());
}

TEST_F(SearcherFiltersTest, OrderByPublishedTimePutsTimelessLast) {
  AddNews();
  SearchResult r = MustSearch({.query = "رقائق", .order_by = SortOrder::kPublishedTimeDesc});
  EXPECT_EQ(Ids(r), (std::vector<std::string>{"e3", "e1", "t2", "n1", "t1", "e2"}));
  r = MustSearch({.query = "رقائق", .order_by = SortOrder::kPublishedTimeAsc});
  EXPECT_EQ(Ids(r), (std::vector<std::string>{"t1", "n1", "t2", "e1", "e3", "e2"}));
  EXPECT_EQ(r.total_hits, 6);
  // Relevance is another order.
  EXPECT_NE(Ids(MustSearch({.query = "رقائق"})), Ids(r));
}

TEST_F(SearcherFiltersTest, EqualTimesGoByScore) {
  Add("weak", "", "", kJul1, "خبر", {"عن رقائق وأشياء أخرى كثيرة جدا"});
  Add("strong", "", "", kJul1, "رقائق رقائق", {"رقائق"});
  Add("old", "", "", kJul1 - kDay, "رقائق رقائق رقائق", {"رقائق"});
  SearchResult r = MustSearch({.query = "رقائق", .order_by = SortOrder::kPublishedTimeDesc});
  EXPECT_EQ(Ids(r), (std::vector<std::string>{"strong", "weak", "old"}));
}

TEST_F(SearcherFiltersTest, PagesByTimeAreDisjointAndCoverAllHits) {
  for (int i = 0; i < 25; ++i) {
    // Some share a time, some have none.
    Add(absl::StrCat("d", i), "", "", i % 5 == 0 ? 0 : kJul1 + (i % 7) * kDay, "خبر",
        {std::string(i + 1, 'x')});
  }
  for (SortOrder order : {SortOrder::kPublishedTimeDesc, SortOrder::kPublishedTimeAsc}) {
    std::vector<std::string> all;
    int64_t last = order == SortOrder::kPublishedTimeDesc ? INT64_MAX : INT64_MIN;
    bool timeless = false;
    for (size_t offset = 0; offset < 30; offset += 10) {
      SearchResult r =
          MustSearch({.query = "خبر", .offset = offset, .limit = 10, .order_by = order});
      EXPECT_EQ(r.total_hits, 25);
      for (const Hit& h : r.hits) {
        const int64_t t = index_.document(h.doc).published_time;
        if (t == 0) {
          timeless = true;
        } else {
          EXPECT_FALSE(timeless) << "a dated hit after a timeless one";
          EXPECT_TRUE(order == SortOrder::kPublishedTimeDesc ? t <= last : t >= last);
          last = t;
        }
        all.push_back(index_.document(h.doc).id);
      }
    }
    EXPECT_EQ(all.size(), 25u);
    EXPECT_EQ(std::set<std::string>(all.begin(), all.end()).size(), 25u);
  }
}

TEST_F(SearcherFiltersTest, FilterAloneListsWhatPasses) {
  AddNews();
  ASSERT_TRUE(index_.Delete("e3"));
  SearchResult r = MustSearch({.query = "",
                               .filter = "source = CNBC OR source = BBC",
                               .order_by = SortOrder::kPublishedTimeDesc});
  EXPECT_EQ(r.parsed_query, "ALL");
  EXPECT_TRUE(r.terms.empty());
  EXPECT_TRUE(r.words.empty());
  EXPECT_EQ(r.total_hits, 5);  // s1 too: no query words to match
  EXPECT_EQ(Ids(r), (std::vector<std::string>{"s1", "e1", "t2", "n1", "t1"}));
  for (const Hit& h : r.hits) EXPECT_EQ(h.score, 1.0);
  // Still required without a filter.
  for (const char* f : {"", "  "}) {
    absl::StatusOr<SearchResult> bad = Search(index_.reader(), {.query = " ", .filter = f});
    EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  }
}

TEST_F(SearcherFiltersTest, RecencyBoostRanksNewerAboveOlderEqualMatches) {
  Add("old", "", "", kJul1 - 30 * kDay, "رقائق جديدة");
  Add("new", "", "", kJul1 - kDay, "رقائق جديدة");
  Add("undated", "", "", 0, "رقائق جديدة");
  SearchResult plain = MustSearch({.query = "رقائق"});
  EXPECT_EQ(Ids(plain), (std::vector<std::string>{"old", "new", "undated"}));  // ties: doc order
  const double bm25 = plain.hits[0].score;

  const RecencyBoost boost{.half_life_seconds = kDay, .weight = 0.5, .origin = kJul1};
  SearchResult r = MustSearch({.query = "رقائق", .explain = true, .recency = boost});
  EXPECT_EQ(Ids(r), (std::vector<std::string>{"new", "old", "undated"}));
  EXPECT_NEAR(r.hits[0].score, bm25 * (0.5 + 0.5 * 0.5), 1e-9);
  EXPECT_NEAR(r.hits[1].score, bm25 * (0.5 + 0.5 * std::exp2(-30)), 1e-9);
  EXPECT_NEAR(r.hits[2].score, bm25 * 0.5, 1e-9);
  // Explain: the product of the BM25 tree and the boost.
  const Explanation& e = r.hits[0].explanation;
  EXPECT_NEAR(e.value, r.hits[0].score, 1e-9);
  EXPECT_EQ(e.description, "product of:");
  ASSERT_EQ(e.details.size(), 2u);
  EXPECT_NEAR(e.details[0].value, bm25, 1e-9);
  EXPECT_NEAR(e.details[1].value, 0.75, 1e-9);
  EXPECT_TRUE(absl::StartsWith(e.details[1].description, "recency boost"))
      << e.details[1].description;
}

TEST_F(SearcherFiltersTest, RecencyBoostTradesOffAgainstRelevance) {
  // A much better match that is a little older still wins with a weak boost.
  Add("relevant", "", "", kJul1 - 2 * kDay, "رقائق رقائق رقائق", {"رقائق رقائق"});
  Add("recent", "", "", kJul1, "خبر", {"كلام كثير عن أشياء أخرى ثم رقائق"});
  const RecencyBoost weak{.half_life_seconds = 30 * kDay, .weight = 0.2, .origin = kJul1};
  EXPECT_EQ(Ids(MustSearch({.query = "رقائق", .recency = weak}))[0], "relevant");
  const RecencyBoost strong{.half_life_seconds = 3600, .weight = 1.0, .origin = kJul1};
  EXPECT_EQ(Ids(MustSearch({.query = "رقائق", .recency = strong}))[0], "recent");
}

TEST_F(SearcherFiltersTest, CollapseByTimeKeepsTheNewestCopy) {
  // Three copies of one long story (near-duplicates need 20+ shingles).
  const std::string story =
      "أعلنت شركة إنفيديا اليوم عن جيل جديد من رقائق الذكاء الاصطناعي المخصصة لمراكز البيانات "
      "في خطوة تهدف إلى تلبية الطلب المتزايد على تدريب النماذج الكبيرة وقال متحدث باسم الشركة إن "
      "الرقائق الجديدة أسرع وأقل استهلاكا للطاقة من الجيل السابق";
  Add("copy_old", "A", "", kJul1 - kDay, "إنفيديا تعلن رقائق جديدة", {story});
  Add("copy_new", "B", "", kJul1 + kDay, "إنفيديا تعلن رقائق جديدة", {story});
  Add("copy_mid", "C", "", kJul1, "إنفيديا تعلن رقائق جديدة", {story});
  Add("other", "D", "", kJul1 - 5 * kDay, "رقائق", {"خبر قصير"});
  ASSERT_EQ(index_.cluster(*index_.FindDocId("copy_old")),
            index_.cluster(*index_.FindDocId("copy_new")));

  SearchResult r = MustSearch(
      {.query = "رقائق", .collapse_duplicates = true, .order_by = SortOrder::kPublishedTimeDesc});
  EXPECT_EQ(r.total_hits, 2);
  EXPECT_EQ(Ids(r), (std::vector<std::string>{"copy_new", "other"}));
  EXPECT_EQ(r.hits[0].duplicate_count, 2);
  r = MustSearch(
      {.query = "رقائق", .collapse_duplicates = true, .order_by = SortOrder::kPublishedTimeAsc});
  EXPECT_EQ(Ids(r), (std::vector<std::string>{"other", "copy_old"}));
  // The filter applies before collapsing: without copy_new, copy_mid stands in.
  r = MustSearch({.query = "رقائق",
                  .collapse_duplicates = true,
                  .filter = "source != B",
                  .order_by = SortOrder::kPublishedTimeDesc,
                  .facets = {FacetField::kSource}});
  EXPECT_EQ(Ids(r), (std::vector<std::string>{"copy_mid", "other"}));
  EXPECT_EQ(r.hits[0].duplicate_count, 1);
  // Facets count articles, not clusters.
  ASSERT_EQ(r.facets.size(), 1u);
  EXPECT_EQ(r.facets[0].values.size(), 3u);
}

}  // namespace
}  // namespace khabar::search
