// Engine-level checks of typo tolerance, Suggest and MoreLikeThis: request
// validation, page tokens and the pages they produce. The algorithms have
// their own tests (fuzzy_test, suggest_test, more_like_this_test).
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "query_service/search/engine.h"

namespace khabar::search {
namespace {

index::Document Doc(std::string id, std::string title, std::vector<std::string> paragraphs) {
  index::Document d;
  d.id = std::move(id);
  d.title = std::move(title);
  d.paragraphs = std::move(paragraphs);
  return d;
}

class EngineFeaturesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::vector<index::Document> batch;
    batch.push_back(
        Doc("dam", "انهيار سد في الوادي",
            {"انهار السد بعد الأمطار وغمرت المياه القرى", "فرق الإنقاذ تبحث في القرى"}));
    batch.push_back(Doc("follow", "القرى في الوادي بعد انهيار السد",
                        {"عاد السكان إلى القرى التي غمرتها المياه بعد انهيار السد"}));
    for (int i = 0; i < 12; ++i) {
      batch.push_back(Doc(absl::StrCat("olive", i), "موسم قطف الزيتون",
                          {absl::StrCat("بدأ المزارعون قطف الزيتون في الحقل رقم ", i)}));
    }
    for (const auto& r : engine_.UpsertBatch(std::move(batch))) ASSERT_TRUE(r.ok()) << r.status();
  }
  Engine engine_{EngineOptions{}};
};

TEST_F(EngineFeaturesTest, TypoToleranceIsOptInValidatedAndBindsPageTokens) {
  PageRequest req;
  req.query = "الزيتوون";
  ASSERT_EQ(engine_.Search(req)->total_hits, 0);
  req.typo_tolerance = true;
  req.page_size = 5;
  absl::StatusOr<Page> p = engine_.Search(req);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->total_hits, 12);
  EXPECT_EQ(p->parsed_query, "FUZZY(الزيتوون[زيتو]~1: الزيتون)");
  // The form found is highlighted in the snippet.
  ASSERT_FALSE(p->hits[0].snippets.empty());
  ASSERT_FALSE(p->hits[0].snippets[0].highlights.empty());
  ASSERT_FALSE(p->next_page_token.empty());
  // A token of the tolerant query does not page the exact one.
  PageRequest exact = req;
  exact.typo_tolerance = false;
  exact.page_token = p->next_page_token;
  EXPECT_EQ(engine_.Search(exact).status().code(), absl::StatusCode::kInvalidArgument);
  req.page_token = p->next_page_token;
  EXPECT_TRUE(engine_.Search(req).ok());
  // Word lengths: one typo from 8 letters leaves الزيتوون (8) its typo...
  req.page_token.clear();
  req.one_typo_min_letters = 8;
  EXPECT_EQ(engine_.Search(req)->total_hits, 12);
  // ...from 9 it has none.
  req.one_typo_min_letters = 9;
  EXPECT_EQ(engine_.Search(req)->total_hits, 0);
  req.one_typo_min_letters = 0;
  req.two_typos_min_letters = 3;  // below the default one-typo length (5)
  absl::Status bad = engine_.Search(req).status();
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(bad.message(), "typo_tolerance.two_typos_min_letters")) << bad;
  req.two_typos_min_letters = 0;
  req.one_typo_min_letters = -1;
  EXPECT_TRUE(absl::StrContains(engine_.Search(req).status().message(),
                                "typo_tolerance.one_typo_min_letters"));
}

TEST_F(EngineFeaturesTest, SuggestCompletesAndValidates) {
  absl::StatusOr<std::vector<Suggestion>> s = engine_.Suggest({.prefix = "موسم قطف الز"});
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_FALSE(s->empty());
  EXPECT_EQ((*s)[0].text, "موسم قطف الزيتون");
  EXPECT_EQ((*s)[0].kind, SuggestionKind::kTerm);
  EXPECT_EQ(engine_.Suggest({.prefix = ""}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(engine_.Suggest({.prefix = "الز", .page_size = 51}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(EngineFeaturesTest, MoreLikeThisPagesAndNeverReturnsTheArticle) {
  MoreLikeThisPageRequest req;
  req.id = "dam";
  absl::StatusOr<Page> p = engine_.MoreLikeThis(req);
  ASSERT_TRUE(p.ok()) << p.status();
  ASSERT_FALSE(p->hits.empty());
  EXPECT_EQ(p->hits[0].id, "follow");
  EXPECT_TRUE(absl::StartsWith(p->parsed_query, "OR")) << p->parsed_query;
  EXPECT_FALSE(p->hits[0].snippets.empty());
  for (const PageHit& h : p->hits) EXPECT_NE(h.id, "dam");

  // Pages of one olive article's relatives: all the others, each once.
  req.id = "olive0";
  req.page_size = 4;
  std::set<std::string> seen;
  for (int page = 0; page < 5; ++page) {
    p = engine_.MoreLikeThis(req);
    ASSERT_TRUE(p.ok()) << p.status();
    for (const PageHit& h : p->hits) EXPECT_TRUE(seen.emplace(h.id).second) << h.id;
    if (p->next_page_token.empty()) break;
    req.page_token = p->next_page_token;
  }
  EXPECT_EQ(seen.size(), 11u);
  EXPECT_FALSE(seen.contains("olive0"));
  // A token is bound to its article.
  req.id = "olive1";
  EXPECT_EQ(engine_.MoreLikeThis(req).status().code(), absl::StatusCode::kInvalidArgument);
  // And a search's token is not a more-like-this token.
  PageRequest search;
  search.query = "الزيتون";
  search.page_size = 2;
  req.page_token = engine_.Search(search)->next_page_token;
  EXPECT_EQ(engine_.MoreLikeThis(req).status().code(), absl::StatusCode::kInvalidArgument);

  req.page_token.clear();
  req.id = "nope";
  absl::Status missing = engine_.MoreLikeThis(req).status();
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(absl::StrContains(missing.message(), "\"nope\"")) << missing;
  req.id = "";
  EXPECT_EQ(engine_.MoreLikeThis(req).status().code(), absl::StatusCode::kInvalidArgument);
  req.id = "dam";
  req.page_size = 101;
  EXPECT_EQ(engine_.MoreLikeThis(req).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace khabar::search
