// File: inverted_index.h
// -----------------------------------------------------------------------------
// The writer side of the in-memory inverted index: for every term, the
// documents that contain it with a frequency per field (title, body); for
// every document, its field lengths and stored record. Writes go to a pending
// segment; Publish() seals it and publishes an immutable IndexSnapshot
// (index_snapshot.h) that searches read without locks. Upserts by id with a
// content hash make re-ingest idempotent; a changed article replaces the old
// version (the old doc id becomes a tombstone that searches skip). Each
// document also gets a near-duplicate cluster (near_duplicates.h): syndicated
// copies of one story share a cluster id, which searches can collapse on.
//
//   analysis::Analyzer analyzer;
//   index::InvertedIndex idx(&analyzer);
//   absl::StatusOr<index::UpsertOutcome> r = idx.Upsert(std::move(doc));
//   std::shared_ptr<const index::IndexSnapshot> s = idx.Publish();
//   index::PostingsRef pl = s->Postings("انفيديا");
//
// One writer thread at a time; any number of threads may hold snapshots.
#ifndef KHABAR_QUERY_SERVICE_INDEX_INVERTED_INDEX_H_
#define KHABAR_QUERY_SERVICE_INDEX_INVERTED_INDEX_H_

#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <utility>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "absl/container/btree_set.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
#include "absl/functional/function_ref.h"
#include "absl/types/span.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "query_service/analysis/analyzer.h"
#include "query_service/index/index_snapshot.h"
#include "query_service/index/near_duplicates.h"

namespace khabar::index {

enum class UpsertOutcome { kCreated, kUpdated, kUnchanged };

struct IndexLimits {
  uint32_t lead_tokens = 40;
  size_t max_id_bytes = 512;
  size_t max_document_bytes = 16 << 20;
  // The BM25F b and weights the skip records' block impacts assume: the
  // engine's scoring options (posting_codec.h, ImpactBasis).
  ImpactBasis impacts;
};

// When segments are merged (docs/index-snapshots.md): a segment's level is
// floor(log_{merge_factor}(docs / min_segment_docs)); when `merge_factor`
// adjacent segments share a level they become one segment of the next level
// (level 0 also waits for merge_factor * min_segment_docs documents, or
// twice as many segments). So an index of N documents has
// O(merge_factor * log N) segments and each document is rewritten O(log N)
// times.
struct MergePolicy {
  uint32_t merge_factor = 10;
  uint32_t min_segment_docs = 256;
  // Merge on a background thread (the writer and readers go on meanwhile);
  // false: merge inside Publish(), deterministic, for tests and batch tools.
  bool background = true;
  // Publish() cuts the documents upserted since the last publish into up to
  // this many segments (at least kMinDocsPerBuild documents each) and
  // builds them on as many threads.
  uint32_t build_threads = 1;
  // The background merge thread lowers its priority by this nice value.
  int nice = 0;
  static constexpr size_t kMinDocsPerBuild = 64;
};

// A document analysed for indexing, before it gets a doc id: what
// InvertedIndex::Analyze computes (thread-safe, the costly part) and
// Upsert(AnalyzedDocument) commits (the writer's part).
struct AnalyzedDocument {
  Document doc;
  absl::Status status;  // a validation error: the document is rejected
  bool analyzed = false;  // false: only validated (Upsert analyses it if needed)
  DocInfo info;           // lengths and fingerprint; cluster not yet set
  DocumentTerms terms;  // stems and exact keys
};

class InvertedIndex {
 public:
  // `analyzer` is not owned and must outlive the index.
  explicit InvertedIndex(const analysis::Analyzer* analyzer, IndexLimits limits = {},
                         NearDuplicateOptions near_duplicates = {}, MergePolicy merge = {});
  ~InvertedIndex();
  InvertedIndex(const InvertedIndex&) = delete;
  InvertedIndex& operator=(const InvertedIndex&) = delete;

  // Writer API: one thread at a time (the owner serializes writers). Upsert
  // and Delete change the pending state; Publish() makes it visible.

  // Indexes `doc`, replacing any live document with the same id, and puts it
  // in the cluster of its nearest live near-duplicate, or in a new cluster
  // named after its own id. The new version of an updated document is matched
  // without its old version, so an edit can move it out of its cluster.
  // InvalidArgument (naming the field) for an empty or oversized id, invalid
  // UTF-8, or a document with no text.
  absl::StatusOr<UpsertOutcome> Upsert(Document doc);

