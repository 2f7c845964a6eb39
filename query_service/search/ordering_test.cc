#include "query_service/search/ordering.h"

#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "query_service/search/facets.h"

namespace khabar::search {
namespace {

TEST(OrderByTest, ParsesTheSupportedOrders) {
  EXPECT_EQ(*ParseOrderBy(""), SortOrder::kRelevance);
  EXPECT_EQ(*ParseOrderBy("  "), SortOrder::kRelevance);
  EXPECT_EQ(*ParseOrderBy("relevance"), SortOrder::kRelevance);
  EXPECT_EQ(*ParseOrderBy("relevance desc"), SortOrder::kRelevance);
  EXPECT_EQ(*ParseOrderBy("published_time desc"), SortOrder::kPublishedTimeDesc);
  EXPECT_EQ(*ParseOrderBy("  published_time   DESC "), SortOrder::kPublishedTimeDesc);
  EXPECT_EQ(*ParseOrderBy("published_time asc"), SortOrder::kPublishedTimeAsc);
  EXPECT_EQ(*ParseOrderBy("published_time"), SortOrder::kPublishedTimeAsc);  // AIP-132
  for (SortOrder o :
       {SortOrder::kRelevance, SortOrder::kPublishedTimeDesc, SortOrder::kPublishedTimeAsc}) {
    EXPECT_EQ(*ParseOrderBy(OrderByName(o)), o);
  }
}

TEST(OrderByTest, RejectsEverythingElse) {
  for (const char* bad : {"date", "published_time down", "relevance asc", "published_time desc, id",
                          "PUBLISHED_TIME desc", "score", "published_time desc extra"}) {
    absl::StatusOr<SortOrder> o = ParseOrderBy(bad);
    ASSERT_FALSE(o.ok()) << bad;
    EXPECT_EQ(o.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(absl::StrContains(o.status().message(), "\"published_time desc\""))
        << o.status().message();
  }
}

TEST(HalfLifeTest, ParsesDurations) {
  EXPECT_DOUBLE_EQ(*ParseHalfLife("h", "7d"), 7 * 86400);
  EXPECT_DOUBLE_EQ(*ParseHalfLife("h", "36h"), 36 * 3600);
  EXPECT_DOUBLE_EQ(*ParseHalfLife("h", "90m"), 90 * 60);
  EXPECT_DOUBLE_EQ(*ParseHalfLife("h", "1d12h"), 36 * 3600);
  EXPECT_DOUBLE_EQ(*ParseHalfLife("h", "1.5w"), 1.5 * 7 * 86400);
  EXPECT_DOUBLE_EQ(*ParseHalfLife("h", "3600s"), 3600);
  for (const char* bad : {"", "7", "d", "7x", "-7d", "7 d", "10s", "200w0d9999w", "1e3d", "..d"}) {
    absl::StatusOr<double> h = ParseHalfLife("recency.half_life", bad);
    ASSERT_FALSE(h.ok()) << bad;
    EXPECT_TRUE(absl::StartsWith(h.status().message(), "recency.half_life \""))
        << h.status().message();
  }
}

TEST(RecencyBoostTest, HalvesTheDecayingPartEveryHalfLife) {
  const int64_t now = 1751328000;
  RecencyBoost b{.half_life_seconds = 86400, .weight = 1.0, .origin = now};
  EXPECT_DOUBLE_EQ(b.Factor(now), 1.0);
  EXPECT_DOUBLE_EQ(b.Factor(now - 86400), 0.5);
  EXPECT_DOUBLE_EQ(b.Factor(now - 2 * 86400), 0.25);
  EXPECT_DOUBLE_EQ(b.Factor(now + 86400), 1.0);  // dated in the future: age 0
  EXPECT_DOUBLE_EQ(b.Factor(0), 0.0);            // no time: infinitely old
  b.weight = 0.4;
  EXPECT_DOUBLE_EQ(b.Factor(now - 86400), 0.6 + 0.4 * 0.5);
  EXPECT_DOUBLE_EQ(b.Factor(0), 0.6);
  // Monotone in age.
  for (int64_t age = 0; age < 30 * 86400; age += 3600) {
    EXPECT_GE(b.Factor(now - age), b.Factor(now - age - 3600));
  }
  Explanation e = b.Explain(now - 86400);
  EXPECT_DOUBLE_EQ(e.value, b.Factor(now - 86400));
  EXPECT_TRUE(absl::StrContains(e.description, "age 1.00 days")) << e.description;
  EXPECT_EQ(e.details.size(), 3u);
  EXPECT_TRUE(absl::StrContains(b.Explain(0).description, "no published time"));
}

index::Document Doc(std::string source, std::string category) {
  index::Document d;
  d.source = std::move(source);
  d.category = std::move(category);
  return d;
}

TEST(FacetsTest, ParsesFieldNames) {
  EXPECT_EQ(*ParseFacetFields({"category", "source"}),
            (std::vector<FacetField>{FacetField::kCategory, FacetField::kSource}));
  EXPECT_TRUE(ParseFacetFields({})->empty());
  absl::StatusOr<std::vector<FacetField>> f = ParseFacetFields({"id"});
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().message(),
            "facets: unknown field \"id\": the facet fields are source, category");
  f = ParseFacetFields({"source", "source"});
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().message(), "facets: \"source\" is asked for twice");
}

TEST(FacetsTest, CountsTopValuesByCountThenValue) {
  std::vector<index::Document> docs = {Doc("b", "x"), Doc("a", "x"), Doc("b", ""), Doc("c", "y"),
                                       Doc("a", "y"), Doc("b", "z"), Doc("d", "")};
  FacetCounter counter({FacetField::kSource, FacetField::kCategory}, 2);
  for (const index::Document& d : docs) counter.Add(d);
  std::vector<FacetResult> r = counter.Finish();
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].field, "source");
  ASSERT_EQ(r[0].values.size(), 2u);
  EXPECT_EQ(r[0].values[0].value, "b");
  EXPECT_EQ(r[0].values[0].count, 3);
  EXPECT_EQ(r[0].values[1].value, "a");  // a and... a: 2, c: 1, d: 1
  EXPECT_EQ(r[0].values[1].count, 2);
  EXPECT_EQ(r[0].other_count, 2);
  EXPECT_EQ(r[0].missing_count, 0);
  EXPECT_EQ(r[1].field, "category");
  ASSERT_EQ(r[1].values.size(), 2u);
  EXPECT_EQ(r[1].values[0].value, "x");  // x: 2 and y: 2 tie, by value
  EXPECT_EQ(r[1].values[1].value, "y");
  EXPECT_EQ(r[1].other_count, 1);
  EXPECT_EQ(r[1].missing_count, 2);
}

}  // namespace
}  // namespace khabar::search
