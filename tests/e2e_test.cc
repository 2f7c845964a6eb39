// End-to-end: starts the real query_service and ingest_service on free ports,
// ingests articles, and checks what a user would see over gRPC.
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "khabar/v1/index.grpc.pb.h"
#include "khabar/v1/ingest.grpc.pb.h"
#include "khabar/v1/query.grpc.pb.h"
#include "tests/subprocess.h"

namespace khabar {
namespace {

namespace fs = std::filesystem;
using ::khabar::testing::RunProcess;
using ::khabar::testing::Subprocess;

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string FirstNonEmptyLine(const std::string& text) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (absl::StartsWith(line, "\xEF\xBB\xBF")) line.remove_prefix(3);
    if (!line.empty()) return std::string(line);
  }
  return "";
}

// The title the ingest parser gives a seed: the TITLE line of its golden
// outline (ingest_service/article/testdata), else the first non-empty line.
std::string SeedTitle(const std::string& id, const std::string& text) {
  std::ifstream golden(fs::path(KHABAR_SOURCE_DIR) / "ingest_service/article/testdata" /
                       (id + ".golden.txt"));
  std::string line;
  if (std::getline(golden, line) && absl::StartsWith(line, "TITLE: ")) return line.substr(7);
  return FirstNonEmptyLine(text);
}

fs::path SeedsDir() {
  // The test runs in the build tree; shared/ sits beside the checkout.
  for (const fs::path& p : {fs::path(KHABAR_SOURCE_DIR) / ".." / "shared" / "seeds",
                            fs::path("../shared/seeds")}) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) return p;
  }
  return {};
}

// One query_service per test, on a free port.
class E2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    query_ = std::make_unique<Subprocess>(
        std::vector<std::string>{KHABAR_QUERY_SERVICE_BIN, "--listen=127.0.0.1:0"});
    ASSERT_TRUE(query_->started());
    std::optional<std::string> line =
        query_->ReadStdoutLineContaining("listening on ", absl::Seconds(20));
    ASSERT_TRUE(line.has_value()) << "query_service did not start: " << query_->stderr_text();
    address_ = line->substr(line->rfind(' ') + 1);
    auto channel = grpc::CreateChannel(address_, grpc::InsecureChannelCredentials());
    stub_ = v1::QueryService::NewStub(channel);
    health_ = grpc::health::v1::Health::NewStub(channel);
  }

  void TearDown() override {
    // gRPC 1.51 waits for connected channels during Shutdown(deadline); drop
    // ours first so the drain is immediate.
    stub_.reset();
    health_.reset();
    if (query_ != nullptr) {
      std::optional<int> code = query_->Stop(SIGTERM, absl::Seconds(20));
      EXPECT_EQ(code, 0) << "query_service did not drain cleanly: " << query_->stderr_text();
    }
  }

  testing::RunResult Ingest(const std::vector<std::string>& paths) {
    std::vector<std::string> argv = {KHABAR_INGEST_SERVICE_BIN, "--query_service=" + address_};
    argv.insert(argv.end(), paths.begin(), paths.end());
    return RunProcess(argv);
  }

  grpc::Status Search(const std::string& query, v1::SearchResponse* response,
                      int page_size = 0, const std::string& token = "",
                      v1::QuerySyntax syntax = v1::QUERY_SYNTAX_UNSPECIFIED) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    v1::SearchRequest req;
    req.set_query(query);
    req.set_page_size(page_size);
    req.set_page_token(token);
    req.set_query_syntax(syntax);
    return stub_->Search(&ctx, req, response);
  }

  grpc::Status GetArticle(const std::string& id, v1::GetArticleResponse* response) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    v1::GetArticleRequest req;
    req.set_id(id);
    return stub_->GetArticle(&ctx, req, response);
  }

  std::unique_ptr<Subprocess> query_;
  std::string address_;
  std::unique_ptr<v1::QueryService::Stub> stub_;
  std::unique_ptr<grpc::health::v1::Health::Stub> health_;
};

