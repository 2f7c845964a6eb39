#include "query_service/search/searcher.h"
#include "query_service/index/inverted_index.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "query_service/search/indexed_test_base.h"

namespace khabar::search {
namespace {

class SearcherTest : public IndexedTest {};

TEST_F(SearcherTest, FindsAllDocumentsWithTheTermAndRanksTitleMatchesFirst) {
  Add("body", "الصين تتقدم", {"شركة إنفيديا تبيع الرقاقات"});
  Add("title", "إنفيديا تعلن نتائجها", {"أرباح الشركة ترتفع"});
  Add("none", "هواوي", {"هاتف جديد"});
  auto r = Search(index_.reader(), {.query = "انفيديا"});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->total_hits, 2);
  EXPECT_EQ(Ids(*r), (std::vector<std::string>{"title", "body"}));
  EXPECT_GT(r->hits[0].score, r->hits[1].score);
}

// SearchResult::words feeds snippets: positive words once, in query order;
// phrase and proximity words match their exact form only; excluded words are
// not highlighted.
TEST_F(SearcherTest, WordsComeFromTheParsedQuery) {
  Add("a", "الذكاء الاصطناعي في الصين", {"هواوي وأمريكا"});
  auto r = Search(index_.reader(), {.query = "\"الذكاء الاصطناعي\" في الصين -أمريكا \"هواوي الصين\"~3"});
  ASSERT_TRUE(r.ok()) << r.status();
  auto word = [](const SearchWord& w) {
    return absl::StrCat(w.term, "/", w.stem, w.stopword ? "/stop" : "", w.phrase_part ? "/phrase" : "");
  };
  std::vector<std::string> got;
  for (const SearchWord& w : r->words) got.push_back(word(w));
  // الصين is typed outside the proximity group too: it matches by stem.
  EXPECT_EQ(got, (std::vector<std::string>{"الذكاء/ذكاء/phrase", "الاصطناعي/اصطناع/phrase",
                                           "في/في/stop", "الصين/صين", "هواوي/هواو/phrase"}));

  r = Search(index_.reader(), {.query = "\"الذكاء الاصطناعي\" -هواوي",
                      .query_syntax = QuerySyntax::kPlain});
  ASSERT_TRUE(r.ok()) << r.status();
  got.clear();
  for (const SearchWord& w : r->words) got.push_back(word(w));
  EXPECT_EQ(got, (std::vector<std::string>{"الذكاء/ذكاء", "الاصطناعي/اصطناع", "هواوي/هواو"}));

  r = Search(index_.reader(), {.query = "الصين* +الذكاء"});
  ASSERT_TRUE(r.ok()) << r.status();
  got.clear();
  for (const SearchWord& w : r->words) got.push_back(word(w));
  EXPECT_EQ(got, (std::vector<std::string>{"الذكاء/ذكاء", "صين/صين"}));
}

// A required phrase matches only the articles with its words adjacent and in
// order; an optional one (OR operator) is a preference: its words match too,
// the phrase ranks first (query_parser.cc). bench/query_types.sh asks +"…".
TEST_F(SearcherTest, ARequiredPhraseMatchesOnlyTheAdjacentWords) {
  Add("phrase", "", {"كلام تهدف صينية كلام"});
  Add("reversed", "", {"كلام صينية تهدف كلام"});
  Add("apart", "", {"تهدف شيء صينية"});
  auto r = Search(index_.reader(), {.query = "+\"تهدف صينية\""});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(Ids(*r), (std::vector<std::string>{"phrase"}));
  EXPECT_EQ(r->total_hits, 1);
  r = Search(index_.reader(), {.query = "\"تهدف صينية\"", .default_operator = QueryOperator::kAnd});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(Ids(*r), (std::vector<std::string>{"phrase"}));
  r = Search(index_.reader(), {.query = "\"تهدف صينية\""});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->total_hits, 3);
  ASSERT_FALSE(r->hits.empty());
  EXPECT_EQ(Ids(*r)[0], "phrase");
}

