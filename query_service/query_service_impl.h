// File: query_service_impl.h
// -----------------------------------------------------------------------------
// gRPC front ends of the query service, both over one search::Engine:
//   QueryServiceImpl  khabar.v1.QueryService  (Search, GetArticle, Stats, Suggest,
//                     MoreLikeThis)
//   IndexServiceImpl  khabar.v1.IndexService  (IndexArticles stream, DeleteArticles)
#ifndef KHABAR_QUERY_SERVICE_QUERY_SERVICE_IMPL_H_
#define KHABAR_QUERY_SERVICE_QUERY_SERVICE_IMPL_H_

#include "khabar/v1/index.grpc.pb.h"
#include "khabar/v1/query.grpc.pb.h"
#include "query_service/durable_engine.h"
#include "query_service/search/engine.h"

namespace khabar::query {

class QueryServiceImpl final : public v1::QueryService::CallbackService {
 public:
  // Neither is owned; `durable` may be null (Stats then says not durable).
  explicit QueryServiceImpl(search::Engine* engine, const DurableEngine* durable = nullptr)
      : engine_(engine), durable_(durable) {}

  grpc::ServerUnaryReactor* Search(grpc::CallbackServerContext* ctx,
                                   const v1::SearchRequest* request,
                                   v1::SearchResponse* response) override;
  grpc::ServerUnaryReactor* GetArticle(grpc::CallbackServerContext* ctx,
                                       const v1::GetArticleRequest* request,
                                       v1::GetArticleResponse* response) override;
  grpc::ServerUnaryReactor* Stats(grpc::CallbackServerContext* ctx,
                                  const v1::StatsRequest* request,
                                  v1::StatsResponse* response) override;
  grpc::ServerUnaryReactor* Suggest(grpc::CallbackServerContext* ctx,
                                    const v1::SuggestRequest* request,
                                    v1::SuggestResponse* response) override;
  grpc::ServerUnaryReactor* MoreLikeThis(grpc::CallbackServerContext* ctx,
                                         const v1::MoreLikeThisRequest* request,
                                         v1::SearchResponse* response) override;

 private:
  search::Engine* engine_;
  const DurableEngine* durable_;
};

// The write path. Uses the synchronous API: each stream gets a server thread
// that reads a batch, indexes it and writes its acks before reading the next,
// which is natural flow control (the sender cannot run ahead of indexing by
// more than gRPC's window). Acks are written only once the batch is durable
// (DurableEngine); concurrent streams share the log's fsyncs.
class IndexServiceImpl final : public v1::IndexService::Service {
 public:
  // At most this many records in one IndexArticlesRequest.
  static constexpr int kMaxRecordsPerMessage = 10000;

  // `engine` is not owned.
  explicit IndexServiceImpl(DurableEngine* engine);

  grpc::Status IndexArticles(
      grpc::ServerContext* ctx,
      grpc::ServerReaderWriter<v1::IndexArticlesResponse, v1::IndexArticlesRequest>* stream)
      override;
  grpc::Status DeleteArticles(grpc::ServerContext* ctx, const v1::DeleteArticlesRequest* request,
                              v1::DeleteArticlesResponse* response) override;

 private:
  // IndexArticles over raw messages, so that a message that does not parse
  // ends the stream with INVALID_ARGUMENT.
  grpc::Status IndexArticlesRaw(grpc::ServerContext* ctx,
                                grpc::ServerReaderWriter<grpc::ByteBuffer, grpc::ByteBuffer>* stream);

  DurableEngine* engine_;
};

}  // namespace khabar::query

#endif  // KHABAR_QUERY_SERVICE_QUERY_SERVICE_IMPL_H_
