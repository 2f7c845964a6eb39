// Typo tolerance, Suggest and MoreLikeThis end to end, from a user's point of
// view: the real query_service on a free port, the repo's sample articles
// (data/articles) and a few articles this test writes, ingested by the real
// ingest_service, requests over gRPC.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "khabar/v1/query.grpc.pb.h"
#include "tests/service_process.h"
#include "tests/subprocess.h"
#include "tests/temp_dir.h"

namespace khabar {
namespace {

namespace fs = std::filesystem;

// A flood story, its follow-up, a syndicated copy of the story and an
// unrelated story sharing one word (سد) -- plain-text articles: first line
// the title, then paragraphs.
constexpr char kDam[] =
    "انهيار سد في الوادي يغمر القرى المجاورة\n\n"
    "انهار السد القديم في الوادي فجر اليوم بعد ثلاثة أيام من الأمطار الغزيرة، وغمرت المياه "
    "القرى المجاورة وقطعت الطرق المؤدية إليها.\n\n"
    "وقالت فرق الإنقاذ إنها تبحث في القرى المنكوبة عن ناجين، فيما نقلت السلطات مئات العائلات "
    "إلى مدارس المدينة.\n\n"
    "وكان مهندسون قد حذروا من تشققات في جدار السد منذ سنوات.\n";
constexpr char kFollowUp[] =
    "بعد انهيار السد: القرى في الوادي تحصي خسائرها\n\n"
    "عاد السكان إلى القرى التي غمرتها المياه بعد انهيار السد، ووجدوا البيوت والحقول مدمرة.\n\n"
    "وقالت فرق الإنقاذ إن البحث عن المفقودين مستمر في الوادي.\n";
constexpr char kPower[] =
    "افتتاح سد جديد لتوليد الكهرباء في الجنوب\n\n"
    "افتتحت الحكومة محطة كهرباء تعمل بالطاقة المائية تغذي مئة ألف منزل.\n";

class SuggestMltE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir("suggest_mlt");
    dir_->Write("articles/dam_collapse.txt", kDam);
    dir_->Write("articles/dam_collapse_copy.txt", kDam);
    dir_->Write("articles/dam_followup.txt", kFollowUp);
    dir_->Write("articles/power_dam.txt", kPower);
    service_ = new testing::QueryServiceProcess(KHABAR_QUERY_SERVICE_BIN);
    ASSERT_TRUE(service_->Start()) << service_->error();
    testing::RunResult r =
        testing::RunProcess({KHABAR_INGEST_SERVICE_BIN, "--query_service=" + service_->address(),
                             (fs::path(KHABAR_SOURCE_DIR) / "data" / "articles").string(),
                             (dir_->path() / "articles").string()});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  }
  static void TearDownTestSuite() {
    service_->Stop();
    delete service_;
    service_ = nullptr;
    delete dir_;
    dir_ = nullptr;
  }
  void SetUp() override {
    ASSERT_NE(service_, nullptr);
    stub_ = v1::QueryService::NewStub(service_->Channel());
  }
  static void Deadline(grpc::ClientContext* ctx) {
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  }

  grpc::Status Search(const v1::SearchRequest& req, v1::SearchResponse* resp) {
    grpc::ClientContext ctx;
    Deadline(&ctx);
    return stub_->Search(&ctx, req, resp);
  }
  grpc::Status Suggest(const v1::SuggestRequest& req, v1::SuggestResponse* resp) {
    grpc::ClientContext ctx;
    Deadline(&ctx);
    return stub_->Suggest(&ctx, req, resp);
  }
  grpc::Status MoreLikeThis(const v1::MoreLikeThisRequest& req, v1::SearchResponse* resp) {
    grpc::ClientContext ctx;
    Deadline(&ctx);
    return stub_->MoreLikeThis(&ctx, req, resp);
  }
  v1::SearchResponse TypoSearch(const std::string& query, bool typos) {
    v1::SearchRequest req;
    req.set_query(query);
    req.mutable_typo_tolerance()->set_enabled(typos);
    v1::SearchResponse resp;
    grpc::Status s = Search(req, &resp);
    EXPECT_TRUE(s.ok()) << query << ": " << s.error_message();
    return resp;
  }
  v1::SuggestResponse MustSuggest(const std::string& prefix, int page_size = 0) {
    v1::SuggestRequest req;
    req.set_prefix(prefix);
    req.set_page_size(page_size);
    v1::SuggestResponse resp;
    grpc::Status s = Suggest(req, &resp);
    EXPECT_TRUE(s.ok()) << prefix << ": " << s.error_message();
    return resp;
  }
  std::vector<std::string> Ids(const v1::SearchResponse& r) {
    std::vector<std::string> ids;
    for (const v1::SearchHit& h : r.hits()) ids.push_back(h.id());
    return ids;
  }

