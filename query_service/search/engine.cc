#include "query_service/search/engine.h"

#include <algorithm>
#include <thread>
#include <iterator>
#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/base/parallel.h"
#include "common/base/priority.h"
#include "common/base/status_macros.h"
#include "query_service/search/page_token.h"

namespace khabar::search {

namespace {

int IndexingThreads(const EngineOptions& o) {
  return o.indexing_threads > 0 ? o.indexing_threads
                                : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

// The index's block impacts assume the engine's BM25F options.
index::IndexLimits WithImpacts(index::IndexLimits limits, const Bm25Options& bm25) {
  limits.impacts = ImpactBasisOf(bm25);
  return limits;
}

// The options' merge policy, with segments built on the indexing threads
// and merges at the indexing priority.
index::MergePolicy WithBuildThreads(index::MergePolicy policy, int threads, int nice) {
  policy.build_threads = static_cast<uint32_t>(threads);
  policy.nice = nice;
  return policy;
}

}  // namespace

Engine::Engine(EngineOptions options)
    : options_(std::move(options)),
      analyzer_(options_.analyzer),
      indexing_threads_(IndexingThreads(options_)),
      index_(&analyzer_, WithImpacts(options_.index_limits, options_.bm25), options_.near_duplicates,
             WithBuildThreads(options_.merge_policy, indexing_threads_, options_.indexing_nice)) {}

namespace {

// What a page token is bound to: the query and every option that changes the
// result list. With the default options the scope is the bare query, so tokens
// issued before those options existed stay valid.
// `order` and `recency` are the request's, validated.
std::string TokenScope(const PageRequest& request, absl::string_view minimum_should_match,
                       SortOrder order, const std::optional<RecencyBoost>& recency) {
  std::string scope = request.query;
  const absl::string_view sep("\0", 1);
  if (request.collapse_duplicates) absl::StrAppend(&scope, sep, "collapse_duplicates");
  if (request.default_operator == QueryOperator::kAnd) absl::StrAppend(&scope, sep, "operator=AND");
  if (!minimum_should_match.empty()) {
    absl::StrAppend(&scope, sep, "minimum_should_match=", minimum_should_match);
  }
  if (request.query_syntax == QuerySyntax::kPlain) absl::StrAppend(&scope, sep, "syntax=PLAIN");
  if (!request.filter.empty()) absl::StrAppend(&scope, sep, "filter=", request.filter);
  if (order != SortOrder::kRelevance) absl::StrAppend(&scope, sep, "order_by=", OrderByName(order));
  if (recency) {
    // The origin only when given: "now" moves between pages by design.
    absl::StrAppend(
        &scope, sep,
        absl::StrFormat("recency=%.17g,%.17g", recency->half_life_seconds, recency->weight));
    if (request.recency->origin) absl::StrAppend(&scope, ",", *request.recency->origin);
  }
  if (request.typo_tolerance) {
    absl::StrAppend(&scope, sep, "typo=", request.one_typo_min_letters, "/",
                    request.two_typos_min_letters);
  }
  return scope;
}

// The request's boost with defaults filled in and `now` as the default origin.
absl::StatusOr<std::optional<RecencyBoost>> ResolveRecency(
    const std::optional<PageRequest::Recency>& recency) {
  if (!recency) return std::nullopt;
  RecencyBoost boost;
  if (!recency->half_life.empty()) {
    KHABAR_ASSIGN_OR_RETURN(boost.half_life_seconds,
                            ParseHalfLife("recency.half_life", recency->half_life));
  }
  if (!(recency->weight >= 0 && recency->weight <= 1)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "recency.weight must be in [0, 1] (0 = the default, 0.5), got ", recency->weight));
  }
  if (recency->weight > 0) boost.weight = recency->weight;
  boost.origin = recency->origin ? *recency->origin : absl::ToUnixSeconds(absl::Now());
  return boost;
}

// The query's words as highlight terms, weighted by an idf from the stem's
// posting list length (tombstones included: cheap, and close enough to rank
// passages).
std::vector<HighlightTerm> HighlightTerms(const index::IndexSnapshot& index,
                                          const std::vector<SearchWord>& words) {
  std::vector<HighlightTerm> terms;
  terms.reserve(words.size());
  const int64_t n = std::max<int64_t>(index.live_documents(), 1);
  for (const SearchWord& w : words) {
    const int64_t df = std::min<int64_t>(index.Postings(w.stem).size(), n);
    terms.push_back({w.stem, w.term, std::max(Bm25Idf(n, df), 0.01), w.phrase_part, w.stopword});
  }
  return terms;
}

}  // namespace


