// File: engine.h
// -----------------------------------------------------------------------------
// The query service's domain core: one index, written by one batch at a
// time and read through immutable snapshots (docs/index-snapshots.md), with
// validated paging on top of Search(). Searches never wait for a writer:
// each takes the latest published snapshot and reads it without locks; a
// batch becomes searchable when UpsertBatch() returns. The gRPC layer
// converts protos to these types and back; nothing here knows about gRPC.
//
//   search::Engine engine(search::EngineOptions{});
//   engine.UpsertBatch(std::move(docs));          // published when it returns
//   absl::StatusOr<search::Page> page =
//       engine.Search({.query = "إنفيديا", .page_size = 10});
#ifndef KHABAR_QUERY_SERVICE_SEARCH_ENGINE_H_
#define KHABAR_QUERY_SERVICE_SEARCH_ENGINE_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "query_service/analysis/analyzer.h"
#include "query_service/index/inverted_index.h"
#include "query_service/search/fuzzy.h"
#include "query_service/search/more_like_this.h"
#include "query_service/search/searcher.h"
#include "query_service/search/snippets.h"
#include "query_service/search/suggest.h"

namespace khabar::search {

struct EngineOptions {
  analysis::AnalyzerOptions analyzer;
  index::IndexLimits index_limits;
  index::NearDuplicateOptions near_duplicates;
  Bm25Options bm25;
  SearchLimits search_limits;
  // minimum_should_match when a request gives none (see
  // ParseOptions::minimum_should_match); empty: any one word, the ranking
  // measured in docs/relevance.md.
  std::string default_minimum_should_match = "";
  int32_t default_page_size = 10;
  int32_t max_page_size = 100;
  // A page token pins the snapshot its first page was computed on, so later
  // pages come from the same index state while ingest goes on. Pins live
  // this long after their last use, at most max_pinned_snapshots at a time
  // (oldest dropped first); a token whose snapshot is gone pages on the
  // current index.
  absl::Duration page_token_keepalive = absl::Minutes(5);
  size_t max_pinned_snapshots = 16;
  index::MergePolicy merge_policy;
  // Threads that analyse a batch before it is committed in order, then
  // build its segments (MergePolicy::build_threads); 0 = one per core.
  int indexing_threads = 0;
  // Indexing (analysis, segment builds, background merges) runs this much
  // nicer than the searches, so that queries keep their latency while an
  // ingest stream runs (docs/index-snapshots.md); 0 = the same priority.
  int indexing_nice = 10;
  // Typo tolerance defaults (a request turns it on and may set the word
  // lengths), suggestions and more-like-this.
  TypoOptions typo = {};
  SuggestLimits suggest = {};
  MoreLikeThisOptions more_like_this = {};
};

struct PageRequest {
  std::string query;
  int32_t page_size = 0;  // 0 = default
  std::string page_token;
  // One hit per near-duplicate cluster (SearchRequest.collapse_duplicates).
  bool collapse_duplicates = false;
  // How words without + or - combine, and (with OR) how many must match;
  // empty minimum_should_match: EngineOptions::default_minimum_should_match.
  QueryOperator default_operator = QueryOperator::kOr;
  std::string minimum_should_match = "";
  // Fill PageHit::explanation.
  bool explain = false;
  // How `query` is read: the query language, or a bag of words.
  QuerySyntax query_syntax = QuerySyntax::kFull;
  // Snippets and title highlights for the hits of the page (snippets.h).
  // Computed after ranking, for the returned hits only.
  bool highlight = true;
  SnippetOptions snippets;  // validated by Search(); snippet_words 0 = default
  // Metadata filter (filter.h, docs/filters.md). With a non-empty filter the
  // query may be empty: the articles that pass, newest first by default.
  std::string filter = "";
  // "" or "relevance", "published_time desc", "published_time asc" (ordering.h).
  std::string order_by = "";
  // Fields to count values of over the whole result list: "source", "category".
  std::vector<std::string> facets = {};
  // A recency boost (ordering.h); zero values mean the defaults.
  struct Recency {
    std::string half_life = "";                    // "" = 7d; e.g. "36h", "2w"
    double weight = 0;                             // in [0, 1]; 0 = 0.5
    std::optional<int64_t> origin = std::nullopt;  // Unix seconds; unset = now
  };
  std::optional<Recency> recency = std::nullopt;
  // Typo tolerance for every eligible word (fuzzy.h); word lengths 0 =
  // EngineOptions::typo's.
  bool typo_tolerance = false;
  int32_t one_typo_min_letters = 0;
  int32_t two_typos_min_letters = 0;
  // Count every match (no top-k pruning; SearchLimits::exact_hits_up_to).
  bool exact_total_hits = false;
};

// Related articles (MoreLikeThis): paged like a search.
struct MoreLikeThisPageRequest {
  std::string id;
  int32_t page_size = 0;  // 0 = default
  std::string page_token = "";
  // Leave out the article's near-duplicates too, and fold the others.
  bool collapse_duplicates = false;
  bool explain = false;
  bool highlight = true;
  SnippetOptions snippets = {};
};

struct PageHit {
  // The stored article, which id, title, source, url and category view (no
  // copies: the pointer keeps it alive, also after its snapshot is gone).
  std::shared_ptr<const index::Document> document;
  absl::string_view id;
  absl::string_view title;
  absl::string_view source;
  absl::string_view url;
  absl::string_view category = "";
  int64_t published_time = 0;  // Unix seconds; 0 = unknown
  double score = 0;
  int32_t rank = 0;  // 1-based, over the whole result list
  std::string cluster_id;
  int32_t duplicate_count = 0;  // folded copies, when collapsing
  Explanation explanation;      // with PageRequest::explain
  std::vector<Snippet> snippets;            // with PageRequest.highlight
  std::vector<Highlight> title_highlights;  // over `title`
};

struct Page {
  std::vector<PageHit> hits;
  int64_t total_hits = 0;
  bool total_hits_exact = true;  // false: total_hits is a lower bound
  std::string next_page_token;
  std::vector<std::string> terms;
  std::string parsed_query;  // the query tree's DebugString
  std::vector<FacetResult> facets = {};  // one per PageRequest::facets field
};

struct EngineStats {
  index::IndexStats index;
  uint64_t generation = 0;        // of the current snapshot
  int64_t pinned_snapshots = 0;   // held by page tokens
  int64_t created = 0;
  int64_t updated = 0;
  int64_t unchanged = 0;
  int64_t rejected = 0;
};

class Engine {
 public:
  explicit Engine(EngineOptions options);
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Indexes each document; one result per document, in order. A bad document
  // gets its own error and does not affect the others. ApplyBatch(PrepareBatch(docs)).
  std::vector<absl::StatusOr<index::UpsertOutcome>> UpsertBatch(std::vector<index::Document> docs);

