// The query language end to end, from a user's point of view: the real
// query_service on a free port, the sample articles (and ../shared/seeds when
// present) ingested by the real ingest_service, queries over gRPC. Every
// expectation is checked against the articles' own text via GetArticle.
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

namespace khabar {
namespace {

namespace fs = std::filesystem;

class QueryE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    service_ = new testing::QueryServiceProcess(KHABAR_QUERY_SERVICE_BIN);
    ASSERT_TRUE(service_->Start()) << service_->error();
    std::vector<std::string> argv = {KHABAR_INGEST_SERVICE_BIN,
                                     "--query_service=" + service_->address(),
                                     (fs::path(KHABAR_SOURCE_DIR) / "data" / "articles").string()};
    const fs::path seeds = fs::path(KHABAR_SOURCE_DIR) / ".." / "shared" / "seeds";
    std::error_code ec;
    if (fs::is_directory(seeds, ec)) argv.push_back(seeds.string());
    testing::RunResult r = testing::RunProcess(argv);
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  }
  static void TearDownTestSuite() {
    service_->Stop();
    delete service_;
    service_ = nullptr;
  }
  void SetUp() override {
    ASSERT_NE(service_, nullptr);
    stub_ = v1::QueryService::NewStub(service_->Channel());
  }

  grpc::Status Search(v1::SearchRequest req, v1::SearchResponse* resp) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    return stub_->Search(&ctx, req, resp);
  }
  v1::SearchResponse MustSearch(const std::string& query, int page_size = 100) {
    v1::SearchRequest req;
    req.set_query(query);
    req.set_page_size(page_size);
    v1::SearchResponse resp;
    grpc::Status s = Search(req, &resp);
    EXPECT_TRUE(s.ok()) << query << ": " << s.error_message();
    return resp;
  }
  // Title and paragraphs of an article.
  std::string Text(const std::string& id) {
    grpc::ClientContext ctx;
    v1::GetArticleRequest req;
    req.set_id(id);
    v1::GetArticleResponse resp;
    EXPECT_TRUE(stub_->GetArticle(&ctx, req, &resp).ok()) << id;
    std::string text = resp.article().title();
    for (const auto& p : resp.article().paragraphs()) absl::StrAppend(&text, "\n", p.text());
    return text;
  }

  static testing::QueryServiceProcess* service_;
  std::unique_ptr<v1::QueryService::Stub> stub_;
};

testing::QueryServiceProcess* QueryE2eTest::service_ = nullptr;

TEST_F(QueryE2eTest, PhraseWordAndExclusion) {
  v1::SearchResponse r = MustSearch("\"الذكاء الاصطناعي\" هواوي -أمريكا");
  ASSERT_GT(r.total_hits(), 0);
  EXPECT_TRUE(absl::StrContains(r.parsed_query(), "AND_NOT(")) << r.parsed_query();
  EXPECT_TRUE(absl::StrContains(r.parsed_query(), "PHRASE(\"الذكاء الاصطناعي\")"))
      << r.parsed_query();
  for (const v1::SearchHit& h : r.hits()) {
    const std::string text = Text(h.id());
    EXPECT_FALSE(absl::StrContains(text, "أمريكا") || absl::StrContains(text, "امريكا")) << h.id();
  }
  // Without the exclusion, at least as many hits.
  EXPECT_GE(MustSearch("\"الذكاء الاصطناعي\" هواوي").total_hits(), r.total_hits());
}

TEST_F(QueryE2eTest, RequiredPhraseMatchesExactly) {
  v1::SearchResponse r = MustSearch("+\"الذكاء الاصطناعي\"");
  ASSERT_GT(r.total_hits(), 0);
  for (const v1::SearchHit& h : r.hits()) {
    EXPECT_TRUE(absl::StrContains(Text(h.id()), "الذكاء الاصطناعي")) << h.id();
  }
  // The words in the other order are not that phrase.
  v1::SearchResponse reversed = MustSearch("+\"الاصطناعي الذكاء\"");
  for (const v1::SearchHit& h : reversed.hits()) {
    EXPECT_TRUE(absl::StrContains(Text(h.id()), "الاصطناعي الذكاء")) << h.id();
  }
  // Proximity in any order finds at least the phrase's documents.
  EXPECT_GE(MustSearch("\"الاصطناعي الذكاء\"~2").total_hits(), r.total_hits());
}