std::vector<absl::StatusOr<index::UpsertOutcome>> Engine::UpsertBatch(
    std::vector<index::Document> docs) {
  return ApplyBatch(PrepareBatch(std::move(docs)));
}

Engine::PreparedBatch Engine::PrepareBatch(std::vector<index::Document> docs) const {
  PreparedBatch batch;
  batch.docs_.resize(docs.size());
  // Below the searches' priority, on a thread of its own (the caller is a
  // gRPC thread that serves searches next).
  base::RunLowered(options_.indexing_nice, [&] {
    // Analysis on every core; documents unchanged since they were indexed
    // (a re-ingest) are only validated. Not worth a thread below a few
    // documents each.
    base::ParallelFor(
        docs.size(), indexing_threads_,
        [&](size_t i) {
          const bool unchanged = index_.IsUnchanged(docs[i]);
          batch.docs_[i] = index_.Analyze(std::move(docs[i]), !unchanged);
        },
        /*min_per_thread=*/8);
  });
  return batch;
}

std::vector<absl::StatusOr<index::UpsertOutcome>> Engine::ApplyBatch(PreparedBatch batch) {
  std::vector<absl::StatusOr<index::UpsertOutcome>> results;
  results.reserve(batch.docs_.size());
  std::lock_guard<std::mutex> lock(write_mu_);
  base::RunLowered(options_.indexing_nice, [&] {
    for (index::AnalyzedDocument& doc : batch.docs_) {
      absl::StatusOr<index::UpsertOutcome> r = index_.Upsert(std::move(doc));
      if (!r.ok()) {
        ++rejected_;
      } else if (*r == index::UpsertOutcome::kCreated) {
        ++created_;
      } else if (*r == index::UpsertOutcome::kUpdated) {
        ++updated_;
      } else {
        ++unchanged_;
      }
      results.push_back(std::move(r));
    }
    index_.Publish();
  });
  return results;
}

int64_t Engine::Delete(const std::vector<std::string>& ids, std::vector<std::string>* not_found) {
  int64_t deleted = 0;
  std::lock_guard<std::mutex> lock(write_mu_);
  for (const std::string& id : ids) {
    if (index_.Delete(id)) {
      ++deleted;
    } else if (not_found != nullptr) {
      not_found->push_back(id);
    }
  }
  if (deleted > 0) index_.Publish();
  return deleted;
}

std::shared_ptr<const index::IndexSnapshot> Engine::PinnedOrCurrent(uint64_t generation) const {
  if (generation != 0) {
    std::lock_guard<std::mutex> lock(pins_mu_);
    auto it = pins_.find(generation);
    if (it != pins_.end()) {
      it->second.last_used = absl::Now();
      return it->second.snapshot;
    }
  }
  return index_.snapshot();
}

void Engine::ForceMerge() {
  std::lock_guard<std::mutex> lock(write_mu_);
  index_.ForceMerge();
}

void Engine::Pin(std::shared_ptr<const index::IndexSnapshot> snapshot) const {
  const absl::Time now = absl::Now();
  // Unpinned snapshots are let go of after pins_mu_ is released: should one
  // be the last reference, freeing it must not hold up every other search.
  std::vector<std::shared_ptr<const index::IndexSnapshot>> unpinned;
  std::lock_guard<std::mutex> lock(pins_mu_);
  for (auto it = pins_.begin(); it != pins_.end();) {
    if (now - it->second.last_used > options_.page_token_keepalive) {
      unpinned.push_back(std::move(it->second.snapshot));
      it = pins_.erase(it);
    } else {
      ++it;
    }
  }
  const uint64_t generation = snapshot->generation();
  pins_[generation] = Pinned{std::move(snapshot), now};
  while (pins_.size() > std::max<size_t>(options_.max_pinned_snapshots, 1)) {
    auto oldest = pins_.begin();
    for (auto it = pins_.begin(); it != pins_.end(); ++it) {
      if (it->second.last_used < oldest->second.last_used) oldest = it;
    }
    unpinned.push_back(std::move(oldest->second.snapshot));
    pins_.erase(oldest);
  }
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

// The position a page token points to (offset bounded), or the first page.
absl::StatusOr<PageToken> PagePosition(const std::string& page_token, absl::string_view scope) {
  absl::StatusOr<PageToken> token = DecodePageToken(page_token, scope);
  if (!token.ok()) return token.status();
  constexpr uint64_t kMaxOffset = 100000;  // deep paging: use filters, not page 10,000
  if (token->offset > kMaxOffset) {
    return absl::InvalidArgumentError("page_token points past the deepest page served");
  }
  return *token;
}

}  // namespace

