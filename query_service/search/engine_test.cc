#include "query_service/search/engine.h"

#include <thread>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace khabar::search {
namespace {

index::Document Doc(std::string id, std::string title, std::string hash = "") {
  index::Document d;
  d.id = std::move(id);
  d.title = std::move(title);
  d.content_hash = std::move(hash);
  d.payload = "payload-" + d.id;
  return d;
}

PageRequest Req(std::string query, int32_t page_size = 0) {
  PageRequest r;
  r.query = std::move(query);
  r.page_size = page_size;
  return r;
}

TEST(EngineTest, BatchReportsEachDocumentAndKeepsGoodOnes) {
  Engine engine{EngineOptions{}};
  std::vector<index::Document> batch;
  batch.push_back(Doc("a", "خبر", "h"));
  batch.push_back(Doc("", "بلا معرف"));
  batch.push_back(Doc("a", "خبر", "h"));
  batch.push_back(Doc("c", "خبر آخر"));
  auto results = engine.UpsertBatch(std::move(batch));
  ASSERT_EQ(results.size(), 4u);
  EXPECT_EQ(*results[0], index::UpsertOutcome::kCreated);
  EXPECT_EQ(results[1].status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(*results[2], index::UpsertOutcome::kUnchanged);
  EXPECT_EQ(*results[3], index::UpsertOutcome::kCreated);
  EngineStats s = engine.Stats();
  EXPECT_EQ(s.index.live_documents, 2);
  EXPECT_EQ(s.created, 2);
  EXPECT_EQ(s.unchanged, 1);
  EXPECT_EQ(s.rejected, 1);
}

TEST(EngineTest, PagesThroughResultsWithTokens) {
  Engine engine{EngineOptions{}};
  std::vector<index::Document> batch;
  for (int i = 0; i < 7; ++i) batch.push_back(Doc(absl::StrCat("d", i), "خبر"));
  engine.UpsertBatch(std::move(batch));
  PageRequest req = Req("خبر", 3);
  std::vector<int32_t> ranks;
  for (int page = 0; page < 5; ++page) {
    auto p = engine.Search(req);
    ASSERT_TRUE(p.ok()) << p.status();
    EXPECT_EQ(p->total_hits, 7);
    for (const PageHit& h : p->hits) ranks.push_back(h.rank);
    if (p->next_page_token.empty()) break;
    req.page_token = p->next_page_token;
  }
  EXPECT_EQ(ranks, (std::vector<int32_t>{1, 2, 3, 4, 5, 6, 7}));
}

TEST(EngineTest, RejectsAbsurdPageSizes) {
  Engine engine{EngineOptions{}};
  for (int32_t size : {-1, 101, 1000000000}) {
    auto p = engine.Search(Req("خبر", size));
    EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(p.status().message().find("page_size must be in [0, 100]"), absl::string_view::npos)
        << p.status();
  }
}

TEST(EngineTest, GetPayloadAndDelete) {
  Engine engine{EngineOptions{}};
  std::vector<index::Document> batch;
  batch.push_back(Doc("a", "خبر"));
  engine.UpsertBatch(std::move(batch));
  EXPECT_EQ(*engine.GetPayload("a"), "payload-a");
  EXPECT_EQ(engine.GetPayload("b").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(engine.GetPayload("").status().code(), absl::StatusCode::kInvalidArgument);
  std::vector<std::string> not_found;
  EXPECT_EQ(engine.Delete({"a", "b"}, &not_found), 1);
  EXPECT_EQ(not_found, (std::vector<std::string>{"b"}));
  EXPECT_EQ(engine.GetPayload("a").status().code(), absl::StatusCode::kNotFound);
}

TEST(EngineTest, LivePayloadsAreInUpsertOrderWithoutDeletedOrReplaced) {
  Engine engine{EngineOptions{}};
  std::vector<index::Document> batch;
  batch.push_back(Doc("a", "خبر", "1"));
  batch.push_back(Doc("b", "خبر", "1"));
  batch.push_back(Doc("c", "خبر", "1"));
  engine.UpsertBatch(std::move(batch));
  batch.clear();
  index::Document a2 = Doc("a", "خبر جديد", "2");
  a2.payload = "payload-a2";
  batch.push_back(std::move(a2));
  engine.UpsertBatch(std::move(batch));
  engine.Delete({"b"}, nullptr);
  EXPECT_EQ(engine.LivePayloads(), (std::vector<std::string>{"payload-c", "payload-a2"}));
}

TEST(EngineTest, SearchesRunWhileWritersAdd) {
  Engine engine{EngineOptions{}};
  std::thread writer([&] {
    for (int i = 0; i < 200; ++i) {
      std::vector<index::Document> batch;
      batch.push_back(Doc(absl::StrCat("d", i), "خبر عاجل"));
      engine.UpsertBatch(std::move(batch));
    }
  });
  int64_t last = 0;
  for (int i = 0; i < 200; ++i) {
    auto p = engine.Search(Req("عاجل"));
    ASSERT_TRUE(p.ok());
    EXPECT_GE(p->total_hits, last);  // the index only grows
    last = p->total_hits;
  }
  writer.join();
  EXPECT_EQ(engine.Search(Req("عاجل"))->total_hits, 200);
}

}  // namespace
}  // namespace khabar::search
