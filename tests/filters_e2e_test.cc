// Filters, facets, order_by and the recency boost end to end, from a user's
// point of view: the real query_service (with a --data_dir) on a free port,
// the real ingest_service feeding it the repo's sample articles (no metadata)
// plus a JSONL file of news with sources, categories and publication times,
// and searches over gRPC. A restart on the same data_dir must keep the
// metadata (it is rebuilt from the logged articles).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <memory>
#include <set>
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

// Six articles about chips (الرقائق) from three sources, one about football.
// n6 has neither a category nor a time.
constexpr char kNews[] =
    R"({"id": "n1", "source": "CNBC عربية", "category": "تكنولوجيا", "published_at": "2025-06-20T09:00:00Z", "title": "إنفيديا تطرح رقائق جديدة للذكاء الاصطناعي", "body": "أعلنت إنفيديا عن رقائق جديدة لمراكز البيانات تستهلك طاقة أقل."}
{"id": "n2", "source": "CNBC عربية", "category": "اقتصاد", "published_at": "2025-07-02T10:00:00+03:00", "title": "أسهم شركات الرقائق ترتفع في الأسواق", "body": "ارتفعت أسهم شركات الرقائق بعد نتائج فصلية قوية."}
{"id": "n3", "source": "BBC عربي", "category": "تكنولوجيا", "published_at": "2025-07-05", "title": "الصين تسرع إنتاج الرقائق المحلية", "body": "تضخ الحكومة استثمارات كبيرة في مصانع الرقائق."}
{"id": "n4", "source": "BBC عربي", "category": "اقتصاد", "published_at": "2025-07-10T08:30:00Z", "title": "الرقائق ترفع صادرات تايوان", "body": "سجلت صادرات تايوان رقما قياسيا بفضل الطلب على الرقائق."}
{"id": "n5", "source": "الجزيرة", "category": "رياضة", "published_at": "2025-07-03", "title": "نهائي كأس العالم للأندية", "body": "فاز الفريق باللقب بعد مباراة مثيرة."}
{"id": "n6", "source": "الجزيرة", "title": "تقرير عن سوق الرقائق", "body": "يتناول التقرير مستقبل صناعة الرقائق في المنطقة."}
{"id": "n7", "source": "CNBC عربية", "category": "تكنولوجيا", "published_at": "2025-07-08T12:00:00Z", "title": "هواتف جديدة بالرقائق المطورة", "body": "تعتمد الهواتف الجديدة على الرقائق المطورة محليا."}
)";

// 2025-07-10T08:30:00Z, n4's time.
constexpr int64_t kN4Time = 1752136200;

class FiltersE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir("filters_e2e");
    news_ = dir_->Write("news/news.jsonl", kNews);
    service_ = new testing::QueryServiceProcess(KHABAR_QUERY_SERVICE_BIN);
    ASSERT_TRUE(service_->Start({"--data_dir=" + (dir_->path() / "data").string()}))
        << service_->error();
    Ingest(service_->address(),
           {news_, (fs::path(KHABAR_SOURCE_DIR) / "data" / "articles").string()});
  }
  static void TearDownTestSuite() {
    if (service_ != nullptr) service_->Stop();
    delete service_;
    service_ = nullptr;
    delete dir_;
    dir_ = nullptr;
  }
  static void Ingest(const std::string& address, const std::vector<std::string>& inputs) {
    std::vector<std::string> argv = {KHABAR_INGEST_SERVICE_BIN, "--query_service=" + address};
    argv.insert(argv.end(), inputs.begin(), inputs.end());
    testing::RunResult r = testing::RunProcess(argv);
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  }
  void SetUp() override {
    ASSERT_NE(service_, nullptr);
    stub_ = v1::QueryService::NewStub(service_->Channel());
  }

  grpc::Status Search(const v1::SearchRequest& req, v1::SearchResponse* resp) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    return stub_->Search(&ctx, req, resp);
  }
  v1::SearchResponse MustSearch(v1::SearchRequest req) {
    if (req.page_size() == 0) req.set_page_size(100);
    v1::SearchResponse resp;
    grpc::Status s = Search(req, &resp);
    EXPECT_TRUE(s.ok()) << req.ShortDebugString() << ": " << s.error_message();
    return resp;
  }
  static v1::SearchRequest Req(const std::string& query, const std::string& filter = "") {
    v1::SearchRequest req;
    req.set_query(query);
    req.set_filter(filter);
    return req;
  }
  static std::vector<std::string> Ids(const v1::SearchResponse& r) {
    std::vector<std::string> ids;
    for (const v1::SearchHit& h : r.hits()) ids.push_back(h.id());
    return ids;
  }
  static std::vector<std::string> Sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
  }
  // value:count pairs of one facet, in the order returned.
  static std::string Facet(const v1::FacetResult& f) {
    std::string out;
    for (const v1::FacetValue& v : f.values())
      absl::StrAppend(&out, v.value(), ":", v.count(), " ");
    return out;
  }

  static testing::TempDir* dir_;
  static std::string news_;
  static testing::QueryServiceProcess* service_;
  std::unique_ptr<v1::QueryService::Stub> stub_;
};

