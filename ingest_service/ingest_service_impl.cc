#include "ingest_service/ingest_service_impl.h"

#include "absl/strings/str_cat.h"
#include "common/rpc/status.h"
#include "ingest_service/pipeline.h"
#include "ingest_service/stream/index_stream_client.h"

namespace khabar::ingest {

IngestServiceImpl::IngestServiceImpl(std::shared_ptr<grpc::Channel> query_channel,
                                     std::string query_target)
    : query_channel_(std::move(query_channel)), query_target_(std::move(query_target)) {}

grpc::Status IngestServiceImpl::IngestDocuments(grpc::ServerContext* /*ctx*/,
                                                const v1::IngestDocumentsRequest* request,
                                                v1::IngestDocumentsResponse* response) {
  if (request->documents().empty()) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "documents is empty");
  }
  PipelineOptions options;
  options.stream.connect_timeout = absl::Seconds(5);
  options.stream.retry_timeout = absl::Seconds(30);
  Pipeline pipeline(query_channel_, query_target_, options, [response](const ItemResult& r) {
    v1::IngestResult* out = response->add_results();
    out->set_document(r.document);
    out->set_id(r.id);
    out->set_outcome(r.outcome);
    out->set_error(r.error);
  });
  if (absl::Status s = pipeline.Open(); !s.ok()) return rpc::ToGrpcStatus(s);
  absl::Status stream_status;
  for (int i = 0; i < request->documents_size() && stream_status.ok(); ++i) {
    const v1::RawDocument& doc = request->documents(i);
    const std::string name = doc.name().empty() ? absl::StrCat("documents[", i, "]") : doc.name();
    stream_status = pipeline.Add(name, doc.content(), doc.format(), doc.source());
  }
  absl::Status finished = pipeline.Finish();
  if (stream_status.ok()) stream_status = finished;
  response->set_accepted_count(pipeline.totals().accepted());
  response->set_rejected_count(pipeline.totals().rejected);
  return rpc::ToGrpcStatus(stream_status);
}

}  // namespace khabar::ingest
