// File: index_snapshot.h
// -----------------------------------------------------------------------------
// The read side of the index: an immutable snapshot made of immutable
// segments (docs/index-snapshots.md). Searches hold a
// std::shared_ptr<const IndexSnapshot> and read it without any lock while the
// writer (inverted_index.h) indexes the next batch into a new segment and
// publishes the next snapshot.
//
// Doc ids are global and increase with ingest order; a segment holds a
// contiguous range of them, so one term's postings across segments, taken
// in segment order, are already in doc id order (PostingsRef). Merging
// segments keeps doc ids, so deletions -- a bitmap over doc ids -- stay valid
// across merges and a merge never has to reconcile them.
//
//   std::shared_ptr<const IndexSnapshot> s = index.Publish();
//   for (search::PostingCursor c(s->Postings("غزه")); c.doc() != kNoMoreDocs; c.Next()) ...
#ifndef KHABAR_QUERY_SERVICE_INDEX_INDEX_SNAPSHOT_H_
#define KHABAR_QUERY_SERVICE_INDEX_INDEX_SNAPSHOT_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "absl/functional/function_ref.h"
#include "absl/strings/string_view.h"
#include "absl/hash/hash.h"
#include "absl/types/span.h"
#include "query_service/analysis/analyzer.h"
#include "query_service/index/chunked_vector.h"
#include "query_service/index/posting_codec.h"

namespace khabar::index {

// An interned near-duplicate cluster; IndexSnapshot::cluster_id() names it.
using ClusterId = uint32_t;

// Scoring fields. kLead is not stored text of its own: it is the first
// IndexLimits::lead_tokens words of the body, counted a second time, because
// news is written as an inverted pyramid and the lead says what the story is.
enum class Field : uint8_t { kTitle = 0, kBody = 1, kLead = 2 };

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

// Body positions start this far after the title's last position, so a phrase
// or proximity window never spans the two fields.
inline constexpr uint32_t kFieldPositionGap = 64;

// A term's postings in a snapshot: one list per segment holding the term, in
// segment (= doc id) order. Valid while the snapshot is. Read it through
// search::PostingCursor.
struct PostingsRef {
  absl::InlinedVector<PostingList, 2> lists;
  // Postings over all lists, tombstones included.
  int64_t size() const {
    int64_t n = 0;
    for (const PostingList& l : lists) n += l.count;
    return n;
  }
  bool empty() const { return lists.empty(); }
};

using FieldLengths = std::array<uint32_t, kNumFields>;  // tokens per field

// A document's field lengths in 4 bytes instead of 12, for scoring, which
// reads them at random for every candidate (at 200k documents 0.8 MB, which
// a core's L2 holds, against 2.4 MB). A title or lead of 255 tokens or more,
// or a body of 65,535 or more, does not fit: the document is marked (title
// kUnpacked) and its lengths are read from its DocInfo.
struct PackedLengths {
  static constexpr uint8_t kUnpacked = 255;
  static PackedLengths Pack(const FieldLengths& length) {
    const uint32_t title = length[static_cast<int>(Field::kTitle)];
    const uint32_t body = length[static_cast<int>(Field::kBody)];
    const uint32_t lead = length[static_cast<int>(Field::kLead)];
    if (title >= kUnpacked || lead >= kUnpacked || body >= 0xFFFF) return {0, kUnpacked, 0};
    return {static_cast<uint16_t>(body), static_cast<uint8_t>(title), static_cast<uint8_t>(lead)};
  }
  uint16_t body = 0;
  uint8_t title = 0;
  uint8_t lead = 0;
};
static_assert(sizeof(PackedLengths) == 4);

struct DocInfo {
  FieldLengths length{};  // tokens per field
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
  int64_t segments = 0;
};

// Where an index's memory goes (IndexSnapshot::Breakdown; khabar_bench
// reports it): posting lists split into their doc/frequency part (headers,
// skip records, packed blocks) and their positions, for stems and exact keys.
struct MemoryBreakdown {
  struct Lists {
    int64_t terms = 0;
    int64_t postings = 0;
    int64_t posting_bytes = 0;   // headers, skip records, packed gaps and freqs
    int64_t position_bytes = 0;  // the packed positions
  };
  Lists stems;
  Lists exact;
  int64_t dictionary_bytes = 0;    // term bytes, offsets, hash tables
  int64_t stored_text_bytes = 0;   // the documents kept for snippets
  int64_t id_map_bytes = 0;        // article id -> doc id, per segment
  int64_t per_document_bytes = 0;  // DocInfo, lengths, deletions, clusters
  int64_t writer_bytes = 0;        // near-duplicate table, live id map
};

// An immutable run of documents [base, limit) and their postings: the term
// dictionary in a few flat arrays and every posting list compressed in one
// byte stream (posting_codec.h, docs/posting-format.md). Built once (by
// SegmentBuilder from a batch, or by MergeSegments), then only read.
struct Segment : StemLists {
  DocId base = 0;
  DocId limit = 0;
  // Terms in byte order, back to back: term t is
  // term_bytes[term_start[t], term_start[t + 1]).
  std::string term_bytes;
  std::vector<uint32_t> term_start{0};
  std::vector<uint64_t> term_postings;  // where term t's list starts in `postings`
  std::vector<uint8_t> postings;        // padded by kStreamPadding
  std::vector<uint8_t> positions;
  // By doc - base; null for a document deleted before this segment was
  // built by a merge (its postings are gone too).
  std::vector<std::shared_ptr<const Document>> stored;
  // Article id -> doc, for the documents in `stored` (views into their ids).
  absl::flat_hash_map<absl::string_view, DocId> ids;
  // Null entries of `stored` (Seal counts them): documents whose deleted
  // bits are set in the range but whose postings are gone.
  uint32_t dropped = 0;
  // What the skip records' impacts were computed with (posting_codec.h).
  ImpactBasis impact_basis;
  int64_t posting_count = 0;
  int64_t memory_bytes = 0;

