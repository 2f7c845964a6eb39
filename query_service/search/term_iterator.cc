#include "query_service/search/term_iterator.h"

#include <algorithm>
#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace khabar::search {
namespace {

bool Matches(const index::IndexSnapshot& index, const PostingCursor& c, FieldScope scope) {
  if (!c.all_live() && !index.is_live(c.doc())) return false;
  switch (scope) {
    case FieldScope::kAll:
      return true;
    case FieldScope::kTitle:
      return c.freq(index::Field::kTitle) > 0;
    case FieldScope::kBody:
      return c.freq(index::Field::kBody) > 0;
  }
  return false;
}

}  // namespace

int64_t LiveDocFreq(const index::IndexSnapshot& index, const index::PostingsRef& postings,
                    FieldScope scope) {
  int64_t df = 0;
  for (const index::PostingList& list : postings.lists) {
    if (list.all_live && scope == FieldScope::kAll) {
      df += list.count;  // no tombstone to skip, every posting counts
      continue;
    }
    index::PostingsRef one;
    one.lists.push_back(list);
    for (PostingCursor c(one); c.doc() != kNoMoreDocs; c.Next()) {
      df += Matches(index, c, scope) ? 1 : 0;
    }
  }
  return df;
}

std::string TermLabel(absl::string_view key) {
  if (!key.empty() && key[0] == index::kExactMarker) return absl::StrCat("exact:", key.substr(1));
  return std::string(key);
}

TermIterator::TermIterator(const ScoringContext& ctx, absl::string_view key, double query_weight,
                           FieldScope scope)
    : ctx_(ctx),
      key_(key),
      query_weight_(query_weight),
      scope_(scope) {
  const index::PostingsRef postings = ctx.index().Postings(key);  // one lookup per segment
  cursor_.Reset(postings);
  doc_freq_ = LiveDocFreq(ctx.index(), postings, scope);
  if (doc_freq_ == 0) {
    doc_ = kNoMoreDocs;
    return;
  }
  idf_ = query_weight_ * Bm25Idf(ctx.doc_count(), doc_freq_);
  Settle();
}

DocId TermIterator::Settle() {
  while (cursor_.doc() != kNoMoreDocs && !Matches(ctx_.index(), cursor_, scope_)) cursor_.Next();
  return doc_ = cursor_.doc();
}

DocId TermIterator::Next() {
  if (doc_ == kNoMoreDocs) return doc_;
  cursor_.Next();
  return Settle();
}

DocId TermIterator::Advance(DocId target) {
  if (doc_ == kNoMoreDocs || target <= doc_) return doc_;
  cursor_.Advance(target);
  return Settle();
}

double TermIterator::MaxScore() const {
  if (max_score_ >= 0) return max_score_;
  // The largest block bound over the lists; a one-block list has none.
  double max_tf = 0;
  for (const index::PostingList& list : cursor_.lists()) {
    if (list.skips == nullptr) {
      max_tf = std::numeric_limits<double>::infinity();
      break;
    }
    for (uint32_t b = 0; b < list.block_count(); ++b) {
      max_tf = std::max(max_tf, ctx_.BoundTf(list.skip(b).bound, scope_));
    }
  }
  return max_score_ = idf_ * ctx_.Saturate(max_tf);
}

FieldFreqs TermIterator::Freqs() const {
  return {cursor_.freq(index::Field::kTitle), cursor_.freq(index::Field::kBody),
          cursor_.freq(index::Field::kLead)};
}

double TermIterator::Score() { return idf_ * ctx_.Saturate(ctx_.FieldTf(doc_, Freqs(), scope_)); }

Explanation TermIterator::Explain() {
  Explanation idf{idf_,
                  absl::StrFormat("idf = query weight %g * log(1 + (N - df + 0.5) / (df + 0.5)), "
                                  "N = %d, df = %d",
                                  query_weight_, ctx_.doc_count(), doc_freq_),
                  {}};
  return ctx_.ExplainTerm(DebugString(), doc_, Freqs(), scope_, std::move(idf));
}

std::string TermIterator::DebugString() const {
  const char* scope = scope_ == FieldScope::kTitle ? "title:" : scope_ == FieldScope::kBody ? "body:" : "";
  return absl::StrCat(scope, TermLabel(key_));
}

}  // namespace khabar::search
