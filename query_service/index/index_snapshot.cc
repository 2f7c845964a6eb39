#include "query_service/index/index_snapshot.h"

#include <algorithm>
#include <queue>
#include <utility>

#include "absl/strings/match.h"

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

}  // namespace

PostingList Segment::List(uint32_t t) const {
  const uint32_t b = term_begin[t], e = term_begin[t + 1];
  PostingList pl;
  pl.docs = absl::Span<const DocId>(docs.data() + b, e - b);
  for (int f = 0; f < kNumFields; ++f) {
    pl.freqs[f] = absl::Span<const uint32_t>(freqs[f].data() + b, e - b);
  }
  pl.position_starts = absl::Span<const uint32_t>(position_starts.data() + b, e - b + 1);
  pl.positions = positions.data();
  return pl;
}

std::optional<PostingList> Segment::Find(absl::string_view term) const {
  auto it = term_index.find(term);
  if (it == term_index.end()) return std::nullopt;
  return List(it->second);
}

void Segment::Seal() {
  term_index.clear();
  term_index.reserve(terms.size());
  for (uint32_t t = 0; t < terms.size(); ++t) term_index[terms[t]] = t;
  ids.clear();
  ids.reserve(stored.size());
  memory_bytes = static_cast<int64_t>(sizeof(Segment));
  for (DocId i = 0; i < stored.size(); ++i) {
    if (stored[i] == nullptr) continue;
    ids[stored[i]->id] = base + i;
    memory_bytes += DocumentBytes(*stored[i]);
  }
  for (const std::string& t : terms) memory_bytes += static_cast<int64_t>(sizeof(t) + t.capacity());
  memory_bytes += static_cast<int64_t>(
      term_index.capacity() * (sizeof(absl::string_view) + sizeof(uint32_t) + 1) +
      ids.capacity() * (sizeof(absl::string_view) + sizeof(DocId) + 1) +
      stored.capacity() * sizeof(stored[0]) +
      (term_begin.capacity() + position_starts.capacity() + positions.capacity()) *
          sizeof(uint32_t) +
      docs.capacity() * sizeof(DocId));
  for (const auto& f : freqs) memory_bytes += static_cast<int64_t>(f.capacity() * sizeof(uint32_t));
}

void SegmentBuilder::Add(absl::string_view term, DocId doc,
                         const std::array<uint32_t, kNumFields>& freq,
                         absl::Span<const uint32_t> positions) {
  auto [it, inserted] =
      term_ids_.try_emplace(std::string(term), static_cast<uint32_t>(term_ids_.size()));
  records_.push_back({it->second, doc, freq, static_cast<uint32_t>(positions_.size()),
                      static_cast<uint32_t>(positions.size())});
  positions_.insert(positions_.end(), positions.begin(), positions.end());
}

std::shared_ptr<const Segment> SegmentBuilder::Build() {
  auto seg = std::make_shared<Segment>();
  seg->base = base_;
  seg->limit = base_ + static_cast<DocId>(stored_.size());
  // Terms in byte order; rank[first-seen id] = sorted position.
  const size_t n_terms = term_ids_.size();
  std::vector<std::pair<absl::string_view, uint32_t>> order;
  order.reserve(n_terms);
  for (const auto& [term, id] : term_ids_) order.emplace_back(term, id);
  std::sort(order.begin(), order.end());
  std::vector<uint32_t> rank(n_terms);
  seg->terms.reserve(n_terms);
  for (uint32_t r = 0; r < n_terms; ++r) {
    rank[order[r].second] = r;
    seg->terms.emplace_back(order[r].first);
  }
  // Counting sort of the records by term rank; arrival (= doc) order kept.
  seg->term_begin.assign(n_terms + 1, 0);
  for (const Record& r : records_) ++seg->term_begin[rank[r.term] + 1];
  for (size_t t = 0; t < n_terms; ++t) seg->term_begin[t + 1] += seg->term_begin[t];
  std::vector<uint32_t> slot(seg->term_begin.begin(), seg->term_begin.end() - 1);
  std::vector<uint32_t> placed(records_.size());
  for (uint32_t i = 0; i < records_.size(); ++i) placed[slot[rank[records_[i].term]]++] = i;
  const size_t n = records_.size();
  seg->docs.resize(n);
  for (auto& f : seg->freqs) f.resize(n);
  seg->position_starts.resize(n + 1);
  seg->positions.reserve(positions_.size());
  for (size_t k = 0; k < n; ++k) {
    const Record& r = records_[placed[k]];
    seg->docs[k] = r.doc;
    for (int f = 0; f < kNumFields; ++f) seg->freqs[f][k] = r.freq[f];
    seg->position_starts[k] = static_cast<uint32_t>(seg->positions.size());
    seg->positions.insert(seg->positions.end(), positions_.begin() + r.pos_begin,
                          positions_.begin() + r.pos_begin + r.pos_count);
  }
  seg->position_starts[n] = static_cast<uint32_t>(seg->positions.size());
  seg->stored = std::move(stored_);
  seg->Seal();
  term_ids_.clear();
  records_.clear();
  positions_.clear();
  return seg;
}

PostingsRef IndexSnapshot::Postings(absl::string_view term) const {
  PostingsRef ref;
  for (const auto& s : segments_) {
    if (std::optional<PostingList> pl = s->Find(term); pl && !pl->docs.empty()) {
      ref.lists.push_back(*pl);
    }
  }
  return ref;
}