  DocId size() const { return limit - base; }
  uint32_t term_count() const { return static_cast<uint32_t>(term_postings.size()); }
  absl::string_view term(uint32_t t) const {
    return absl::string_view(term_bytes).substr(term_start[t], term_start[t + 1] - term_start[t]);
  }
  // Appends a term (in byte order) whose list starts at `offset`.
  void AddTerm(absl::string_view term, uint64_t offset);
  // The postings of term number t.
  PostingList List(uint32_t t) const {
    PostingList list = OpenList(base, postings.data() + term_postings[t], positions.data());
    list.basis = &impact_basis;
    if (list.selection) {
      list.stem = term(t).substr(1 + list.stem_begin, list.stem_size);
      list.stem_lists = this;
    }
    return list;
  }
  PostingList StemList(absl::string_view stem) const override;
  // Postings in term t's list.
  uint32_t ListSize(uint32_t t) const;
  // The number of `term`, or nullopt.
  std::optional<uint32_t> FindTerm(absl::string_view term) const;
  // The postings of `term`, or nullopt.
  std::optional<PostingList> Find(absl::string_view term) const;
  // Find of each of `terms` into `out` (as many), looked up together: each
  // step of a lookup (the hash slot, the term's offsets, its bytes and its
  // list's header, each a cache miss in a large dictionary) is taken for
  // every term before the next step is, its memory prefetched, so that the
  // misses of the lookups overlap instead of following one another.
  void FindMany(absl::Span<const absl::string_view> terms,
                absl::Span<std::optional<PostingList>> out) const;
  // First term >= `term` in byte order (term_count() when none).
  uint32_t LowerBound(absl::string_view term) const;
  // Pads the streams, fills the term hash table, ids and memory_bytes; call
  // once after the rest.
  void Seal();
  // The term dictionary's share of memory_bytes.
  int64_t DictionaryBytes() const;

