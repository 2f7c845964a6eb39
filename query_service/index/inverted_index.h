// File: inverted_index.h
// -----------------------------------------------------------------------------
// The in-memory inverted index of the walking skeleton: for every term, the
// documents that contain it with a frequency per field (title, body); for
// every document, its field lengths and stored record. Upserts by id with a
// content hash make re-ingest idempotent; a changed article replaces the old
// version (the old doc id becomes a tombstone that searches skip). Each
// document also gets a near-duplicate cluster (near_duplicates.h): syndicated
// copies of one story share a cluster id, which searches can collapse on.
//
//   analysis::Analyzer analyzer;
//   index::InvertedIndex idx(&analyzer);
//   absl::StatusOr<index::UpsertOutcome> r = idx.Upsert(std::move(doc));
//   const index::PostingList* pl = idx.Postings("انفيديا");
//
// Not thread-safe: the owner serializes writers against readers.
#ifndef KHABAR_QUERY_SERVICE_INDEX_INVERTED_INDEX_H_
#define KHABAR_QUERY_SERVICE_INDEX_INVERTED_INDEX_H_

#include <array>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/btree_set.h"
#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/types/span.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "query_service/analysis/analyzer.h"
#include "query_service/index/near_duplicates.h"

namespace khabar::index {

using DocId = uint32_t;
// An interned near-duplicate cluster; InvertedIndex::cluster_id() names it.
using ClusterId = uint32_t;
inline constexpr DocId kNoMoreDocs = std::numeric_limits<DocId>::max();

// Scoring fields. kLead is not stored text of its own: it is the first
// IndexLimits::lead_tokens words of the body, counted a second time, because
// news is written as an inverted pyramid and the lead says what the story is.
enum class Field : uint8_t { kTitle = 0, kBody = 1, kLead = 2 };
inline constexpr int kNumFields = 3;

// Every token is indexed twice: under its light stem (what plain query words
// match) and under its exact normalized form behind this marker byte (what
// ranks exact matches above stem-only ones, and what quoted phrases match).
// The marker cannot occur in an analyzed term.
inline constexpr char kExactMarker = '\x01';
inline std::string ExactKey(absl::string_view term) {
  std::string key;
  key.reserve(term.size() + 1);
  key += kExactMarker;
  key.append(term.data(), term.size());
  return key;
}

// What the index keeps of an article.
struct Document {
  std::string id;
  std::string title;
  std::vector<std::string> paragraphs;  // headings and body, in order
  std::string content_hash;             // equal hash + equal id => unchanged
  std::string source;
  std::string url;
  std::string payload;  // the full record, opaque to the index (serialized proto)
  // Metadata for filters, facets and sorting (search/filter.h): the editorial
  // category ("" when unknown) and the publication time in Unix seconds (0
  // when unknown).
  std::string category = "";
  int64_t published_time = 0;
};

enum class UpsertOutcome { kCreated, kUpdated, kUnchanged };

// Body positions start this far after the title's last position, so a phrase
// or proximity window never spans the two fields.
inline constexpr uint32_t kFieldPositionGap = 64;

// Documents containing one term, in increasing doc id order, with the term's
// frequency per field and its positions (title first, then body; see
// kFieldPositionGap) in each document.
struct PostingList {
  std::vector<DocId> docs;
  std::array<std::vector<uint32_t>, kNumFields> freqs;  // parallel to docs
  std::vector<uint32_t> position_starts;                // parallel to docs
  std::vector<uint32_t> positions;                      // all docs, concatenated

  // Positions of the term in docs[i], increasing.
  absl::Span<const uint32_t> PositionsAt(size_t i) const {
    const size_t begin = position_starts[i];
    const size_t end = i + 1 < position_starts.size() ? position_starts[i + 1] : positions.size();
    return absl::Span<const uint32_t>(positions.data() + begin, end - begin);
  }
};

struct DocInfo {
  std::array<uint32_t, kNumFields> length{};  // tokens per field
  bool deleted = false;
  // False for documents too short to fingerprint (NearDuplicateOptions::
  // min_shingles) or with near-duplicate detection off: they are alone in
  // their cluster.
  bool fingerprinted = false;
  uint64_t fingerprint = 0;  // SimHash of title + body shingles
  ClusterId cluster = 0;
};

struct IndexStats {
  int64_t live_documents = 0;
  int64_t terms = 0;
  int64_t postings = 0;
  int64_t tokens = 0;
  int64_t memory_bytes = 0;
  // Live documents that are near-duplicates of an earlier one: live
  // documents minus live clusters.
  int64_t duplicates = 0;
  // Live clusters with two or more live members.
  int64_t duplicate_clusters = 0;
};

struct IndexLimits {
  uint32_t lead_tokens = 40;
  size_t max_id_bytes = 512;
  size_t max_document_bytes = 16 << 20;
};

class InvertedIndex {
 public:
  // `analyzer` is not owned and must outlive the index.
  explicit InvertedIndex(const analysis::Analyzer* analyzer, IndexLimits limits = {},
                         NearDuplicateOptions near_duplicates = {});
  InvertedIndex(const InvertedIndex&) = delete;
  InvertedIndex& operator=(const InvertedIndex&) = delete;

