// File: index_stream_client.h
// -----------------------------------------------------------------------------
// The client side of khabar.v1.IndexService/IndexArticles: one long-lived
// stream that carries batches of records out and per-record acks back, and
// survives the query service restarting or stalling.
//
//   IndexStreamClient client(channel, "127.0.0.1:50051", {},
//                            [](uint64_t tag, const v1::IndexAck& ack) { ... });
//   KHABAR_RETURN_IF_ERROR(client.Open());
//   KHABAR_RETURN_IF_ERROR(client.Send(std::move(article), /*tag=*/7));
//   KHABAR_RETURN_IF_ERROR(client.Flush());   // every record acknowledged
//   KHABAR_RETURN_IF_ERROR(client.Close());
//
// Guarantees:
//  - Every record sent is acknowledged exactly once through the callback, in
//    the order the records were sent, or Send/Flush returns an error and the
//    records still unacknowledged are those given to no callback.
//  - Flow control: records are batched (max_batch_records / max_batch_bytes)
//    and at most max_inflight_batches batches are unacknowledged at a time;
//    Send blocks on acknowledgements beyond that, so memory is bounded on both
//    sides and a slow receiver slows the sender down.
//  - Retry: when the stream breaks (query service restarted, network reset) or
//    no ack arrives within ack_timeout, the stream is reopened with capped
//    exponential backoff and jitter, and every unacknowledged batch is sent
//    again with its original sequence numbers. The query service upserts by
//    id and content hash, so a record applied before the break comes back
//    UNCHANGED: at-least-once delivery, exactly-once effect. After
//    retry_timeout without progress the call fails with Unavailable.
//  - Errors that retrying cannot fix (the receiver refuses a message as too
//    large or malformed) fail at once with the receiver's status.
//
// Not thread-safe: one thread calls Open/Send/Flush/Close; the callback runs
// on that thread. Internally a reader thread receives acks (so a write blocked
// on a dead stream is cancelled as soon as the stream ends) and a watchdog
// thread cancels streams that stall.
#ifndef KHABAR_INGEST_SERVICE_STREAM_INDEX_STREAM_CLIENT_H_
#define KHABAR_INGEST_SERVICE_STREAM_INDEX_STREAM_CLIENT_H_

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "khabar/v1/index.grpc.pb.h"

namespace khabar::ingest {

struct StreamOptions {
  // How long Open() waits for the query service to accept a first connection.
  absl::Duration connect_timeout = absl::Seconds(10);
  // A batch is sent when it holds this many records or bytes (at least one record).
  size_t max_batch_records = 256;
  size_t max_batch_bytes = 4 << 20;
  // Unacknowledged batches allowed on the wire (the flow-control window).
  size_t max_inflight_batches = 4;
  // Reconnect backoff: initial, doubling up to max, with +-20% jitter.
  absl::Duration initial_backoff = absl::Milliseconds(100);
  absl::Duration max_backoff = absl::Seconds(5);
  // Give up when the stream has made no progress for this long.
  absl::Duration retry_timeout = absl::Seconds(60);
  // A stream with records in flight and no ack for this long is cancelled and retried.
  absl::Duration ack_timeout = absl::Seconds(30);
  // Throttle: 0 sends as fast as the receiver acknowledges; otherwise a batch
  // of n records keeps the next one waiting n / rate seconds (like the
  // requests_per_second of Elasticsearch's reindex: whole batches, waits in
  // between). Idle time earns no credit: after a pause the rate holds from
  // the next batch on, with no burst. Acks are still delivered while waiting.
  // Rates under 0.01 count as 0.01.
  double max_records_per_second = 0;
};

struct StreamStats {
  int64_t records_sent = 0;     // first sends
  int64_t records_resent = 0;   // sent again after a reconnect
  int64_t batches_sent = 0;
  int64_t bytes_sent = 0;
  int64_t reconnects = 0;
};

class IndexStreamClient {
 public:
  // Called once per record, in send order, with the caller's tag.
  using AckCallback = std::function<void(uint64_t tag, const v1::IndexAck& ack)>;