testing::TempDir* FiltersE2eTest::dir_ = nullptr;
std::string FiltersE2eTest::news_;
testing::QueryServiceProcess* FiltersE2eTest::service_ = nullptr;

TEST_F(FiltersE2eTest, SourceAndTimeRange) {
  v1::SearchResponse r =
      MustSearch(Req("الرقائق", "source = \"CNBC عربية\" AND published_time > \"2025-07-01\""));
  EXPECT_EQ(r.total_hits(), 2);
  EXPECT_EQ(Sorted(Ids(r)), (std::vector<std::string>{"n2", "n7"}));
  for (const v1::SearchHit& h : r.hits()) {
    EXPECT_EQ(h.source(), "CNBC عربية");
    EXPECT_GT(h.published_time().seconds(), 1751328000);  // after 2025-07-01T00:00Z
  }
  // n2 was published at 07:00 UTC (10:00 in Riyadh): the offset counts.
  EXPECT_EQ(Ids(MustSearch(Req("الرقائق",
                               "published_time > \"2025-07-01\" AND "
                               "published_time < \"2025-07-02T08:00:00Z\""))),
            (std::vector<std::string>{"n2"}));
  // Letter case of Latin text does not matter; a trailing * is a prefix.
  EXPECT_EQ(MustSearch(Req("الرقائق", "source = \"cnbc*\"")).total_hits(), 3);
  // Ids, and negation.
  EXPECT_EQ(Sorted(Ids(MustSearch(Req("الرقائق", "id:(\"n1\", \"n4\", \"n5\")")))),
            (std::vector<std::string>{"n1", "n4"}));
  v1::SearchResponse all = MustSearch(Req("الرقائق"));
  v1::SearchResponse not_cnbc = MustSearch(Req("الرقائق", "NOT source = \"CNBC عربية\""));
  EXPECT_EQ(not_cnbc.total_hits(), all.total_hits() - 3);
}

TEST_F(FiltersE2eTest, CategoriesAndFacets) {
  v1::SearchRequest req = Req("الرقائق", "category = \"تكنولوجيا\" OR category = \"اقتصاد\"");
  req.add_facets("source");
  req.add_facets("category");
  req.set_page_size(1);  // facets count the whole list, not the page
  v1::SearchResponse r = MustSearch(req);
  EXPECT_EQ(r.total_hits(), 5);
  EXPECT_EQ(r.hits_size(), 1);
  ASSERT_EQ(r.facets_size(), 2);
  EXPECT_EQ(r.facets(0).field(), "source");
  EXPECT_EQ(Facet(r.facets(0)), "CNBC عربية:3 BBC عربي:2 ");
  EXPECT_EQ(r.facets(1).field(), "category");
  EXPECT_EQ(Facet(r.facets(1)), "تكنولوجيا:3 اقتصاد:2 ");
  EXPECT_EQ(r.facets(1).missing_count(), 0);

  // Without the filter: the sample articles (no metadata) count as missing.
  req.clear_filter();
  r = MustSearch(req);
  ASSERT_EQ(r.facets_size(), 2);
  EXPECT_EQ(Facet(r.facets(0)), "CNBC عربية:3 BBC عربي:2 الجزيرة:1 ");
  EXPECT_EQ(r.facets(0).missing_count(), r.total_hits() - 6);
  EXPECT_EQ(r.facets(1).missing_count(), r.total_hits() - 5);
  // The hit carries its category.
  r = MustSearch(Req("الرقائق", "id = n3"));
  ASSERT_EQ(r.hits_size(), 1);
  EXPECT_EQ(r.hits(0).category(), "تكنولوجيا");
}

