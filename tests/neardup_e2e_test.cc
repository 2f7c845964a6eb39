// End-to-end near-duplicate detection: the real query_service and
// ingest_service on free ports; the sample articles plus a syndicated copy of
// one of them (another file name, one headline word changed) must land in one
// cluster, and a collapsed search must return one of the two.
//
// The copy keeps the original's trailing call-to-action line. ingest_service
// has no boilerplate filter yet, so dropping that line (15 of the article's
// ~116 words) would be a 13% text change, which moves a 64-bit SimHash 10-12
// bits (measured: docs/near-duplicates.md), beyond the default distance 7.
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
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

class NearDupE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / absl::StrCat("khabar_neardup_e2e_", getpid());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    query_ = std::make_unique<Subprocess>(
        std::vector<std::string>{KHABAR_QUERY_SERVICE_BIN, "--listen=127.0.0.1:0"});
    ASSERT_TRUE(query_->started());
    std::optional<std::string> line =
        query_->ReadStdoutLineContaining("listening on ", absl::Seconds(20));
    ASSERT_TRUE(line.has_value()) << "query_service did not start: " << query_->stderr_text();
    address_ = line->substr(line->rfind(' ') + 1);
    stub_ = v1::QueryService::NewStub(
        grpc::CreateChannel(address_, grpc::InsecureChannelCredentials()));
  }

  void TearDown() override {
    stub_.reset();
    if (query_ != nullptr) {
      std::optional<int> code = query_->Stop(SIGTERM, absl::Seconds(20));
      EXPECT_EQ(code, 0) << query_->stderr_text();
    }
    fs::remove_all(dir_);
  }

  grpc::Status Search(const std::string& query, bool collapse, v1::SearchResponse* response,
                      int page_size = 0, const std::string& token = "") {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    v1::SearchRequest req;
    req.set_query(query);
    req.set_page_size(page_size);
    req.set_page_token(token);
    req.set_collapse_duplicates(collapse);
    return stub_->Search(&ctx, req, response);
  }

  std::string ClusterOf(const std::string& id) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    v1::GetArticleRequest req;
    req.set_id(id);
    v1::GetArticleResponse resp;
    grpc::Status s = stub_->GetArticle(&ctx, req, &resp);
    EXPECT_TRUE(s.ok()) << id << ": " << s.error_message();
    return resp.article().cluster_id();
  }

  fs::path dir_;
  std::unique_ptr<Subprocess> query_;
  std::string address_;
  std::unique_ptr<v1::QueryService::Stub> stub_;
};

TEST_F(NearDupE2eTest, SyndicatedCopyJoinsTheOriginalsClusterAndCollapses) {
  const fs::path data = fs::path(KHABAR_SOURCE_DIR) / "data" / "articles";
  const std::string original = ReadAll(data / "k3_olive_harvest.txt");
  ASSERT_TRUE(absl::StrContains(original, "يبدأ مبكراً")) << "sample article changed?";
  // The agency copy: "يبدأ" -> "ينطلق" in the headline.
  std::string copy = absl::StrReplaceAll(original, {{"يبدأ مبكراً", "ينطلق مبكراً"}});
  ASSERT_NE(copy, original);
  std::ofstream(dir_ / "agency_olive_copy.txt") << copy;

  testing::RunResult r = RunProcess({KHABAR_INGEST_SERVICE_BIN, "--query_service=" + address_,
                                     data.string(), (dir_ / "agency_olive_copy.txt").string()});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(absl::StrContains(r.out, "8 accepted (8 created")) << r.out;

  // GetArticle: one cluster for the original and its copy; others are alone.
  const std::string cluster = ClusterOf("k3_olive_harvest");
  EXPECT_FALSE(cluster.empty());
  EXPECT_EQ(ClusterOf("agency_olive_copy"), cluster);
  EXPECT_EQ(ClusterOf("k1_nvidia_chips"), "k1_nvidia_chips");
  EXPECT_NE(ClusterOf("k6_markets_chips"), ClusterOf("k1_nvidia_chips"));

  // Uncollapsed: both copies are hits.
  v1::SearchResponse plain;
  ASSERT_TRUE(Search("الزيتون", false, &plain).ok());
  int copies = 0;
  for (const v1::SearchHit& h : plain.hits()) {
    copies += h.cluster_id() == cluster ? 1 : 0;
    EXPECT_EQ(h.duplicate_count(), 0);
  }
  EXPECT_EQ(copies, 2);

  // Collapsed: one hit for the cluster, saying one copy was folded into it.
  v1::SearchResponse collapsed;
  grpc::Status s = Search("الزيتون", true, &collapsed);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(collapsed.total_hits(), plain.total_hits() - 1);
  copies = 0;
  for (const v1::SearchHit& h : collapsed.hits()) {
    if (h.cluster_id() != cluster) continue;
    ++copies;
    EXPECT_TRUE(h.id() == "k3_olive_harvest" || h.id() == "agency_olive_copy") << h.id();
    EXPECT_EQ(h.duplicate_count(), 1);
  }
  EXPECT_EQ(copies, 1);

  // A token from a collapsed search does not page an uncollapsed one.
  v1::SearchResponse page1;
  ASSERT_TRUE(Search("الذكاء الاصطناعي", true, &page1, 1).ok());
  ASSERT_FALSE(page1.next_page_token().empty());
  v1::SearchResponse page2;
  EXPECT_TRUE(Search("الذكاء الاصطناعي", true, &page2, 1, page1.next_page_token()).ok());
  EXPECT_EQ(Search("الذكاء الاصطناعي", false, &page2, 1, page1.next_page_token()).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  grpc::ClientContext ctx;
  v1::StatsResponse stats;
  ASSERT_TRUE(stub_->Stats(&ctx, v1::StatsRequest(), &stats).ok());
  EXPECT_EQ(stats.article_count(), 8);
  EXPECT_EQ(stats.duplicate_count(), 1);
}

}  // namespace
}  // namespace khabar