absl::StatusOr<Page> Engine::Search(const PageRequest& request) const {
  KHABAR_ASSIGN_OR_RETURN(const int32_t page_size, PageSize(request.page_size));
  const std::string& msm = request.minimum_should_match.empty()
                               ? options_.default_minimum_should_match
                               : request.minimum_should_match;
  if (request.highlight) KHABAR_RETURN_IF_ERROR(ValidateSnippetOptions(request.snippets));
  KHABAR_ASSIGN_OR_RETURN(SortOrder order, ParseOrderBy(request.order_by));
  // Listing by filter alone: newest first unless asked otherwise.
  if (absl::StripAsciiWhitespace(request.query).empty() && request.order_by.empty() &&
      !absl::StripAsciiWhitespace(request.filter).empty()) {
    order = SortOrder::kPublishedTimeDesc;
  }
  KHABAR_ASSIGN_OR_RETURN(std::vector<FacetField> facets, ParseFacetFields(request.facets));
  KHABAR_ASSIGN_OR_RETURN(std::optional<RecencyBoost> recency, ResolveRecency(request.recency));
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
  const std::string token_scope = TokenScope(request, msm, order, recency);
  KHABAR_ASSIGN_OR_RETURN(const PageToken token, PagePosition(request.page_token, token_scope));

  SearchRequest req;
  req.query = request.query;
  req.offset = token.offset;
  req.limit = static_cast<size_t>(page_size);
  req.collapse_duplicates = request.collapse_duplicates;
  req.default_operator = request.default_operator;
  req.minimum_should_match = msm;
  req.explain = request.explain;
  req.query_syntax = request.query_syntax;
  req.filter = request.filter;
  req.order_by = order;
  req.facets = std::move(facets);
  req.recency = recency;
  req.typo = typo;
  req.exact_total_hits = request.exact_total_hits;

  // Held to the end of this call: every pointer below points into it.
  const std::shared_ptr<const index::IndexSnapshot> snapshot = PinnedOrCurrent(token.generation);
  absl::StatusOr<SearchResult> result = search::Search(*snapshot, req, options_.bm25,
                                                       options_.search_limits);
  if (!result.ok()) return result.status();
  return MakePage(snapshot, *std::move(result), token.offset, request.highlight, request.snippets,
                  token_scope);
}

Page Engine::MakePage(const std::shared_ptr<const index::IndexSnapshot>& snapshot,
                      SearchResult result, uint64_t offset, bool highlight,
                      const SnippetOptions& snippets, absl::string_view token_scope) const {
  const index::IndexSnapshot& index = *snapshot;
  Page page;
  page.total_hits = result.total_hits;
  page.total_hits_exact = result.total_hits_exact;
  page.terms = std::move(result.terms);
  page.parsed_query = std::move(result.parsed_query);
  page.facets = std::move(result.facets);
  std::vector<HighlightTerm> highlight_terms;
  if (highlight) highlight_terms = HighlightTerms(index, result.words);
  page.hits.reserve(result.hits.size());
  int32_t rank = static_cast<int32_t>(offset);
  for (Hit& hit : result.hits) {
    PageHit& out = page.hits.emplace_back();
    out.document = index.document_ptr(hit.doc);
    const index::Document& doc = *out.document;
    out.id = doc.id;
    out.title = doc.title;
    out.source = doc.source;
    out.url = doc.url;
    out.category = doc.category;
    out.published_time = doc.published_time;
    out.score = hit.score;
    out.rank = ++rank;
    out.cluster_id = index.cluster_id(hit.doc);
    out.duplicate_count = hit.duplicate_count;
    out.explanation = std::move(hit.explanation);
    if (highlight) {
      DocumentHighlights h = MakeSnippets(analyzer_, doc, highlight_terms, snippets);
      out.snippets = std::move(h.snippets);
      out.title_highlights = std::move(h.title_highlights);
    }
  }
  const uint64_t next = offset + result.hits.size();
  // Pruning starts only once the page is full, and a lower bound cannot
  // tell whether more follow it: offer the next page.
  const bool more = next < static_cast<uint64_t>(result.total_hits) || !result.total_hits_exact;
  if (!result.hits.empty() && more) {
    page.next_page_token =
        EncodePageToken({.offset = next, .generation = snapshot->generation()}, token_scope);
    Pin(snapshot);
  }
  return page;
}