TEST_F(FiltersE2eTest, NewestFirstWithTimelessArticlesLast) {
  v1::SearchRequest req = Req("الرقائق");
  req.set_order_by("published_time desc");
  v1::SearchResponse r = MustSearch(req);
  const std::vector<std::string> ids = Ids(r);
  ASSERT_GE(ids.size(), 6u);
  EXPECT_EQ(std::vector<std::string>(ids.begin(), ids.begin() + 5),
            (std::vector<std::string>{"n4", "n7", "n3", "n2", "n1"}));
  EXPECT_EQ(r.hits(0).published_time().seconds(), kN4Time);
  for (size_t i = 5; i < ids.size(); ++i) {
    EXPECT_FALSE(r.hits(static_cast<int>(i)).has_published_time()) << ids[i];
  }
  req.set_order_by("published_time asc");
  r = MustSearch(req);
  EXPECT_EQ(r.hits(0).id(), "n1");
  EXPECT_FALSE(r.hits(r.hits_size() - 1).has_published_time());
}

TEST_F(FiltersE2eTest, FilterWithoutQueryListsNewestFirst) {
  v1::SearchResponse r = MustSearch(Req("", "source = \"الجزيرة\""));
  EXPECT_EQ(Ids(r), (std::vector<std::string>{"n5", "n6"}));
  EXPECT_EQ(r.parsed_query(), "ALL");
  // Everything published in July, oldest first, two per page.
  v1::SearchRequest req =
      Req("", "published_time >= \"2025-07-01\" AND published_time < \"2025-08-01\"");
  req.set_order_by("published_time asc");
  req.set_page_size(2);
  std::vector<std::string> all;
  for (int page = 0; page < 5; ++page) {
    v1::SearchResponse p = MustSearch(req);
    EXPECT_EQ(p.total_hits(), 5);
    for (const std::string& id : Ids(p)) all.push_back(id);
    if (p.next_page_token().empty()) break;
    req.set_page_token(p.next_page_token());
  }
  EXPECT_EQ(all, (std::vector<std::string>{"n2", "n5", "n3", "n7", "n4"}));
}

TEST_F(FiltersE2eTest, RecencyBoostPutsTheNewestMatchFirst) {
  v1::SearchRequest req = Req("الرقائق");
  req.set_explain(true);
  req.mutable_recency()->set_half_life("12h");
  req.mutable_recency()->set_weight(1.0);
  req.mutable_recency()->mutable_origin()->set_seconds(kN4Time + 15 * 3600);
  v1::SearchResponse r = MustSearch(req);
  ASSERT_GT(r.hits_size(), 0);
  EXPECT_EQ(r.hits(0).id(), "n4");
  const v1::Explanation& e = r.hits(0).explanation();
  EXPECT_NEAR(e.value(), r.hits(0).score(), 1e-9);
  ASSERT_EQ(e.details_size(), 2);
  EXPECT_TRUE(absl::StartsWith(e.details(1).description(), "recency boost"))
      << e.details(1).description();
  EXPECT_NEAR(e.details(1).value(), std::exp2(-15.0 / 12), 1e-9);
  EXPECT_NEAR(e.details(0).value() * e.details(1).value(), r.hits(0).score(), 1e-9);
  // With weight 1, timeless articles score 0 and come last.
  EXPECT_EQ(r.hits(r.hits_size() - 1).score(), 0);
}

