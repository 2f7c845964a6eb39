// The stream client against an in-process IndexService that misbehaves on
// purpose: it breaks streams, stalls, and refuses messages.
#include "ingest_service/stream/index_stream_client.h"

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"

namespace khabar::ingest {
namespace {

// Acks every record; can be told to drop a stream after some records, to
// stall once, or to refuse every stream.
class FakeIndexService final : public v1::IndexService::Service {
 public:
  grpc::Status IndexArticles(
      grpc::ServerContext* ctx,
      grpc::ServerReaderWriter<v1::IndexArticlesResponse, v1::IndexArticlesRequest>* stream)
      override {
    if (refuse_.load()) {
      return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "message too large (test)");
    }
    streams_.fetch_add(1);
    v1::IndexArticlesRequest request;
    while (stream->Read(&request)) {
      if (stall_once_.exchange(false)) {
        // Hold the acks until the client gives up on this stream.
        while (!ctx->IsCancelled()) absl::SleepFor(absl::Milliseconds(5));
        return grpc::Status::CANCELLED;
      }
      v1::IndexArticlesResponse response;
      for (const v1::IndexRecord& r : request.records()) {
        {
          absl::MutexLock lock(&mu_);
          received_.push_back(r.article().id());
        }
        if (drop_after_.fetch_sub(1) == 1) {
          // The "crash": no ack for this batch, the stream ends with UNAVAILABLE.
          return grpc::Status(grpc::StatusCode::UNAVAILABLE, "going away (test)");
        }
        v1::IndexAck* ack = response.add_acks();
        ack->set_sequence(r.sequence());
        ack->set_id(r.article().id());
        ack->set_outcome(v1::INDEX_OUTCOME_CREATED);
      }
      if (!stream->Write(response)) break;
    }
    return grpc::Status::OK;
  }

  std::atomic<int> drop_after_{-1};  // records until the next drop; <= 0: never
  std::atomic<bool> stall_once_{false};
  std::atomic<bool> refuse_{false};
  std::atomic<int> streams_{0};
  absl::Mutex mu_;
  std::vector<std::string> received_ ABSL_GUARDED_BY(mu_);
};

class IndexStreamClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    target_ = absl::StrCat("127.0.0.1:", port);
  }
  void TearDown() override { server_->Shutdown(std::chrono::system_clock::now()); }

  std::unique_ptr<IndexStreamClient> NewClient(StreamOptions options) {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 50);
    args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 200);
    auto channel = grpc::CreateCustomChannel(target_, grpc::InsecureChannelCredentials(), args);
    return std::make_unique<IndexStreamClient>(
        channel, target_, options, [this](uint64_t tag, const v1::IndexAck& ack) {
          acked_tags_.push_back(tag);
          acked_ids_.push_back(ack.id());
        });
  }

  static v1::Article Article(int i) {
    v1::Article a;
    a.set_id(absl::StrCat("doc", i));
    a.set_title("عنوان");
    return a;
  }

  FakeIndexService service_;
  std::unique_ptr<grpc::Server> server_;
  std::string target_;
  std::vector<uint64_t> acked_tags_;
  std::vector<std::string> acked_ids_;
};

TEST_F(IndexStreamClientTest, AcksEveryRecordOnceInOrder) {
  auto client = NewClient({.max_batch_records = 7, .max_inflight_batches = 2});
  ASSERT_TRUE(client->Open().ok());
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(client->Send(Article(i), 1000 + i).ok());
    // The window bounds what is unacknowledged: 2 batches on the wire + 1 filling.
    ASSERT_LE(client->unacknowledged(), 3u * 7u);
  }
  ASSERT_TRUE(client->Close().ok());
  ASSERT_EQ(acked_tags_.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(acked_tags_[i], 1000u + i);
  EXPECT_EQ(client->stats().reconnects, 0);
  EXPECT_EQ(client->stats().records_sent, 100);
}