  // The thread-safe half of Upsert: validation and analysis, callable from
  // any thread while the writer works (Engine analyses a batch on all
  // cores, then commits it in order). `analyze` false: validate only.
  AnalyzedDocument Analyze(Document doc, bool analyze = true) const;
  // The writer's half: commits `doc` (analysing it first if it was not).
  absl::StatusOr<UpsertOutcome> Upsert(AnalyzedDocument doc);

  // Whether a live document has `doc`'s id and its (non-empty) content hash:
  // a re-ingest, which Analyze need not analyse. Any thread, beside the
  // writer (Upsert checks again when it commits).
  bool IsUnchanged(const Document& doc) const;

  // Deletes the live document with `id`; false when there is none.
  bool Delete(absl::string_view id);

  // Seals the documents upserted since the last publish into a segment and
  // publishes a snapshot with them and every delete so far; returns it. Then
  // merges segments as the MergePolicy says (in the background, publishing
  // again when a merge is done).
  std::shared_ptr<const IndexSnapshot> Publish();

  // The last published snapshot. Thread-safe; never waits for the writer.
  std::shared_ptr<const IndexSnapshot> snapshot() const;

  // Blocks until no merge is running or due (tests, benchmarks).
  void WaitForMerges();
  // Publishes, then merges every segment into one (what Lucene's
  // forceMerge(1) does; benchmarks and batch tools). Searches keep running.
  // Cancels a background merge under way and starts no other (nor merges
  // inside this Publish): their segments are in the one merge, cut over the
  // indexing threads. The writer's call, like Publish (one at a time).
  void ForceMerge();

  // The current state, publishing pending changes first: the reader API for
  // single-threaded use (tests, tools). Valid until the next write.
  const IndexSnapshot& reader();

  // Shorthands for reader().X, for single-threaded use.
  PostingsRef Postings(absl::string_view term) { return reader().Postings(term); }
  const Document* Find(absl::string_view id) { return reader().Find(id); }
  std::optional<DocId> FindDocId(absl::string_view id) { return reader().FindDocId(id); }
  const DocInfo& info(DocId doc) { return reader().info(doc); }
  bool is_live(DocId doc) { return reader().is_live(doc); }
  const std::string& cluster_id(DocId doc) { return reader().cluster_id(doc); }
  double average_length(Field field) { return reader().average_length(field); }
  const Document& document(DocId doc) { return reader().document(doc); }
  DocId doc_id_limit() { return reader().doc_id_limit(); }
  ClusterId cluster(DocId doc) { return reader().cluster(doc); }
  void ForEachTermWithPrefix(absl::string_view prefix,
                             absl::FunctionRef<bool(absl::string_view, int64_t)> visit) {
    reader().ForEachTermWithPrefix(prefix, visit);
  }
  int64_t live_documents() const { return live_documents_; }
  IndexStats Stats() { return reader().Stats(); }

  const analysis::Analyzer& analyzer() const { return *analyzer_; }

 private:
  absl::Status Validate(const Document& doc) const;
  void Tombstone(DocId doc);
  // Interns a new cluster named `name` (or "<name>#<n>" if a live cluster
  // has that name) with no members yet.
  ClusterId NewCluster(absl::string_view name);
  // Publishes a snapshot of the writer state. REQUIRES mu_.
  std::shared_ptr<const IndexSnapshot> PublishLocked();
  // The newest segments that should be merged now, or an empty range.
  // REQUIRES mu_.
  std::pair<size_t, size_t> MergeCandidates() const;
  void MergeLoop();
  // Makes `s` the published snapshot, retiring the previous one (above).
  void ReplacePublishedLocked(std::shared_ptr<const IndexSnapshot> s);
  // Runs one due merge, if any; false when none was due.
  bool MergeOnce(bool all = false);

  const analysis::Analyzer* analyzer_;
  const IndexLimits limits_;
  const NearDuplicateOptions near_options_;
  const MergePolicy merge_;
  uint32_t build_threads() const { return std::max<uint32_t>(merge_.build_threads, 1); }