 private:
  // FindTerm, probing from slot i on.
  std::optional<uint32_t> FindTermFrom(absl::string_view term, size_t i) const;
  // Open addressing over term numbers (UINT32_MAX = empty), linear probing.
  std::vector<uint32_t> slots_;
};

// One document's postings as analysis makes them (InvertedIndex::Analyze,
// on any thread): each distinct term (stem or exact key) with its per-field
// frequencies and its positions, and the key's hash, computed there so the
// writer does not hash every posting again.
struct DocumentTerms {
  struct Term {
    std::string key;
    // Any hash of `key` (equal keys, equal hashes; InvertedIndex::Analyze's
    // is built on Hash64): SegmentBuilder interns by it.
    uint64_t hash = 0;
    std::array<uint32_t, kNumFields> freq{};
    uint32_t pos_begin = 0;  // freq[title] + freq[body] increasing positions from here
    // An exact key's stem: its number in `terms` (the exact key's positions
    // are some of the stem's; the segment stores which), kNone for a stem;
    // and where it starts in the exact key's form.
    static constexpr uint32_t kNone = UINT32_MAX;
    uint32_t stem = kNone;
    uint32_t stem_begin = 0;
  };
  std::vector<Term> terms;
  std::vector<uint32_t> positions;
};

// Turns a run of documents (consecutive doc ids from `base`) into a Segment:
// interns their terms, sorts the terms, then writes every term's list. The
// documents' DocumentTerms are read, not copied: they must outlive Build().
// One builder per thread; several build the parts of a batch in parallel.
class SegmentBuilder {
 public:
  // The impacts of the segment's skip records take `impacts`' b and weights
  // and the segment's own average lengths.
  explicit SegmentBuilder(DocId base, ImpactBasis impacts = {}) : base_(base), impacts_(impacts) {}
  // The document with the next doc id, its field lengths (DocInfo) and its
  // postings (may be null: no postings).
  void AddDocument(std::shared_ptr<const Document> doc, const FieldLengths& lengths,
                   const DocumentTerms* terms);
  // Room for this many documents with this many terms (stems and exact
  // keys, counted per document) in all: no regrowth while adding them.
  void Reserve(size_t documents, size_t terms);
  DocId base() const { return base_; }
  size_t documents() const { return stored_.size(); }
  std::shared_ptr<const Segment> Build();

 private:
  // The number of `key` (first-seen order), adding it if new.
  uint32_t Intern(absl::string_view key, uint64_t hash);

  // A posting, self-contained so the sorted pass reads records in order and
  // only the positions elsewhere.
  struct Record {
    uint32_t term;
    DocId doc;
    std::array<uint32_t, kNumFields> freq;
    // An exact key's: where its stem's positions in the document start, from
    // `positions`; kAll when they are all its own, kStem for a stem. (32
    // bytes a record: millions are sorted per batch.)
    static constexpr int32_t kAll = INT32_MIN, kStem = INT32_MAX;
    int32_t within;
    const uint32_t* positions;  // freq[title] + freq[body] of them
  };
  DocId base_;
  ImpactBasis impacts_;
  absl::string_view key(uint32_t t) const {
    return absl::string_view(key_bytes_).substr(key_start_[t], key_start_[t + 1] - key_start_[t]);
  }
  // Interned terms back to back (copied: the sort and the dictionary then
  // read one compact array, not every document's term objects), their
  // hashes, and an open-addressing table of term numbers (UINT32_MAX = empty).
  std::string key_bytes_;
  std::vector<uint32_t> key_start_{0};
  std::vector<uint64_t> hashes_;
  std::vector<uint32_t> slots_;
  // Per term number: for an exact key, where its stem starts in its form and
  // the stem's size; {0, 0} for a stem.
  std::vector<std::pair<uint32_t, uint32_t>> stem_range_;
  std::vector<Record> records_;
  std::vector<std::shared_ptr<const Document>> stored_;
  std::vector<FieldLengths> lengths_;
};

class IndexSnapshot {
 public:
  // Postings of a normalized term over all segments (empty when none).
  // Includes tombstoned docs.
  PostingsRef Postings(absl::string_view term) const;
  // Postings of each of `terms`, in order, with the segments' lookups made
  // together (Segment::FindMany).
  std::vector<PostingsRef> PostingsOf(absl::Span<const absl::string_view> terms) const;

  // Calls `visit` for every indexed term (stem or exact key) that starts with
  // `prefix`, in byte order, with its postings over all segments (tombstones
  // included). Stops early when `visit` returns false.
  void ForEachTermWithPrefix(
      absl::string_view prefix,
      absl::FunctionRef<bool(absl::string_view term, int64_t postings)> visit) const;