TEST_F(QueryE2eTest, TitleScopingAndPrefix) {
  v1::SearchResponse title = MustSearch("title:الصين");
  ASSERT_GT(title.total_hits(), 0);
  for (const v1::SearchHit& h : title.hits()) EXPECT_TRUE(absl::StrContains(h.title(), "صين")) << h.id();
  EXPECT_GE(MustSearch("الصين").total_hits(), title.total_hits());

  v1::SearchResponse prefix = MustSearch("تكنولوج*");
  ASSERT_GT(prefix.total_hits(), 0);
  EXPECT_TRUE(absl::StrContains(prefix.parsed_query(), "PREFIX(تكنولوج*: ")) << prefix.parsed_query();
  for (const v1::SearchHit& h : prefix.hits()) {
    EXPECT_TRUE(absl::StrContains(Text(h.id()), "تكنولوج")) << h.id();
  }
}

TEST_F(QueryE2eTest, AndFindsFewerThanOrAndTokensAreBoundToTheOperator) {
  v1::SearchRequest req;
  req.set_query("هواوي الرقاقات");
  req.set_page_size(1);
  v1::SearchResponse any, all;
  ASSERT_TRUE(Search(req, &any).ok());
  req.set_default_operator(v1::QUERY_OPERATOR_AND);
  ASSERT_TRUE(Search(req, &all).ok());
  EXPECT_GT(all.total_hits(), 0);
  EXPECT_LE(all.total_hits(), any.total_hits());
  EXPECT_TRUE(absl::StartsWith(all.parsed_query(), "AND(")) << all.parsed_query();
  req.set_default_operator(v1::QUERY_OPERATOR_OR);
  req.set_minimum_should_match("100%");
  v1::SearchResponse msm;
  ASSERT_TRUE(Search(req, &msm).ok());
  EXPECT_EQ(msm.total_hits(), all.total_hits());
  if (!any.next_page_token().empty()) {
    // A token of the OR query does not page the AND query.
    req.clear_minimum_should_match();
    req.set_default_operator(v1::QUERY_OPERATOR_AND);
    req.set_page_token(any.next_page_token());
    v1::SearchResponse bad;
    EXPECT_EQ(Search(req, &bad).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  }
}

TEST_F(QueryE2eTest, ExplainBreaksDownTheScore) {
  v1::SearchRequest req;
  req.set_query("\"الذكاء الاصطناعي\" هواوي");
  req.set_explain(true);
  v1::SearchResponse r;
  ASSERT_TRUE(Search(req, &r).ok());
  ASSERT_GT(r.hits_size(), 0);
  for (const v1::SearchHit& h : r.hits()) {
    ASSERT_TRUE(h.has_explanation()) << h.id();
    EXPECT_NEAR(h.explanation().value(), h.score(), 1e-9);
    EXPECT_GT(h.explanation().details_size(), 0);
  }
  req.set_explain(false);
  ASSERT_TRUE(Search(req, &r).ok());
  EXPECT_FALSE(r.hits(0).has_explanation());
}

TEST_F(QueryE2eTest, MalformedQueriesAreInvalidArgumentAndTheServiceStaysUp) {
  const std::pair<std::string, std::string> cases[] = {
      {"هواوي (الصين", "unbalanced '('"},
      {"\"الذكاء", "unbalanced '\"'"},
      {"هواوي -", "lone '-'"},
      {"OR هواوي", "nothing on its left"},
      {"في", "no searchable words"},
      {"title:", "empty field"},
      {"author:x", "title, body"},
      {"-أمريكا", "at least one positive term"},
      {std::string(1 << 20, 'x'), "the limit is"},
  };
  for (const auto& [query, message] : cases) {
    v1::SearchRequest req;
    req.set_query(query);
    v1::SearchResponse resp;
    grpc::Status s = Search(req, &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << query.substr(0, 40);
    EXPECT_TRUE(absl::StrContains(s.error_message(), message))
        << query.substr(0, 40) << ": " << s.error_message();
  }
  v1::SearchRequest req;
  req.set_query("هواوي");
  req.set_minimum_should_match("lots");
  v1::SearchResponse resp;
  EXPECT_EQ(Search(req, &resp).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_GT(MustSearch("هواوي").total_hits(), 0);  // still serving
}

TEST_F(QueryE2eTest, PlainSyntaxReadsABagOfWords) {
  auto search = [&](const std::string& query, v1::QuerySyntax syntax, v1::SearchResponse* resp) {
    v1::SearchRequest req;
    req.set_query(query);
    req.set_page_size(100);
    req.set_query_syntax(syntax);
    return Search(req, resp);
  };
  // What the full syntax rejects, plain searches.
  for (const char* q : {"\"الذكاء الاصطناعي", "في", "هواوي (الصين"}) {
    v1::SearchResponse full, plain;
    EXPECT_EQ(search(q, v1::QUERY_SYNTAX_FULL, &full).error_code(),
              grpc::StatusCode::INVALID_ARGUMENT) << q;
    ASSERT_TRUE(search(q, v1::QUERY_SYNTAX_PLAIN, &plain).ok()) << q;
    EXPECT_GT(plain.total_hits(), 0) << q;
  }
  // Quotes and '-' are punctuation: the same ranking as the bare words, where
  // the full syntax excludes هواوي.
  v1::SearchResponse quoted, bare, full;
  ASSERT_TRUE(search("\"الذكاء الاصطناعي\" -هواوي", v1::QUERY_SYNTAX_PLAIN, &quoted).ok());
  ASSERT_TRUE(search("الذكاء الاصطناعي هواوي", v1::QUERY_SYNTAX_PLAIN, &bare).ok());
  ASSERT_TRUE(search("\"الذكاء الاصطناعي\" -هواوي", v1::QUERY_SYNTAX_UNSPECIFIED, &full).ok());
  ASSERT_EQ(quoted.hits_size(), bare.hits_size());
  for (int i = 0; i < quoted.hits_size(); ++i) {
    EXPECT_EQ(quoted.hits(i).id(), bare.hits(i).id()) << i;
    EXPECT_DOUBLE_EQ(quoted.hits(i).score(), bare.hits(i).score()) << i;
  }
  EXPECT_LT(full.total_hits(), quoted.total_hits());
  // A page token is bound to the syntax it was issued for.
  v1::SearchRequest next;
  next.set_query("الذكاء الاصطناعي هواوي");
  next.set_page_size(1);
  next.set_query_syntax(v1::QUERY_SYNTAX_PLAIN);
  v1::SearchResponse first;
  ASSERT_TRUE(Search(next, &first).ok());
  ASSERT_FALSE(first.next_page_token().empty());
  next.set_page_token(first.next_page_token());
  next.set_query_syntax(v1::QUERY_SYNTAX_FULL);
  v1::SearchResponse other;
  EXPECT_EQ(Search(next, &other).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(QueryE2eTest, SnippetsHighlightThePositiveWordsOfTheTree) {
  // A phrase's words light up by their exact form only; an excluded word never.
  v1::SearchResponse r = MustSearch("\"الذكاء الاصطناعي\" -أمريكا الصين");
  ASSERT_GT(r.hits_size(), 0);
  int highlighted = 0;
  for (const v1::SearchHit& hit : r.hits()) {
    for (const v1::Snippet& snippet : hit.snippets()) {
      for (const v1::Highlight& h : snippet.highlights()) {
        const std::string word =
            snippet.text().substr(h.byte_begin(), h.byte_end() - h.byte_begin());
        EXPECT_FALSE(absl::StrContains(word, "مريك")) << hit.id() << ": " << word;
        if (absl::StrContains(word, "ذكاء") || absl::StrContains(word, "اصطناع")) {
          EXPECT_TRUE(h.exact()) << hit.id() << ": " << word;
        }
        ++highlighted;
      }
    }
  }
  EXPECT_GT(highlighted, 0);
}

// Top-k pruning through the real binary: a service that prunes from the
// first full page (--exact_hits_up_to=0) pages through the same hits as an
// exact count, reports total_hits as a lower bound, and counts exactly when
// asked.
class PruningE2eTest : public QueryE2eTest {
 protected:
  static void SetUpTestSuite() {
    service_ = new testing::QueryServiceProcess(KHABAR_QUERY_SERVICE_BIN);
    ASSERT_TRUE(service_->Start({"--exact_hits_up_to=0"})) << service_->error();
    testing::RunResult r = testing::RunProcess(
        {KHABAR_INGEST_SERVICE_BIN, "--query_service=" + service_->address(),
         (fs::path(KHABAR_SOURCE_DIR) / "data" / "articles").string()});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  }

  // Every page of `query`, page_size 1: the ids in order, and the responses.
  std::vector<std::string> AllPages(const std::string& query, bool exact,
                                    std::vector<v1::SearchResponse>* responses,
                                    v1::SearchRequest req = {}) {
    std::vector<std::string> ids;
    req.set_query(query);
    req.set_page_size(1);
    req.set_exact_total_hits(exact);
    for (int page = 0; page < 50; ++page) {
      v1::SearchResponse resp;
      grpc::Status s = Search(req, &resp);
      EXPECT_TRUE(s.ok()) << s.error_message();
      if (!s.ok()) break;
      for (const auto& h : resp.hits()) ids.push_back(h.id());
      responses->push_back(resp);
      if (resp.next_page_token().empty()) break;
      req.set_page_token(resp.next_page_token());
    }
    return ids;
  }
};

TEST_F(PruningE2eTest, PrunedPagesEqualExactPagesAndTheCountSaysItIsABound) {
  const std::string query = "الصين الذكاء الاصطناعي رقاقات";
  std::vector<v1::SearchResponse> pruned, exact;
  const std::vector<std::string> pruned_ids = AllPages(query, false, &pruned);
  const std::vector<std::string> exact_ids = AllPages(query, true, &exact);
  ASSERT_GE(exact_ids.size(), 3u);
  EXPECT_EQ(pruned_ids, exact_ids);
  ASSERT_FALSE(exact.empty());
  for (const v1::SearchResponse& r : exact) {
    EXPECT_EQ(r.total_hits_relation(), v1::TOTAL_HITS_RELATION_EQUAL);
    EXPECT_EQ(r.total_hits(), static_cast<int64_t>(exact_ids.size()));
  }
  // The first page of a pruned search: a full page, a bound.
  EXPECT_EQ(pruned[0].total_hits_relation(), v1::TOTAL_HITS_RELATION_GREATER_OR_EQUAL);
  EXPECT_LE(pruned[0].total_hits(), exact[0].total_hits());
  EXPECT_GE(pruned[0].total_hits(), 1);
}

// One word: its document frequency is the count, so even a pruned search
// (the service counts nothing itself, --exact_hits_up_to=0) reports it exact.
TEST_F(PruningE2eTest, OneWordCountIsExactEvenWhenPruned) {
  const std::string query = "الصين";
  std::vector<v1::SearchResponse> pruned, exact;
  const std::vector<std::string> pruned_ids = AllPages(query, false, &pruned);
  const std::vector<std::string> exact_ids = AllPages(query, true, &exact);
  ASSERT_GE(exact_ids.size(), 2u);  // page_size 1: pruning starts on page one
  EXPECT_EQ(pruned_ids, exact_ids);
  for (const v1::SearchResponse& r : pruned) {
    EXPECT_EQ(r.total_hits_relation(), v1::TOTAL_HITS_RELATION_EQUAL);
    EXPECT_EQ(r.total_hits(), static_cast<int64_t>(exact_ids.size()));
  }
}

// Typo tolerance on every word of a multi-word query, with thresholds low
// enough that words get several forms each: the pruned pages are the exact
// ones. (A word of two or more forms once left the pruning OR one
// requirement short, and the service crashed on such a search.)
TEST_F(PruningE2eTest, TypoTolerantWordsOfSeveralFormsPruneLikeExactSearch) {
  const std::string query = "الصبن الذكاء الرقائق";  // الصين typed with a dotted ب
  v1::SearchRequest typo;
  typo.mutable_typo_tolerance()->set_enabled(true);
  typo.mutable_typo_tolerance()->set_one_typo_min_letters(2);
  typo.mutable_typo_tolerance()->set_two_typos_min_letters(3);
  // The misspelt word stands for several forms (parsed_query lists them).
  v1::SearchRequest first = typo;
  first.set_query(query);
  v1::SearchResponse parsed;
  ASSERT_TRUE(Search(first, &parsed).ok());
  EXPECT_NE(parsed.parsed_query().find("FUZZY(الصبن[صبن]~2: الصين, "), std::string::npos)
      << parsed.parsed_query();
  std::vector<v1::SearchResponse> pruned, exact;
  const std::vector<std::string> pruned_ids = AllPages(query, false, &pruned, typo);
  const std::vector<std::string> exact_ids = AllPages(query, true, &exact, typo);
  ASSERT_GE(exact_ids.size(), 3u);
  EXPECT_EQ(pruned_ids, exact_ids);
  // The service is still up.
  std::vector<v1::SearchResponse> plain;
  EXPECT_FALSE(AllPages("الصين", true, &plain).empty());
}

}  // namespace
}  // namespace khabar