  // A batch analysed for indexing, not yet applied (PrepareBatch).
  class PreparedBatch {
   public:
    size_t size() const { return docs_.size(); }
    // The i-th document's payload, as given.
    const std::string& payload(size_t i) const { return docs_[i].doc.payload; }

   private:
    friend class Engine;
    std::vector<index::AnalyzedDocument> docs_;
  };
  // UpsertBatch in two steps, so that a writer with several batches in hand
  // analyses the next one while the last is applied (docs/index-snapshots.md,
  // "Indexing on every core"). PrepareBatch validates and analyses on the
  // indexing threads and takes no writer lock: any thread, any time.
  // ApplyBatch commits in batch order and publishes, one batch at a time;
  // what it finds changed since the analysis (a document re-sent unchanged,
  // an id upserted in between) it checks again, so the outcome is that of
  // UpsertBatch at the moment ApplyBatch runs.
  PreparedBatch PrepareBatch(std::vector<index::Document> docs) const;
  std::vector<absl::StatusOr<index::UpsertOutcome>> ApplyBatch(PreparedBatch batch);

  // Number of ids that were live and are now deleted; `not_found` gets the rest.
  int64_t Delete(const std::vector<std::string>& ids, std::vector<std::string>* not_found);

  // InvalidArgument for a bad query, page size, page token, snippet options,
  // filter, order_by, facet field, recency boost or typo options.
  absl::StatusOr<Page> Search(const PageRequest& request) const;