TEST_F(FiltersE2eTest, PageTokensBelongToTheirFilter) {
  v1::SearchRequest req = Req("الرقائق", "source = \"CNBC عربية\"");
  req.set_page_size(2);
  v1::SearchResponse first = MustSearch(req);
  ASSERT_FALSE(first.next_page_token().empty());
  req.set_page_token(first.next_page_token());
  v1::SearchResponse second = MustSearch(req);
  EXPECT_EQ(second.hits_size(), 1);
  req.set_filter("source = \"BBC عربي\"");
  v1::SearchResponse resp;
  grpc::Status s = Search(req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(FiltersE2eTest, MalformedOptionsAreInvalidArgumentAndTheServiceStaysUp) {
  struct Case {
    std::string filter, order_by, facet, half_life, message;
  };
  const std::vector<Case> cases = {
      {"source = \"CNBC", "", "", "", "filter: unterminated string at character 10"},
      {"author = \"x\"", "", "", "", "filter: unknown field 'author' at character 1"},
      {"published_time > \"yesterday\"", "", "", "", "filter: bad time \"yesterday\""},
      {"(source = \"x\"", "", "", "", "filter: unbalanced '(' at character 1"},
      {"source == \"x\"", "", "", "", "filter: unknown operator '=='"},
      {"source < \"x\"", "", "", "", "'<' does not apply to source"},
      {std::string(5000, ' '), "", "", "", "filter is 5000 bytes; the limit is 4096"},
      {"", "date desc", "", "", "order_by \"date desc\" is not supported"},
      {"", "", "url", "", "facets: unknown field \"url\""},
      {"", "", "", "soon", "recency.half_life \"soon\""},
  };
  for (const Case& c : cases) {
    v1::SearchRequest req = Req("الرقائق", c.filter);
    req.set_order_by(c.order_by);
    if (!c.facet.empty()) req.add_facets(c.facet);
    if (!c.half_life.empty()) req.mutable_recency()->set_half_life(c.half_life);
    v1::SearchResponse resp;
    grpc::Status s = Search(req, &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.message;
    EXPECT_TRUE(absl::StrContains(s.error_message(), c.message))
        << s.error_message() << " / want " << c.message;
  }
  EXPECT_EQ(MustSearch(Req("الرقائق", "id = n1")).total_hits(), 1);
}

// The metadata is rebuilt from the logged articles after a restart.
TEST(FiltersRestartE2eTest, MetadataSurvivesARestart) {
  testing::TempDir dir("filters_restart");
  const std::string news = dir.Write("news.jsonl", kNews);
  const std::string data = "--data_dir=" + (dir.path() / "data").string();
  testing::QueryServiceProcess service(KHABAR_QUERY_SERVICE_BIN);
  ASSERT_TRUE(service.Start({data})) << service.error();
  testing::RunResult ingest = testing::RunProcess(
      {KHABAR_INGEST_SERVICE_BIN, "--query_service=" + service.address(), news});
  ASSERT_EQ(ingest.exit_code, 0) << ingest.out << ingest.err;
  ASSERT_EQ(service.Stop(), 0);
  ASSERT_TRUE(service.Start({data})) << service.error();

  auto stub = v1::QueryService::NewStub(service.Channel());
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  v1::SearchRequest req;
  req.set_query("الرقائق");
  req.set_filter("category = \"اقتصاد\" AND published_time >= \"2025-07-10\"");
  v1::SearchResponse resp;
  grpc::Status s = stub->Search(&ctx, req, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(resp.hits_size(), 1);
  EXPECT_EQ(resp.hits(0).id(), "n4");
  EXPECT_EQ(resp.hits(0).published_time().seconds(), kN4Time);
  EXPECT_EQ(resp.hits(0).category(), "اقتصاد");
  EXPECT_EQ(service.Stop(), 0);
}

}  // namespace
}  // namespace khabar
