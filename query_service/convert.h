// File: convert.h
// -----------------------------------------------------------------------------
// Proto <-> domain conversion for the query service. The only place besides
// the service impls that includes generated code.
#ifndef KHABAR_QUERY_SERVICE_CONVERT_H_
#define KHABAR_QUERY_SERVICE_CONVERT_H_

#include "khabar/v1/article.pb.h"
#include "khabar/v1/index.pb.h"
#include "khabar/v1/query.pb.h"
#include "query_service/durable_engine.h"
#include "query_service/index/inverted_index.h"
#include "query_service/search/engine.h"

namespace khabar::query {

// The document to index; the whole record is kept as the payload GetArticle returns.
index::Document ToDocument(const v1::Article& article);

// The document for a stored payload (a serialized Article, as ToDocument
// keeps it); InvalidArgument when it does not parse.
absl::StatusOr<index::Document> DocumentFromPayload(absl::string_view payload);

search::PageRequest FromProto(const v1::SearchRequest& request);
search::MoreLikeThisPageRequest FromProto(const v1::MoreLikeThisRequest& request);
// InvalidArgument for a `kinds` value that is not a SuggestionKind.
absl::StatusOr<search::SuggestRequest> FromProto(const v1::SuggestRequest& request);
void ToProto(const std::vector<search::Suggestion>& suggestions, v1::SuggestResponse* response);
void ToProto(const search::Page& page, v1::SearchResponse* response);
void ToProto(const search::Explanation& explanation, v1::Explanation* out);
void ToProto(const search::EngineStats& stats, v1::StatsResponse* response);
void ToProto(const DurabilityStats& stats, v1::StatsResponse* response);
v1::IndexOutcome ToProto(index::UpsertOutcome outcome);

}  // namespace khabar::query

#endif  // KHABAR_QUERY_SERVICE_CONVERT_H_
