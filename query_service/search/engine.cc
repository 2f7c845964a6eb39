#include "query_service/search/engine.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "query_service/search/page_token.h"

namespace khabar::search {

Engine::Engine(EngineOptions options)
    : options_(std::move(options)),
      analyzer_(options_.analyzer),
      index_(&analyzer_, options_.index_limits, options_.near_duplicates) {}

namespace {

// What a page token is bound to: the query and every option that changes the
// result list. With the default options the scope is the bare query, so tokens
// issued before those options existed stay valid.
std::string TokenScope(const PageRequest& request, absl::string_view minimum_should_match) {
  std::string scope = request.query;
  const absl::string_view sep("\0", 1);
  if (request.collapse_duplicates) absl::StrAppend(&scope, sep, "collapse_duplicates");
  if (request.default_operator == QueryOperator::kAnd) absl::StrAppend(&scope, sep, "operator=AND");
  if (!minimum_should_match.empty()) {
    absl::StrAppend(&scope, sep, "minimum_should_match=", minimum_should_match);
  }
  return scope;
}

}  // namespace

std::vector<absl::StatusOr<index::UpsertOutcome>> Engine::UpsertBatch(
    std::vector<index::Document> docs) {
  std::vector<absl::StatusOr<index::UpsertOutcome>> results;
  results.reserve(docs.size());
  absl::MutexLock lock(&mu_);
  for (index::Document& doc : docs) {
    absl::StatusOr<index::UpsertOutcome> r = index_.Upsert(std::move(doc));
    if (!r.ok()) {
      ++counters_.rejected;
    } else if (*r == index::UpsertOutcome::kCreated) {
      ++counters_.created;
    } else if (*r == index::UpsertOutcome::kUpdated) {
      ++counters_.updated;
    } else {
      ++counters_.unchanged;
    }
    results.push_back(std::move(r));
  }
  return results;
}

int64_t Engine::Delete(const std::vector<std::string>& ids, std::vector<std::string>* not_found) {
  int64_t deleted = 0;
  absl::MutexLock lock(&mu_);
  for (const std::string& id : ids) {
    if (index_.Delete(id)) {
      ++deleted;
    } else if (not_found != nullptr) {
      not_found->push_back(id);
    }
  }
  return deleted;
}

absl::StatusOr<Page> Engine::Search(const PageRequest& request) const {
  int32_t page_size = request.page_size == 0 ? options_.default_page_size : request.page_size;
  if (page_size < 0 || page_size > options_.max_page_size) {
    return absl::InvalidArgumentError(absl::StrCat("page_size must be in [0, ",
                                                   options_.max_page_size, "] (0 = default ",
                                                   options_.default_page_size, "), got ",
                                                   request.page_size));
  }
  const std::string& msm = request.minimum_should_match.empty()
                               ? options_.default_minimum_should_match
                               : request.minimum_should_match;
  const std::string token_scope = TokenScope(request, msm);
  absl::StatusOr<PageToken> token = DecodePageToken(request.page_token, token_scope);
  if (!token.ok()) return token.status();
  constexpr uint64_t kMaxOffset = 100000;  // deep paging: use filters, not page 10,000
  if (token->offset > kMaxOffset) {
    return absl::InvalidArgumentError("page_token points past the deepest page served");
  }

  SearchRequest req;
  req.query = request.query;
  req.offset = token->offset;
  req.limit = static_cast<size_t>(page_size);
  req.collapse_duplicates = request.collapse_duplicates;
  req.default_operator = request.default_operator;
  req.minimum_should_match = msm;
  req.explain = request.explain;

  Page page;
  absl::ReaderMutexLock lock(&mu_);
  absl::StatusOr<SearchResult> result = search::Search(index_, req, options_.bm25,
                                                       options_.search_limits);
  if (!result.ok()) return result.status();
  page.total_hits = result->total_hits;
  page.terms = std::move(result->terms);
  page.parsed_query = std::move(result->parsed_query);
  int32_t rank = static_cast<int32_t>(req.offset);
  for (Hit& hit : result->hits) {
    const index::Document& doc = index_.document(hit.doc);
    page.hits.push_back({doc.id, doc.title, doc.source, doc.url, hit.score, ++rank,
                         index_.cluster_id(hit.doc), hit.duplicate_count,
                         std::move(hit.explanation)});
  }
  const uint64_t next = req.offset + result->hits.size();
  if (!result->hits.empty() && next < static_cast<uint64_t>(result->total_hits)) {
    page.next_page_token = EncodePageToken({.offset = next}, token_scope);
  }
  return page;
}

absl::StatusOr<std::string> Engine::GetPayload(absl::string_view id) const {
  if (id.empty()) return absl::InvalidArgumentError("id is empty");
  absl::ReaderMutexLock lock(&mu_);
  const index::Document* doc = index_.Find(id);
  if (doc == nullptr) return absl::NotFoundError(absl::StrCat("no article with id \"", id, "\""));
  return doc->payload;
}

absl::StatusOr<Engine::StoredArticle> Engine::GetArticle(absl::string_view id) const {
  if (id.empty()) return absl::InvalidArgumentError("id is empty");
  absl::ReaderMutexLock lock(&mu_);
  const index::Document* doc = index_.Find(id);
  if (doc == nullptr) return absl::NotFoundError(absl::StrCat("no article with id \"", id, "\""));
  // Find() returned a live doc; its DocId is the live one for this id.
  return StoredArticle{doc->payload, index_.cluster_id(*index_.FindDocId(id))};
}

EngineStats Engine::Stats() const {
  absl::ReaderMutexLock lock(&mu_);
  EngineStats s = counters_;
  s.index = index_.Stats();
  return s;
}

}  // namespace khabar::search
