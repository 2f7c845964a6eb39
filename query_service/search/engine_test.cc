#include "query_service/search/engine.h"

#include <map>
#include <set>
#include <thread>

#include "absl/strings/match.h"
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

TEST(EngineTest, PageTokensAreBoundToTheQuerySyntax) {
  Engine engine{EngineOptions{}};
  std::vector<index::Document> batch;
  for (int i = 0; i < 5; ++i) batch.push_back(Doc(absl::StrCat("d", i), "خبر عاجل"));
  engine.UpsertBatch(std::move(batch));
  PageRequest req = Req("\"خبر عاجل\"", 2);
  req.query_syntax = QuerySyntax::kPlain;
  auto p = engine.Search(req);
  ASSERT_TRUE(p.ok()) << p.status();
  ASSERT_FALSE(p->next_page_token.empty());
  req.page_token = p->next_page_token;
  EXPECT_TRUE(engine.Search(req).ok());
  req.query_syntax = QuerySyntax::kFull;
  EXPECT_EQ(engine.Search(req).status().code(), absl::StatusCode::kInvalidArgument);
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


TEST(EngineSnippetsTest, PageHitsCarrySnippetsAndTitleHighlights) {
  Engine engine{EngineOptions{}};
  std::vector<index::Document> batch;
  for (int i = 0; i < 12; ++i) {
    index::Document d = Doc(absl::StrCat("d", i), i % 2 == 0 ? "أخبار لإنفيديا" : "أخبار السوق");
    d.paragraphs = {"مقدمة عن السوق.", absl::StrCat("وقالت إنفيديا إن مبيعاتها زادت ", i, " بالمئة.")};
    batch.push_back(std::move(d));
  }
  engine.UpsertBatch(std::move(batch));
  PageRequest req = Req("إنفيديا", 5);
  req.snippets.pre_tag = "[";
  req.snippets.post_tag = "]";
  absl::StatusOr<Page> page = engine.Search(req);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->hits.size(), 5u);
  for (const PageHit& h : page->hits) {
    ASSERT_EQ(h.snippets.size(), 1u) << h.id;
    const Snippet& s = h.snippets[0];
    EXPECT_EQ(s.paragraph, 1);
    EXPECT_TRUE(absl::StartsWith(s.marked_text, "وقالت [إنفيديا] إن")) << s.marked_text;
    ASSERT_EQ(s.highlights.size(), 1u);
    EXPECT_TRUE(s.highlights[0].exact);
    const bool title_mentions = absl::StrContains(h.title, "إنفيديا");
    ASSERT_EQ(h.title_highlights.size(), title_mentions ? 1u : 0u) << h.title;
    if (title_mentions) {
      const Highlight& t = h.title_highlights[0];
      EXPECT_EQ(h.title.substr(t.byte_begin, t.byte_end - t.byte_begin), "لإنفيديا");
      EXPECT_FALSE(t.exact);
    }
  }

  // Off: nothing computed. Bad options: InvalidArgument naming the field.
  req.highlight = false;
  page = engine.Search(req);
  ASSERT_TRUE(page.ok());
  EXPECT_TRUE(page->hits[0].snippets.empty());
  EXPECT_TRUE(page->hits[0].title_highlights.empty());
  req.highlight = true;
  req.snippets.max_snippets = 9;
  EXPECT_NE(engine.Search(req).status().message().find("highlight.max_snippets"),
            absl::string_view::npos);
}

namespace collapse {

// A wire story (~60 words: enough shingles to be fingerprinted).
constexpr char kStory[] =
    "أعلنت وزارة الفلاحة اليوم عن خطة وطنية جديدة لدعم مزارعي الزيتون في المناطق الداخلية، "
    "تشمل قروضا ميسرة وتوزيع معدات ري حديثة على صغار الفلاحين. وقال الوزير في مؤتمر صحفي إن "
    "الخطة تهدف إلى رفع الإنتاج بنسبة عشرين بالمئة خلال ثلاث سنوات، وتحسين جودة الزيت الموجه "
    "إلى التصدير. وأضاف أن الوزارة ستفتح مكاتب جهوية لقبول الطلبات بداية من الشهر القادم.";
// The same story as another outlet prints it: tashkeel and tatweel added.
constexpr char kStoryDecorated[] =
    "أعلنت وزارةُ الفلاحة اليوم عن خطة وطنيـــة جديدة لدعم مزارعي الزيتون في المناطق الداخلية، "
    "تشمل قروضا ميسرة وتوزيع معدات ري حديثة على صغار الفلاحين. وقال الوزيرُ في مؤتمر صحفي إن "
    "الخطة تهدف إلى رفع الإنتاج بنسبة عشرين بالمئة خلال ثلاث سنوات، وتحسين جودة الزيت الموجه "
    "إلى التصدير. وأضاف أن الوزارة ستفتح مكاتب جهوية لقبول الطلبات بداية من الشهر القادم.";
// A different article on the same topic.
constexpr char kOtherStory[] =
    "يشتكي مزارعو الزيتون في الجنوب من ارتفاع أسعار الأسمدة ونقص اليد العاملة مع اقتراب موسم "
    "الجني، ويطالبون بتدخل عاجل من الوزارة. ويقول أحدهم إن الخطة الوطنية الجديدة لم تصل بعد "
    "إلى القرى البعيدة، وإن القروض الميسرة تتطلب وثائق كثيرة لا يملكها صغار الفلاحين، فيما "
    "تؤكد جمعيات المزارعين أن الموسم قد يكون جيدا إذا تحسنت الأمطار في الأسابيع القادمة.";

index::Document Article(std::string id, std::string title, std::string body) {
  index::Document d = Doc(std::move(id), std::move(title));
  d.paragraphs.push_back(std::move(body));
  return d;
}

class CollapseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::vector<index::Document> docs;
    docs.push_back(Article("wire", "خطة لدعم مزارعي الزيتون", kStory));
    docs.push_back(Article("copy1", "خطة لدعم مزارعي الزيتون", kStory));
    docs.push_back(Article("other", "مزارعو الزيتون يشتكون", kOtherStory));
    docs.push_back(Article("copy2", "خطة لدعم مزارعي الزيتون", kStoryDecorated));
    for (const auto& r : engine_.UpsertBatch(std::move(docs))) ASSERT_TRUE(r.ok()) << r.status();
  }
  Engine engine_{EngineOptions{}};
};

