// File: posting_codec.h
// -----------------------------------------------------------------------------
// The compressed posting list format of a Segment (docs/posting-format.md):
// postings in blocks of kBlockSize, doc-id gaps and the three per-field
// frequencies bit-packed per block (each with its own bit width), positions
// in a separate stream, bit-packed per block too, and for lists longer than
// one block a skip entry per block (its last doc, where it starts, and the
// per-field maximum frequency and minimum field length its documents have,
// and its largest body + lead share of BM25F at the segment's ImpactBasis,
// which bound the block's BM25F score: block-max pruning).
//
//   PostingListWriter w(&segment.postings, &segment.positions);
//   w.Add(doc, freqs, positions, lengths); ...; uint64_t at = w.Finish(base);
//   for (ListCursor c(segment.List(t)); c.doc() != kNoMoreDocs; c.Next()) ...
//
// Layout of one list at `postings[offset]`:
//   varint count * 2 + (1 for a selection list, below), varint positions
//   offset (into the positions stream), for a selection list two varints:
//   where its stem starts in the exact key's form, and its size in bytes,
//   if count > kBlockSize: one float per rank of kFloorRanks that count
//   reaches (the list's score floors, below), then ceil(count / kBlockSize)
//   BlockSkip records; then the blocks: 4 bit widths (gap, title, body, lead), then the packed
//   gaps (doc - previous doc - 1; the first doc of a list counts from the
//   segment base), then the three packed frequency arrays.
// Positions of a block, in the positions stream: one bit width, then its
// postings' freq(title) + freq(body) position deltas packed at that width
// (per posting the first position absolute, the others as increases; the
// block's frequencies tell where each posting's start). A block whose
// postings have no position has only the width byte (0).
// A selection list (an exact form's: its occurrences are some of its stem's,
// in the same segment) stores for each posting not positions but which of
// the stem's occurrences in the document are its own: nothing when all of
// them are (most postings), else their indices among the stem's positions
// (the first absolute, the others as increases). Its block: a byte with the
// width, plus 0x80 when some posting stores indices; then, if so, a bitmap
// of the postings that do (bit i of byte i / 8), and their indices packed.
#ifndef KHABAR_QUERY_SERVICE_INDEX_POSTING_CODEC_H_
#define KHABAR_QUERY_SERVICE_INDEX_POSTING_CODEC_H_

#include <algorithm>
#include <array>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace khabar::index {

using DocId = uint32_t;
inline constexpr DocId kNoMoreDocs = std::numeric_limits<DocId>::max();
inline constexpr int kNumFields = 3;
inline constexpr uint32_t kBlockSize = 128;
// Bytes readable past the end of a postings stream (the unpacker reads 8
// bytes at a time).
inline constexpr size_t kStreamPadding = 8;

// What bounds a block's score: per field, the largest frequency and the
// smallest field length among its postings. 0xFFFF in max_freq means "too
// large to store": no bound. min_length saturates at 0xFFFF (a smaller
// length only loosens the bound).
struct BlockBound {
  std::array<uint16_t, kNumFields> max_freq{};
  std::array<uint16_t, kNumFields> min_length{};
  bool bounded() const {
    for (uint16_t f : max_freq) {
      if (f == 0xFFFF) return false;
    }
    return true;
  }
};

// The ranks whose score floor a list of more than one block stores, when
// it has that many postings: a body + lead share of the BM25F
// pseudo-frequency that r of its postings reach, at the segment's
// ImpactBasis (rounded down; 0 when unknown): for a list of fewer than
// kFloorRanks[0] blocks the r-th largest share, for a longer one the r-th
// largest of its blocks' largest shares (one posting each: cheaper to find,
// seldom much lower; 0 with fewer than r blocks). A top-k search starts its
// threshold from the floor of the smallest rank >= k
// (docs/query-processing.md, "Score floors"); a list of one block is scored
// whole at query time instead.
inline constexpr std::array<uint32_t, 2> kFloorRanks = {10, 100};