TEST_F(E2eTest, SeedsAreIngestedAndSearchableByNvidia) {
  const fs::path seeds = SeedsDir();
  if (seeds.empty()) GTEST_SKIP() << "../shared/seeds not found beside the checkout; skipping";

  testing::RunResult r = Ingest({seeds.string()});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(absl::StrContains(r.out, "5 accepted (5 created")) << r.out;

  // The oracle: which seed files mention Nvidia at all (with or without hamza).
  std::set<std::string> expected;
  std::map<std::string, std::string> titles;
  for (const auto& e : fs::directory_iterator(seeds)) {
    const std::string text = ReadAll(e.path());
    const std::string id = e.path().stem().string();
    titles[id] = SeedTitle(id, text);
    if (absl::StrContains(text, "نفيديا")) expected.insert(id);
  }
  ASSERT_FALSE(expected.empty());

  v1::SearchResponse resp;
  grpc::Status s = Search("إنفيديا", &resp, 100);
  ASSERT_TRUE(s.ok()) << s.error_message();
  std::set<std::string> got;
  for (const v1::SearchHit& h : resp.hits()) {
    got.insert(h.id());
    EXPECT_GT(h.score(), 0);
    EXPECT_EQ(h.title(), titles[h.id()]);
  }
  EXPECT_EQ(got, expected);
  EXPECT_EQ(resp.total_hits(), static_cast<int64_t>(expected.size()));

  // GetArticle returns the title and the text.
  v1::GetArticleResponse article;
  const std::string top = resp.hits(0).id();
  s = GetArticle(top, &article);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(article.article().title(), titles[top]);
  EXPECT_GT(article.article().paragraphs_size(), 3);
  EXPECT_EQ(article.article().content_hash().rfind("sha256:", 0), 0u);

  // Re-ingesting the same files is a no-op.
  r = Ingest({seeds.string()});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(absl::StrContains(r.out, "5 accepted (0 created, 0 updated, 5 unchanged)")) << r.out;
}

TEST_F(E2eTest, SampleArticlesAnswerArabicQueriesAndPage) {
  const fs::path data = fs::path(KHABAR_SOURCE_DIR) / "data" / "articles";
  testing::RunResult r = Ingest({data.string()});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;

  v1::SearchResponse resp;
  // Diacritics and hamza forms in the query still match.
  ASSERT_TRUE(Search("الذَّكاء الاصطناعي", &resp).ok());
  ASSERT_GT(resp.total_hits(), 1);
  EXPECT_EQ(resp.query_terms_size(), 2);

  // Page through with page_size 1: every hit once, ranks 1..N.
  std::set<std::string> seen;
  std::string token;
  for (int page = 0; page < 100; ++page) {
    v1::SearchResponse p;
    ASSERT_TRUE(Search("الذكاء الاصطناعي", &p, 1, token).ok());
    ASSERT_EQ(p.hits_size(), 1);
    EXPECT_EQ(p.hits(0).rank(), page + 1);
    EXPECT_TRUE(seen.insert(p.hits(0).id()).second);
    token = p.next_page_token();
    if (token.empty()) break;
  }
  EXPECT_EQ(static_cast<int64_t>(seen.size()), resp.total_hits());

  v1::StatsResponse stats;
  grpc::ClientContext ctx;
  ASSERT_TRUE(stub_->Stats(&ctx, v1::StatsRequest(), &stats).ok());
  EXPECT_GE(stats.article_count(), 7);
  EXPECT_GT(stats.term_count(), 100);
}

