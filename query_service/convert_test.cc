#include "query_service/convert.h"

#include "gtest/gtest.h"

namespace khabar::query {
namespace {

v1::Article Sample() {
  v1::Article a;
  a.set_id("a1");
  a.set_title("عنوان");
  a.add_paragraphs()->set_text("نص");
  a.set_source("CNBC عربية");
  a.set_category("اقتصاد");
  a.mutable_published_time()->set_seconds(1751328000);
  a.mutable_published_time()->set_nanos(500);
  return a;
}

// The WAL and snapshots store the payload; recovery rebuilds the document
// from it, metadata included.
TEST(ConvertTest, MetadataSurvivesThePayloadRoundTrip) {
  const index::Document doc = ToDocument(Sample());
  EXPECT_EQ(doc.category, "اقتصاد");
  EXPECT_EQ(doc.published_time, 1751328000);
  absl::StatusOr<index::Document> back = DocumentFromPayload(doc.payload);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->id, "a1");
  EXPECT_EQ(back->source, "CNBC عربية");
  EXPECT_EQ(back->category, "اقتصاد");
  EXPECT_EQ(back->published_time, 1751328000);

  v1::Article timeless = Sample();
  timeless.clear_published_time();
  timeless.clear_category();
  const index::Document t = ToDocument(timeless);
  EXPECT_EQ(t.published_time, 0);
  EXPECT_EQ(t.category, "");
}

TEST(ConvertTest, SearchRequestOptions) {
  v1::SearchRequest req;
  req.set_query("q");
  req.set_filter("source = \"CNBC\"");
  req.set_order_by("published_time desc");
  req.add_facets("source");
  req.add_facets("category");
  search::PageRequest out = FromProto(req);
  EXPECT_EQ(out.filter, "source = \"CNBC\"");
  EXPECT_EQ(out.order_by, "published_time desc");
  EXPECT_EQ(out.facets, (std::vector<std::string>{"source", "category"}));
  EXPECT_FALSE(out.recency.has_value());

  req.mutable_recency();  // present but empty: the defaults
  out = FromProto(req);
  ASSERT_TRUE(out.recency.has_value());
  EXPECT_EQ(out.recency->half_life, "");
  EXPECT_EQ(out.recency->weight, 0);
  EXPECT_FALSE(out.recency->origin.has_value());

  req.mutable_recency()->set_half_life("36h");
  req.mutable_recency()->set_weight(0.3);
  req.mutable_recency()->mutable_origin()->set_seconds(1751328000);
  out = FromProto(req);
  EXPECT_EQ(out.recency->half_life, "36h");
  EXPECT_EQ(out.recency->weight, 0.3);
  EXPECT_EQ(out.recency->origin, 1751328000);
}

TEST(ConvertTest, SearchResponseMetadataAndFacets) {
  search::Page page;
  search::PageHit& dated = page.hits.emplace_back();
  dated.id = "a";
  dated.category = "اقتصاد";
  dated.published_time = 1751328000;
  page.hits.emplace_back().id = "b";  // no time, no category
  search::FacetResult& f = page.facets.emplace_back();
  f.field = "source";
  f.values = {{"CNBC", 3}, {"BBC", 1}};
  f.other_count = 2;
  f.missing_count = 1;
  v1::SearchResponse resp;
  ToProto(page, &resp);
  ASSERT_EQ(resp.hits_size(), 2);
  EXPECT_EQ(resp.hits(0).category(), "اقتصاد");
  ASSERT_TRUE(resp.hits(0).has_published_time());
  EXPECT_EQ(resp.hits(0).published_time().seconds(), 1751328000);
  EXPECT_FALSE(resp.hits(1).has_published_time());
  ASSERT_EQ(resp.facets_size(), 1);
  EXPECT_EQ(resp.facets(0).field(), "source");
  ASSERT_EQ(resp.facets(0).values_size(), 2);
  EXPECT_EQ(resp.facets(0).values(0).value(), "CNBC");
  EXPECT_EQ(resp.facets(0).values(0).count(), 3);
  EXPECT_EQ(resp.facets(0).other_count(), 2);
  EXPECT_EQ(resp.facets(0).missing_count(), 1);
}

}  // namespace
}  // namespace khabar::query