// What a segment's block impacts (BlockSkip::body_lead_max) were computed
// with: the body's and the lead's BM25F length normalisation b and weight, as
// the engine scores by default (search::Bm25Options; a test keeps the two
// defaults equal), and the segment's own average field lengths (over the
// batch's documents when built, its live ones when merged; at least 1). A
// search with other averages or weights rescales the impacts (ImpactScale in
// search/scoring.h); with another b it cannot use them.
// docs/posting-format.md, "Block impacts".
struct ImpactBasis {
  double body_b = 0.85;
  double lead_b = 0.85;
  double body_weight = 1.0;
  double lead_weight = 1.0;
  double body_avg = 1.0;
  double lead_avg = 1.0;
};

// The skip record of one block of a multi-block list.
struct BlockSkip {
  DocId last_doc;
  uint32_t bytes;      // block start, from the end of the list's skip records
  uint32_t positions;  // its positions' first byte, from the list's positions offset
  BlockBound bound;
  // The block's largest body + lead share of the BM25F pseudo-frequency, at
  // the segment's ImpactBasis (rounded up): one posting's body and lead
  // together, where `bound` pairs the largest frequency with the shortest
  // length of possibly different postings. 0 when no posting has either;
  // infinite when unknown (a list written without norms).
  float body_lead_max;
};
static_assert(sizeof(BlockSkip) == 28);

// Bit-packs n values of `width` bits (each < 2^width) and appends them.
void PackBits(const uint32_t* values, uint32_t n, uint32_t width, std::vector<uint8_t>* out);
inline size_t PackedBytes(uint32_t n, uint32_t width) { return (size_t{n} * width + 7) / 8; }
// Unpacks n values; `in` must have kStreamPadding readable bytes past the data.
// Widths are specialised (UnpackFixed): with the width a constant, each group
// of eight values is W whole bytes and every shift is known at compile time.
namespace internal {
// The j-th value of W bits from `in`.
template <uint32_t W>
inline uint32_t UnpackOne(const uint8_t* in, uint32_t j) {
  uint64_t word;
  std::memcpy(&word, in + (j * W >> 3), sizeof(word));
  return static_cast<uint32_t>((word >> ((j * W) & 7)) & ((uint64_t{1} << W) - 1));
}
template <uint32_t W>
void UnpackFixed(const uint8_t* in, uint32_t n, uint32_t* out) {
  uint32_t i = 0;
  for (; i + 8 <= n; i += 8, in += W) {
    for (uint32_t j = 0; j < 8; ++j) out[i + j] = UnpackOne<W>(in, j);
  }
  for (uint32_t j = 0; i < n; ++i, ++j) out[i] = UnpackOne<W>(in, j);
}
using UnpackFn = void (*)(const uint8_t*, uint32_t, uint32_t*);
extern const std::array<UnpackFn, 33> kUnpackByWidth;  // by width, scalar
// Widths 1-25 eight values at a time with AVX2 (the same results; the
// scalar one for other widths). REQUIRES HaveAvx2() to call.
extern const std::array<UnpackFn, 33> kUnpackAvx2ByWidth;
// What UnpackBits calls: kUnpackAvx2ByWidth where the CPU has AVX2, else
// kUnpackByWidth (chosen once, at start-up).
extern std::array<UnpackFn, 33> kUnpack;

// A block's doc ids from its unpacked gaps, in place: values[i] becomes
// previous + (values[0] + 1) + ... + (values[i] + 1), modulo 2^32 (a list
// based at doc 0 starts from previous = 2^32 - 1).
// GapsToDocsAvx2 (REQUIRES HaveAvx2()) where the CPU has AVX2, eight
// lanes at a time; else GapsToDocsSse2, four (in-process A/B at 200k
// against the SSE2 one: AND p50 -2%, p99 -2.5%; one-word p50 -0.7%).
void GapsToDocs(uint32_t* values, uint32_t n, DocId previous);
void GapsToDocsAvx2(uint32_t* values, uint32_t n, DocId previous);
void GapsToDocsSse2(uint32_t* values, uint32_t n, DocId previous);

// A block cursor's search for the first doc >= target among its sorted
// docs, from index `from` on. REQUIRES: docs[from - 1] < target (when from
// > 0) and docs[n - 1] >= target.
//  - FirstAtLeast: a branch-free binary search over [from, n).
//  - FirstAtLeastAvx2 (REQUIRES HaveAvx2(); docs padded with kNoMoreDocs
//    from n to a multiple of kSearchGroup): reads the docs kSearchGroup at
//    a time from `from` rounded down, and stops at the first group holding
//    a doc >= target; its count of docs below target is the answer. A
//    conjunction's advances are mostly short hops: against the binary
//    search, khabar_bench's AND queries at 50k took 13% less time (median).
inline constexpr uint32_t kSearchGroup = 32;
uint32_t FirstAtLeast(const uint32_t* docs, uint32_t from, uint32_t n, uint32_t target);
uint32_t FirstAtLeastAvx2(const uint32_t* docs, uint32_t from, uint32_t target);
bool HaveAvx2();
// HaveAvx2(), read once at start-up (for code run per posting or per block;
// not for other static initializers).
extern const bool kHaveAvx2;
}  // namespace internal