// A user deletes an article while paging through results: the article is gone
// from new searches at once, and the pages already being read stay whole.
TEST_F(E2eTest, DeleteIsVisibleAtOnceAndPagingKeepsItsSnapshot) {
  const fs::path data = fs::path(KHABAR_SOURCE_DIR) / "data" / "articles";
  testing::RunResult r = Ingest({data.string()});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  v1::SearchResponse first;
  ASSERT_TRUE(Search("الذكاء الاصطناعي", &first, 1).ok());
  ASSERT_GT(first.total_hits(), 1);
  const std::string victim = first.hits(0).id();
  v1::StatsResponse before;
  {
    grpc::ClientContext ctx;
    ASSERT_TRUE(stub_->Stats(&ctx, v1::StatsRequest(), &before).ok());
  }

  auto index = v1::IndexService::NewStub(
      grpc::CreateChannel(address_, grpc::InsecureChannelCredentials()));
  v1::DeleteArticlesRequest del;
  del.add_ids(victim);
  del.add_ids("no-such-article");
  v1::DeleteArticlesResponse deleted;
  {
    grpc::ClientContext ctx;
    ASSERT_TRUE(index->DeleteArticles(&ctx, del, &deleted).ok());
  }
  ASSERT_EQ(deleted.not_found_ids_size(), 1);
  EXPECT_EQ(deleted.not_found_ids(0), "no-such-article");

  // New searches and GetArticle no longer see it...
  v1::SearchResponse now;
  ASSERT_TRUE(Search("الذكاء الاصطناعي", &now, 100).ok());
  EXPECT_EQ(now.total_hits(), first.total_hits() - 1);
  for (const v1::SearchHit& h : now.hits()) EXPECT_NE(h.id(), victim);
  v1::GetArticleResponse gone;
  EXPECT_EQ(GetArticle(victim, &gone).error_code(), grpc::StatusCode::NOT_FOUND);
  // ...while the next page of the earlier search comes from its snapshot.
  v1::SearchResponse second;
  ASSERT_TRUE(Search("الذكاء الاصطناعي", &second, 1, first.next_page_token()).ok());
  EXPECT_EQ(second.total_hits(), first.total_hits());
  ASSERT_EQ(second.hits_size(), 1);
  EXPECT_EQ(second.hits(0).rank(), 2);
  EXPECT_NE(second.hits(0).id(), victim);

  v1::StatsResponse after;
  grpc::ClientContext ctx;
  ASSERT_TRUE(stub_->Stats(&ctx, v1::StatsRequest(), &after).ok());
  EXPECT_EQ(after.article_count(), before.article_count() - 1);
  EXPECT_GE(after.segment_count(), 1);
  EXPECT_GT(after.snapshot_generation(), before.snapshot_generation());
  EXPECT_GE(after.pinned_snapshots(), 1);
}

TEST_F(E2eTest, BadFilesAreReportedAndTheRestGoesIn) {
  const fs::path dir = fs::temp_directory_path() / absl::StrCat("khabar_e2e_bad_", getpid());
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "a_good.txt") << "خبر جيد عن هواوي\nشركة هواوي تطلق هاتفا جديدا اليوم.\n";
  std::ofstream(dir / "b_empty.txt") << "\n \n";
  std::ofstream(dir / "c_broken.txt") << "عنوان\n\xC3\x28 نص مكسور\n";
  std::ofstream(dir / "d_good.txt") << "خبر ثان عن هواوي\nوصلت هواوي إلى السوق.\n";

  testing::RunResult r = Ingest({dir.string(), (dir / "missing_dir").string()});
  // Rejections are reported, but only --strict turns them into a failed run.
  testing::RunResult strict = Ingest({"--strict", dir.string()});
  fs::remove_all(dir);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(strict.exit_code, 1) << strict.out << strict.err;
  EXPECT_TRUE(absl::StrContains(strict.out, "2 accepted (0 created, 0 updated, 2 unchanged), 2 rejected"))
      << strict.out;
  EXPECT_TRUE(absl::StrContains(r.err, "b_empty.txt: file is empty")) << r.err;
  EXPECT_TRUE(absl::StrContains(r.err, "c_broken.txt: not UTF-8 text: invalid byte 0xC3 at byte offset 11")) << r.err;
  EXPECT_TRUE(absl::StrContains(r.err, "missing_dir: no such file or directory")) << r.err;
  EXPECT_TRUE(absl::StrContains(r.out, "2 accepted (2 created")) << r.out;

  v1::SearchResponse resp;
  ASSERT_TRUE(Search("هواوي", &resp).ok());
  EXPECT_EQ(resp.total_hits(), 2);
}

