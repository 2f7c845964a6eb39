#include "query_service/search/term_iterator.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <type_traits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace khabar::search {

#if defined(__GLIBC__) && defined(__x86_64__) && defined(__GLIBCXX__)
// A query makes several TermIterators; glibc's per-thread cache serves
// blocks of up to 1032 bytes, larger ones take malloc's slow path (2% of the
// median AND query's time when this was 1056 bytes).
static_assert(sizeof(TermIterator) <= 1032, "keep TermIterator in malloc's thread cache");
#endif

namespace {

// How many postings ahead Next() prefetches a document's lengths: a
// candidate's examination takes ~100-200 ns at 200k documents, a load from
// memory about as long.
constexpr uint32_t kPrefetchAhead = 3;

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
  const index::PostingsRef postings = ctx.Postings(key);  // one lookup per segment
  cursor_.Reset(postings);
  for (const index::PostingList& list : postings.lists) {
    lists_.push_back({ctx.ImpactScale(list.basis)});
  }
  doc_freq_ = LiveDocFreq(ctx.index(), postings, scope);
  every_posting_matches_ = scope == FieldScope::kAll;
  for (const index::PostingList& list : postings.lists) every_posting_matches_ &= list.all_live;
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
  // The documents this iterator is stepped to one by one are usually
  // scored (a pruned OR's candidates, an exhaustive search's hits): their
  // lengths are fetched a few postings ahead of the scoring.
  if (cursor_.ahead() > kPrefetchAhead) ctx_.index().PrefetchLengths(cursor_.doc_ahead(kPrefetchAhead));
  return Settle();
}

double TermIterator::MaxScore() const {
  if (max_score_ >= 0) return max_score_;
  double max_tf = 0;
  for (size_t k = 0; k < cursor_.lists().size(); ++k) max_tf = std::max(max_tf, ListMaxTf(k));
  return max_score_ = idf_ * ctx_.Saturate(max_tf);
}

double TermIterator::ScoreFloor(size_t k) const {
  if (scope_ != FieldScope::kAll || !(idf_ > 0) || k == 0) return 0;
  size_t rank = 0;
  while (rank < index::kFloorRanks.size() && index::kFloorRanks[rank] < k) ++rank;
  if (rank == index::kFloorRanks.size()) return 0;
  double tf = 0;
  const auto lists = cursor_.lists();
  for (size_t l = 0; l < lists.size(); ++l) {
    const index::PostingList& list = lists[l];
    if (list.skips == nullptr) {
      ListMaxTf(l);  // scores the list's postings, once
      tf = std::max(tf, lists_[l].floor_tf[rank]);
      continue;
    }
    // A tombstone may hold one of the shares the floor counts.
    if (!list.all_live || list.floor_share[rank] <= 0) continue;
    const double scale = ctx_.ImpactFloorScale(list.basis);
    if (scale > 0) tf = std::max(tf, list.floor_share[rank] * scale);
  }
  return tf > 0 ? idf_ * ctx_.Saturate(tf) : 0;
}

double TermIterator::ListMaxTf(size_t k) const {
  double& max_tf = lists_[k].max_tf;
  if (max_tf >= 0) return max_tf;
  max_tf = 0;
  const index::PostingList& list = cursor_.lists()[k];
  if (list.skips != nullptr) {
    for (uint32_t b = 0; b < list.block_count(); ++b) {
      max_tf = std::max(max_tf, ctx_.BlockTf(list.skip(b), scope_, lists_[k].impact_scale));
    }
    return max_tf;
  }
  // At most one block of postings: their own maximum (tombstones included,
  // still a bound), and the floors of the live ones.
  double tfs[index::kBlockSize];
  uint32_t live = 0;
  for (index::ListCursor c(list); c.doc() != kNoMoreDocs; c.Next()) {
    const double tf = ctx_.FieldTf(c.doc(), {c.freq(0), c.freq(1), c.freq(2)}, scope_);
    max_tf = std::max(max_tf, tf);
    if (live < index::kBlockSize && (list.all_live || ctx_.index().is_live(c.doc()))) {
      tfs[live++] = tf;
    }
  }
  for (size_t r = 0; r < index::kFloorRanks.size() && live >= index::kFloorRanks[r]; ++r) {
    double* nth = tfs + (index::kFloorRanks[r] - 1);
    std::nth_element(tfs, nth, tfs + live, std::greater<>());
    lists_[k].floor_tf[r] = *nth;
  }
  return max_tf;
}

DocId TermIterator::ListLast(size_t k) const {
  const auto lists = cursor_.lists();
  return k + 1 < lists.size() ? lists[k + 1].base - 1 : kNoMoreDocs - 1;
}

uint32_t TermIterator::FirstBlockFrom(size_t k, DocId target) const {
  // The cursor's block and the blocks before it end before its doc.
  return k == cursor_.list_index() && doc_ != kNoMoreDocs && target >= cursor_.doc() ? cursor_.block()
                                                                                       : 0;
}

DocId TermIterator::BlockEnd(DocId target) const {
  const auto lists = cursor_.lists();
  for (size_t k = 0; k < lists.size(); ++k) {
    if (target < lists[k].base) return lists[k].base - 1;  // the gap before list k
    const DocId last = ListLast(k);
    if (target > last) continue;
    if (lists[k].skips == nullptr) return last;
    const uint32_t b = lists[k].FirstBlockReaching(target, FirstBlockFrom(k, target));
    return b < lists[k].block_count() ? lists[k].skip(b).last_doc : last;
  }
  return kNoMoreDocs - 1;
}

