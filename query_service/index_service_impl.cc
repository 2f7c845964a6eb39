#include <future>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "grpcpp/impl/codegen/method_handler.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/proto_buffer_reader.h"
#include "common/base/logging.h"
#include "common/rpc/status.h"
#include "query_service/convert.h"
#include "query_service/query_service_impl.h"

namespace khabar::query {

IndexServiceImpl::IndexServiceImpl(DurableEngine* engine) : engine_(engine) {
  // IndexArticles (method 0) reads raw bytes and parses them itself: gRPC's
  // typed sync reader cannot tell a message that fails to parse from the end
  // of the stream, and a sender of garbage deserves INVALID_ARGUMENT, not a
  // silent OK.
  MarkMethodStreamed(
      0, new grpc::internal::BidiStreamingHandler<IndexServiceImpl, grpc::ByteBuffer,
                                                   grpc::ByteBuffer>(
             [](IndexServiceImpl* service, grpc::ServerContext* ctx,
                grpc::ServerReaderWriter<grpc::ByteBuffer, grpc::ByteBuffer>* stream) {
               return service->IndexArticlesRaw(ctx, stream);
             },
             this));
}

grpc::Status IndexServiceImpl::IndexArticles(
    grpc::ServerContext* /*ctx*/,
    grpc::ServerReaderWriter<v1::IndexArticlesResponse, v1::IndexArticlesRequest>* /*stream*/) {
  // Never called: the constructor routes the method to IndexArticlesRaw.
  return grpc::Status(grpc::StatusCode::INTERNAL, "IndexArticles is served by IndexArticlesRaw");
}

grpc::Status IndexServiceImpl::IndexArticlesRaw(
    grpc::ServerContext* ctx, grpc::ServerReaderWriter<grpc::ByteBuffer, grpc::ByteBuffer>* stream) {
  const std::string peer = ctx->peer();
  int64_t records = 0;
  int64_t rejected = 0;
  int64_t messages = 0;
  bool client_gone = false;  // a Write failed: the client went away
  // A message's batch is analysed on this thread while the message before it
  // is applied, logged and acknowledged on another (gRPC's Read is safe beside
  // one Write): `applying` is that message, at most one at a time, so acks
  // keep the order of the messages. Its result: OK, or what ends the stream.
  // A failure there cancels the call, or this thread's Read would wait for a
  // client that waits for the ack (the client sees CANCELLED, which it
  // retries as it did UNAVAILABLE; the log has the cause).
  std::future<grpc::Status> applying;
  auto settle = [&]() -> grpc::Status {
    return applying.valid() ? applying.get() : grpc::Status::OK;
  };
  auto apply = [&](v1::IndexArticlesRequest request,
                   search::Engine::PreparedBatch batch) -> grpc::Status {
    // Applied, logged and synced before any ack of the batch is written.
    absl::StatusOr<UpsertResults> applied = engine_->ApplyBatch(std::move(batch));
    if (!applied.ok()) {
      base::LogError("index batch not durable; stream ended without its acks",
                     {{"peer", peer}, {"error", applied.status().ToString()}});
      ctx->TryCancel();
      return rpc::ToGrpcStatus(absl::UnavailableError(
          absl::StrCat("the batch could not be made durable: ", applied.status().message())));
    }
    const UpsertResults& results = *applied;
    v1::IndexArticlesResponse response;
    for (int i = 0; i < request.records_size(); ++i) {
      const v1::IndexRecord& record = request.records(i);
      v1::IndexAck* ack = response.add_acks();
      ack->set_sequence(record.sequence());
      ack->set_id(record.article().id());
      if (results[i].ok()) {
        ack->set_outcome(ToProto(*results[i]));
      } else {
        ++rejected;
        ack->set_outcome(v1::INDEX_OUTCOME_REJECTED);
        ack->set_error(std::string(results[i].status().message()));
      }
    }
    records += request.records_size();
    grpc::ByteBuffer out;
    bool own_buffer = false;
    if (!grpc::SerializationTraits<v1::IndexArticlesResponse>::Serialize(response, &out, &own_buffer)
             .ok()) {
      ctx->TryCancel();
      return grpc::Status(grpc::StatusCode::INTERNAL, "cannot serialize the acknowledgements");
    }
    if (!stream->Write(out)) client_gone = true;
    return grpc::Status::OK;
  };
  grpc::ByteBuffer buffer;
  while (stream->Read(&buffer)) {
    ++messages;
    v1::IndexArticlesRequest request;
    const size_t bytes = buffer.Length();
    std::optional<grpc::Status> bad;
    if (!grpc::SerializationTraits<v1::IndexArticlesRequest>::Deserialize(&buffer, &request).ok()) {
      base::LogWarning("index stream sent a message that does not parse",
                       {{"peer", peer}, {"message", absl::StrCat(messages)}});
      bad = grpc::Status(
          grpc::StatusCode::INVALID_ARGUMENT,
          absl::StrCat("message ", messages, " of the stream (", bytes,
                       " bytes) is not a valid khabar.v1.IndexArticlesRequest; the records of "
                       "earlier messages were acknowledged"));
    } else if (request.records_size() > kMaxRecordsPerMessage) {
      bad = grpc::Status(
          grpc::StatusCode::INVALID_ARGUMENT,
          absl::StrCat("message ", messages, " of the stream has ", request.records_size(),
                       " records; at most ", kMaxRecordsPerMessage,
                       " per IndexArticlesRequest (send more messages)"));
    }
    if (bad) {
      // The earlier messages are acknowledged first (or their error wins).
      const grpc::Status earlier = settle();
      return earlier.ok() ? *bad : earlier;
    }
    std::vector<index::Document> docs;
    docs.reserve(request.records_size());
    for (const v1::IndexRecord& record : request.records()) {
      docs.push_back(ToDocument(record.article()));
    }
    search::Engine::PreparedBatch batch = engine_->PrepareBatch(std::move(docs));
    if (grpc::Status earlier = settle(); !earlier.ok()) return earlier;
    if (client_gone) break;
    applying = std::async(std::launch::async, apply, std::move(request), std::move(batch));
  }
  if (grpc::Status last = settle(); !last.ok()) return last;
  base::LogInfo("index stream closed", {{"peer", peer},
                                        {"records", absl::StrCat(records)},
                                        {"rejected", absl::StrCat(rejected)}});
  return grpc::Status::OK;
}

grpc::Status IndexServiceImpl::DeleteArticles(grpc::ServerContext* /*ctx*/,
                                              const v1::DeleteArticlesRequest* request,
                                              v1::DeleteArticlesResponse* response) {
  std::vector<std::string> ids(request->ids().begin(), request->ids().end());
  std::vector<std::string> not_found;
  absl::StatusOr<int64_t> deleted = engine_->Delete(ids, &not_found);
  if (!deleted.ok()) {
    return rpc::ToGrpcStatus(absl::UnavailableError(
        absl::StrCat("the deletes could not be made durable: ", deleted.status().message())));
  }
  response->set_deleted_count(*deleted);
  for (std::string& id : not_found) response->add_not_found_ids(std::move(id));
  return grpc::Status::OK;
}

}  // namespace khabar::query
