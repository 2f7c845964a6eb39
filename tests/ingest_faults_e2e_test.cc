// Faults an ingest must survive, through the real binaries: a directory of
// bad files among good ones, a query service killed and restarted in the
// middle of a large ingest, and record streams of garbage.
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/support/byte_buffer.h"
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


v1::StatsResponse Stats(QueryServiceProcess& qs) {
  auto stub = v1::QueryService::NewStub(qs.Channel());
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  v1::StatsResponse stats;
  grpc::Status s = stub->Stats(&ctx, v1::StatsRequest(), &stats);
  EXPECT_TRUE(s.ok()) << s.error_message();
  return stats;
}

grpc::Status GetArticle(QueryServiceProcess& qs, const std::string& id, v1::Article* out) {
  auto stub = v1::QueryService::NewStub(qs.Channel());
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  v1::GetArticleRequest req;
  req.set_id(id);
  v1::GetArticleResponse resp;
  grpc::Status s = stub->GetArticle(&ctx, req, &resp);
  *out = resp.article();
  return s;
}

// A plausible article with a distinct headline and body.
std::string SyntheticArticle(int i) {
  static const char* kTopics[] = {"الاقتصاد", "الرياضة", "الثقافة", "التكنولوجيا", "الصحة"};
  std::string body;
  for (int p = 0; p < 4; ++p) {
    absl::StrAppend(&body, "تقرير رقم ", i, " عن ", kTopics[(i + p) % 5],
                    " في تونس، حيث أعلنت الوزارة عن نتائج جديدة للسنة ", 2000 + (i * 7 + p) % 25,
                    " وقال المتحدث إن الأرقام تحسنت بنسبة ", (i * 13 + p) % 97, " بالمائة.\n\n");
  }
  return absl::StrCat("خبر رقم ", i, " عن ", kTopics[i % 5], "\n\n", body);
}

TEST(IngestFaultTest, BadFilesAmongGoodOnesAreNamedAndEveryGoodArticleGoesIn) {
  TempDir dir{"faults"};
  QueryServiceProcess qs(KHABAR_QUERY_SERVICE_BIN);
  ASSERT_TRUE(qs.Start()) << qs.error();

  dir.Write("in/good1.txt", SyntheticArticle(1));
  dir.Write("in/good2.txt", SyntheticArticle(2));
  dir.Write("in/empty.txt", "");
  dir.Write("in/latin1.txt", "caf\xE9 au lait\n\nun article en Latin-1, pas en UTF-8.\n");
  std::string binary = "\x7f" "ELF\x02\x01\x01";
  binary.append(std::string(4000, '\0'));
  binary.append("\x01\x02\x03\xff\xfe");
  dir.Write("in/program.bin", binary);
  // 50 MB of text in one "article": over the per-article limit, refused as a whole.
  {
    std::ofstream big(dir.path() / "in/huge.txt", std::ios::binary);
    big << "عنوان ضخم\n\n";
    const std::string line = std::string("كلمة ") + "\n";
    for (size_t written = 0; written < (50u << 20); written += line.size()) big << line;
  }
  dir.Write("in/bundle.trec",
            "<DOC>\n<DOCNO>T-1</DOCNO>\n<TITLE>خبر أول في الحزمة</TITLE>\n"
            "<TEXT>\nنص الخبر الأول في الحزمة.\n</TEXT>\n</DOC>\n"
            "<DOC>\n<DOCNO>T-2</DOCNO>\n<TITLE>خبر ثان في الحزمة</TITLE>\n"
            "<TEXT>\nنص الخبر الثاني في الحزمة.\n</TEXT>\n</DOC>\n"
            "<DOC>\n<DOCNO>T-3</DOCNO>\n<TITLE>خبر لم يغلق</TITLE>\n<TEXT>\nنص مقطوع\n");

  RunResult r = RunProcess({KHABAR_INGEST_SERVICE_BIN, "--query_service=" + qs.address(),
                            (dir.path() / "in").string()},
                           absl::Seconds(120));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;  // rejections are reported, not fatal
  EXPECT_TRUE(absl::StrContains(r.out, "4 accepted (4 created")) << r.out << r.err;
  for (const char* bad : {"empty.txt", "latin1.txt", "program.bin", "huge.txt", "T-3"}) {
    EXPECT_TRUE(absl::StrContains(r.err, bad)) << bad << " not named in:\n" << r.err;
  }
  EXPECT_TRUE(absl::StrContains(r.err, "not closed")) << r.err;
  EXPECT_EQ(Stats(qs).article_count(), 4);

  RunResult strict = RunProcess({KHABAR_INGEST_SERVICE_BIN, "--query_service=" + qs.address(),
                                 "--strict", (dir.path() / "in").string()},
                                absl::Seconds(120));
  EXPECT_EQ(strict.exit_code, 1) << strict.err;
  EXPECT_EQ(qs.Stop(), 0);
}