void IndexSnapshot::ForEachTermWithPrefix(
    absl::string_view prefix,
    absl::FunctionRef<bool(absl::string_view term, int64_t postings)> visit) const {
  // A k-way merge of the segments' sorted term ranges.
  struct Cursor {
    const Segment* segment;
    uint32_t t;
    const std::string& term() const { return segment->terms[t]; }
    int64_t postings() const { return segment->term_begin[t + 1] - segment->term_begin[t]; }
  };
  auto later = [](const Cursor& a, const Cursor& b) { return a.term() > b.term(); };
  std::priority_queue<Cursor, std::vector<Cursor>, decltype(later)> heap(later);
  for (const auto& s : segments_) {
    auto it = std::lower_bound(s->terms.begin(), s->terms.end(), prefix,
                               [](const std::string& term, absl::string_view p) {
                                 return absl::string_view(term) < p;
                               });
    const uint32_t t = static_cast<uint32_t>(it - s->terms.begin());
    if (t < s->terms.size() && absl::StartsWith(s->terms[t], prefix)) heap.push({s.get(), t});
  }
  while (!heap.empty()) {
    const std::string& term = heap.top().term();
    int64_t postings = 0;
    while (!heap.empty() && heap.top().term() == term) {
      Cursor c = heap.top();
      heap.pop();
      postings += c.postings();
      if (++c.t < c.segment->terms.size() && absl::StartsWith(c.segment->terms[c.t], prefix)) {
        heap.push(c);
      }
    }
    // `term` still points into a segment, which outlives this call.
    if (postings > 0 && !visit(term, postings)) return;
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

const Document& IndexSnapshot::document(DocId doc) const {
  const Segment* s = SegmentOf(doc);
  if (s == nullptr || s->stored[doc - s->base] == nullptr) return EmptyDocument();
  return *s->stored[doc - s->base];
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
  int64_t bytes = writer_bytes_ + static_cast<int64_t>(info_.memory_bytes() +
                                                       deleted_.memory_bytes() +
                                                       cluster_names_.memory_bytes());
  for (const auto& seg : segments_) {
    s.postings += seg->posting_count();
    bytes += seg->memory_bytes;
  }
  s.memory_bytes = bytes;
  ForEachTermWithPrefix("", [&](absl::string_view, int64_t) {
    ++s.terms;
    return true;
  });
  return s;
}

std::shared_ptr<const Segment> MergeSegments(
    absl::Span<const std::shared_ptr<const Segment>> segments,
    const ChunkedVector<uint64_t>& deleted) {
  auto merged = std::make_shared<Segment>();
  merged->base = segments.front()->base;
  merged->limit = segments.back()->limit;
  merged->stored.reserve(merged->limit - merged->base);
  size_t postings = 0, positions = 0;
  for (const auto& s : segments) {
    for (DocId i = 0; i < s->size(); ++i) {
      merged->stored.push_back(Deleted(deleted, s->base + i) ? nullptr : s->stored[i]);
    }
    postings += s->docs.size();
    positions += s->positions.size();
  }
  merged->docs.reserve(postings);
  for (auto& f : merged->freqs) f.reserve(postings);
  merged->position_starts.reserve(postings + 1);
  merged->positions.reserve(positions);
  // A k-way merge of the sorted term lists; for each term, the inputs' lists
  // in segment (= doc id) order, minus deleted documents.
  std::vector<uint32_t> next(segments.size(), 0);
  std::vector<size_t> with_term;
  while (true) {
    const std::string* smallest = nullptr;
    for (size_t k = 0; k < segments.size(); ++k) {
      if (next[k] < segments[k]->terms.size() &&
          (smallest == nullptr || segments[k]->terms[next[k]] < *smallest)) {
        smallest = &segments[k]->terms[next[k]];
      }
    }
    if (smallest == nullptr) break;
    with_term.clear();
    for (size_t k = 0; k < segments.size(); ++k) {
      if (next[k] < segments[k]->terms.size() && segments[k]->terms[next[k]] == *smallest) {
        with_term.push_back(k);
      }
    }
    const size_t first = merged->docs.size();
    for (size_t k : with_term) {
      const Segment& s = *segments[k];
      const uint32_t t = next[k];
      for (uint32_t i = s.term_begin[t]; i < s.term_begin[t + 1]; ++i) {
        if (Deleted(deleted, s.docs[i])) continue;
        merged->docs.push_back(s.docs[i]);
        for (int f = 0; f < kNumFields; ++f) merged->freqs[f].push_back(s.freqs[f][i]);
        merged->position_starts.push_back(static_cast<uint32_t>(merged->positions.size()));
        merged->positions.insert(merged->positions.end(), s.positions.begin() + s.position_starts[i],
                                 s.positions.begin() + s.position_starts[i + 1]);
      }
    }
    if (merged->docs.size() > first) {  // else every document with the term was deleted
      merged->terms.push_back(*smallest);
      merged->term_begin.push_back(static_cast<uint32_t>(first));
    }
    for (size_t k : with_term) ++next[k];
  }
  merged->term_begin.push_back(static_cast<uint32_t>(merged->docs.size()));
  merged->position_starts.push_back(static_cast<uint32_t>(merged->positions.size()));
  merged->Seal();
  return merged;
}

}  // namespace khabar::index
