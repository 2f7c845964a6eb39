// File: ingest_service_impl.h
// -----------------------------------------------------------------------------
// khabar.v1.IngestService: other services hand ingest_service raw documents;
// it parses them and forwards the articles to the query service over an
// IndexArticles stream (one per call), returning one result per article.
#ifndef KHABAR_INGEST_SERVICE_INGEST_SERVICE_IMPL_H_
#define KHABAR_INGEST_SERVICE_INGEST_SERVICE_IMPL_H_

#include <memory>
#include <string>

#include "grpcpp/channel.h"
#include "khabar/v1/ingest.grpc.pb.h"

namespace khabar::ingest {

class IngestServiceImpl final : public v1::IngestService::Service {
 public:
  IngestServiceImpl(std::shared_ptr<grpc::Channel> query_channel, std::string query_target);

  grpc::Status IngestDocuments(grpc::ServerContext* ctx, const v1::IngestDocumentsRequest* request,
                               v1::IngestDocumentsResponse* response) override;

 private:
  std::shared_ptr<grpc::Channel> query_channel_;
  const std::string query_target_;
};

}  // namespace khabar::ingest

#endif  // KHABAR_INGEST_SERVICE_INGEST_SERVICE_IMPL_H_