TEST(IngestFaultTest, QueryServiceKilledAndRestartedMidIngestHoldsEveryArticleOnce) {
  TempDir dir{"faults"};
  constexpr int kArticles = 4000;
  for (int i = 0; i < kArticles; ++i) {
    dir.Write(absl::StrCat("in/", i / 1000, "/a", i, ".txt"), SyntheticArticle(i));
  }
  const std::string data_dir = (dir.path() / "data").string();
  QueryServiceProcess qs(KHABAR_QUERY_SERVICE_BIN);
  ASSERT_TRUE(qs.Start({"--data_dir=" + data_dir})) << qs.error();
  const std::string listen = qs.address();

  // Small batches and a window of one keep the ingest going long enough to
  // be interrupted.
  Subprocess ingest({KHABAR_INGEST_SERVICE_BIN, "--query_service=" + listen, "--batch_size=10",
                     "--max_inflight_batches=1", "--retry_timeout_seconds=60",
                     (dir.path() / "in").string()});
  ASSERT_TRUE(ingest.ReadStdoutLineContaining("accepted", absl::Seconds(60)).has_value())
      << ingest.stderr_text();
  qs.Kill();  // a crash: no drain, no snapshot

  QueryServiceProcess restarted(KHABAR_QUERY_SERVICE_BIN);
  ASSERT_TRUE(restarted.Start({"--data_dir=" + data_dir}, listen)) << restarted.error();
  std::optional<int> code = ingest.Wait(absl::Seconds(120));
  ASSERT_EQ(code, 0) << ingest.stderr_text();
  EXPECT_TRUE(absl::StrContains(ingest.stdout_text(),
                                absl::StrCat(kArticles, " accepted")))
      << ingest.stdout_text();
  EXPECT_TRUE(absl::StrContains(ingest.stdout_text(), "the index stream reconnected"))
      << "the kill did not interrupt the ingest:\n" << ingest.stdout_text();

  EXPECT_EQ(Stats(restarted).article_count(), kArticles);
  for (int i : {0, 1, kArticles / 2, kArticles - 1}) {
    v1::Article a;
    ASSERT_TRUE(GetArticle(restarted, absl::StrCat("a", i), &a).ok()) << i;
    EXPECT_EQ(a.title(), SyntheticArticle(i).substr(0, SyntheticArticle(i).find('\n')));
  }
  EXPECT_EQ(restarted.Stop(), 0) << restarted.stderr_text();

  // And once more from disk alone: everything acknowledged survived.
  QueryServiceProcess again(KHABAR_QUERY_SERVICE_BIN);
  ASSERT_TRUE(again.Start({"--data_dir=" + data_dir})) << again.error();
  EXPECT_EQ(Stats(again).article_count(), kArticles);
  EXPECT_EQ(again.Stop(), 0);
}

// Waits for one completion-queue event; false on timeout or failure.
bool Await(grpc::CompletionQueue* cq, void* tag) {
  void* got = nullptr;
  bool ok = false;
  const auto deadline = std::chrono::system_clock::now() + std::chrono::seconds(10);
  if (cq->AsyncNext(&got, &ok, deadline) != grpc::CompletionQueue::GOT_EVENT) return false;
  return got == tag && ok;
}

// Sends `messages` as raw bytes on IndexArticles, every one before reading
// any response, and returns the final status; `responses` gets the acks.
grpc::Status SendRaw(QueryServiceProcess& qs, const std::vector<std::string>& messages,
                     std::vector<v1::IndexArticlesResponse>* responses = nullptr) {
  grpc::GenericStub stub(qs.Channel());
  grpc::CompletionQueue cq;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  auto call = stub.PrepareCall(&ctx, "/khabar.v1.IndexService/IndexArticles", &cq);
  intptr_t tag = 1;
  call->StartCall(reinterpret_cast<void*>(tag));
  Await(&cq, reinterpret_cast<void*>(tag++));
  for (const std::string& m : messages) {
    grpc::Slice slice(m);
    grpc::ByteBuffer buffer(&slice, 1);
    call->Write(buffer, reinterpret_cast<void*>(tag));
    if (!Await(&cq, reinterpret_cast<void*>(tag++))) break;
  }
  call->WritesDone(reinterpret_cast<void*>(tag));
  Await(&cq, reinterpret_cast<void*>(tag++));
  // The status comes after every response has been read.
  for (int i = 0; i < 100; ++i) {
    grpc::ByteBuffer response;
    call->Read(&response, reinterpret_cast<void*>(tag));
    if (!Await(&cq, reinterpret_cast<void*>(tag++))) break;
    if (responses != nullptr) {
      v1::IndexArticlesResponse parsed;
      EXPECT_TRUE(
          grpc::SerializationTraits<v1::IndexArticlesResponse>::Deserialize(&response, &parsed)
              .ok());
      responses->push_back(std::move(parsed));
    }
  }
  grpc::Status status;
  call->Finish(&status, reinterpret_cast<void*>(tag));
  Await(&cq, reinterpret_cast<void*>(tag));
  cq.Shutdown();
  void* ignored_tag;
  bool ignored_ok;
  while (cq.Next(&ignored_tag, &ignored_ok)) {
  }
  return status;
}