TEST_F(CollapseTest, SyndicatedCopiesFoldIntoOneHit) {
  absl::StatusOr<Page> all = engine_.Search(Req("الزيتون"));
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(all->total_hits, 4);
  ASSERT_EQ(all->hits.size(), 4u);
  std::map<std::string, std::string> cluster;
  for (const PageHit& h : all->hits) {
    cluster[std::string(h.id)] = h.cluster_id;
    EXPECT_EQ(h.duplicate_count, 0);
  }
  EXPECT_EQ(cluster["wire"], "wire");
  EXPECT_EQ(cluster["copy1"], "wire");
  EXPECT_EQ(cluster["copy2"], "wire");
  EXPECT_EQ(cluster["other"], "other");
  EXPECT_EQ(engine_.Stats().index.duplicates, 2);

  PageRequest req = Req("الزيتون");
  req.collapse_duplicates = true;
  absl::StatusOr<Page> collapsed = engine_.Search(req);
  ASSERT_TRUE(collapsed.ok()) << collapsed.status();
  EXPECT_EQ(collapsed->total_hits, 2);
  ASSERT_EQ(collapsed->hits.size(), 2u);
  std::map<std::string, int32_t> folded;
  for (const PageHit& h : collapsed->hits) folded[h.cluster_id] = h.duplicate_count;
  EXPECT_EQ(folded["wire"], 2);
  EXPECT_EQ(folded["other"], 0);
  // The representative is the cluster's best-scoring hit in the uncollapsed list.
  for (const PageHit& h : collapsed->hits) {
    for (const PageHit& a : all->hits) {
      if (a.cluster_id == h.cluster_id) {
        EXPECT_LE(a.score, h.score) << a.id;
      }
    }
  }
  EXPECT_TRUE(collapsed->next_page_token.empty());
}

TEST_F(CollapseTest, CollapsedPagesNeverRepeatAClusterAndTokensAreBoundToTheFlag) {
  // More clusters: each added story is distinct (its own numbers and words).
  std::vector<index::Document> docs;
  for (int i = 0; i < 6; ++i) {
    std::string body;
    for (int w = 0; w < 30; ++w) absl::StrAppend(&body, "كلمة", i * 100 + w, " ");
    absl::StrAppend(&body, "الزيتون");
    docs.push_back(Article(absl::StrCat("n", i), "خبر", body));
    docs.push_back(Article(absl::StrCat("n", i, "_copy"), "خبر", body));
  }
  for (const auto& r : engine_.UpsertBatch(std::move(docs))) ASSERT_TRUE(r.ok()) << r.status();

  PageRequest req = Req("الزيتون", 1);
  req.collapse_duplicates = true;
  std::set<std::string> clusters;
  int64_t total = -1;
  int32_t folded = 0;
  for (int page = 0; page < 100; ++page) {
    absl::StatusOr<Page> p = engine_.Search(req);
    ASSERT_TRUE(p.ok()) << p.status();
    ASSERT_EQ(p->hits.size(), 1u);
    EXPECT_EQ(p->hits[0].rank, page + 1);
    EXPECT_TRUE(clusters.insert(p->hits[0].cluster_id).second) << p->hits[0].cluster_id;
    folded += p->hits[0].duplicate_count;
    total = p->total_hits;
    if (p->next_page_token.empty()) break;
    // A collapsed search's token is rejected by an uncollapsed one.
    PageRequest plain = Req("الزيتون", 1);
    plain.page_token = p->next_page_token;
    EXPECT_EQ(engine_.Search(plain).status().code(), absl::StatusCode::kInvalidArgument);
    req.page_token = p->next_page_token;
  }
  EXPECT_EQ(total, 8);  // wire, other, n0..n5
  EXPECT_EQ(static_cast<int64_t>(clusters.size()), total);
  EXPECT_EQ(folded, 2 + 6);
  EXPECT_EQ(engine_.Stats().index.duplicates, 8);
}

TEST_F(CollapseTest, GetArticleReportsTheCluster) {
  absl::StatusOr<Engine::StoredArticle> a = engine_.GetArticle("copy2");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->cluster_id, "wire");
  EXPECT_EQ(a->payload, "payload-copy2");
  EXPECT_EQ(engine_.GetArticle("nope").status().code(), absl::StatusCode::kNotFound);
}

}  // namespace collapse

}  // namespace
}  // namespace khabar::search
