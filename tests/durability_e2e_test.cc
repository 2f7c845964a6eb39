// End-to-end durability: query_service with --data_dir, articles ingested by
// ingest_service, the query service SIGKILLed (no clean shutdown) and
// restarted on the same directory; then garbage appended to the log, which
// recovery must cut, report and survive.
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
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

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "khabar_durability_e2e_XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data()) != nullptr ? tmpl : "";
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// One running query_service on a free port, with a client.
struct Server {
  std::unique_ptr<Subprocess> process;
  std::string address;
  std::unique_ptr<v1::QueryService::Stub> stub;

  v1::StatsResponse Stats() {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    v1::StatsResponse stats;
    grpc::Status s = stub->Stats(&ctx, v1::StatsRequest(), &stats);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return stats;
  }

  grpc::Status GetArticle(const std::string& id, v1::Article* article) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    v1::GetArticleRequest req;
    req.set_id(id);
    v1::GetArticleResponse resp;
    grpc::Status s = stub->GetArticle(&ctx, req, &resp);
    *article = resp.article();
    return s;
  }

  // Stops the process with `signal`; returns everything it wrote on stderr.
  std::string Stop(int signal) {
    stub.reset();  // so a SIGTERM drain does not wait for our channel
    std::optional<int> code = process->Stop(signal, absl::Seconds(30));
    EXPECT_TRUE(code.has_value());
    if (signal == SIGTERM) {
      EXPECT_EQ(code, 0) << process->stderr_text();
    }
    return process->stderr_text();
  }
};

std::unique_ptr<Server> StartServer(const std::string& data_dir) {
  auto server = std::make_unique<Server>();
  server->process = std::make_unique<Subprocess>(std::vector<std::string>{
      KHABAR_QUERY_SERVICE_BIN, "--listen=127.0.0.1:0", "--data_dir=" + data_dir});
  EXPECT_TRUE(server->process->started());
  std::optional<std::string> line =
      server->process->ReadStdoutLineContaining("listening on ", absl::Seconds(60));
  EXPECT_TRUE(line.has_value()) << "query_service did not start: "
                                << server->process->stderr_text();
  if (!line.has_value()) return nullptr;
  server->address = line->substr(line->rfind(' ') + 1);
  server->stub = v1::QueryService::NewStub(
      grpc::CreateChannel(server->address, grpc::InsecureChannelCredentials()));
  return server;
}

// The article ids ingest_service derives from data/articles (file stems).
std::set<std::string> ArticleIds() {
  std::set<std::string> ids;
  for (const auto& e : fs::directory_iterator(fs::path(KHABAR_SOURCE_DIR) / "data" / "articles")) {
    if (e.path().extension() == ".txt") ids.insert(e.path().stem().string());
  }
  return ids;
}

std::string LastSegment(const std::string& dir) {
  std::vector<std::string> segments;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (absl::StartsWith(name, "wal-") && absl::EndsWith(name, ".log")) {
      segments.push_back(e.path().string());
    }
  }
  std::sort(segments.begin(), segments.end());
  return segments.empty() ? "" : segments.back();
}

void ExpectAllArticles(Server* server, const std::set<std::string>& ids) {
  v1::StatsResponse stats = server->Stats();
  EXPECT_EQ(stats.article_count(), static_cast<int64_t>(ids.size()));
  EXPECT_TRUE(stats.durable());
  for (const std::string& id : ids) {
    v1::Article article;
    grpc::Status s = server->GetArticle(id, &article);
    EXPECT_TRUE(s.ok()) << id << ": " << s.error_message();
    EXPECT_EQ(article.id(), id);
    EXPECT_FALSE(article.title().empty()) << id;
  }
}

TEST(DurabilityE2eTest, AcknowledgedArticlesSurviveSigkillAndATornLogTail) {
  TempDir data;
  ASSERT_FALSE(data.path().empty());
  const std::set<std::string> ids = ArticleIds();
  ASSERT_GE(ids.size(), 3u);

  // 1. Ingest, then kill -9: no shutdown snapshot, no final sync.
  {
    std::unique_ptr<Server> server = StartServer(data.path());
    ASSERT_NE(server, nullptr);
    testing::RunResult r = RunProcess({KHABAR_INGEST_SERVICE_BIN, "--query_service=" + server->address,
                                       KHABAR_SOURCE_DIR "/data/articles"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    ASSERT_TRUE(absl::StrContains(r.out, absl::StrCat(ids.size(), " created"))) << r.out;
    v1::StatsResponse stats = server->Stats();
    EXPECT_EQ(stats.article_count(), static_cast<int64_t>(ids.size()));
    EXPECT_TRUE(stats.durable());
    EXPECT_EQ(stats.last_lsn(), ids.size());
    EXPECT_GT(stats.wal_bytes(), 0);
    server->Stop(SIGKILL);
  }
  // 2. Restart on the same directory: everything acknowledged is back, from the log.
  {
    std::unique_ptr<Server> server = StartServer(data.path());
    ASSERT_NE(server, nullptr);
    ExpectAllArticles(server.get(), ids);
    const std::string err = server->Stop(SIGKILL);
    EXPECT_TRUE(absl::StrContains(err, absl::StrCat("wal_records_replayed=", ids.size()))) << err;
    EXPECT_FALSE(absl::StrContains(err, "tail_cut")) << err;
  }
  // 3. A torn write at the end of the log: garbage after the last record.
  const std::string segment = LastSegment(data.path());
  ASSERT_FALSE(segment.empty());
  const uint64_t good_size = fs::file_size(segment);
  const std::string garbage = "\x13\x37 torn write garbage \xff\xfe";
  {
    std::ofstream out(segment, std::ios::binary | std::ios::app);
    out << garbage;
  }
  {
    std::unique_ptr<Server> server = StartServer(data.path());
    ASSERT_NE(server, nullptr);
    ExpectAllArticles(server.get(), ids);
    EXPECT_EQ(fs::file_size(segment), good_size);
    const std::string err = server->Stop(SIGTERM);  // clean: writes a snapshot
    EXPECT_TRUE(absl::StrContains(err, "tail_cut_file=" + segment)) << err;
    EXPECT_TRUE(absl::StrContains(err, absl::StrCat("tail_cut_offset=", good_size))) << err;
    EXPECT_TRUE(absl::StrContains(err, absl::StrCat("tail_cut_bytes=", garbage.size()))) << err;
    EXPECT_TRUE(absl::StrContains(err, "snapshot written")) << err;
  }
  // 4. After the clean shutdown the restart loads the snapshot, replays nothing.
  {
    std::unique_ptr<Server> server = StartServer(data.path());
    ASSERT_NE(server, nullptr);
    ExpectAllArticles(server.get(), ids);
    const std::string err = server->Stop(SIGTERM);
    EXPECT_TRUE(absl::StrContains(err, absl::StrCat("snapshot_records=", ids.size()))) << err;
    EXPECT_TRUE(absl::StrContains(err, "wal_records_replayed=0")) << err;
  }
}

}  // namespace
}  // namespace khabar