double TermIterator::MaxScoreIn(DocId from, DocId to) const {
  if (doc_ == kNoMoreDocs) return 0;
  const auto lists = cursor_.lists();
  double max_tf = 0;
  for (size_t k = 0; k < lists.size() && lists[k].base <= to; ++k) {
    if (ListLast(k) < from) continue;
    const index::PostingList& list = lists[k];
    if (list.skips == nullptr) {
      max_tf = std::max(max_tf, ListMaxTf(k));
      continue;
    }
    for (uint32_t b = list.FirstBlockReaching(from, FirstBlockFrom(k, from)); b < list.block_count(); ++b) {
      const index::BlockSkip skip = list.skip(b);
      max_tf = std::max(max_tf, ctx_.BlockTf(skip, scope_, lists_[k].impact_scale));
      if (skip.last_doc >= to) break;
    }
  }
  return max_tf == 0 ? 0 : idf_ * ctx_.Saturate(max_tf);
}

DocId TermIterator::NextAbove(double min_score, DocId end) {
  if (idf_ <= 0) return DocIterator::NextAbove(min_score, end);
  if (min_score != above_score_) {
    // Score = idf * (k1 + 1) * tf / (tf + k1) > min_score  <=>  tf > tau.
    above_score_ = min_score;
    const double k1 = ctx_.bm25().k1;
    const double t = min_score / idf_;
    above_tf_ = t <= 0 ? -1 : t >= k1 + 1 ? std::numeric_limits<double>::infinity()
                                           : k1 * t / (k1 + 1 - t);
    // Rounding may only let a document through (the caller checks it again).
    if (std::isfinite(above_tf_)) above_tf_ -= 1e-9 * std::abs(above_tf_);
  }
  const double tau = above_tf_;
  if (tau < 0) return doc_;
  if (std::isinf(tau)) return Advance(end);  // no frequency saturates that high
  while (doc_ < end) {
    const uint32_t m = cursor_.ahead();
    // The block's skip record (a list of one block has none): where even
    // its bound cannot pass, no posting can (tombstones and other scopes
    // included: the bound covers every posting); where its impact, the
    // largest body + lead share, cannot, only a posting with the term in
    // the title can. The caller's window may span several blocks
    // (OrIterator, kSingleWindowBlocks).
    const bool whole = scope_ == FieldScope::kAll;
    bool title_only = false;
    const index::PostingList& list = cursor_.lists()[cursor_.list_index()];
    if (list.skips != nullptr) {
      const double scale = lists_[cursor_.list_index()].impact_scale;
      const index::BlockSkip skip = list.skip(cursor_.block());
      bool pass_over = false;
      if (whole && scale >= 0) {
        // The whole bound is the title's plus at most the impact: where the
        // impact alone passes, so does the bound (no need to compute it).
        const double body_lead = skip.body_lead_max * scale;
        if (body_lead <= tau) {
          title_only = true;
          pass_over = !cursor_.block_has_title() || ctx_.TitleBoundTf(skip.bound) + body_lead <= tau;
        }
      } else {
        pass_over = ctx_.BlockTf(skip, scope_, scale) <= tau;
      }
      if (pass_over && cursor_.block_last_doc() < end) {
        cursor_.Skip(m - 1);
        Next();
        continue;
      }
    }
    if (!whole || !cursor_.all_live()) {
      // Tombstones or a scope: one posting at a time through Score(), to
      // the block's end (Next() checks liveness and scope).
      const DocId last = cursor_.block_last_doc();
      while (doc_ < end && doc_ <= last) {
        if (Score() > min_score) return doc_;
        Next();
      }
      continue;
    }
    // The block's postings from the current one, in place; with
    // `kTitleOnly` (a compile-time choice: the two scans stay branch-free)
    // only those with the term in the title. True when one is at `end` or
    // passes: the cursor is then on it.
    const bool titles = cursor_.block_has_title();
    auto scan = [&](auto title_only_tag) {
      constexpr bool kTitleOnly = decltype(title_only_tag)::value;
      for (uint32_t j = 0; j < m; ++j) {
        const DocId d = cursor_.doc_ahead(j);
        if (d >= end) {
          cursor_.Skip(j);
          return true;
        }
        if (kTitleOnly && (!titles || cursor_.freq_ahead(0, j) == 0)) continue;
        const FieldFreqs freqs = {cursor_.freq_ahead(0, j), cursor_.freq_ahead(1, j),
                                  cursor_.freq_ahead(2, j)};
        if (ctx_.TfAbove(d, freqs, tau)) {
          cursor_.Skip(j);
          return true;
        }
      }
      return false;
    };
    if (title_only ? scan(std::true_type{}) : scan(std::false_type{})) return doc_ = cursor_.doc();
    cursor_.Skip(m - 1);  // the block's last posting; then the next block
    Next();
  }
  return doc_;
}

FieldFreqs TermIterator::Freqs() const {
  return {cursor_.freq(index::Field::kTitle), cursor_.freq(index::Field::kBody),
          cursor_.freq(index::Field::kLead)};
}

double TermIterator::Score() {
  if (scored_doc_ != doc_) {
    scored_doc_ = doc_;
    score_ = idf_ * ctx_.Saturate(ctx_.FieldTf(doc_, Freqs(), scope_));
  }
  return score_;
}

uint32_t TermIterator::occurrences() const {
  return cursor_.freq(index::Field::kTitle) + cursor_.freq(index::Field::kBody);
}

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
