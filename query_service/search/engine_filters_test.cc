// Engine-level validation and paging of filter, order_by, facets and recency.
#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "query_service/search/engine.h"

namespace khabar::search {
namespace {

constexpr int64_t kJul1 = 1751328000;  // 2025-07-01T00:00:00Z
constexpr int64_t kDay = 86400;

index::Document Doc(std::string id, std::string source, std::string category, int64_t time) {
  index::Document d;
  d.id = std::move(id);
  d.title = "خبر عن الرقائق";
  d.source = std::move(source);
  d.category = std::move(category);
  d.published_time = time;
  d.payload = "payload";
  return d;
}

class EngineFiltersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::vector<index::Document> docs;
    for (int i = 0; i < 9; ++i) {
      docs.push_back(Doc(absl::StrCat("d", i), i % 3 == 0 ? "CNBC" : "BBC",
                         i % 2 == 0 ? "تكنولوجيا" : "اقتصاد", kJul1 + i * kDay));
    }
    for (const auto& r : engine_.UpsertBatch(std::move(docs))) ASSERT_TRUE(r.ok()) << r.status();
  }
  PageRequest Req(std::string query) {
    PageRequest r;
    r.query = std::move(query);
    r.highlight = false;
    return r;
  }
  std::vector<std::string> Ids(const Page& p) {
    std::vector<std::string> ids;
    for (const PageHit& h : p.hits) ids.emplace_back(h.id);
    return ids;
  }
  absl::Status Error(const PageRequest& r) { return engine_.Search(r).status(); }

  Engine engine_{EngineOptions{}};
};

TEST_F(EngineFiltersTest, HitsCarryCategoryAndTime) {
  PageRequest r = Req("الرقائق");
  r.filter = "id = d4";
  absl::StatusOr<Page> p = engine_.Search(r);
  ASSERT_TRUE(p.ok()) << p.status();
  ASSERT_EQ(p->hits.size(), 1u);
  EXPECT_EQ(p->hits[0].category, "تكنولوجيا");
  EXPECT_EQ(p->hits[0].published_time, kJul1 + 4 * kDay);
  EXPECT_EQ(p->hits[0].source, "BBC");
}

