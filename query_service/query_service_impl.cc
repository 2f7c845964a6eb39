#include "query_service/query_service_impl.h"

#include "absl/strings/str_cat.h"
#include "common/base/logging.h"
#include "common/rpc/status.h"
#include "query_service/convert.h"

namespace khabar::query {

grpc::ServerUnaryReactor* QueryServiceImpl::Search(grpc::CallbackServerContext* ctx,
                                                   const v1::SearchRequest* request,
                                                   v1::SearchResponse* response) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  absl::StatusOr<search::Page> page = engine_->Search(FromProto(*request));
  if (page.ok()) ToProto(*page, response);
  reactor->Finish(rpc::ToGrpcStatus(page.status()));
  return reactor;
}

grpc::ServerUnaryReactor* QueryServiceImpl::GetArticle(grpc::CallbackServerContext* ctx,
                                                       const v1::GetArticleRequest* request,
                                                       v1::GetArticleResponse* response) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  // The payload is the Article as indexed; cluster_id is filled in here, so
  // it is always the index's current answer.
  absl::StatusOr<search::Engine::StoredArticle> stored = engine_->GetArticle(request->id());
  absl::Status status = stored.status();
  if (status.ok()) {
    if (response->mutable_article()->ParseFromString(stored->payload)) {
      response->mutable_article()->set_cluster_id(stored->cluster_id);
    } else {
      status = absl::DataLossError(absl::StrCat("stored record of \"", request->id(),
                                                "\" does not parse"));
    }
  }
  reactor->Finish(rpc::ToGrpcStatus(status));
  return reactor;
}

grpc::ServerUnaryReactor* QueryServiceImpl::Stats(grpc::CallbackServerContext* ctx,
                                                  const v1::StatsRequest* /*request*/,
                                                  v1::StatsResponse* response) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  ToProto(engine_->Stats(), response);
  ToProto(durable_ != nullptr ? durable_->Stats() : DurabilityStats{}, response);
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

grpc::ServerUnaryReactor* QueryServiceImpl::Suggest(grpc::CallbackServerContext* ctx,
                                                    const v1::SuggestRequest* request,
                                                    v1::SuggestResponse* response) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  absl::StatusOr<search::SuggestRequest> req = FromProto(*request);
  absl::Status status = req.status();
  if (status.ok()) {
    absl::StatusOr<std::vector<search::Suggestion>> suggestions = engine_->Suggest(*req);
    if (suggestions.ok()) ToProto(*suggestions, response);
    status = suggestions.status();
  }
  reactor->Finish(rpc::ToGrpcStatus(status));
  return reactor;
}

grpc::ServerUnaryReactor* QueryServiceImpl::MoreLikeThis(grpc::CallbackServerContext* ctx,
                                                         const v1::MoreLikeThisRequest* request,
                                                         v1::SearchResponse* response) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  absl::StatusOr<search::Page> page = engine_->MoreLikeThis(FromProto(*request));
  if (page.ok()) ToProto(*page, response);
  reactor->Finish(rpc::ToGrpcStatus(page.status()));
  return reactor;
}

}  // namespace khabar::query