absl::StatusOr<std::vector<Suggestion>> Engine::Suggest(const SuggestRequest& request) const {
  const std::shared_ptr<const index::IndexSnapshot> snapshot = index_.snapshot();
  return search::Suggest(*snapshot, request, options_.suggest);
}

absl::StatusOr<Page> Engine::MoreLikeThis(const MoreLikeThisPageRequest& request) const {
  if (request.id.empty()) return absl::InvalidArgumentError("id is empty: name the article");
  KHABAR_ASSIGN_OR_RETURN(const int32_t page_size, PageSize(request.page_size));
  if (request.highlight) KHABAR_RETURN_IF_ERROR(ValidateSnippetOptions(request.snippets));
  // Bound to the article and the flag that changes the list ("\0" cannot
  // start a query, so these never pass for a search's tokens).
  std::string token_scope = absl::StrCat(absl::string_view("\0", 1), "more_like_this=", request.id);
  if (request.collapse_duplicates) {
    absl::StrAppend(&token_scope, absl::string_view("\0", 1), "collapse_duplicates");
  }
  KHABAR_ASSIGN_OR_RETURN(const PageToken token, PagePosition(request.page_token, token_scope));

  const std::shared_ptr<const index::IndexSnapshot> snapshot = PinnedOrCurrent(token.generation);
  const std::optional<index::DocId> doc = snapshot->FindDocId(request.id);
  if (!doc.has_value()) {
    return absl::NotFoundError(absl::StrCat("no article with id \"", request.id, "\""));
  }
  RankOptions rank;
  rank.offset = token.offset;
  rank.limit = static_cast<size_t>(page_size);
  rank.collapse_duplicates = request.collapse_duplicates;
  rank.explain = request.explain;
  absl::StatusOr<SearchResult> result =
      search::MoreLikeThis(*snapshot, *doc, rank, options_.more_like_this, options_.bm25);
  if (!result.ok()) return result.status();
  return MakePage(snapshot, *std::move(result), token.offset, request.highlight, request.snippets,
                  token_scope);
}

absl::StatusOr<std::string> Engine::GetPayload(absl::string_view id) const {
  if (id.empty()) return absl::InvalidArgumentError("id is empty");
  const std::shared_ptr<const index::IndexSnapshot> snapshot = index_.snapshot();
  const index::Document* doc = snapshot->Find(id);
  if (doc == nullptr) return absl::NotFoundError(absl::StrCat("no article with id \"", id, "\""));
  return doc->payload;
}

absl::StatusOr<Engine::StoredArticle> Engine::GetArticle(absl::string_view id) const {
  if (id.empty()) return absl::InvalidArgumentError("id is empty");
  const std::shared_ptr<const index::IndexSnapshot> snapshot = index_.snapshot();
  const std::optional<index::DocId> doc = snapshot->FindDocId(id);
  if (!doc) return absl::NotFoundError(absl::StrCat("no article with id \"", id, "\""));
  return StoredArticle{snapshot->document(*doc).payload, snapshot->cluster_id(*doc)};
}

EngineStats Engine::Stats() const {
  const std::shared_ptr<const index::IndexSnapshot> snapshot = index_.snapshot();
  EngineStats s;
  s.index = snapshot->Stats();
  s.generation = snapshot->generation();
  s.created = created_.load();
  s.updated = updated_.load();
  s.unchanged = unchanged_.load();
  s.rejected = rejected_.load();
  std::lock_guard<std::mutex> lock(pins_mu_);
  s.pinned_snapshots = static_cast<int64_t>(pins_.size());
  return s;
}

std::vector<std::string> Engine::LivePayloads() const {
  const std::shared_ptr<const index::IndexSnapshot> snapshot = index_.snapshot();
  std::vector<std::string> out;
  out.reserve(static_cast<size_t>(snapshot->live_documents()));
  for (index::DocId d = 0; d < snapshot->doc_id_limit(); ++d) {
    if (snapshot->is_live(d)) out.push_back(snapshot->document(d).payload);
  }
  return out;
}

}  // namespace khabar::search
