#include "ingest_service/stream/index_stream_client.h"

#include <chrono>

#include "absl/strings/str_cat.h"
#include "common/rpc/status.h"

namespace khabar::ingest {

IndexStreamClient::IndexStreamClient(std::shared_ptr<grpc::Channel> channel, std::string target,
                                     StreamOptions options)
    : channel_(std::move(channel)),
      target_(std::move(target)),
      options_(options),
      stub_(v1::IndexService::NewStub(channel_)) {}

IndexStreamClient::~IndexStreamClient() {
  if (stream_ != nullptr) (void)Close();
}

absl::Status IndexStreamClient::Open() {
  const auto deadline =
      std::chrono::system_clock::now() + absl::ToChronoMilliseconds(options_.connect_timeout);
  if (!channel_->WaitForConnected(deadline)) {
    return absl::UnavailableError(absl::StrCat("cannot reach query service at ", target_,
                                               " (nothing answered within ",
                                               absl::FormatDuration(options_.connect_timeout),
                                               "); is query_service running?"));
  }
  context_ = std::make_unique<grpc::ClientContext>();
  stream_ = stub_->IndexArticles(context_.get());
  return absl::OkStatus();
}

absl::StatusOr<std::vector<v1::IndexAck>> IndexStreamClient::SendBatch(
    const std::vector<v1::Article>& articles) {
  if (stream_ == nullptr) return absl::FailedPreconditionError("stream is not open");
  v1::IndexArticlesRequest request;
  for (const v1::Article& a : articles) {
    v1::IndexRecord* r = request.add_records();
    r->set_sequence(next_sequence_++);
    *r->mutable_article() = a;
  }
  auto broken = [&](absl::string_view what) -> absl::Status {
    grpc::Status s = stream_->Finish();
    stream_.reset();
    return absl::UnavailableError(absl::StrCat("index stream to ", target_, " broke while ", what,
                                               ": ", s.error_message()));
  };
  if (!stream_->Write(request)) return broken("sending");
  std::vector<v1::IndexAck> acks;
  v1::IndexArticlesResponse response;
  while (acks.size() < articles.size()) {
    if (!stream_->Read(&response)) return broken("waiting for acknowledgements");
    for (v1::IndexAck& ack : *response.mutable_acks()) acks.push_back(std::move(ack));
  }
  return acks;
}

absl::Status IndexStreamClient::Close() {
  if (stream_ == nullptr) return absl::OkStatus();
  stream_->WritesDone();
  grpc::Status s = stream_->Finish();
  stream_.reset();
  return rpc::FromGrpcStatus(s);
}

}  // namespace khabar::ingest
