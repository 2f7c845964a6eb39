#include "query_service/index/index_snapshot.h"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cassert>
#include <cstring>
#include <queue>
#include <utility>

#include "absl/hash/hash.h"
#include "absl/strings/match.h"
#include "common/base/parallel.h"
#include "common/base/status_macros.h"

namespace khabar::index {
namespace {

bool Deleted(const ChunkedVector<uint64_t>& bits, DocId doc) {
  return (bits[doc >> 6] >> (doc & 63)) & 1;
}

const Document& EmptyDocument() {
  static const Document* const kEmpty = new Document();
  return *kEmpty;
}

int64_t DocumentBytes(const Document& d) {
  int64_t bytes = static_cast<int64_t>(sizeof(Document) + d.payload.size() + d.title.size() +
                                       d.id.size() + d.source.size() + d.url.size());
  for (const std::string& p : d.paragraphs) bytes += static_cast<int64_t>(p.size());
  return bytes;
}

int64_t IdMapBytes(const Segment& s) {
  return static_cast<int64_t>(s.ids.capacity() * (sizeof(absl::string_view) + sizeof(DocId) + 1));
}

}  // namespace

void Segment::AddTerm(absl::string_view term, uint64_t offset) {
  term_bytes.append(term.data(), term.size());
  term_start.push_back(static_cast<uint32_t>(term_bytes.size()));
  term_postings.push_back(offset);
}

uint32_t Segment::ListSize(uint32_t t) const {
  uint64_t count;
  GetVarint(postings.data() + term_postings[t], &count);
  return static_cast<uint32_t>(count >> 1);  // count * 2 + selection (posting_codec.h)
}

std::optional<uint32_t> Segment::FindTerm(absl::string_view term) const {
  if (slots_.empty()) return std::nullopt;
  return FindTermFrom(term, absl::HashOf(term) & (slots_.size() - 1));
}

std::optional<uint32_t> Segment::FindTermFrom(absl::string_view term, size_t i) const {
  const size_t mask = slots_.size() - 1;
  for (;; i = (i + 1) & mask) {
    const uint32_t t = slots_[i];
    if (t == UINT32_MAX) return std::nullopt;
    if (this->term(t) == term) return t;
  }
}

void Segment::FindMany(absl::Span<const absl::string_view> terms,
                       absl::Span<std::optional<PostingList>> out) const {
  assert(out.size() == terms.size());
  std::fill(out.begin(), out.end(), std::nullopt);
  if (slots_.empty()) return;
  const size_t mask = slots_.size() - 1;
  constexpr size_t kGroup = 16;
  size_t slot[kGroup];
  uint32_t t[kGroup];
  for (size_t from = 0; from < terms.size(); from += kGroup) {
    const size_t n = std::min(kGroup, terms.size() - from);
    for (size_t i = 0; i < n; ++i) {
      slot[i] = absl::HashOf(terms[from + i]) & mask;
      __builtin_prefetch(&slots_[slot[i]]);
    }
    for (size_t i = 0; i < n; ++i) {
      t[i] = slots_[slot[i]];
      if (t[i] == UINT32_MAX) continue;
      __builtin_prefetch(&term_start[t[i]]);
      __builtin_prefetch(&term_postings[t[i]]);
    }
    for (size_t i = 0; i < n; ++i) {
      if (t[i] == UINT32_MAX) continue;
      __builtin_prefetch(term_bytes.data() + term_start[t[i]]);
      __builtin_prefetch(postings.data() + term_postings[t[i]]);
    }
    for (size_t i = 0; i < n; ++i) {
      if (t[i] == UINT32_MAX) continue;
      const absl::string_view term = terms[from + i];
      // A collision in the first slot probes on, one slot after another.
      const std::optional<uint32_t> found =
          this->term(t[i]) == term ? t[i] : FindTermFrom(term, (slot[i] + 1) & mask);
      if (found) out[from + i] = List(*found);
    }
  }
}

PostingList Segment::StemList(absl::string_view stem) const {
  const std::optional<uint32_t> t = FindTerm(stem);
  KHABAR_CHECK(t.has_value());  // a segment with an exact key has its stem
  return List(*t);
}

std::optional<PostingList> Segment::Find(absl::string_view term) const {
  const std::optional<uint32_t> t = FindTerm(term);
  if (!t) return std::nullopt;
  return List(*t);
}

uint32_t Segment::LowerBound(absl::string_view term) const {
  uint32_t lo = 0, hi = term_count();
  while (lo < hi) {
    const uint32_t mid = lo + (hi - lo) / 2;
    if (this->term(mid) < term) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

void Segment::Seal() {
  dropped = static_cast<uint32_t>(std::count(stored.begin(), stored.end(), nullptr));
  postings.resize(postings.size() + kStreamPadding, 0);
  positions.resize(positions.size() + kStreamPadding, 0);
  postings.shrink_to_fit();
  positions.shrink_to_fit();
  term_bytes.shrink_to_fit();
  term_start.shrink_to_fit();
  term_postings.shrink_to_fit();
  // At most 3/4 full.
  size_t capacity = 16;
  while (capacity * 3 < size_t{term_count()} * 4) capacity *= 2;
  slots_.assign(capacity, UINT32_MAX);
  const size_t mask = capacity - 1;
  for (uint32_t t = 0; t < term_count(); ++t) {
    size_t i = absl::HashOf(term(t)) & mask;
    while (slots_[i] != UINT32_MAX) i = (i + 1) & mask;
    slots_[i] = t;
  }
  ids.clear();
  ids.reserve(stored.size());
  memory_bytes = static_cast<int64_t>(sizeof(Segment));
  for (DocId i = 0; i < stored.size(); ++i) {
    if (stored[i] == nullptr) continue;
    ids[stored[i]->id] = base + i;
    memory_bytes += DocumentBytes(*stored[i]);
  }
  memory_bytes += DictionaryBytes() + IdMapBytes(*this) +
                  static_cast<int64_t>(postings.capacity() + positions.capacity() +
                                       stored.capacity() * sizeof(stored[0]));
}

int64_t Segment::DictionaryBytes() const {
  return static_cast<int64_t>(term_bytes.capacity() + term_start.capacity() * sizeof(uint32_t) +
                              term_postings.capacity() * sizeof(uint64_t) +
                              slots_.capacity() * sizeof(uint32_t));
}

void SegmentBuilder::AddDocument(std::shared_ptr<const Document> doc, const FieldLengths& lengths,
                                 const DocumentTerms* terms) {
  const DocId id = base_ + static_cast<DocId>(stored_.size());
  stored_.push_back(std::move(doc));
  lengths_.push_back(lengths);
  if (terms == nullptr) return;
  const uint32_t* positions = terms->positions.data();
  for (const DocumentTerms::Term& t : terms->terms) {
    const uint32_t number = Intern(t.key, t.hash);
    if (number == stem_range_.size()) {  // new
      stem_range_.emplace_back(0, 0);
      if (t.stem != DocumentTerms::Term::kNone) {
        stem_range_.back() = {t.stem_begin, static_cast<uint32_t>(terms->terms[t.stem].key.size())};
      }
    }
    int32_t within = Record::kStem;
    if (t.stem != DocumentTerms::Term::kNone) {
      const DocumentTerms::Term& stem = terms->terms[t.stem];
      within = t.freq[0] + t.freq[1] == stem.freq[0] + stem.freq[1]
                   ? Record::kAll
                   : static_cast<int32_t>(int64_t{stem.pos_begin} - t.pos_begin);
    }
    records_.push_back({number, id, t.freq, within, positions + t.pos_begin});
  }
}

void SegmentBuilder::Reserve(size_t documents, size_t terms) {
  stored_.reserve(documents);
  lengths_.reserve(documents);
  records_.reserve(terms);
}

uint32_t SegmentBuilder::Intern(absl::string_view key, uint64_t hash) {
  if ((hashes_.size() + 1) * 4 > slots_.size() * 3) {  // keep the table at most 3/4 full
    slots_.assign(std::max<size_t>(1024, slots_.size() * 2), UINT32_MAX);
    const size_t mask = slots_.size() - 1;
    for (uint32_t t = 0; t < hashes_.size(); ++t) {
      size_t i = hashes_[t] & mask;
      while (slots_[i] != UINT32_MAX) i = (i + 1) & mask;
      slots_[i] = t;
    }
  }
  const size_t mask = slots_.size() - 1;
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    const uint32_t t = slots_[i];
    if (t == UINT32_MAX) {
      slots_[i] = static_cast<uint32_t>(hashes_.size());
      key_bytes_.append(key.data(), key.size());
      key_start_.push_back(static_cast<uint32_t>(key_bytes_.size()));
      hashes_.push_back(hash);
      return slots_[i];
    }
    if (hashes_[t] == hash && this->key(t) == key) return t;
  }
}

namespace {

// The first 16 bytes of a term, big-endian, zero-padded: comparing these
// orders most terms without a memcmp. (An Arabic letter is two bytes in
// UTF-8, so 8 bytes, 3.5 letters after an exact key's marker, left many
// forms of one word tied.)
unsigned __int128 SortPrefix(absl::string_view key) {
  unsigned char bytes[16] = {};
  std::memcpy(bytes, key.data(), std::min<size_t>(key.size(), 16));
  static_assert(std::endian::native == std::endian::little, "loads below are byte-swapped");
  uint64_t high, low;
  std::memcpy(&high, bytes, 8);
  std::memcpy(&low, bytes + 8, 8);
  return (static_cast<unsigned __int128>(__builtin_bswap64(high)) << 64) | __builtin_bswap64(low);
}

}  // namespace

std::shared_ptr<const Segment> SegmentBuilder::Build() {
  auto seg = std::make_shared<Segment>();
  seg->base = base_;
  seg->limit = base_ + static_cast<DocId>(stored_.size());
  // Terms in byte order; rank[first-seen id] = sorted position.
  const uint32_t n_terms = static_cast<uint32_t>(hashes_.size());
  std::vector<std::pair<unsigned __int128, uint32_t>> order(n_terms);
  for (uint32_t t = 0; t < n_terms; ++t) order[t] = {SortPrefix(key(t)), t};
  std::sort(order.begin(), order.end(), [&](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first < b.first;
    return key(a.second) < key(b.second);
  });
  std::vector<uint32_t> rank(n_terms);
  for (uint32_t r = 0; r < n_terms; ++r) rank[order[r].second] = r;
  // Counting sort of the records by term rank; arrival (= doc) order kept.
  std::vector<uint32_t> begin(size_t{n_terms} + 1, 0);
  size_t position_count = 0;
  for (Record& r : records_) {
    r.term = rank[r.term];
    ++begin[r.term + 1];
    position_count += size_t{r.freq[0]} + r.freq[1];
  }
  for (size_t t = 0; t < n_terms; ++t) begin[t + 1] += begin[t];
  std::vector<uint32_t> slot(begin.begin(), begin.end() - 1);
  // Every element is written below: no zeroing first (a vector would).
  std::unique_ptr<Record[]> sorted(new Record[records_.size()]);
  for (const Record& r : records_) sorted[slot[r.term]++] = r;
  seg->postings.reserve(records_.size() * 2);
  seg->positions.reserve(position_count * 3 / 2);
  seg->term_bytes.reserve(key_bytes_.size());
  seg->term_start.reserve(size_t{n_terms} + 1);
  seg->term_postings.reserve(n_terms);
  seg->impact_basis = WithAverages(impacts_, lengths_);
  std::vector<ImpactNorms> norms(lengths_.size());
  for (size_t i = 0; i < lengths_.size(); ++i) norms[i] = ImpactNormsOf(seg->impact_basis, lengths_[i]);
  PostingListWriter writer(&seg->postings, &seg->positions, norms, base_);
  for (uint32_t t = 0; t < n_terms; ++t) {
    for (uint32_t k = begin[t]; k < begin[t + 1]; ++k) {
      const Record& r = sorted[k];
      const absl::Span<const uint32_t> positions(r.positions, size_t{r.freq[0]} + r.freq[1]);
      if (r.within != Record::kStem) {
        writer.AddSelection(r.doc, r.freq, positions,
                            r.within == Record::kAll ? nullptr : r.positions + r.within,
                            lengths_[r.doc - base_]);
      } else {
        writer.Add(r.doc, r.freq, positions, lengths_[r.doc - base_]);
      }
    }
    const auto [stem_begin, stem_size] = stem_range_[order[t].second];
    if (stem_size > 0) writer.SetStem(stem_begin, stem_size);
    seg->AddTerm(key(order[t].second), writer.Finish(base_));
  }
  seg->posting_count = static_cast<int64_t>(records_.size());
  seg->stored = std::move(stored_);
  seg->Seal();
  key_bytes_.clear();
  key_start_.assign(1, 0);
  hashes_.clear();
  slots_.clear();
  stem_range_.clear();
  records_.clear();
  lengths_.clear();
  return seg;
}

PostingsRef IndexSnapshot::Postings(absl::string_view term) const {
  PostingsRef ref;
  for (size_t i = 0; i < segments_.size(); ++i) {
    if (std::optional<PostingList> pl = segments_[i]->Find(term); pl && pl->count > 0) {
      pl->all_live = segment_deleted_[i] == 0;
      ref.lists.push_back(*pl);
    }
  }
  return ref;
}

std::vector<PostingsRef> IndexSnapshot::PostingsOf(
    absl::Span<const absl::string_view> terms) const {
  std::vector<PostingsRef> refs(terms.size());
  std::vector<std::optional<PostingList>> found(terms.size());
  for (size_t i = 0; i < segments_.size(); ++i) {
    segments_[i]->FindMany(terms, absl::MakeSpan(found));
    for (size_t j = 0; j < terms.size(); ++j) {
      if (!found[j] || found[j]->count == 0) continue;
      found[j]->all_live = segment_deleted_[i] == 0;
      refs[j].lists.push_back(*found[j]);
    }
  }
  return refs;
}

void IndexSnapshot::ForEachTermWithPrefix(
    absl::string_view prefix,
    absl::FunctionRef<bool(absl::string_view term, int64_t postings)> visit) const {
  // A k-way merge of the segments' sorted term ranges.
  struct Cursor {
    const Segment* segment;
    uint32_t t;
    absl::string_view term() const { return segment->term(t); }
    int64_t postings() const { return segment->ListSize(t); }
  };
  auto later = [](const Cursor& a, const Cursor& b) { return a.term() > b.term(); };
  std::priority_queue<Cursor, std::vector<Cursor>, decltype(later)> heap(later);
  for (const auto& s : segments_) {
    const uint32_t t = s->LowerBound(prefix);
    if (t < s->term_count() && absl::StartsWith(s->term(t), prefix)) heap.push({s.get(), t});
  }
  while (!heap.empty()) {
    const absl::string_view term = heap.top().term();
    int64_t postings = 0;
    while (!heap.empty() && heap.top().term() == term) {
      Cursor c = heap.top();
      heap.pop();
      postings += c.postings();
      if (++c.t < c.segment->term_count() && absl::StartsWith(c.segment->term(c.t), prefix)) {
        heap.push(c);
      }
    }
    // `term` still points into a segment, which outlives this call.
    if (postings > 0 && !visit(term, postings)) return;
  }
}

void IndexSnapshot::CountDeletions() {
  // Only the deleted documents a segment still holds count. A merge drops
  // the postings (and the stored article) of those deleted before it, but
  // their bits stay set (bits are never cleared, doc ids never reused):
  // counting the bits alone would keep a segment that ever had a deletion
  // off the all-live fast path for good. So the segment's dropped ones are
  // taken off, each of them a set bit in its range.
  segment_deleted_.assign(segments_.size(), 0);
  for (size_t i = 0; i < segments_.size(); ++i) {
    const Segment& s = *segments_[i];
    uint32_t n = 0;
    DocId d = s.base;
    for (; d < s.limit && (d & 63) != 0; ++d) n += Deleted(deleted_, d) ? 1 : 0;
    for (; d + 64 <= s.limit; d += 64) n += static_cast<uint32_t>(__builtin_popcountll(deleted_[d >> 6]));
    for (; d < s.limit; ++d) n += Deleted(deleted_, d) ? 1 : 0;
    segment_deleted_[i] = n - s.dropped;
  }
}

const Segment* IndexSnapshot::SegmentOf(DocId doc) const {
  auto it = std::upper_bound(segments_.begin(), segments_.end(), doc,
                             [](DocId d, const std::shared_ptr<const Segment>& s) {
                               return d < s->base;
                             });
  if (it == segments_.begin()) return nullptr;
  const Segment* s = std::prev(it)->get();
  return doc < s->limit ? s : nullptr;
}

const std::shared_ptr<const Document>* IndexSnapshot::Stored(DocId doc) const {
  const Segment* s = SegmentOf(doc);
  if (s == nullptr || s->stored[doc - s->base] == nullptr) return nullptr;
  return &s->stored[doc - s->base];
}

const Document& IndexSnapshot::document(DocId doc) const {
  const std::shared_ptr<const Document>* stored = Stored(doc);
  return stored != nullptr ? **stored : EmptyDocument();
}

std::shared_ptr<const Document> IndexSnapshot::document_ptr(DocId doc) const {
  const std::shared_ptr<const Document>* stored = Stored(doc);
  // Not owned: EmptyDocument() lives as long as the program.
  return stored != nullptr ? *stored
                           : std::shared_ptr<const Document>(std::shared_ptr<const Document>(),
                                                             &EmptyDocument());
}

std::optional<DocId> IndexSnapshot::FindDocId(absl::string_view id) const {
  // Newest first: an updated article's live version is in a later segment.
  for (auto it = segments_.rbegin(); it != segments_.rend(); ++it) {
    auto found = (*it)->ids.find(id);
    if (found != (*it)->ids.end() && is_live(found->second)) return found->second;
  }
  return std::nullopt;
}

const Document* IndexSnapshot::Find(absl::string_view id) const {
  std::optional<DocId> doc = FindDocId(id);
  return doc ? &document(*doc) : nullptr;
}

double IndexSnapshot::average_length(Field field) const {
  if (live_documents_ == 0) return 0;
  return static_cast<double>(live_length_sum_[static_cast<int>(field)]) / live_documents_;
}

IndexStats IndexSnapshot::Stats() const {
  IndexStats s;
  s.live_documents = live_documents_;
  s.tokens = token_count_;
  s.duplicates = duplicates_;
  s.duplicate_clusters = duplicate_clusters_;
  s.segments = static_cast<int64_t>(segments_.size());
  int64_t bytes = writer_bytes_ + PerDocumentBytes();
  for (const auto& seg : segments_) {
    s.postings += seg->posting_count;
    bytes += seg->memory_bytes;
  }
  s.memory_bytes = bytes;
  ForEachTermWithPrefix("", [&](absl::string_view, int64_t) {
    ++s.terms;
    return true;
  });
  return s;
}

int64_t IndexSnapshot::PerDocumentBytes() const {
  return static_cast<int64_t>(info_.memory_bytes() + lengths_.memory_bytes() +
                              deleted_.memory_bytes() + cluster_names_.memory_bytes());
}

MemoryBreakdown IndexSnapshot::Breakdown() const {
  MemoryBreakdown m;
  for (const auto& seg : segments_) {
    m.dictionary_bytes += seg->DictionaryBytes();
    m.id_map_bytes += IdMapBytes(*seg);
    for (const auto& d : seg->stored) {
      if (d != nullptr) m.stored_text_bytes += DocumentBytes(*d);
    }
    // Lists lie in term order in both streams: a list's bytes reach to the
    // next list's start (the last one to the end, before the padding).
    const uint32_t n = seg->term_count();
    PostingList next = n > 0 ? seg->List(0) : PostingList();
    for (uint32_t t = 0; t < n; ++t) {
      const PostingList list = next;
      if (t + 1 < n) next = seg->List(t + 1);
      const uint64_t end = t + 1 < n ? seg->term_postings[t + 1]
                                     : seg->postings.size() - kStreamPadding;
      const uint8_t* positions_end =
          t + 1 < n ? next.positions : seg->positions.data() + seg->positions.size() - kStreamPadding;
      MemoryBreakdown::Lists& l = !seg->term(t).empty() && seg->term(t)[0] == kExactMarker
                                      ? m.exact
                                      : m.stems;
      ++l.terms;
      l.postings += list.count;
      l.posting_bytes += static_cast<int64_t>(end - seg->term_postings[t]);
      l.position_bytes += positions_end - list.positions;
    }
  }
  m.per_document_bytes = PerDocumentBytes();
  m.writer_bytes = writer_bytes_;
  return m;
}

namespace {

// What every part of a merge reads: the merged range's deletions and field
// lengths in flat arrays, and which inputs have deletions at all.
struct MergeContext {
  absl::Span<const std::shared_ptr<const Segment>> segments;
  DocId base;
  std::vector<uint8_t> gone;
  std::vector<FieldLengths> length;
  std::vector<ImpactNorms> norms;  // at the merged segment's basis
  std::vector<bool> segment_has_deletions;
  const std::atomic<bool>* cancel;  // may be null
};

// A k-way merge of the inputs' sorted terms [first[k], last[k]) into `out`
// (its streams, terms and posting count): for each term, the inputs' lists in
// segment (= doc id) order, minus deleted documents.
void MergeTermRange(const MergeContext& m, std::vector<uint32_t> next,
                    const std::vector<uint32_t>& last, Segment* out) {
  const auto& segments = m.segments;
  PostingListWriter writer(&out->postings, &out->positions, m.norms, m.base);
  ListCursor c;  // reused: its buffers stay allocated
  std::vector<size_t> with_term;
  for (uint32_t terms = 0;; ++terms) {
    if (m.cancel != nullptr && terms % 1024 == 0 && m.cancel->load(std::memory_order_relaxed)) return;
    std::optional<absl::string_view> smallest;
    for (size_t k = 0; k < segments.size(); ++k) {
      if (next[k] < last[k] && (!smallest || segments[k]->term(next[k]) < *smallest)) {
        smallest = segments[k]->term(next[k]);
      }
    }
    if (!smallest) break;
    with_term.clear();
    for (size_t k = 0; k < segments.size(); ++k) {
      if (next[k] < last[k] && segments[k]->term(next[k]) == *smallest) with_term.push_back(k);
    }
    for (size_t k : with_term) {
      const bool check = m.segment_has_deletions[k];
      const PostingList list = segments[k]->List(next[k]);
      if (list.selection) writer.SetStem(list.stem_begin, list.stem_size);
      for (c.Reset(list); c.doc() != kNoMoreDocs; c.Next()) {
        const DocId d = c.doc();
        if (check && m.gone[d - m.base]) continue;
        writer.AddStored(d, {c.freq(0), c.freq(1), c.freq(2)}, c.list().selection,
                         c.position_deltas(), m.length[d - m.base]);
      }
    }
    if (writer.size() > 0) {  // else every document with the term was deleted
      out->posting_count += static_cast<int64_t>(writer.size());
      out->AddTerm(*smallest, writer.Finish(m.base));
    }
    for (size_t k : with_term) ++next[k];
  }
}

// Appends a part merged on its own (terms after `merged`'s) to `merged`. Its
// positions go after merged's, so each list's header (count, then where its
// positions start) is written again; the rest of a list is relative to
// itself and copied as it is.
void AppendPart(Segment part, Segment* merged) {
  const uint64_t moved = merged->positions.size();
  merged->positions.insert(merged->positions.end(), part.positions.begin(), part.positions.end());
  std::vector<uint8_t>().swap(part.positions);
  const uint32_t n = part.term_count();
  for (uint32_t t = 0; t < n; ++t) {
    const uint8_t* p = part.postings.data() + part.term_postings[t];
    const uint8_t* const end =
        part.postings.data() + (t + 1 < n ? part.term_postings[t + 1] : part.postings.size());
    uint64_t count, positions;
    p = GetVarint(p, &count);
    p = GetVarint(p, &positions);
    const uint64_t offset = merged->postings.size();
    PutVarint(count, &merged->postings);
    PutVarint(positions + moved, &merged->postings);
    merged->postings.insert(merged->postings.end(), p, end);
    merged->AddTerm(part.term(t), offset);
  }
  merged->posting_count += part.posting_count;
}

// Where each input's terms of part p begin, for `parts` parts of about
// equal postings bytes: the split keys are the largest input's terms at
// those byte offsets of its postings stream.
std::vector<std::vector<uint32_t>> SplitTerms(
    absl::Span<const std::shared_ptr<const Segment>> segments, size_t parts) {
  size_t largest = 0;
  for (size_t k = 1; k < segments.size(); ++k) {
    if (segments[k]->postings.size() > segments[largest]->postings.size()) largest = k;
  }
  const Segment& big = *segments[largest];
  std::vector<std::vector<uint32_t>> first(parts + 1);
  for (size_t k = 0; k < segments.size(); ++k) {
    first[0].push_back(0);
    first[parts].push_back(segments[k]->term_count());
  }
  for (size_t p = 1; p < parts; ++p) {
    const uint64_t at = big.postings.size() * p / parts;
    const uint32_t t = static_cast<uint32_t>(
        std::lower_bound(big.term_postings.begin(), big.term_postings.end(), at) -
        big.term_postings.begin());
    for (const auto& s : segments) {
      first[p].push_back(t < big.term_count() ? s->LowerBound(big.term(t)) : s->term_count());
    }
  }
  return first;
}

}  // namespace

std::shared_ptr<const Segment> MergeSegments(
    absl::Span<const std::shared_ptr<const Segment>> segments,
    const ChunkedVector<uint64_t>& deleted, absl::FunctionRef<FieldLengths(DocId)> lengths,
    int threads, const std::atomic<bool>* cancel) {
  auto merged = std::make_shared<Segment>();
  merged->base = segments.front()->base;
  merged->limit = segments.back()->limit;
  MergeContext m{segments, merged->base, {}, {}, {}, {}, cancel};
  const DocId base = merged->base;
  merged->stored.reserve(merged->limit - base);
  // The range's deletions and field lengths, copied once into flat arrays:
  // every posting reads them.
  m.gone.resize(merged->limit - base);
  m.length.resize(merged->limit - base);
  m.segment_has_deletions.assign(segments.size(), false);
  size_t postings = 0, positions = 0;
  for (size_t k = 0; k < segments.size(); ++k) {
    const Segment& s = *segments[k];
    for (DocId i = 0; i < s.size(); ++i) {
      const DocId d = s.base + i;
      m.gone[d - base] = Deleted(deleted, d);
      m.length[d - base] = lengths(d);
      if (m.gone[d - base]) m.segment_has_deletions[k] = true;
      merged->stored.push_back(m.gone[d - base] ? nullptr : s.stored[i]);
    }
    postings += s.postings.size();
    positions += s.positions.size();
  }
  merged->impact_basis = WithAverages(segments.front()->impact_basis, m.length, m.gone);
  m.norms.resize(m.length.size());
  for (size_t i = 0; i < m.length.size(); ++i) {
    m.norms[i] = ImpactNormsOf(merged->impact_basis, m.length[i]);
  }
  // Parts of the term range are merged on their own threads, then appended
  // in term order.
  const size_t parts = static_cast<size_t>(std::max(threads, 1));
  const std::vector<std::vector<uint32_t>> first = SplitTerms(segments, parts);
  std::vector<Segment> merged_parts(parts);
  merged->postings.reserve(postings);
  merged->positions.reserve(positions);
  khabar::base::ParallelFor(parts, static_cast<int>(parts), [&](size_t p) {
    // The first part writes straight into the result.
    Segment* out = p == 0 ? merged.get() : &merged_parts[p];
    MergeTermRange(m, first[p], first[p + 1], out);
  });
  if (cancel != nullptr && cancel->load()) return nullptr;
  for (size_t p = 1; p < parts; ++p) AppendPart(std::move(merged_parts[p]), merged.get());
  merged->Seal();
  return merged;
}

}  // namespace khabar::index