  // The stored document; an empty Document once it was deleted and merged away.
  const Document& document(DocId doc) const;
  // The same, shared: it stays valid after the snapshot is gone.
  std::shared_ptr<const Document> document_ptr(DocId doc) const;
  const DocInfo& info(DocId doc) const { return info_[doc]; }
  // info(doc).length, from a dense array of 4 bytes a document (DocInfo
  // takes 32): scoring reads it for every candidate.
  FieldLengths lengths(DocId doc) const {
    const PackedLengths p = lengths_[doc];
    if (p.title == PackedLengths::kUnpacked) return info_[doc].length;
    FieldLengths l;
    l[static_cast<int>(Field::kTitle)] = p.title;
    l[static_cast<int>(Field::kBody)] = p.body;
    l[static_cast<int>(Field::kLead)] = p.lead;
    return l;
  }
  // Asks the CPU to bring lengths(doc) into the cache: a search's next
  // candidates are known a few postings ahead, and the load otherwise
  // stalls each one's scoring (docs/query-processing.md, "Prefetching").
  void PrefetchLengths(DocId doc) const { __builtin_prefetch(&lengths_[doc]); }
  bool is_live(DocId doc) const { return !((deleted_[doc >> 6] >> (doc & 63)) & 1); }

  // The live document with `id`, or nullptr / nullopt.
  const Document* Find(absl::string_view id) const;
  std::optional<DocId> FindDocId(absl::string_view id) const;

  // The cluster of `doc`: see InvertedIndex. Empty for a tombstoned doc whose
  // cluster has no live member left.
  ClusterId cluster(DocId doc) const { return info_[doc].cluster; }
  const std::string& cluster_id(DocId doc) const { return cluster_names_[info_[doc].cluster]; }

  // Number of doc ids ever assigned (live + tombstoned).
  DocId doc_id_limit() const { return static_cast<DocId>(info_.size()); }
  int64_t live_documents() const { return live_documents_; }
  // Mean length of `field` over live documents (0 when empty).
  double average_length(Field field) const;

  const analysis::Analyzer& analyzer() const { return *analyzer_; }
  // Increases with every publish of the index this snapshot came from.
  uint64_t generation() const { return generation_; }
  size_t segment_count() const { return segments_.size(); }
  const std::vector<std::shared_ptr<const Segment>>& segments() const { return segments_; }

  IndexStats Stats() const;
  // Scans every segment's lists: for benchmarks and diagnostics.
  MemoryBreakdown Breakdown() const;

 private:
  friend class InvertedIndex;
  const Segment* SegmentOf(DocId doc) const;
  // Where doc's stored Document is held, or null (deleted and merged away).
  const std::shared_ptr<const Document>* Stored(DocId doc) const;
  // Memory of the per-document arrays (info, lengths, deletions, clusters).
  int64_t PerDocumentBytes() const;

  const analysis::Analyzer* analyzer_ = nullptr;
  // Fills segment_deleted_ from segments_ and deleted_: per segment, the
  // deleted documents it still holds (their postings are tombstones).
  void CountDeletions();

  std::vector<std::shared_ptr<const Segment>> segments_;  // by base
  std::vector<uint32_t> segment_deleted_;                 // tombstoned docs per segment
  ChunkedVector<DocInfo> info_;                           // by DocId
  ChunkedVector<PackedLengths> lengths_;                  // info_[doc].length, dense
  ChunkedVector<uint64_t> deleted_;                       // bit per DocId
  ChunkedVector<std::string> cluster_names_;              // by ClusterId
  int64_t live_documents_ = 0;
  std::array<int64_t, kNumFields> live_length_sum_{};
  int64_t token_count_ = 0;
  int64_t duplicates_ = 0;
  int64_t duplicate_clusters_ = 0;
  int64_t writer_bytes_ = 0;  // the writer's own tables (near-duplicate table, id map)
  uint64_t generation_ = 0;
};

// Merges `segments` (adjacent, in doc id order) into one, dropping the
// postings and stored text of documents deleted in `deleted` (a bit per doc
// id, as IndexSnapshot keeps it). `lengths` gives the field lengths by doc.
// With `threads` > 1, parts of the term range (of about equal postings bytes)
// are merged on their own threads and appended in term order: the same
// segment, byte for byte, as one thread makes. Once `cancel` (if given) is
// set, stops early and returns null. The skip records' impacts take the
// first input's b and weights and the merged documents' average lengths.
std::shared_ptr<const Segment> MergeSegments(
    absl::Span<const std::shared_ptr<const Segment>> segments,
    const ChunkedVector<uint64_t>& deleted, absl::FunctionRef<FieldLengths(DocId)> lengths,
    int threads = 1, const std::atomic<bool>* cancel = nullptr);

}  // namespace khabar::index

#endif  // KHABAR_QUERY_SERVICE_INDEX_INDEX_SNAPSHOT_H_