inline void UnpackBits(const uint8_t* in, uint32_t n, uint32_t width, uint32_t* out) {
  if (width == 0) {
    std::fill_n(out, n, 0u);  // (memset would be given a null `out` for n = 0)
    return;
  }
  assert(width <= 32);
  internal::kUnpack[width](in, n, out);
}
void PutVarint(uint64_t v, std::vector<uint8_t>* out);
inline const uint8_t* GetVarint(const uint8_t* p, uint64_t* v) {
  uint64_t r = 0;
  for (int shift = 0;; shift += 7) {
    const uint8_t b = *p++;
    r |= static_cast<uint64_t>(b & 0x7F) << shift;
    if (b < 0x80) break;
  }
  *v = r;
  return p;
}

struct PostingList;
// Where a selection list finds its stem's list: its segment (Segment).
class StemLists {
 public:
  // The list of `stem` (REQUIRES: the segment has it).
  virtual PostingList StemList(absl::string_view stem) const = 0;

 protected:
  ~StemLists() = default;
};

// One segment's postings of one term (a view into the segment's streams:
// valid while the segment is). Read it with ListCursor.
struct PostingList {
  DocId base = 0;   // the segment's first doc id
  uint32_t count = 0;
  const uint8_t* skips = nullptr;  // BlockSkip records (unaligned), or null
  const uint8_t* blocks = nullptr;
  const uint8_t* positions = nullptr;
  // The basis of the skip records' impacts (the segment's; null when the
  // list was opened without its segment).
  const ImpactBasis* basis = nullptr;
  // A selection list (see the layout above) reads its positions through its
  // stem's list in the same segment: where the stem is in the exact key's
  // form (from the header), and, set by Segment::List, the stem and the
  // segment to find its list in.
  absl::string_view stem;
  const StemLists* stem_lists = nullptr;
  uint32_t stem_begin = 0;
  uint32_t stem_size = 0;
  bool selection = false;
  // False when some document of the segment is deleted (IndexSnapshot sets
  // it): then the list may hold tombstones.
  bool all_live = false;
  // Per rank of kFloorRanks: at least that many postings have a body + lead
  // share of at least this, at `basis` (0: unknown, or fewer postings).
  std::array<float, kFloorRanks.size()> floor_share{};
  uint32_t block_count() const { return (count + kBlockSize - 1) / kBlockSize; }
  BlockSkip skip(uint32_t b) const {
    BlockSkip s;
    std::memcpy(&s, skips + size_t{b} * sizeof(BlockSkip), sizeof(BlockSkip));
    return s;
  }
  // Block b's last doc (REQUIRES skips): the skip record's first field.
  DocId last_doc(uint32_t b) const {
    DocId d;
    std::memcpy(&d, skips + size_t{b} * sizeof(BlockSkip) + offsetof(BlockSkip, last_doc), sizeof(d));
    return d;
  }
  // The first block from `from` on whose last doc is >= target
  // (block_count() if none; REQUIRES skips). Galloping from `from` (1, 2, 4,
  // ... blocks ahead), then a binary search: cursors and pruning windows
  // move forward a few blocks at a time.
  uint32_t FirstBlockReaching(DocId target, uint32_t from = 0) const {
    const uint32_t n = block_count();
    uint32_t lo = from, hi = n;  // blocks before lo end before target; hi reaches it, or is n
    for (uint64_t step = 1; lo < n; step *= 2) {
      const uint32_t probe = static_cast<uint32_t>(std::min<uint64_t>(lo + step - 1, n - 1));
      if (last_doc(probe) >= target) {
        hi = probe;
        break;
      }
      lo = probe + 1;
    }
    while (lo < hi) {
      const uint32_t mid = lo + (hi - lo) / 2;
      if (last_doc(mid) < target) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
};

// Decodes a list header at `at` (see the layout above).
PostingList OpenList(DocId base, const uint8_t* at, const uint8_t* positions_stream);

// Per document of a segment, the body's and the lead's share of the BM25F
// pseudo-frequency per occurrence at an ImpactBasis: weight over the length
// normalisation. A posting's body + lead share is freq(body) * body +
// freq(lead) * lead, a field of frequency 0 counting 0 (its norm may be
// infinite: a field of length 0 at b = 1).
// Floats rounded up (8 bytes a document: merges read them for every posting
// of a long list), so a share computed from them is never below the exact one.
struct ImpactNorms {
  float body = 0;
  float lead = 0;
};
// The norms of a document with `lengths` at `basis`.
ImpactNorms ImpactNormsOf(const ImpactBasis& basis, const std::array<uint32_t, kNumFields>& lengths);
// `basis` with the averages of the documents' `lengths` (the others left out).
ImpactBasis WithAverages(ImpactBasis basis, absl::Span<const std::array<uint32_t, kNumFields>> lengths,
                         absl::Span<const uint8_t> left_out = {});

// Appends one list at a time to a segment's streams. Postings in increasing
// doc order; Finish() writes the list and returns its offset.
class PostingListWriter {
 public:
  // `norms` (by doc - norms_base, for every doc added) give the skip records'
  // impacts; without them every impact is infinite (no bound).
  PostingListWriter(std::vector<uint8_t>* postings, std::vector<uint8_t>* positions,
                    absl::Span<const ImpactNorms> norms = {}, DocId norms_base = 0)
      : postings_(postings), positions_(positions), norms_(norms), norms_base_(norms_base) {}
  // `positions` has freq[title] + freq[body] entries, increasing; `lengths`
  // are the document's field lengths (for the block bounds).
  void Add(DocId doc, const std::array<uint32_t, kNumFields>& freq,
           absl::Span<const uint32_t> positions, const std::array<uint32_t, kNumFields>& lengths);
  // Add() to a selection list (the layout above): `within` are the positions
  // of the term's stem in the document, which hold `positions` in order;
  // null when `positions` are all of them. A list is written by Add() or by
  // AddSelection(), not both.
  void AddSelection(DocId doc, const std::array<uint32_t, kNumFields>& freq,
                    absl::Span<const uint32_t> positions, const uint32_t* within,
                    const std::array<uint32_t, kNumFields>& lengths);
  // Add() or AddSelection() with the values as stored (ListCursor::
  // position_deltas of a list of the same kind, `selection`): merges copy
  // them without decoding them.
  void AddStored(DocId doc, const std::array<uint32_t, kNumFields>& freq, bool selection,
                 absl::Span<const uint32_t> stored, const std::array<uint32_t, kNumFields>& lengths);
  size_t size() const { return docs_.size(); }
  // A selection list's stem: where it starts in the exact key's form, and
  // its size (for its header; REQUIRES a selection list pending).
  void SetStem(uint32_t begin, uint32_t size) {
    stem_begin_ = begin;
    stem_size_ = size;
  }
  // Writes the pending list (REQUIRES size() > 0); returns its offset in
  // the postings stream and starts a new list.
  uint64_t Finish(DocId base);

 private:
  // The skip record's impact of the n postings from `begin` (only lists of
  // more than one block have skip records: the norms of the rare terms'
  // scattered documents are never read). Keeps it in block_max_, and with
  // `keep` the postings' shares in shares_.
  float BlockImpact(uint32_t begin, uint32_t n, bool keep);
  // Posting i's body + lead share at the norms (REQUIRES norms).
  double Share(uint32_t i) const;
  // The pending list's floors (PostingList::floor_share) for its header,
  // once BlockImpact has seen all its blocks; zeros without norms.
  std::array<float, kFloorRanks.size()> FloorShares();
  // The doc, its frequencies and the block bound; positions are the caller's
  // (appended to block_deltas_ after this).
  void AddPosting(DocId doc, const std::array<uint32_t, kNumFields>& freq,
                  const std::array<uint32_t, kNumFields>& lengths);
  // Packs the pending block's position deltas into the positions stream.
  void FlushPositions();
  std::vector<uint8_t>* postings_;
  std::vector<uint8_t>* positions_;
  absl::Span<const ImpactNorms> norms_;
  DocId norms_base_;
  uint64_t positions_start_ = 0;
  bool started_ = false;
  std::vector<DocId> docs_;
  std::array<std::vector<uint32_t>, kNumFields> freqs_;
  std::vector<BlockBound> bounds_;
  std::vector<uint32_t> block_positions_;  // per block, from positions_start_
  std::vector<uint32_t> block_deltas_;     // the pending block's positions
  bool selection_ = false;                 // the pending list is a selection list
  uint32_t stem_begin_ = 0, stem_size_ = 0;  // and its stem (SetStem)
  std::array<uint8_t, kBlockSize / 8> block_selects_{};  // its block's postings that store indices
  std::vector<uint8_t> block_bytes_;
  std::vector<BlockSkip> skips_;
  // The pending list's blocks' largest shares, and (a list of few blocks)
  // its postings' shares, for the floors.
  std::vector<double> block_max_;
  std::vector<double> shares_;
};

// A forward cursor over one PostingList: decodes a block of doc ids at a
// time, its frequencies on first use, positions only when asked.
class ListCursor {
 public:
  ListCursor() = default;
  explicit ListCursor(const PostingList& list) { Reset(list); }
  // Starts over on `list` (cheaper than assigning a new cursor).
  void Reset(const PostingList& list);

  DocId doc() const { return doc_; }
  void Next() {
    if (++i_ < n_) {
      doc_ = docs_[i_];
    } else {
      LoadBlock(block_ + 1);
    }
  }
  // First posting with doc >= target; never moves back.
  void Advance(DocId target);
  // REQUIRE doc() != kNoMoreDocs. Read straight from the packed block.
  uint32_t freq(int field) const { return FreqAt(field, i_); }
  // Positions of the current posting; valid until the cursor moves.
  absl::Span<const uint32_t> positions() const;
  // The current posting's positions as stored (freq(title) + freq(body)
  // values, the first absolute, the others as increases; in a selection
  // list its indices, none when it has all its stem's occurrences); valid
  // until the cursor moves to another block.
  absl::Span<const uint32_t> position_deltas() const;

  // The current block's last doc (REQUIRE doc() != kNoMoreDocs).
  DocId block_last_doc() const { return block_last_; }
  // The list, the current block's number in it, and whether some posting of
  // the block has the term in its title (REQUIRE doc() != kNoMoreDocs).
  const PostingList& list() const { return list_; }
  // Asks the CPU for the current block's positions (their header and what
  // follows), ahead of a positions() call a little later.
  void PrefetchPositions() const;
  uint32_t block() const { return block_; }
  bool block_has_title() const { return widths_[1] != 0; }

  // The current block from the current posting on, for a scan that reads
  // postings before moving to one (REQUIRE doc() != kNoMoreDocs): how many
  // are left in it (the current one included), the doc and frequencies of
  // the m-th after the current one, and a move m postings ahead in the
  // block (REQUIRE m < ahead()).
  uint32_t ahead() const { return n_ - i_; }
  DocId doc_ahead(uint32_t m) const { return docs_[i_ + m]; }
  // The docs from the current posting to the block's end (ahead() of them).
  const DocId* docs_ahead() const { return docs_ + i_; }
  uint32_t freq_ahead(int field, uint32_t m) const { return FreqAt(field, i_ + m); }
  void Skip(uint32_t m) {
    i_ += m;
    doc_ = docs_[i_];
  }

 private:
  void LoadBlock(uint32_t b);
  uint32_t FreqAt(int field, uint32_t i) const {
    const uint32_t width = widths_[field + 1];
    if (width == 0) return 0;
    const uint64_t bit = uint64_t{i} * width;
    uint64_t word;
    std::memcpy(&word, freq_data_[field] + (bit >> 3), sizeof(word));
    return static_cast<uint32_t>((word >> (bit & 7)) & ((uint64_t{1} << width) - 1));
  }

  PostingList list_;
  uint32_t block_ = 0;
  uint32_t n_ = 0;  // postings in the block
  uint32_t i_ = 0;
  DocId doc_ = kNoMoreDocs;
  DocId block_last_ = kNoMoreDocs;
  DocId prev_last_ = 0;  // last doc of the previous block (base - 1 before the first)
  const uint8_t* block_data_ = nullptr;
  const uint8_t* block_positions_ = nullptr;
  uint8_t widths_[4] = {0, 0, 0, 0};
  const uint8_t* freq_data_[kNumFields] = {nullptr, nullptr, nullptr};
  // The block's docs, then kNoMoreDocs up to a multiple of kSearchGroup
  // (FirstAtLeastAvx2 reads whole groups; a block's size is at most one).
  static_assert(kBlockSize % internal::kSearchGroup == 0);
  uint32_t docs_[kBlockSize];
  // How many values posting i of the block stores.
  uint32_t StoredCount(uint32_t i) const {
    if (list_.selection && (pos_bitmap_ == nullptr || (pos_bitmap_[i >> 3] >> (i & 7) & 1) == 0)) {
      return 0;
    }
    return FreqAt(0, i) + FreqAt(1, i);
  }
  // Reads the block's positions header (once per block).
  void LoadPositionsHeader() const;
  // Where the current posting's values start among its block's: pos_off_
  // is where posting pos_i_'s start, moved forward over the earlier ones.
  uint32_t PositionOffset() const;
  // The current posting's positions in a selection list: its stem's (from
  // stem_cursor_, on the same document), all or those it selects.
  void SelectPositions() const;
  mutable bool pos_header_ = false;
  mutable uint32_t pos_width_ = 0;
  mutable const uint8_t* pos_bitmap_ = nullptr;  // selection lists: who stores indices
  mutable const uint8_t* pos_values_ = nullptr;
  // Selection lists: a cursor on the stem's list, made and opened on first
  // use. A copied cursor opens its own.
  struct StemCursor {
    std::unique_ptr<ListCursor> cursor;
    bool open = false;
    StemCursor() = default;
    StemCursor(const StemCursor&) {}
    StemCursor& operator=(const StemCursor&) {
      open = false;
      return *this;
    }
  };
  mutable StemCursor stem_;
  mutable bool pos_loaded_ = false;
  mutable uint32_t pos_i_ = 0;
  mutable uint32_t pos_off_ = 0;
  mutable uint32_t pos_cached_ = UINT32_MAX;  // the posting pos_buf_ holds
  // Once position_deltas() unpacked the block's values: where posting i's
  // start among them (kBlockSize + 1 entries), then the values (made on
  // first use: only merges ask, and a search's cursors stay small).
  struct Deltas {
    std::unique_ptr<std::vector<uint32_t>> values;
    Deltas() = default;
    Deltas(const Deltas& o)
        : values(o.values ? std::make_unique<std::vector<uint32_t>>(*o.values) : nullptr) {}
    Deltas& operator=(const Deltas& o) {
      Deltas copy(o);
      values = std::move(copy.values);
      return *this;
    }
  };
  mutable Deltas pos_deltas_;
  mutable std::vector<uint32_t> pos_buf_;
};

}  // namespace khabar::index

#endif  // KHABAR_QUERY_SERVICE_INDEX_POSTING_CODEC_H_
