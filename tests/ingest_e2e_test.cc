// End-to-end tests of ingest_service as a user runs it: dry run, checkpoint
// and resume, watch mode, and a query service that is fed garbage.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "khabar/v1/index.grpc.pb.h"
#include "khabar/v1/query.grpc.pb.h"
#include "tests/service_process.h"
#include "tests/subprocess.h"
#include "tests/temp_dir.h"

namespace khabar {
namespace {

namespace fs = std::filesystem;
using ::khabar::testing::QueryServiceProcess;
using ::khabar::testing::RunProcess;
using ::khabar::testing::RunResult;
using ::khabar::testing::Subprocess;
using ::khabar::testing::TempDir;


std::string Article(const std::string& title, const std::string& body) {
  return absl::StrCat(title, "\n\n", body, "\n");
}

class IngestE2eTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(query_.Start()) << query_.error(); }
  void TearDown() override { EXPECT_EQ(query_.Stop(), 0) << query_.stderr_text(); }

  RunResult Ingest(std::vector<std::string> args) {
    args.insert(args.begin(), {KHABAR_INGEST_SERVICE_BIN, "--query_service=" + query_.address()});
    return RunProcess(args);
  }

  int64_t ArticleCount() {
    auto stub = v1::QueryService::NewStub(query_.Channel());
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    v1::StatsResponse stats;
    EXPECT_TRUE(stub->Stats(&ctx, v1::StatsRequest(), &stats).ok());
    return stats.article_count();
  }

  int64_t Hits(const std::string& query) {
    auto stub = v1::QueryService::NewStub(query_.Channel());
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    v1::SearchRequest req;
    req.set_query(query);
    v1::SearchResponse resp;
    grpc::Status s = stub->Search(&ctx, req, &resp);
    return s.ok() ? resp.total_hits() : -1;
  }

  QueryServiceProcess query_{KHABAR_QUERY_SERVICE_BIN};
  TempDir dir_{"ingest_e2e"};
};