TEST_F(IndexStreamClientTest, ThrottleSpacesBatchesAndKeepsDeliveringAcks) {
  // 4 records a second in batches of 4: the second batch is due 1 s after
  // the first. The ack timeout (0.5 s) is shorter than that wait: were the
  // first batch's acks not delivered while waiting, the watchdog would take
  // the stream for stalled and reconnect.
  auto client = NewClient({.max_batch_records = 4,
                           .ack_timeout = absl::Milliseconds(500),
                           .max_records_per_second = 4});
  ASSERT_TRUE(client->Open().ok());
  const absl::Time start = absl::Now();
  for (int i = 0; i < 8; ++i) ASSERT_TRUE(client->Send(Article(i), i).ok());
  ASSERT_TRUE(client->Close().ok());
  EXPECT_GE(absl::Now() - start, absl::Seconds(1));
  ASSERT_EQ(acked_tags_.size(), 8u);
  for (int i = 0; i < 8; ++i) EXPECT_EQ(acked_tags_[i], static_cast<uint64_t>(i));
  EXPECT_EQ(client->stats().reconnects, 0);
  EXPECT_EQ(client->stats().batches_sent, 2);
}

TEST_F(IndexStreamClientTest, ReconnectsAndResendsWhatWasNotAcknowledged) {
  service_.drop_after_ = 25;  // the stream dies in the middle of the 4th batch
  auto client = NewClient({.max_batch_records = 8,
                           .max_inflight_batches = 3,
                           .initial_backoff = absl::Milliseconds(10),
                           .retry_timeout = absl::Seconds(20)});
  ASSERT_TRUE(client->Open().ok());
  for (int i = 0; i < 60; ++i) ASSERT_TRUE(client->Send(Article(i), i).ok());
  ASSERT_TRUE(client->Close().ok());

  ASSERT_EQ(acked_tags_.size(), 60u);  // every record acknowledged exactly once, in order
  for (int i = 0; i < 60; ++i) EXPECT_EQ(acked_tags_[i], static_cast<uint64_t>(i));
  EXPECT_GE(client->stats().reconnects, 1);
  EXPECT_GE(client->stats().records_resent, 1);
  EXPECT_GE(service_.streams_.load(), 2);
  absl::MutexLock lock(&service_.mu_);
  EXPECT_GT(service_.received_.size(), 60u);  // some records arrived twice: at-least-once
}

TEST_F(IndexStreamClientTest, StalledStreamIsCancelledAndRetried) {
  service_.stall_once_ = true;
  auto client = NewClient({.max_batch_records = 4,
                           .initial_backoff = absl::Milliseconds(10),
                           .retry_timeout = absl::Seconds(20),
                           .ack_timeout = absl::Milliseconds(300)});
  ASSERT_TRUE(client->Open().ok());
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(client->Send(Article(i), i).ok());
  ASSERT_TRUE(client->Close().ok());
  EXPECT_EQ(acked_tags_.size(), 10u);
  EXPECT_GE(client->stats().reconnects, 1);
}

TEST_F(IndexStreamClientTest, RefusalIsNotRetried) {
  service_.refuse_ = true;
  auto client = NewClient({.max_batch_records = 4, .retry_timeout = absl::Seconds(30)});
  ASSERT_TRUE(client->Open().ok());
  const absl::Time start = absl::Now();
  absl::Status s;
  for (int i = 0; i < 4 && s.ok(); ++i) s = client->Send(Article(i), i);
  if (s.ok()) s = client->Flush();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted) << s;
  EXPECT_NE(s.message().find("message too large"), std::string::npos) << s;
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));  // failed at once, not after the retry budget
  EXPECT_TRUE(acked_tags_.empty());
}

TEST_F(IndexStreamClientTest, GivesUpWhenTheServiceStaysDown) {
  auto client = NewClient({.max_batch_records = 2,
                           .initial_backoff = absl::Milliseconds(10),
                           .max_backoff = absl::Milliseconds(50),
                           .retry_timeout = absl::Milliseconds(500)});
  ASSERT_TRUE(client->Open().ok());
  server_->Shutdown(std::chrono::system_clock::now());
  absl::Status s;
  for (int i = 0; i < 6 && s.ok(); ++i) s = client->Send(Article(i), i);
  if (s.ok()) s = client->Flush();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable) << s;
  EXPECT_NE(s.message().find("could not be reopened"), std::string::npos) << s;
}

TEST_F(IndexStreamClientTest, OpenNamesTheUnreachableTarget) {
  auto channel = grpc::CreateChannel("127.0.0.1:1", grpc::InsecureChannelCredentials());
  IndexStreamClient client(channel, "127.0.0.1:1", {.connect_timeout = absl::Milliseconds(200)},
                           nullptr);
  absl::Status s = client.Open();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("cannot reach query service at 127.0.0.1:1"), std::string::npos);
}

}  // namespace
}  // namespace khabar::ingest
