#include "query_service/search/positional_iterators.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "query_service/search/term_iterator.h"

namespace khabar::search {
namespace {

// The field flags of the j-th position of a term in a document whose
// frequencies are `c`'s: title positions come first, then body; the lead is
// the first lead-frequency body positions.
void AddOccurrence(const PostingCursor& c, size_t j, FieldFreqs* out) {
  const uint32_t title = c.freq(index::Field::kTitle);
  if (j < title) {
    ++(*out)[static_cast<int>(index::Field::kTitle)];
    return;
  }
  ++(*out)[static_cast<int>(index::Field::kBody)];
  if (j - title < c.freq(index::Field::kLead)) ++(*out)[static_cast<int>(index::Field::kLead)];
}

bool AnyInScope(const FieldFreqs& f, FieldScope scope) {
  for (int i = 0; i < index::kNumFields; ++i) {
    if (f[i] > 0 && InScope(scope, static_cast<index::Field>(i))) return true;
  }
  return false;
}

std::string Keys(const std::vector<PositionalWord>& words) {
  return absl::StrJoin(words, " ", [](std::string* out, const PositionalWord& w) {
    absl::StrAppend(out, TermLabel(w.key));
  });
}

const char* ScopeName(FieldScope scope) {
  return scope == FieldScope::kTitle ? "title:" : scope == FieldScope::kBody ? "body:" : "";
}

}  // namespace

PositionalIterator::PositionalIterator(const ScoringContext& ctx,
                                       std::vector<PositionalWord> words, FieldScope scope)
    : ctx_(ctx), words_(std::move(words)), scope_(scope) {
  cost_ = std::numeric_limits<int64_t>::max();
  std::vector<std::string> parts;
  for (const PositionalWord& w : words_) {
    const index::PostingsRef pl = ctx.Postings(w.key);
    cursors_.emplace_back(pl);
    const int64_t df = LiveDocFreq(ctx.index(), pl, FieldScope::kAll);
    cost_ = std::min(cost_, df);
    if (df > 0) idf_ += w.query_weight * Bm25Idf(ctx.doc_count(), df);
    parts.push_back(absl::StrFormat("%s: weight %g, df %d", TermLabel(w.key), w.query_weight, df));
  }
  idf_detail_ = absl::StrCat("idf = sum of the words' weight * log(1 + (N - df + 0.5) / (df + "
                             "0.5)), N = ",
                             ctx.doc_count(), "; ", absl::StrJoin(parts, "; "));
  if (cost_ == 0) cursors_.assign(cursors_.size(), PostingCursor());
}

DocId PositionalIterator::Settle(DocId target) {
  while (target != kNoMoreDocs) {
    bool agreed = true;
    for (PostingCursor& c : cursors_) {
      c.Advance(target);
      if (c.doc() > target) {
        target = c.doc();
        agreed = false;
        break;
      }
    }
    if (!agreed) continue;
    if (ctx_.index().is_live(target)) {
      freqs_ = Count();
      if (AnyInScope(freqs_, scope_)) return doc_ = target;
    }
    ++target;  // kNoMoreDocs is never a doc id, so this cannot wrap past it
  }
  return doc_ = kNoMoreDocs;
}

DocId PositionalIterator::Next() {
  if (doc_ == kNoMoreDocs) return doc_;
  return Settle(doc_ + 1);
}

DocId PositionalIterator::Advance(DocId target) {
  if (doc_ == kNoMoreDocs || target <= doc_) return doc_;
  return Settle(target);
}

double PositionalIterator::Score() {
  return idf_ * ctx_.Saturate(ctx_.FieldTf(doc_, freqs_, scope_));
}

Explanation PositionalIterator::Explain() {
  return ctx_.ExplainTerm(DebugString(), doc_, freqs_, scope_, {idf_, idf_detail_, {}});
}

PhraseIterator::PhraseIterator(const ScoringContext& ctx, std::vector<PositionalWord> words,
                               FieldScope scope)
    : PositionalIterator(ctx, std::move(words), scope) {
  Start();
}

FieldFreqs PhraseIterator::Count() {
  FieldFreqs out{};
  const absl::Span<const uint32_t> first = cursors_[0].positions();
  for (size_t j = 0; j < first.size(); ++j) {
    bool all = true;
    for (size_t w = 1; w < words_.size() && all; ++w) {
      const uint32_t want = first[j] + words_[w].offset - words_[0].offset;
      const absl::Span<const uint32_t> p = cursors_[w].positions();
      all = std::binary_search(p.begin(), p.end(), want);
    }
    if (all) AddOccurrence(cursors_[0], j, &out);
  }
  return out;
}

std::string PhraseIterator::DebugString() const {
  return absl::StrCat(ScopeName(scope_), "PHRASE(", Keys(words_), ")");
}

NearIterator::NearIterator(const ScoringContext& ctx, std::vector<PositionalWord> words,
                           uint32_t window, FieldScope scope)
    : PositionalIterator(ctx, std::move(words), scope), window_(window) {
  Start();
}

FieldFreqs NearIterator::Count() {
  // Every position of every word, in order; then for each left end the
  // shortest window holding all words: an occurrence when it spans at most
  // window_ positions, in the field of its first position.
  struct Entry {
    uint32_t position;
    uint32_t word;
    uint32_t index;  // among the word's positions in this doc
  };
  std::vector<Entry> entries;
  for (size_t w = 0; w < cursors_.size(); ++w) {
    const absl::Span<const uint32_t> p = cursors_[w].positions();
    for (size_t j = 0; j < p.size(); ++j) {
      entries.push_back({p[j], static_cast<uint32_t>(w), static_cast<uint32_t>(j)});
    }
  }
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.position < b.position; });
  FieldFreqs out{};
  std::vector<uint32_t> inside(cursors_.size(), 0);
  size_t distinct = 0, r = 0;
  for (size_t l = 0; l < entries.size(); ++l) {
    while (r < entries.size() && distinct < cursors_.size()) {
      if (inside[entries[r].word]++ == 0) ++distinct;
      ++r;
    }
    if (distinct < cursors_.size()) break;
    if (entries[r - 1].position - entries[l].position <= window_) {
      AddOccurrence(cursors_[entries[l].word], entries[l].index, &out);
    }
    if (--inside[entries[l].word] == 0) --distinct;
  }
  return out;
}

std::string NearIterator::DebugString() const {
  return absl::StrCat(ScopeName(scope_), "NEAR/", window_, "(", Keys(words_), ")");
}

}  // namespace khabar::search