TEST(IngestDryRunTest, PrintsRecordsAsJsonLinesAndRejectionsOnStderr) {
  TempDir dir{"ingest_e2e"};
  dir.Write("a.txt", Article("هواوي تطلق شريحة جديدة", "أعلنت شركة هواوي اليوم عن شريحة جديدة."));
  dir.Write("b.txt", Article("الزيتون في تونس", "بدأ موسم جني الزيتون في الساحل."));
  dir.Write("c_broken.txt", "عنوان\n\xC3\x28\n");
  // Nothing listens on port 1: a dry run must not even try to connect.
  RunResult r = RunProcess({KHABAR_INGEST_SERVICE_BIN, "--dry_run", "--query_service=127.0.0.1:1",
                            dir.path().string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> lines = absl::StrSplit(r.out, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 2u) << r.out;
  v1::Article a;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(lines[0], &a).ok()) << lines[0];
  EXPECT_EQ(a.id(), "a");
  EXPECT_EQ(a.title(), "هواوي تطلق شريحة جديدة");
  ASSERT_GE(a.paragraphs_size(), 1);
  EXPECT_TRUE(absl::StartsWith(a.content_hash(), "sha256:"));
  EXPECT_TRUE(absl::StrContains(lines[1], "\"title\":\"الزيتون في تونس\"")) << lines[1];
  EXPECT_TRUE(absl::StrContains(r.err, "c_broken.txt")) << r.err;
  EXPECT_TRUE(absl::StrContains(r.err, "2 records, 1 rejected, nothing sent")) << r.err;

  RunResult strict = RunProcess({KHABAR_INGEST_SERVICE_BIN, "--dry_run", "--strict",
                                 dir.path().string()});
  EXPECT_EQ(strict.exit_code, 1) << strict.err;
}

TEST_F(IngestE2eTest, CheckpointSkipsWhatWasAcknowledgedAndResendsChanges) {
  dir_.Write("in/one.txt", Article("الخبر الأول عن الفلفل", "ارتفعت أسعار الفلفل في الأسواق."));
  dir_.Write("in/two.txt", Article("الخبر الثاني عن الفلفل", "تراجع إنتاج الفلفل هذا العام."));
  dir_.Write("in/three.txt", Article("الخبر الثالث", "خبر ثالث لا علاقة له بالخضر."));
  const std::string ckpt = (dir_.path() / "ingest.ckpt").string();
  const std::string in = (dir_.path() / "in").string();

  RunResult first = Ingest({"--checkpoint=" + ckpt, in});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_TRUE(absl::StrContains(first.out, "3 accepted (3 created")) << first.out;
  ASSERT_TRUE(fs::exists(ckpt));

  RunResult again = Ingest({"--checkpoint=" + ckpt, in});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_TRUE(absl::StrContains(again.out, "ingested 0 documents")) << again.out;
  EXPECT_TRUE(absl::StrContains(again.out, "skipped 3 files already ingested")) << again.out;

  // A changed file is sent again, and only it.
  dir_.Write("in/two.txt", Article("الخبر الثاني عن الفلفل", "تراجع إنتاج الفلفل بشدة هذا العام."));
  RunResult changed = Ingest({"--checkpoint=" + ckpt, in});
  ASSERT_EQ(changed.exit_code, 0) << changed.err;
  EXPECT_TRUE(absl::StrContains(changed.out, "1 accepted (0 created, 1 updated")) << changed.out;
  EXPECT_TRUE(absl::StrContains(changed.out, "skipped 2 files")) << changed.out;
  EXPECT_EQ(ArticleCount(), 3);
  EXPECT_EQ(Hits("الفلفل"), 2);
}

TEST_F(IngestE2eTest, ThrottledIngestSendsEverythingAtTheRateAsked) {
  // Twenty articles, two a batch, at 10 a second: the tenth batch may not go
  // before 1.8 s (eighteen records at the rate), however fast the service
  // acks; unthrottled, the whole run takes a fraction of that.
  for (int i = 0; i < 20; ++i) {
    dir_.Write(absl::StrCat("in/", i, ".txt"),
               Article(absl::StrCat("خبر الزيتون رقم ", i), "بدأ موسم جني الزيتون في الساحل."));
  }
  const std::string in = (dir_.path() / "in").string();
  const auto start = std::chrono::steady_clock::now();
  RunResult r = Ingest({"--max_docs_per_second=10", "--batch_size=2", "--quiet", in});
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(absl::StrContains(r.out, "20 accepted (20 created")) << r.out;
  EXPECT_GE(elapsed, std::chrono::milliseconds(1800));
  EXPECT_EQ(Hits("الزيتون"), 20);

  RunResult bad = Ingest({"--max_docs_per_second=-3", in});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_TRUE(absl::StrContains(bad.err, "--max_docs_per_second must be 0 (no limit) or at least 0.01"))
      << bad.err;
}

TEST_F(IngestE2eTest, WatchModeIngestsFilesAsTheyAppear) {
  const std::string in = (dir_.path() / "in").string();
  dir_.Write("in/first.txt", Article("خبر موجود مسبقا", "هذا الخبر موجود قبل بدء المراقبة."));
  Subprocess watcher({KHABAR_INGEST_SERVICE_BIN, "--query_service=" + query_.address(), "--watch",
                      in});
  ASSERT_TRUE(watcher.ReadStdoutLineContaining("first.txt", absl::Seconds(30)).has_value())
      << watcher.stderr_text();
  ASSERT_TRUE(watcher.ReadStdoutLineContaining("watching", absl::Seconds(30)).has_value())
      << watcher.stderr_text();

  // A new file, and one in a new subdirectory.
  dir_.Write("in/later.txt", Article("خبر عن الكسكسي", "أعلنت اليونسكو إدراج الكسكسي في قائمة التراث."));
  ASSERT_TRUE(watcher.ReadStdoutLineContaining("later.txt", absl::Seconds(30)).has_value())
      << watcher.stdout_text() << watcher.stderr_text();
  EXPECT_EQ(Hits("الكسكسي"), 1);
  dir_.Write("in/sub/deeper.txt", Article("خبر عن الهريسة", "الهريسة التونسية على قائمة التراث."));
  ASSERT_TRUE(watcher.ReadStdoutLineContaining("deeper.txt", absl::Seconds(30)).has_value())
      << watcher.stdout_text() << watcher.stderr_text();
  EXPECT_EQ(Hits("الهريسة"), 1);

  std::optional<int> code = watcher.Stop(SIGTERM, absl::Seconds(30));
  EXPECT_EQ(code, 0) << watcher.stderr_text();
  EXPECT_TRUE(absl::StrContains(watcher.stdout_text(), "3 accepted (3 created"))
      << watcher.stdout_text();
}

TEST_F(IngestE2eTest, OversizeRecordMessageIsRefusedAndTheServiceStaysUp) {
  // One message over the receive limit.
  {
    auto stub = v1::IndexService::NewStub(query_.Channel());
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    auto stream = stub->IndexArticles(&ctx);
    v1::IndexArticlesRequest req;
    v1::IndexRecord* r = req.add_records();
    r->set_sequence(1);
    r->mutable_article()->set_id("huge");
    r->mutable_article()->set_title(std::string(80 << 20, 'x'));
    stream->Write(req);
    stream->WritesDone();
    grpc::Status s = stream->Finish();
    EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << s.error_message();
  }
  // Still serving, and nothing was indexed.
  EXPECT_EQ(ArticleCount(), 0);
  dir_.Write("ok.txt", Article("خبر سليم", "هذا خبر سليم يدخل الفهرس."));
  RunResult r = Ingest({(dir_.path() / "ok.txt").string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ArticleCount(), 1);
}

}  // namespace
}  // namespace khabar