  // Completions of a partly typed query (suggest.h).
  absl::StatusOr<std::vector<Suggestion>> Suggest(const SuggestRequest& request) const;

  // Articles related to the live article `request.id` (more_like_this.h):
  // NotFound for an unknown id; InvalidArgument for an empty id or bad paging
  // or snippet options. Page::parsed_query shows the query built from it.
  absl::StatusOr<Page> MoreLikeThis(const MoreLikeThisPageRequest& request) const;

  // The stored payload of the live article `id`; NotFound otherwise.
  absl::StatusOr<std::string> GetPayload(absl::string_view id) const;

  struct StoredArticle {
    std::string payload;     // as indexed
    std::string cluster_id;  // its near-duplicate cluster
  };
  // GetPayload plus what the index derived: NotFound for no live `id`.
  absl::StatusOr<StoredArticle> GetArticle(absl::string_view id) const;

  EngineStats Stats() const;

  // A copy of the payload of every live document of the current snapshot,
  // in doc id (= upsert) order: what a durable snapshot stores.
  std::vector<std::string> LivePayloads() const;

  // The current snapshot: what a search started now would read.
  std::shared_ptr<const index::IndexSnapshot> snapshot() const { return index_.snapshot(); }

  // Blocks until background segment merges are done (tests, benchmarks).
  void WaitForMerges() { index_.WaitForMerges(); }
  // Merges the index into one segment (InvertedIndex::ForceMerge).
  void ForceMerge();

  const EngineOptions& options() const { return options_; }
  // The threads indexing runs on (EngineOptions::indexing_threads, 0 resolved
  // to one per core).
  int indexing_threads() const { return indexing_threads_; }

 private:
  // Page size with its default, or InvalidArgument.
  absl::StatusOr<int32_t> PageSize(int32_t requested) const;
  // The page of `result`, whose hits start at `offset` of the whole list,
  // with snippets when asked and the token of the next page.
  Page MakePage(const std::shared_ptr<const index::IndexSnapshot>& snapshot,
                SearchResult result, uint64_t offset, bool highlight,
                const SnippetOptions& snippets, absl::string_view token_scope) const;

  // Constant after construction.
  const EngineOptions options_;
  const analysis::Analyzer analyzer_;

  // The snapshot `generation` when a page token pinned it and it is still
  // held, else the current one. Pin() keeps `snapshot` for next pages.
  std::shared_ptr<const index::IndexSnapshot> PinnedOrCurrent(uint64_t generation) const;
  void Pin(std::shared_ptr<const index::IndexSnapshot> snapshot) const;

  // Serializes writers (batches, deletes). Readers never take it.
  std::mutex write_mu_;
  const int indexing_threads_;  // before index_: its segments are built on them
  index::InvertedIndex index_;  // writer side: UpsertBatch/Delete under write_mu_
  std::atomic<int64_t> created_{0}, updated_{0}, unchanged_{0}, rejected_{0};

  struct Pinned {
    std::shared_ptr<const index::IndexSnapshot> snapshot;
    absl::Time last_used;
  };
  mutable std::mutex pins_mu_;
  mutable std::map<uint64_t, Pinned> pins_;  // by generation; GUARDED_BY(pins_mu_)
};

}  // namespace khabar::search

#endif  // KHABAR_QUERY_SERVICE_SEARCH_ENGINE_H_