  IndexStreamClient(std::shared_ptr<grpc::Channel> channel, std::string target,
                    StreamOptions options, AckCallback on_ack);
  ~IndexStreamClient();
  IndexStreamClient(const IndexStreamClient&) = delete;
  IndexStreamClient& operator=(const IndexStreamClient&) = delete;

  // Connects and opens the stream. Unavailable "cannot reach query service at
  // HOST:PORT" when nothing answers within the connect timeout.
  absl::Status Open();

  // Queues `article` (tagged `tag`) and sends the batch when it is full.
  absl::Status Send(v1::Article article, uint64_t tag);

  // Sends the partial batch and waits until every record is acknowledged.
  absl::Status Flush();

  // Flushes, half-closes the stream and returns its final status.
  absl::Status Close();

  // Records given to Send and not yet acknowledged.
  size_t unacknowledged() const;
  const StreamStats& stats() const { return stats_; }

 private:
  struct Batch {
    v1::IndexArticlesRequest request;
    std::vector<uint64_t> tags;  // parallel to request.records
    size_t next_ack = 0;         // records [0, next_ack) are acknowledged
  };

  absl::Status SendPending();
  // Waits until a batch of `records` may go under max_records_per_second.
  absl::Status Pace(size_t records);
  absl::Status WriteBatch(const Batch& batch);
  // Reads one response and delivers its acks; reconnects on a broken stream.
  absl::Status ReadAcks() { return ReadAcksUntil(absl::InfiniteFuture()); }
  // The same, but returns OK without reading when nothing came by `deadline`.
  absl::Status ReadAcksUntil(absl::Time deadline);
  absl::Status Deliver(v1::IndexArticlesResponse& response);
  // Reopens the stream and resends every unacknowledged batch.
  absl::Status Recover(absl::string_view what);
  absl::Status OpenStream();
  // Ends the current stream (cancelling it unless `graceful`) and returns its status.
  grpc::Status EndStream(bool graceful);
  void ReaderLoop(grpc::ClientReaderWriter<v1::IndexArticlesRequest, v1::IndexArticlesResponse>*
                      stream);
  void MarkProgress();
  void WatchdogLoop();

  std::shared_ptr<grpc::Channel> channel_;
  const std::string target_;
  const StreamOptions options_;
  const AckCallback on_ack_;
  std::unique_ptr<v1::IndexService::Stub> stub_;
  std::unique_ptr<grpc::ClientReaderWriter<v1::IndexArticlesRequest, v1::IndexArticlesResponse>>
      stream_;

  Batch pending_;                  // being filled
  size_t pending_bytes_ = 0;
  std::deque<Batch> inflight_;     // sent, not fully acknowledged, oldest first
  uint64_t next_sequence_ = 1;
  StreamStats stats_;
  // The throttle's next slot (monotonic: a clock set back cannot stretch a wait).
  std::chrono::steady_clock::time_point next_due_ = std::chrono::steady_clock::time_point::min();

  // Shared with the reader and watchdog threads.
  mutable absl::Mutex mu_;
  std::shared_ptr<grpc::ClientContext> context_ ABSL_GUARDED_BY(mu_);
  std::deque<v1::IndexArticlesResponse> responses_ ABSL_GUARDED_BY(mu_);
  bool reader_done_ ABSL_GUARDED_BY(mu_) = true;
  bool in_write_ ABSL_GUARDED_BY(mu_) = false;
  std::thread reader_;
  absl::Time last_progress_ ABSL_GUARDED_BY(mu_);
  bool waiting_for_acks_ ABSL_GUARDED_BY(mu_) = false;
  bool stop_watchdog_ ABSL_GUARDED_BY(mu_) = false;
  std::thread watchdog_;
};

}  // namespace khabar::ingest

#endif  // KHABAR_INGEST_SERVICE_STREAM_INDEX_STREAM_CLIENT_H_