  // Indexes `doc`, replacing any live document with the same id, and puts it
  // in the cluster of its nearest live near-duplicate, or in a new cluster
  // named after its own id. The new version of an updated document is matched
  // without its old version, so an edit can move it out of its cluster.
  // InvalidArgument (naming the field) for an empty or oversized id, invalid
  // UTF-8, or a document with no text.
  absl::StatusOr<UpsertOutcome> Upsert(Document doc);

  // Deletes the live document with `id`; false when there is none.
  bool Delete(absl::string_view id);

  // The live document with `id`, or nullptr. Valid until the next write.
  const Document* Find(absl::string_view id) const;
  // The DocId of the live document with `id`, or nullopt.
  std::optional<DocId> FindDocId(absl::string_view id) const;

  // Postings of a normalized term, or nullptr. Includes tombstoned docs.
  const PostingList* Postings(absl::string_view term) const;

  // Calls `visit` for every indexed term (stem or exact key) that starts with
  // `prefix`, in byte order: a range scan of the sorted term dictionary. Terms
  // whose documents were all deleted are still visited (their postings keep
  // the tombstones). Stops early when `visit` returns false.
  void ForEachTermWithPrefix(
      absl::string_view prefix,
      absl::FunctionRef<bool(absl::string_view term, const PostingList& postings)> visit) const;

  const Document& document(DocId doc) const { return *docs_[doc]; }
  const DocInfo& info(DocId doc) const { return info_[doc]; }
  bool is_live(DocId doc) const { return !info_[doc].deleted; }

  // The cluster of `doc`: the article id of the first-indexed member, which
  // stays the cluster's name after that member is deleted or edited away
  // (when the edited version then starts a cluster of its own, that one is
  // named "<id>#<n>" so that live cluster names stay unique). Empty for a
  // tombstoned doc whose cluster has no live member left.
  ClusterId cluster(DocId doc) const { return info_[doc].cluster; }
  const std::string& cluster_id(DocId doc) const { return cluster_names_[info_[doc].cluster]; }

  // Number of doc ids ever assigned (live + tombstoned).
  DocId doc_id_limit() const { return static_cast<DocId>(docs_.size()); }
  int64_t live_documents() const { return live_documents_; }
  // Mean length of `field` over live documents (0 when empty).
  double average_length(Field field) const;

  const analysis::Analyzer& analyzer() const { return *analyzer_; }
  IndexStats Stats() const;

 private:
  absl::Status Validate(const Document& doc) const;
  void Tombstone(DocId doc);
  // Interns a new cluster named `name` (or "<name>#<n>" if a live cluster
  // has that name) with no members yet.
  ClusterId NewCluster(absl::string_view name);

  const analysis::Analyzer* analyzer_;
  const IndexLimits limits_;
  const NearDuplicateOptions near_options_;

  absl::flat_hash_map<std::string, PostingList> postings_;
  // The keys of postings_ in byte order (prefix expansion is a range scan).
  absl::btree_set<std::string> sorted_terms_;
  std::vector<std::unique_ptr<Document>> docs_;  // by DocId; null once tombstoned
  std::vector<DocInfo> info_;                    // by DocId
  absl::flat_hash_map<std::string, DocId> live_ids_;
  int64_t live_documents_ = 0;
  std::array<int64_t, kNumFields> live_length_sum_{};
  int64_t posting_count_ = 0;
  int64_t token_count_ = 0;
  int64_t stored_bytes_ = 0;

  // Near-duplicate clusters.
  NearDuplicateTable near_table_;                  // fingerprints of live docs
  std::vector<std::string> cluster_names_;         // by ClusterId; cleared when empty
  std::vector<uint32_t> cluster_live_;             // by ClusterId: live members
  absl::flat_hash_map<std::string, ClusterId> live_cluster_names_;
  int64_t live_clusters_ = 0;
  int64_t duplicate_clusters_ = 0;
};

}  // namespace khabar::index

#endif  // KHABAR_QUERY_SERVICE_INDEX_INVERTED_INDEX_H_
