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

int64_t PostingBytes(const std::string& term, const PostingList& pl) {
  int64_t bytes = static_cast<int64_t>(2 * sizeof(term) + term.capacity() + sizeof(pl) +
                                       sizeof(void*) + pl.docs.capacity() * sizeof(DocId));
  for (const auto& f : pl.freqs) bytes += static_cast<int64_t>(f.capacity() * sizeof(uint32_t));
  bytes += static_cast<int64_t>((pl.position_starts.capacity() + pl.positions.capacity()) *
                                sizeof(uint32_t));
  return bytes;
}

int64_t DocumentBytes(const Document& d) {
  int64_t bytes = static_cast<int64_t>(sizeof(Document) + d.payload.size() + d.title.size() +
                                       d.id.size() + d.source.size() + d.url.size());
  for (const std::string& p : d.paragraphs) bytes += static_cast<int64_t>(p.size());
  return bytes;
}

}  // namespace

void Segment::Seal() {
  sorted_terms.clear();
  sorted_terms.reserve(postings.size());
  posting_count = 0;
  memory_bytes = static_cast<int64_t>(sizeof(Segment));
  for (const auto& [term, pl] : postings) {
    sorted_terms.push_back(&term);
    posting_count += static_cast<int64_t>(pl.docs.size());
    memory_bytes += PostingBytes(term, pl);
  }
  std::sort(sorted_terms.begin(), sorted_terms.end(),
            [](const std::string* a, const std::string* b) { return *a < *b; });
  ids.clear();
  ids.reserve(docs.size());
  for (DocId i = 0; i < docs.size(); ++i) {
    if (docs[i] == nullptr) continue;
    ids[docs[i]->id] = base + i;
    memory_bytes += DocumentBytes(*docs[i]);
  }
  memory_bytes += static_cast<int64_t>(docs.capacity() * sizeof(docs[0]) +
                                       ids.capacity() * (sizeof(absl::string_view) + 5));
}

PostingsRef IndexSnapshot::Postings(absl::string_view term) const {
  PostingsRef ref;
  for (const auto& s : segments_) {
    if (const PostingList* pl = s->Find(term); pl != nullptr && !pl->docs.empty()) {
      ref.lists.push_back(pl);
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
    size_t i;
    const std::string& term() const { return *segment->sorted_terms[i]; }
  };
  auto later = [](const Cursor& a, const Cursor& b) { return a.term() > b.term(); };
  std::priority_queue<Cursor, std::vector<Cursor>, decltype(later)> heap(later);
  for (const auto& s : segments_) {
    auto it = std::lower_bound(
        s->sorted_terms.begin(), s->sorted_terms.end(), prefix,
        [](const std::string* term, absl::string_view p) { return absl::string_view(*term) < p; });
    const size_t i = static_cast<size_t>(it - s->sorted_terms.begin());
    if (i < s->sorted_terms.size() && absl::StartsWith(*s->sorted_terms[i], prefix)) {
      heap.push({s.get(), i});
    }
  }
  while (!heap.empty()) {
    const std::string& term = heap.top().term();
    int64_t postings = 0;
    while (!heap.empty() && heap.top().term() == term) {
      Cursor c = heap.top();
      heap.pop();
      postings += static_cast<int64_t>(c.segment->Find(term)->docs.size());
      if (++c.i < c.segment->sorted_terms.size() &&
          absl::StartsWith(*c.segment->sorted_terms[c.i], prefix)) {
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
  if (s == nullptr || s->docs[doc - s->base] == nullptr) return EmptyDocument();
  return *s->docs[doc - s->base];
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

std::shared_ptr<const Segment> MergeSegments(
    absl::Span<const std::shared_ptr<const Segment>> segments,
    const ChunkedVector<uint64_t>& deleted) {
  auto merged = std::make_shared<Segment>();
  merged->base = segments.front()->base;
  merged->limit = segments.back()->limit;
  merged->docs.reserve(merged->limit - merged->base);
  for (const auto& s : segments) {
    for (DocId i = 0; i < s->size(); ++i) {
      merged->docs.push_back(Deleted(deleted, s->base + i) ? nullptr : s->docs[i]);
    }
  }
  // Each term's lists, concatenated in segment order minus deleted docs.
  for (const auto& s : segments) {
    for (const auto& [term, pl] : s->postings) {
      PostingList* out = nullptr;
      for (size_t i = 0; i < pl.docs.size(); ++i) {
        const DocId doc = pl.docs[i];
        if (Deleted(deleted, doc)) continue;
        if (out == nullptr) out = &merged->postings[term];
        out->docs.push_back(doc);
        for (int f = 0; f < kNumFields; ++f) out->freqs[f].push_back(pl.freqs[f][i]);
        out->position_starts.push_back(static_cast<uint32_t>(out->positions.size()));
        absl::Span<const uint32_t> pos = pl.PositionsAt(i);
        out->positions.insert(out->positions.end(), pos.begin(), pos.end());
      }
    }
  }
  for (auto& [term, pl] : merged->postings) {
    pl.docs.shrink_to_fit();
    for (auto& f : pl.freqs) f.shrink_to_fit();
    pl.position_starts.shrink_to_fit();
    pl.positions.shrink_to_fit();
  }
  merged->Seal();
  return merged;
}

}  // namespace khabar::index
