#include "query_service/search/engine.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/base/status_macros.h"
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
  if (request.query_syntax == QuerySyntax::kPlain) absl::StrAppend(&scope, sep, "syntax=PLAIN");
  if (request.typo_tolerance) {
    absl::StrAppend(&scope, sep, "typo=", request.one_typo_min_letters, "/",
                    request.two_typos_min_letters);
  }
  return scope;
}

// The query's words as highlight terms, weighted by an idf from the stem's
// posting list length (tombstones included: cheap, and close enough to rank
// passages).
std::vector<HighlightTerm> HighlightTerms(const index::InvertedIndex& index,
                                          const std::vector<SearchWord>& words) {
  std::vector<HighlightTerm> terms;
  terms.reserve(words.size());
  const int64_t n = std::max<int64_t>(index.live_documents(), 1);
  for (const SearchWord& w : words) {
    const index::PostingList* pl = index.Postings(w.stem);
    const int64_t df = pl == nullptr ? 0 : std::min<int64_t>(pl->docs.size(), n);
    terms.push_back({w.stem, w.term, std::max(Bm25Idf(n, df), 0.01), w.phrase_part, w.stopword});
  }
  return terms;
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

absl::StatusOr<int32_t> Engine::PageSize(int32_t requested) const {
  const int32_t page_size = requested == 0 ? options_.default_page_size : requested;
  if (page_size < 0 || page_size > options_.max_page_size) {
    return absl::InvalidArgumentError(absl::StrCat("page_size must be in [0, ",
                                                   options_.max_page_size, "] (0 = default ",
                                                   options_.default_page_size, "), got ",
                                                   requested));
  }
  return page_size;
}

namespace {

// The offset a page token points to, bounded.
absl::StatusOr<uint64_t> PageOffset(const std::string& page_token, absl::string_view scope) {
  absl::StatusOr<PageToken> token = DecodePageToken(page_token, scope);
  if (!token.ok()) return token.status();
  constexpr uint64_t kMaxOffset = 100000;  // deep paging: use filters, not page 10,000
  if (token->offset > kMaxOffset) {
    return absl::InvalidArgumentError("page_token points past the deepest page served");
  }
  return token->offset;
}

}  // namespace

absl::StatusOr<Page> Engine::Search(const PageRequest& request) const {
  KHABAR_ASSIGN_OR_RETURN(const int32_t page_size, PageSize(request.page_size));
  const std::string& msm = request.minimum_should_match.empty()
                               ? options_.default_minimum_should_match
                               : request.minimum_should_match;
  if (request.highlight) KHABAR_RETURN_IF_ERROR(ValidateSnippetOptions(request.snippets));
  TypoOptions typo = options_.typo;
  typo.enabled = request.typo_tolerance;
  if (request.one_typo_min_letters != 0) typo.one_typo_min_letters = request.one_typo_min_letters;
  if (request.two_typos_min_letters != 0) typo.two_typos_min_letters = request.two_typos_min_letters;
  // Explicit lengths that only make sense together are checked together.
  if (request.one_typo_min_letters != 0 && request.two_typos_min_letters == 0 &&
      typo.two_typos_min_letters < typo.one_typo_min_letters) {
    typo.two_typos_min_letters = typo.one_typo_min_letters;
  }
  KHABAR_RETURN_IF_ERROR(ValidateTypoOptions(typo));
  const std::string token_scope = TokenScope(request, msm);
  KHABAR_ASSIGN_OR_RETURN(const uint64_t offset, PageOffset(request.page_token, token_scope));

  SearchRequest req;
  req.query = request.query;
  req.offset = offset;
  req.limit = static_cast<size_t>(page_size);
  req.collapse_duplicates = request.collapse_duplicates;
  req.default_operator = request.default_operator;
  req.minimum_should_match = msm;
  req.explain = request.explain;
  req.query_syntax = request.query_syntax;
  req.typo = typo;

  absl::ReaderMutexLock lock(&mu_);
  absl::StatusOr<SearchResult> result = search::Search(index_, req, options_.bm25,
                                                       options_.search_limits);
  if (!result.ok()) return result.status();
  return MakePage(*std::move(result), offset, request.highlight, request.snippets, token_scope);
}

Page Engine::MakePage(SearchResult result, uint64_t offset, bool highlight,
                      const SnippetOptions& snippets, absl::string_view token_scope) const {
  Page page;
  page.total_hits = result.total_hits;
  page.terms = std::move(result.terms);
  page.parsed_query = std::move(result.parsed_query);
  std::vector<HighlightTerm> highlight_terms;
  if (highlight) highlight_terms = HighlightTerms(index_, result.words);
  int32_t rank = static_cast<int32_t>(offset);
  for (Hit& hit : result.hits) {
    const index::Document& doc = index_.document(hit.doc);
    PageHit& out = page.hits.emplace_back();
    out.id = doc.id;
    out.title = doc.title;
    out.source = doc.source;
    out.url = doc.url;
    out.score = hit.score;
    out.rank = ++rank;
    out.cluster_id = index_.cluster_id(hit.doc);
    out.duplicate_count = hit.duplicate_count;
    out.explanation = std::move(hit.explanation);
    if (highlight) {
      DocumentHighlights h = MakeSnippets(analyzer_, doc, highlight_terms, snippets);
      out.snippets = std::move(h.snippets);
      out.title_highlights = std::move(h.title_highlights);
    }
  }
  const uint64_t next = offset + result.hits.size();
  if (!result.hits.empty() && next < static_cast<uint64_t>(result.total_hits)) {
    page.next_page_token = EncodePageToken({.offset = next}, token_scope);
  }
  return page;
}

absl::StatusOr<std::vector<Suggestion>> Engine::Suggest(const SuggestRequest& request) const {
  absl::ReaderMutexLock lock(&mu_);
  return search::Suggest(index_, request, options_.suggest);
}

absl::StatusOr<Page> Engine::MoreLikeThis(const MoreLikeThisPageRequest& request) const {
  if (request.id.empty()) return absl::InvalidArgumentError("id is empty: name the article");
  KHABAR_ASSIGN_OR_RETURN(const int32_t page_size, PageSize(request.page_size));
  if (request.highlight) KHABAR_RETURN_IF_ERROR(ValidateSnippetOptions(request.snippets));
  // Bound to the article and the flag that changes the list ("\0" cannot
  // start a query, so these never pass for a search's tokens).
  std::string token_scope = absl::StrCat(absl::string_view("\0", 1), "more_like_this=", request.id);
  if (request.collapse_duplicates) absl::StrAppend(&token_scope, "\0collapse_duplicates");
  KHABAR_ASSIGN_OR_RETURN(const uint64_t offset, PageOffset(request.page_token, token_scope));

  absl::ReaderMutexLock lock(&mu_);
  const std::optional<index::DocId> doc = index_.FindDocId(request.id);
  if (!doc.has_value()) {
    return absl::NotFoundError(absl::StrCat("no article with id \"", request.id, "\""));
  }
  RankOptions rank;
  rank.offset = offset;
  rank.limit = static_cast<size_t>(page_size);
  rank.collapse_duplicates = request.collapse_duplicates;
  rank.explain = request.explain;
  absl::StatusOr<SearchResult> result =
      search::MoreLikeThis(index_, *doc, rank, options_.more_like_this, options_.bm25);
  if (!result.ok()) return result.status();
  return MakePage(*std::move(result), offset, request.highlight, request.snippets, token_scope);
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

std::vector<std::string> Engine::LivePayloads() const {
  absl::ReaderMutexLock lock(&mu_);
  std::vector<std::string> out;
  out.reserve(static_cast<size_t>(index_.live_documents()));
  for (index::DocId d = 0; d < index_.doc_id_limit(); ++d) {
    if (index_.is_live(d)) out.push_back(index_.document(d).payload);
  }
  return out;
}

}  // namespace khabar::search