TEST_F(SearcherTest, DiacriticsAndHamzaInQueryMatchPlainText) {
  Add("a", "الذكاء الاصطناعي", {});
  auto r = Search(index_.reader(), {.query = "الذَّكاءُ الإصطناعي"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->total_hits, 1);
  EXPECT_EQ(r->terms, (std::vector<std::string>{"ذكاء", "اصطناع"}));  // the stems
}

TEST_F(SearcherTest, MoreQueryTermsMatchedRanksHigher) {
  Add("one", "الصين", {"نص عادي"});
  Add("two", "الصين وهواوي", {"هواوي في الصين"});
  auto r = Search(index_.reader(), {.query = "الصين هواوي"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Ids(*r), (std::vector<std::string>{"two", "one"}));
}

TEST_F(SearcherTest, PagesAreDisjointAndCoverAllHits) {
  for (int i = 0; i < 25; ++i) Add(absl::StrCat("d", i), "خبر", {std::string(i + 1, 'x')});
  std::vector<std::string> all;
  for (size_t offset = 0; offset < 30; offset += 10) {
    auto r = Search(index_.reader(), {.query = "خبر", .offset = offset, .limit = 10});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->total_hits, 25);
    for (auto& id : Ids(*r)) all.push_back(id);
  }
  EXPECT_EQ(all.size(), 25u);
  std::sort(all.begin(), all.end());
  EXPECT_EQ(std::unique(all.begin(), all.end()), all.end());
}

TEST_F(SearcherTest, DeletedDocumentsDoNotMatch) {
  Add("a", "خبر", {});
  Add("b", "خبر", {});
  ASSERT_TRUE(index_.Delete("a"));
  auto r = Search(index_.reader(), {.query = "خبر"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Ids(*r), (std::vector<std::string>{"b"}));
}

TEST_F(SearcherTest, ScoreMatchesBm25ByHand) {
  Add("a", "", {"قطر"});
  Add("b", "", {"غزة غزة"});
  Bm25Options plain;  // classic BM25 on the body alone
  plain.k1 = 1.2;
  plain.body_b = 0.75;
  plain.exact_weight = 0;
  plain.proximity_weight = 0;
  auto r = Search(index_.reader(), {.query = "قطر"}, plain);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->hits.size(), 1u);
  // N=2, df=1; body length 1 vs average 1.5; tf=1; title empty.
  const double idf = std::log(1 + (2 - 1 + 0.5) / (1 + 0.5));
  const double tf = 1.0 / (1 - 0.75 + 0.75 * 1 / 1.5);
  EXPECT_NEAR(r->hits[0].score, idf * tf * 2.2 / (tf + 1.2), 1e-9);
}

TEST_F(SearcherTest, ExactFormRanksAboveStemOnlyMatch) {
  Add("stem_only", "", {"تراجعت الرقاقات في السوق"});
  Add("exact", "", {"تراجعت رقاقات في السوق"});
  auto r = Search(index_.reader(), {.query = "رقاقات"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Ids(*r), (std::vector<std::string>{"exact", "stem_only"}));
}

TEST_F(SearcherTest, CliticsAndArticleFindTheSameWord) {
  Add("a", "", {"تعمل الشركة على تطوير رقاقات جديدة"});
  for (const char* q : {"للرقاقات", "والرقاقات", "الرقاقات", "بالرقاقات", "رقاقات"}) {
    auto r = Search(index_.reader(), {.query = q});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->total_hits, 1) << q;
  }
}

TEST_F(SearcherTest, CloseQueryWordsRankAboveScatteredOnes) {
  Add("scattered", "", {"الذكاء مهم في حياتنا وهذا المصنع الاصطناعي كبير"});
  Add("phrase", "", {"الذكاء الاصطناعي مهم في حياتنا وهذا المصنع كبير"});
  auto r = Search(index_.reader(), {.query = "الذكاء الاصطناعي"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Ids(*r), (std::vector<std::string>{"phrase", "scattered"}));
}

TEST_F(SearcherTest, StopwordsAreWeightedLowButStillMatch) {
  Add("content", "", {"هواوي"});
  Add("stop", "", {"في"});
  auto r = Search(index_.reader(), {.query = "في هواوي"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Ids(*r), (std::vector<std::string>{"content", "stop"}));
}

TEST_F(SearcherTest, BadQueriesAreInvalidArgument) {
  Add("a", "خبر", {});
  for (const char* q : {"", "   ", "؟!،", "َُِ", "\xff"}) {
    auto r = Search(index_.reader(), {.query = q});
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << q;
  }
  auto r = Search(index_.reader(), {.query = std::string(1 << 20, 'a')});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  std::string many;
  for (int i = 0; i < 100; ++i) absl::StrAppend(&many, "w", i, " ");
  r = Search(index_.reader(), {.query = many});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("distinct words"), absl::string_view::npos);
}

TEST_F(SearcherTest, NoMatchIsEmptyNotAnError) {
  Add("a", "خبر", {});
  auto r = Search(index_.reader(), {.query = "غائب"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->total_hits, 0);
  EXPECT_TRUE(r->hits.empty());
}

}  // namespace
}  // namespace khabar::search