  static testing::TempDir* dir_;
  static testing::QueryServiceProcess* service_;
  std::unique_ptr<v1::QueryService::Stub> stub_;
};

testing::TempDir* SuggestMltE2eTest::dir_ = nullptr;
testing::QueryServiceProcess* SuggestMltE2eTest::service_ = nullptr;

TEST_F(SuggestMltE2eTest, AMisspelledWordFindsTheArticleWithTypoTolerance) {
  // "الزيتوون" (olives, one letter too many): nothing without tolerance...
  EXPECT_EQ(TypoSearch("الزيتوون", false).total_hits(), 0);
  // ...the olive harvest article with it, the word found highlighted.
  v1::SearchResponse r = TypoSearch("الزيتوون", true);
  ASSERT_GT(r.hits_size(), 0);
  EXPECT_EQ(r.hits(0).id(), "k3_olive_harvest");
  EXPECT_TRUE(absl::StrContains(r.parsed_query(), "FUZZY(الزيتوون")) << r.parsed_query();
  bool highlighted = false;
  for (const v1::Snippet& s : r.hits(0).snippets()) {
    for (const v1::Highlight& h : s.highlights()) {
      highlighted = highlighted ||
                    absl::StrContains(
                        s.text().substr(h.byte_begin(), h.byte_end() - h.byte_begin()), "الزيتون");
    }
  }
  EXPECT_TRUE(highlighted) << r.hits(0).DebugString();

  // A two-word query with a typo in each word (letters swapped, one missing).
  r = TypoSearch("ركلات الترجحي", true);
  ASSERT_GT(r.hits_size(), 0);
  EXPECT_EQ(r.hits(0).id(), "k4_football_final");
  // `word~` asks for it without the request option.
  r = TypoSearch("البورصاة~", false);
  ASSERT_GT(r.hits_size(), 0);
  EXPECT_EQ(r.hits(0).id(), "k6_markets_chips");
  // The correctly spelt word ranks its own article first either way.
  EXPECT_EQ(TypoSearch("الزيتون", true).hits(0).id(), "k3_olive_harvest");

  // Bad word lengths are INVALID_ARGUMENT naming the field.
  v1::SearchRequest bad;
  bad.set_query("الزيتوون");
  bad.mutable_typo_tolerance()->set_enabled(true);
  bad.mutable_typo_tolerance()->set_one_typo_min_letters(100);
  v1::SearchResponse resp;
  grpc::Status s = Search(bad, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(s.error_message(), "typo_tolerance.one_typo_min_letters"))
      << s.error_message();
  // "word~5" is not a fuzzy word: a hint points at proximity phrases.
  bad.clear_typo_tolerance();
  bad.set_query("الزيتون~5");
  s = Search(bad, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(s.error_message(), "~5")) << s.error_message();
}