TEST_F(E2eTest, MalformedRequestsGetInvalidArgumentAndServiceStaysUp) {
  v1::SearchResponse resp;
  EXPECT_EQ(Search("", &resp).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Search("؟!", &resp).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Search(std::string(1 << 20, 'x'), &resp).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  grpc::Status s = Search("خبر", &resp, 1000000000);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(s.error_message(), "page_size")) << s.error_message();
  EXPECT_EQ(Search("خبر", &resp, 10, "forged-token").error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  v1::GetArticleResponse article;
  EXPECT_EQ(GetArticle("no-such-id", &article).error_code(), grpc::StatusCode::NOT_FOUND);

  // Still serving.
  grpc::ClientContext ctx;
  grpc::health::v1::HealthCheckResponse health;
  ASSERT_TRUE(health_->Check(&ctx, grpc::health::v1::HealthCheckRequest(), &health).ok());
  EXPECT_EQ(health.status(), grpc::health::v1::HealthCheckResponse::SERVING);
}

TEST_F(E2eTest, IngestServiceServerForwardsDocuments) {
  Subprocess ingest({KHABAR_INGEST_SERVICE_BIN, "--listen=127.0.0.1:0",
                     "--query_service=" + address_});
  std::optional<std::string> line = ingest.ReadStdoutLineContaining("listening on ", absl::Seconds(20));
  ASSERT_TRUE(line.has_value()) << ingest.stderr_text();
  const std::string ingest_address = line->substr(line->rfind(' ') + 1);

  auto stub = v1::IngestService::NewStub(
      grpc::CreateChannel(ingest_address, grpc::InsecureChannelCredentials()));
  v1::IngestDocumentsRequest req;
  v1::RawDocument* doc = req.add_documents();
  doc->set_name("market.txt");
  doc->set_content("البورصة ترتفع\nارتفع مؤشر البورصة اليوم بنسبة ٢٪ في تداولات نشطة.\n");
  doc->set_source("Khabar Test");
  v1::RawDocument* bad = req.add_documents();
  bad->set_name("bad.txt");
  bad->set_content("\xff\xfe");
  v1::IngestDocumentsResponse resp;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  grpc::Status s = stub->IngestDocuments(&ctx, req, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(resp.accepted_count(), 1);
  EXPECT_EQ(resp.rejected_count(), 1);
  ASSERT_EQ(resp.results_size(), 2);
  // One result per document, in request order.
  EXPECT_EQ(resp.results(0).id(), "market");
  EXPECT_EQ(resp.results(0).outcome(), v1::INDEX_OUTCOME_CREATED);
  EXPECT_EQ(resp.results(1).outcome(), v1::INDEX_OUTCOME_REJECTED);
  EXPECT_EQ(resp.results(1).error(), "bad.txt: not UTF-8 text: invalid byte 0xFF at byte offset 0");

  v1::SearchResponse found;
  ASSERT_TRUE(Search("البورصة", &found).ok());
  ASSERT_EQ(found.hits_size(), 1);
  EXPECT_EQ(found.hits(0).id(), "market");
  EXPECT_EQ(found.hits(0).source(), "Khabar Test");
  stub.reset();  // an open client channel holds the server's drain to its full grace period
  EXPECT_EQ(ingest.Stop(SIGTERM, absl::Seconds(20)), 0);
}

// khabar_eval must rank exactly as the service does: same analysis, same
// ranking, same defaults. Articles go through the service, come back with
// GetArticle, and are written as the JSONL khabar_eval reads.
TEST_F(E2eTest, EvalCliRanksLikeTheService) {
  std::vector<fs::path> files;
  for (const fs::path& dir : {fs::path(KHABAR_SOURCE_DIR) / "data" / "articles", SeedsDir()}) {
    if (dir.empty()) continue;
    std::vector<fs::path> in_dir;
    for (const auto& e : fs::directory_iterator(dir)) in_dir.push_back(e.path());
    std::sort(in_dir.begin(), in_dir.end());
    files.insert(files.end(), in_dir.begin(), in_dir.end());
  }
  std::vector<std::string> paths;
  for (const fs::path& f : files) paths.push_back(f.string());
  testing::RunResult r = Ingest(paths);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;

  const fs::path dir = fs::temp_directory_path() / absl::StrCat("khabar_e2e_eval_", getpid());
  fs::create_directories(dir);
  {
    std::ofstream docs(dir / "docs.jsonl");
    for (const fs::path& f : files) {
      v1::GetArticleResponse got;
      ASSERT_TRUE(GetArticle(f.stem().string(), &got).ok()) << f;
      google::protobuf::Struct doc;
      (*doc.mutable_fields())["id"].set_string_value(got.article().id());
      (*doc.mutable_fields())["title"].set_string_value(got.article().title());
      std::vector<std::string> paragraphs;
      for (const v1::Paragraph& p : got.article().paragraphs()) paragraphs.push_back(p.text());
      (*doc.mutable_fields())["body"].set_string_value(absl::StrJoin(paragraphs, "\n"));
      std::string json;
      ASSERT_TRUE(google::protobuf::util::MessageToJsonString(doc, &json).ok());
      docs << json << "\n";
    }
  }
  // Topics as khabar_eval reads them by default (query_syntax PLAIN): a
  // headline's quotes and dashes are punctuation, a stopword alone is searched.
  const std::vector<std::string> queries = {"إنفيديا", "الذكاء الاصطناعي", "رقاقات هواوي",
                                            "الصين والقيود الأمريكية", "موسم الزيتون", "في",
                                            "\"الذكاء الاصطناعي\" -هواوي (الصين"};
  {
    std::ofstream q(dir / "queries.tsv");
    for (size_t i = 0; i < queries.size(); ++i) q << "q" << i << "\t" << queries[i] << "\n";
  }
  r = RunProcess({KHABAR_EVAL_BIN, (dir / "docs.jsonl").string(), (dir / "queries.tsv").string(),
                  (dir / "run.trec").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::map<std::string, std::vector<std::pair<std::string, double>>> run;
  {
    std::ifstream in(dir / "run.trec");
    std::string qid, q0, id, tag;
    int rank;
    double score;
    while (in >> qid >> q0 >> id >> rank >> score >> tag) run[qid].push_back({id, score});
  }
  fs::remove_all(dir);

  for (size_t i = 0; i < queries.size(); ++i) {
    v1::SearchResponse resp;
    grpc::Status s = Search(queries[i], &resp, 100, "", v1::QUERY_SYNTAX_PLAIN);
    const auto& expected = run[absl::StrCat("q", i)];
    ASSERT_TRUE(s.ok()) << queries[i] << ": " << s.error_message();
    EXPECT_GT(resp.hits_size(), 0) << queries[i];
    ASSERT_EQ(resp.hits_size(), static_cast<int>(expected.size())) << queries[i];
    for (int h = 0; h < resp.hits_size(); ++h) {
      EXPECT_EQ(resp.hits(h).id(), expected[h].first) << queries[i] << " rank " << h + 1;
      EXPECT_NEAR(resp.hits(h).score(), expected[h].second, 1e-5) << queries[i];
    }
  }
}

TEST(E2eNoServerTest, UnreachableQueryServiceIsAClearError) {
  // Port 1 on loopback: nothing listens there.
  testing::RunResult r = RunProcess({KHABAR_INGEST_SERVICE_BIN, "--query_service=127.0.0.1:1",
                              "--connect_timeout_seconds=1", KHABAR_SOURCE_DIR "/data/articles"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(absl::StrContains(r.err, "cannot reach query service at 127.0.0.1:1")) << r.err;
}

TEST(E2eNoServerTest, ListenOnBadAddressFails) {
  testing::RunResult r = RunProcess({KHABAR_QUERY_SERVICE_BIN, "--listen=nonsense"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(absl::StrContains(r.err, "expected HOST:PORT")) << r.err;
}

}  // namespace
}  // namespace khabar