TEST_F(EngineFiltersTest, PageTokensAreBoundToFilterAndOrderButNotFacets) {
  PageRequest r = Req("الرقائق");
  r.page_size = 2;
  r.filter = "source = BBC";
  r.order_by = "published_time desc";
  std::vector<std::string> all;
  for (int page = 0; page < 5; ++page) {
    // Facets may change between pages.
    r.facets = page % 2 == 0 ? std::vector<std::string>{"source"} : std::vector<std::string>{};
    absl::StatusOr<Page> p = engine_.Search(r);
    ASSERT_TRUE(p.ok()) << p.status();
    EXPECT_EQ(p->total_hits, 6);
    for (const std::string& id : Ids(*p)) all.push_back(id);
    if (p->next_page_token.empty()) break;
    r.page_token = p->next_page_token;
  }
  EXPECT_EQ(all, (std::vector<std::string>{"d8", "d7", "d5", "d4", "d2", "d1"}));

  // A token from one filter or order is refused with another.
  r = Req("الرقائق");
  r.page_size = 2;
  r.filter = "source = BBC";
  absl::StatusOr<Page> first = engine_.Search(r);
  ASSERT_TRUE(first.ok());
  ASSERT_FALSE(first->next_page_token.empty());
  PageRequest other = r;
  other.page_token = first->next_page_token;
  other.filter = "source = CNBC";
  EXPECT_EQ(Error(other).code(), absl::StatusCode::kInvalidArgument);
  other.filter = r.filter;
  other.order_by = "published_time asc";
  EXPECT_EQ(Error(other).code(), absl::StatusCode::kInvalidArgument);
  other.order_by = "relevance";  // the default, spelled out
  EXPECT_TRUE(engine_.Search(other).ok());
  other.recency = PageRequest::Recency{};
  EXPECT_EQ(Error(other).code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(EngineFiltersTest, FilterAloneListsNewestFirst) {
  PageRequest r = Req("");
  r.filter = "category = اقتصاد";
  absl::StatusOr<Page> p = engine_.Search(r);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(Ids(*p), (std::vector<std::string>{"d7", "d5", "d3", "d1"}));
  EXPECT_EQ(p->parsed_query, "ALL");
  r.order_by = "published_time asc";
  p = engine_.Search(r);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(Ids(*p), (std::vector<std::string>{"d1", "d3", "d5", "d7"}));
  // Snippets without query words: the lead (here the title).
  r.highlight = true;
  p = engine_.Search(r);
  ASSERT_TRUE(p.ok()) << p.status();
  ASSERT_FALSE(p->hits.empty());
  EXPECT_FALSE(p->hits[0].snippets.empty());
  // Without a filter an empty query is still an error.
  EXPECT_EQ(Error(Req("")).code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(EngineFiltersTest, BadOptionsAreInvalidArgumentNamingTheField) {
  struct Case {
    void (*set)(PageRequest*);
    const char* message;
  };
  const std::vector<Case> cases = {
      {[](PageRequest* r) { r->filter = "source = "; }, "filter: '=' has no value"},
      {[](PageRequest* r) { r->order_by = "date desc"; },
       "order_by \"date desc\" is not supported"},
      {[](PageRequest* r) { r->facets = {"id"}; }, "facets: unknown field \"id\""},
      {[](PageRequest* r) {
         r->facets = {"source", "source"};
       },
       "facets: \"source\" is asked for twice"},
      {[](PageRequest* r) { r->recency = PageRequest::Recency{.half_life = "week"}; },
       "recency.half_life \"week\""},
      {[](PageRequest* r) { r->recency = PageRequest::Recency{.half_life = "0s"}; },
       "recency.half_life \"0s\" is out of range"},
      {[](PageRequest* r) { r->recency = PageRequest::Recency{.weight = 1.5}; },
       "recency.weight must be in [0, 1]"},
      {[](PageRequest* r) { r->recency = PageRequest::Recency{.weight = -0.1}; },
       "recency.weight must be in [0, 1]"},
      {[](PageRequest* r) { r->recency = PageRequest::Recency{.weight = std::nan("")}; },
       "recency.weight must be in [0, 1]"},
  };
  for (const Case& c : cases) {
    PageRequest r = Req("الرقائق");
    c.set(&r);
    absl::Status s = Error(r);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.message;
    EXPECT_TRUE(absl::StrContains(s.message(), c.message)) << s.message() << " / " << c.message;
  }
}

TEST_F(EngineFiltersTest, RecencyDefaultsAndOrigin) {
  PageRequest r = Req("الرقائق");
  r.recency = PageRequest::Recency{.origin = kJul1 + 8 * kDay};
  r.explain = true;
  absl::StatusOr<Page> p = engine_.Search(r);
  ASSERT_TRUE(p.ok()) << p.status();
  // Equal texts: newest first, each a half-life (7 days) older decays by half.
  ASSERT_EQ(p->hits.size(), 9u);
  EXPECT_EQ(p->hits[0].id, "d8");
  EXPECT_EQ(p->hits[8].id, "d0");
  const Explanation& boost = p->hits[0].explanation.details[1];
  EXPECT_NEAR(boost.value, 1.0, 1e-9);
  EXPECT_NEAR(p->hits[7].explanation.details[1].value, 0.5 + 0.5 * 0.5, 1e-9);  // d1: 7 days old
  EXPECT_TRUE(absl::StrContains(boost.description, "half_life 7.00 days")) << boost.description;
  // Without an origin the boost runs from now (the articles are from July
  // 2025, so they are all in the past, or all "age 0" on a clock set earlier).
  r.recency = PageRequest::Recency{.half_life = "30d", .weight = 0.5};
  p = engine_.Search(r);
  ASSERT_TRUE(p.ok()) << p.status();
  ASSERT_EQ(p->hits.size(), 9u);
  EXPECT_GE(p->hits[0].score, p->hits[8].score);
  const bool past = absl::ToUnixSeconds(absl::Now()) > kJul1 + 8 * kDay;
  EXPECT_EQ(p->hits[0].id, past ? "d8" : "d0");
}

}  // namespace
}  // namespace khabar::search