TEST_F(SuggestMltE2eTest, SuggestCompletesWhatTheUserIsTyping) {
  // The last word is completed after the words before it.
  v1::SuggestResponse r = MustSuggest("الذكاء ال");
  ASSERT_GT(r.suggestions_size(), 0);
  EXPECT_EQ(r.suggestions(0).text(), "الذكاء الاصطناعي");
  EXPECT_EQ(r.suggestions(0).kind(), v1::SUGGESTION_KIND_TERM);
  EXPECT_GT(r.suggestions(0).count(), 0);
  // With diacritics typed, the same completion.
  r = MustSuggest("الذَّكَاء ال", 1);
  ASSERT_EQ(r.suggestions_size(), 1);
  EXPECT_TRUE(absl::EndsWith(r.suggestions(0).text(), " الاصطناعي")) << r.suggestions(0).text();
  // Typed without hamza, shown as the articles write it.
  r = MustSuggest("انفي");
  ASSERT_GT(r.suggestions_size(), 0);
  EXPECT_EQ(r.suggestions(0).text(), "إنفيديا");
  // Titles: the heat wave article, by its first words.
  v1::SuggestRequest titles;
  titles.set_prefix("موجة ح");
  titles.add_kinds(v1::SUGGESTION_KIND_TITLE);
  v1::SuggestResponse t;
  ASSERT_TRUE(Suggest(titles, &t).ok());
  ASSERT_GT(t.suggestions_size(), 0);
  EXPECT_EQ(t.suggestions(0).kind(), v1::SUGGESTION_KIND_TITLE);
  EXPECT_EQ(t.suggestions(0).article_id(), "k7_desert_weather");
  EXPECT_TRUE(absl::StartsWith(t.suggestions(0).text(), "موجة حر")) << t.suggestions(0).text();
  // Two copies of one title are one suggestion counting both.
  titles.set_prefix("انهيار سد");
  ASSERT_TRUE(Suggest(titles, &t).ok());
  ASSERT_GT(t.suggestions_size(), 0);
  EXPECT_EQ(t.suggestions(0).text(), "انهيار سد في الوادي يغمر القرى المجاورة");
  EXPECT_EQ(t.suggestions(0).count(), 2);

  // Malformed requests.
  const std::vector<std::string> bad_prefixes = {"", "   ", "ًٌ", std::string(300, 'a')};
  for (const std::string& prefix : bad_prefixes) {
    v1::SuggestRequest req;
    req.set_prefix(prefix);
    v1::SuggestResponse resp;
    EXPECT_EQ(Suggest(req, &resp).error_code(), grpc::StatusCode::INVALID_ARGUMENT) << prefix;
  }
  v1::SuggestRequest big;
  big.set_prefix("ال");
  big.set_page_size(51);
  v1::SuggestResponse resp;
  grpc::Status s = Suggest(big, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(s.error_message(), "page_size")) << s.error_message();
}

TEST_F(SuggestMltE2eTest, MoreLikeThisReturnsTheRelatedArticleFirstAndNotItself) {
  v1::MoreLikeThisRequest req;
  req.set_id("dam_collapse");
  v1::SearchResponse r;
  ASSERT_TRUE(MoreLikeThis(req, &r).ok());
  std::vector<std::string> ids = Ids(r);
  ASSERT_GE(ids.size(), 2u);
  // The syndicated copy is the most alike, then the follow-up story.
  EXPECT_EQ(ids[0], "dam_collapse_copy");
  EXPECT_EQ(ids[1], "dam_followup");
  EXPECT_EQ(std::count(ids.begin(), ids.end(), "dam_collapse"), 0);
  EXPECT_TRUE(absl::StartsWith(r.parsed_query(), "OR")) << r.parsed_query();
  EXPECT_GT(r.hits(1).snippets_size(), 0);
  EXPECT_GT(r.hits(1).snippets(0).highlights_size(), 0);

  // With collapsing, the article's own cluster is left out too.
  req.set_collapse_duplicates(true);
  ASSERT_TRUE(MoreLikeThis(req, &r).ok());
  ids = Ids(r);
  ASSERT_FALSE(ids.empty());
  EXPECT_EQ(ids[0], "dam_followup");
  EXPECT_EQ(std::count(ids.begin(), ids.end(), "dam_collapse_copy"), 0);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), "dam_collapse"), 0);

  // A sample article: never itself, and pages through with tokens.
  req.Clear();
  req.set_id("k2_china_ai_race");
  req.set_page_size(2);
  std::vector<std::string> seen;
  for (int page = 0; page < 20; ++page) {
    ASSERT_TRUE(MoreLikeThis(req, &r).ok());
    for (const std::string& id : Ids(r)) seen.push_back(id);
    if (r.next_page_token().empty()) break;
    req.set_page_token(r.next_page_token());
  }
  EXPECT_FALSE(seen.empty());
  EXPECT_EQ(std::count(seen.begin(), seen.end(), "k2_china_ai_race"), 0);
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(std::adjacent_find(seen.begin(), seen.end()), seen.end()) << "a hit came twice";

  // Unknown and empty ids.
  req.Clear();
  req.set_id("no_such_article");
  grpc::Status s = MoreLikeThis(req, &r);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_TRUE(absl::StrContains(s.error_message(), "no_such_article")) << s.error_message();
  req.set_id("");
  EXPECT_EQ(MoreLikeThis(req, &r).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

}  // namespace
}  // namespace khabar