  // Writer state (the writer thread only).
  // Documents upserted since the last publish (doc ids from pending_base_
  // on), with their postings, until Publish() builds them into segments.
  struct PendingDocument {
    std::shared_ptr<const Document> doc;
    FieldLengths lengths;
    DocumentTerms terms;
  };
  std::vector<PendingDocument> pending_;
  DocId pending_base_ = 0;
  bool pending_deletes_ = false;
  ChunkedVector<DocInfo> info_;       // by DocId
  ChunkedVector<PackedLengths> lengths_;  // by DocId: info_[doc].length, dense for scoring
  ChunkedVector<uint64_t> deleted_;   // bit per DocId
  ChunkedVector<std::string> cluster_names_;  // by ClusterId; cleared when empty
  struct LiveId {
    DocId doc;
    uint64_t content;  // ContentDigest of its content_hash
  };
  // A live document's content_hash in 8 bytes instead of a string (a
  // "sha256:" hex digest is 71 bytes on the heap): Hash64 of it, never 0;
  // 0 for no hash. Two different hashes sent for one id collide with
  // probability 2^-64.
  static uint64_t ContentDigest(absl::string_view content_hash) {
    if (content_hash.empty()) return 0;
    const uint64_t h = Hash64(content_hash);
    return h == 0 ? 1 : h;
  }
  // `doc` re-sends the live document `live`: a non-empty hash, the same.
  static bool SameContent(const LiveId& live, const Document& doc) {
    return !doc.content_hash.empty() && live.content == ContentDigest(doc.content_hash);
  }
  // Changed by the writer under ids_mu_; read by other threads under it
  // (IsUnchanged), by the writer without it.
  absl::flat_hash_map<std::string, LiveId> live_ids_;
  int64_t live_id_heap_bytes_ = 0;  // live_ids_' keys' bytes past the inline 15
  mutable std::shared_mutex ids_mu_;
  std::shared_ptr<const IndexSnapshot> reader_;  // what reader() last returned
  int64_t live_documents_ = 0;
  std::array<int64_t, kNumFields> live_length_sum_{};
  int64_t token_count_ = 0;
  NearDuplicateTable near_table_;  // fingerprints of live docs
  std::vector<uint32_t> cluster_live_;  // by ClusterId: live members
  // Live clusters, looked up by name: a set of ids hashed and compared
  // through cluster_names_, 4 bytes a slot instead of a second copy of every
  // name (with its heap bytes past 15).
  struct ClusterNameHash {
    using is_transparent = void;
    const ChunkedVector<std::string>* names;
    size_t operator()(absl::string_view name) const { return absl::Hash<absl::string_view>()(name); }
    size_t operator()(ClusterId c) const { return (*this)(absl::string_view((*names)[c])); }
  };
  struct ClusterNameEq {
    using is_transparent = void;
    const ChunkedVector<std::string>* names;
    absl::string_view Name(absl::string_view name) const { return name; }
    absl::string_view Name(ClusterId c) const { return (*names)[c]; }
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      return Name(a) == Name(b);
    }
  };
  absl::flat_hash_set<ClusterId, ClusterNameHash, ClusterNameEq> live_cluster_names_{
      0, ClusterNameHash{&cluster_names_}, ClusterNameEq{&cluster_names_}};
  int64_t live_clusters_ = 0;
  int64_t duplicate_clusters_ = 0;

  // Shared by the writer, the merger and readers of snapshot().
  mutable std::mutex mu_;
  std::condition_variable merge_cv_;
  std::vector<std::shared_ptr<const Segment>> segments_;  // GUARDED_BY(mu_), by base
  std::shared_ptr<const IndexSnapshot> published_;        // GUARDED_BY(mu_)
  uint64_t generation_ = 0;                               // GUARDED_BY(mu_)
  bool merging_ = false;                                  // GUARDED_BY(mu_)
  // Set by ForceMerge: no background merge starts, and the one running stops
  // (MergeSegments reads it off the lock). Written under mu_.
  std::atomic<bool> forcing_{false};
  bool stop_ = false;                                     // GUARDED_BY(mu_)
  // Snapshots replaced as published_, kept until nothing else holds them and
  // then released by the merger: the last holder of a snapshot whose merged-
  // away segments it alone keeps (hundreds of MB at 100k+ documents) frees
  // them, and that must not be a search (nor a search-side lock holder, as
  // Engine's page-token pins were). Background merges only. GUARDED_BY(mu_)
  std::vector<std::shared_ptr<const IndexSnapshot>> retired_;
  std::thread merger_;
};

}  // namespace khabar::index

#endif  // KHABAR_QUERY_SERVICE_INDEX_INVERTED_INDEX_H_