TEST(IngestFaultTest, GarbageRecordStreamIsRefusedWithAClearStatus) {
  QueryServiceProcess qs(KHABAR_QUERY_SERVICE_BIN);
  ASSERT_TRUE(qs.Start()) << qs.error();
  v1::IndexArticlesRequest good;
  v1::IndexRecord* r = good.add_records();
  r->set_sequence(1);
  r->mutable_article()->set_id("fine");
  r->mutable_article()->set_title("خبر سليم");
  r->mutable_article()->add_paragraphs()->set_text("نص سليم.");

  std::vector<v1::IndexArticlesResponse> acks;
  grpc::Status s =
      SendRaw(qs, {good.SerializeAsString(), "\xff\xff\xff\xff\x0f not a protobuf"}, &acks);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
  EXPECT_TRUE(absl::StrContains(s.error_message(), "IndexArticlesRequest")) << s.error_message();
  // The good message before the garbage went in and was acknowledged (the
  // garbage came while it was being applied); the service is up.
  ASSERT_EQ(acks.size(), 1u);
  ASSERT_EQ(acks[0].acks_size(), 1);
  EXPECT_EQ(acks[0].acks(0).outcome(), v1::INDEX_OUTCOME_CREATED);
  EXPECT_EQ(Stats(qs).article_count(), 1);
  EXPECT_EQ(qs.Stop(), 0);
}

// One message per batch: query_service analyses a message while the one
// before it is applied, and the outcomes must still be those of applying
// them one after the other, acknowledged in order.
TEST(IngestFaultTest, MessagesSentAheadOfTheirAcksApplyInOrder) {
  QueryServiceProcess qs(KHABAR_QUERY_SERVICE_BIN);
  ASSERT_TRUE(qs.Start()) << qs.error();
  int64_t sequence = 0;
  auto message = [&](std::vector<std::pair<std::string, std::string>> articles) {
    v1::IndexArticlesRequest req;
    for (const auto& [id, body] : articles) {
      v1::IndexRecord* r = req.add_records();
      r->set_sequence(++sequence);
      r->mutable_article()->set_id(id);
      r->mutable_article()->set_title(id.empty() ? "" : "خبر");
      if (!body.empty()) r->mutable_article()->add_paragraphs()->set_text(body);
      r->mutable_article()->set_content_hash(body);
    }
    return req.SerializeAsString();
  };
  std::vector<v1::IndexArticlesResponse> responses;
  grpc::Status s = SendRaw(
      qs,
      {message({{"a", "نص أول"}, {"b", "نص أول"}}),
       message({{"a", "نص أول"}, {"b", "نص ثان"}, {"c", "نص أول"}}),
       message({{"b", "نص أول"}, {"c", "نص أول"}, {"", ""}}),
       message({{"b", "نص ثالث"}, {"a", "نص ثالث"}})},
      &responses);
  EXPECT_TRUE(s.ok()) << s.error_message();
  std::vector<std::string> got;
  for (const v1::IndexArticlesResponse& r : responses) {
    for (const v1::IndexAck& ack : r.acks()) {
      got.push_back(absl::StrCat(ack.sequence(), ack.id(), ":", v1::IndexOutcome_Name(ack.outcome())));
    }
  }
  EXPECT_EQ(got, (std::vector<std::string>{
                     "1a:INDEX_OUTCOME_CREATED", "2b:INDEX_OUTCOME_CREATED",
                     "3a:INDEX_OUTCOME_UNCHANGED", "4b:INDEX_OUTCOME_UPDATED",
                     "5c:INDEX_OUTCOME_CREATED", "6b:INDEX_OUTCOME_UPDATED",
                     "7c:INDEX_OUTCOME_UNCHANGED", "8:INDEX_OUTCOME_REJECTED",
                     "9b:INDEX_OUTCOME_UPDATED", "10a:INDEX_OUTCOME_UPDATED"}));
  EXPECT_EQ(Stats(qs).article_count(), 3);
  v1::Article b;
  ASSERT_TRUE(GetArticle(qs, "b", &b).ok());
  ASSERT_EQ(b.paragraphs_size(), 1);
  EXPECT_EQ(b.paragraphs(0).text(), "نص ثالث");
  EXPECT_EQ(qs.Stop(), 0);
}

}  // namespace
}  // namespace khabar
