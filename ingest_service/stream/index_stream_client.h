// File: index_stream_client.h
// -----------------------------------------------------------------------------
// The client side of khabar.v1.IndexService/IndexArticles: one long-lived
// stream over which batches of records go out and per-record acks come back.
//
//   IndexStreamClient client(channel, {});
//   KHABAR_RETURN_IF_ERROR(client.Open());
//   absl::StatusOr<std::vector<v1::IndexAck>> acks = client.SendBatch(articles);
//   KHABAR_RETURN_IF_ERROR(client.Close());
//
// One batch is in flight at a time. Not thread-safe.
#ifndef KHABAR_INGEST_SERVICE_STREAM_INDEX_STREAM_CLIENT_H_
#define KHABAR_INGEST_SERVICE_STREAM_INDEX_STREAM_CLIENT_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "khabar/v1/index.grpc.pb.h"

namespace khabar::ingest {

struct StreamOptions {
  // How long Open() waits for the query service to accept a connection.
  absl::Duration connect_timeout = absl::Seconds(10);
};

class IndexStreamClient {
 public:
  IndexStreamClient(std::shared_ptr<grpc::Channel> channel, std::string target,
                    StreamOptions options = {});
  ~IndexStreamClient();
  IndexStreamClient(const IndexStreamClient&) = delete;
  IndexStreamClient& operator=(const IndexStreamClient&) = delete;

  // Connects and opens the stream. Unavailable "cannot reach query service at
  // HOST:PORT" when nothing answers within the connect timeout.
  absl::Status Open();

  // Sends `articles` as one batch and waits for their acks, returned in order.
  absl::StatusOr<std::vector<v1::IndexAck>> SendBatch(const std::vector<v1::Article>& articles);

  // Half-closes the stream and returns its final status.
  absl::Status Close();

 private:
  std::shared_ptr<grpc::Channel> channel_;
  const std::string target_;
  const StreamOptions options_;
  std::unique_ptr<v1::IndexService::Stub> stub_;
  std::unique_ptr<grpc::ClientContext> context_;
  std::unique_ptr<grpc::ClientReaderWriter<v1::IndexArticlesRequest, v1::IndexArticlesResponse>>
      stream_;
  uint64_t next_sequence_ = 1;
};

}  // namespace khabar::ingest

#endif  // KHABAR_INGEST_SERVICE_STREAM_INDEX_STREAM_CLIENT_H_
