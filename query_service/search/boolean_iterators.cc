#include "query_service/search/boolean_iterators.h"

#include <immintrin.h>

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "query_service/search/term_iterator.h"

namespace khabar::search {
namespace {

std::string Join(const std::vector<DocIteratorPtr>& children) {
  return absl::StrJoin(children, ", ", [](std::string* out, const DocIteratorPtr& c) {
    absl::StrAppend(out, c->DebugString());
  });
}

// `x` lowered by 1e-9 of its size (at least 1e-9): scores are sums of doubles
// in another order than the bounds', and this margin keeps rounding from
// pruning a document that ties a threshold (it may only let one through).
double LoweredForRounding(double x) { return x - 1e-9 * std::max(1.0, std::abs(x)); }

// One document of a at a time: b's position found eight docs at a step
// (compare, movemask, popcount). Each step waits on the last one's count.
__attribute__((target("avx2,popcnt"))) internal::Meeting MeetEachAvx2(const DocId* a,
                                                                      uint32_t na, const DocId* b,
                                                                      uint32_t nb) {
  const __m256i flip = _mm256_set1_epi32(INT32_MIN);  // unsigned order as signed
  uint32_t ia = 0, ib = 0;
  for (; ia < na; ++ia) {
    const DocId x = a[ia];
    const __m256i t = _mm256_xor_si256(_mm256_set1_epi32(static_cast<int32_t>(x)), flip);
    while (nb - ib >= 8) {
      const __m256i v = _mm256_xor_si256(
          _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + ib)), flip);
      const uint32_t below = static_cast<uint32_t>(
          _mm256_movemask_ps(_mm256_castsi256_ps(_mm256_cmpgt_epi32(t, v))));
      ib += static_cast<uint32_t>(__builtin_popcount(below));
      if (below != 0xFF) break;
    }
    while (ib < nb && b[ib] < x) ++ib;
    if (ib == nb) return {ia, ib, false};
    if (b[ib] == x) return {ia, ib, true};
  }
  return {ia, ib, false};
}

}  // namespace

namespace internal {

__attribute__((target("avx2,popcnt"))) Meeting MeetAvx2(const DocId* a, uint32_t na,
                                                         const DocId* b, uint32_t nb) {
  uint32_t ia = 0, ib = 0;
  // Eight of a against eight of b, every pair (b's run rotated within and
  // across its two lanes), then the run with the smaller last doc moves on
  // (both on a tie): a merge by runs of eight (Lemire, Boytsov and Kurz,
  // "SIMD compression and the intersection of sorted integers", 2016). The
  // only chain from one step to the next is the two last docs' comparison;
  // a per-document search would chain a load, a compare and a count per
  // document of a.
  while (na - ia >= 8 && nb - ib >= 8) {
    const __m256i va = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a + ia));
    const __m256i vb = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + ib));
    const __m256i vs = _mm256_permute2x128_si256(vb, vb, 1);  // lanes swapped
    __m256i eq = _mm256_cmpeq_epi32(va, vb);
    eq = _mm256_or_si256(eq, _mm256_cmpeq_epi32(va, _mm256_shuffle_epi32(vb, 0x39)));
    eq = _mm256_or_si256(eq, _mm256_cmpeq_epi32(va, _mm256_shuffle_epi32(vb, 0x4E)));
    eq = _mm256_or_si256(eq, _mm256_cmpeq_epi32(va, _mm256_shuffle_epi32(vb, 0x93)));
    eq = _mm256_or_si256(eq, _mm256_cmpeq_epi32(va, vs));
    eq = _mm256_or_si256(eq, _mm256_cmpeq_epi32(va, _mm256_shuffle_epi32(vs, 0x39)));
    eq = _mm256_or_si256(eq, _mm256_cmpeq_epi32(va, _mm256_shuffle_epi32(vs, 0x4E)));
    eq = _mm256_or_si256(eq, _mm256_cmpeq_epi32(va, _mm256_shuffle_epi32(vs, 0x93)));
    const auto hit = static_cast<uint32_t>(_mm256_movemask_ps(_mm256_castsi256_ps(eq)));
    if (hit != 0) {
      // a's first doc found in b's run is the first both have: one of a's
      // earlier docs in a later run of b would be larger than it.
      const uint32_t i = ia + static_cast<uint32_t>(__builtin_ctz(hit));
      const auto at = static_cast<uint32_t>(_mm256_movemask_ps(_mm256_castsi256_ps(
          _mm256_cmpeq_epi32(_mm256_set1_epi32(static_cast<int32_t>(a[i])), vb))));
      return {i, ib + static_cast<uint32_t>(__builtin_ctz(at)), true};
    }
    const DocId last_a = a[ia + 7], last_b = b[ib + 7];
    ia += last_a <= last_b ? 8 : 0;
    ib += last_b <= last_a ? 8 : 0;
  }
  if (nb > 0 && ib == nb) {
    // b's run is used up: a's docs up to its last were all compared.
    while (ia < na && a[ia] <= b[nb - 1]) ++ia;
    return {ia, nb, false};
  }
  // Fewer than eight left in one of them: one document of a at a time.
  const Meeting rest = MeetEachAvx2(a + ia, na - ia, b + ib, nb - ib);
  return {ia + rest.ia, ib + rest.ib, rest.found};
}

Meeting MeetScalar(const DocId* a, uint32_t na, const DocId* b, uint32_t nb) {
  uint32_t ia = 0, ib = 0;
  for (; ia < na; ++ia) {
    while (ib < nb && b[ib] < a[ia]) ++ib;
    if (ib == nb) return {ia, ib, false};
    if (b[ib] == a[ia]) return {ia, ib, true};
  }
  return {ia, ib, false};
}

}  // namespace internal

// AND -------------------------------------------------------------------------

AndIterator::AndIterator(std::vector<DocIteratorPtr> children) : children_(std::move(children)) {
  std::stable_sort(children_.begin(), children_.end(),
                   [](const DocIteratorPtr& a, const DocIteratorPtr& b) {
                     return a->Cost() < b->Cost();
                   });
  for (DocIteratorPtr& c : children_) {
    TermIterator* driver = c->Driver();
    if (driver == nullptr) {
      drivers_.clear();
      break;
    }
    drivers_.push_back(driver);
  }
  in_blocks_ = drivers_.size() >= 2;
  for (TermIterator* t : drivers_) in_blocks_ &= t->unscoped();
  Align(children_[0]->doc());
}

DocId AndIterator::Agreed(DocId target) {
  // The children follow their drivers, all on target now.
  for (size_t i = 0; i < children_.size(); ++i) {
    if (children_[i].get() != drivers_[i]) children_[i]->Advance(target);
  }
  return doc_ = target;
}

DocId AndIterator::AlignInBlocks() {
  TermIterator* const a = drivers_[0];
  TermIterator* const b = drivers_[1];
  while (true) {
    const DocId x = a->doc();
    if (x == kNoMoreDocs) break;
    if (b->doc() < x && x > b->block_last_doc()) b->Advance(x);  // to b's block holding x
    const DocId y = b->doc();
    if (y == kNoMoreDocs) break;
    if (y > a->block_last_doc()) {
      a->Advance(y);  // a's later block
      continue;
    }
    // Both blocks reach x or beyond, and y is in a's block.
    const uint32_t na = a->block_ahead(), nb = b->block_ahead();
    const internal::Meeting m =
        index::internal::kHaveAvx2
            ? internal::MeetAvx2(a->block_docs(), na, b->block_docs(), nb)
            : internal::MeetScalar(a->block_docs(), na, b->block_docs(), nb);
    if (!m.found) {
      if (m.ia == na) {
        a->SkipInBlock(na - 1);
        a->Next();  // a's next block
      } else {
        a->SkipInBlock(m.ia);
        b->Advance(a->doc());  // b's run was all below a's doc: a later block
      }
      continue;
    }
    a->SkipInBlock(m.ia);
    b->SkipInBlock(m.ib);
    if (!a->live()) {  // a deleted document both lists still hold
      a->Next();
      continue;
    }
    const DocId target = a->doc();
    bool agreed = true;
    for (size_t i = 2; i < drivers_.size(); ++i) {
      const DocId d = drivers_[i]->Advance(target);
      if (d > target) {
        a->Advance(d);
        agreed = false;
        break;
      }
    }
    if (agreed) return Agreed(target);
  }
  return doc_ = kNoMoreDocs;
}

DocId AndIterator::Competitive(DocId target) {
  while (true) {
    if (target > window_end_) {
      window_end_ = std::max(children_[0]->BlockEnd(target), target);
      window_max_ = MaxScoreIn(target, window_end_);
    }
    if (window_max_ > min_score_) return target;
    if (window_end_ >= kNoMoreDocs - 1) return kNoMoreDocs;
    target = window_end_ + 1;
  }
}

DocId AndIterator::Align(DocId target) {
  const bool direct = !drivers_.empty();
  if (in_blocks_ && min_score_ == -std::numeric_limits<double>::infinity()) {
    // target is the first driver's doc (Next, Advance and the constructor).
    return AlignInBlocks();
  }
  while (target != kNoMoreDocs) {
    if (min_score_ != -std::numeric_limits<double>::infinity()) {
      const DocId t = Competitive(target);
      if (t != target) {
        target = t;
        if (target == kNoMoreDocs) break;
        target = direct ? drivers_[0]->Advance(target) : children_[0]->Advance(target);
        continue;
      }
    }
    bool agreed = true;
    if (direct) {
      for (TermIterator* t : drivers_) {
        const DocId d = t->Advance(target);  // a no-op on target itself
        if (d > target) {
          target = d;
          agreed = false;
          break;
        }
      }
      if (agreed) return Agreed(target);
    } else {
      for (DocIteratorPtr& c : children_) {
        const DocId d = c->doc() < target ? c->Advance(target) : c->doc();
        if (d > target) {
          target = d;
          agreed = false;
          break;
        }
      }
    }
    if (agreed) return doc_ = target;
  }
  return doc_ = kNoMoreDocs;
}

DocId AndIterator::Next() {
  if (doc_ == kNoMoreDocs) return doc_;
  return Align(drivers_.empty() ? children_[0]->Next() : drivers_[0]->Next());
}

DocId AndIterator::Advance(DocId target) {
  if (doc_ == kNoMoreDocs || target <= doc_) return doc_;
  return Align(drivers_.empty() ? children_[0]->Advance(target) : drivers_[0]->Advance(target));
}

double AndIterator::Score() {
  double s = 0;
  for (DocIteratorPtr& c : children_) s += c->Score();
  return s;
}

double AndIterator::ScoreBound() {
  double s = 0;
  for (DocIteratorPtr& c : children_) s += c->ScoreBound();
  return s;
}

double AndIterator::MaxScoreIn(DocId from, DocId to) const {
  double s = 0;
  for (const DocIteratorPtr& c : children_) {
    if (c->doc() > to) return 0;  // a child without a document there
    s += c->MaxScoreIn(std::max(c->doc(), from), to);
  }
  return s;
}

void AndIterator::SetMinCompetitiveScore(double min_score) {
  const double bar = LoweredForRounding(min_score);
  if (bar <= min_score_) return;
  if (min_score_ == -std::numeric_limits<double>::infinity()) {
    window_end_ = doc_;  // every later target is past it: a window is computed there
  }
  min_score_ = bar;
}

double AndIterator::MaxScore() const {
  double s = 0;
  for (const DocIteratorPtr& c : children_) s += c->MaxScore();
  return s;
}

Explanation AndIterator::Explain() {
  Explanation e{0, "sum of (AND):", {}};
  for (DocIteratorPtr& c : children_) {
    e.details.push_back(c->Explain());
    e.value += e.details.back().value;
  }
  return e;
}

std::string AndIterator::DebugString() const { return absl::StrCat("AND(", Join(children_), ")"); }

// OR --------------------------------------------------------------------------

OrIterator::OrIterator(std::vector<DocIteratorPtr> children, int minimum_match)
    : children_(std::move(children)), minimum_match_(std::max(minimum_match, 1)) {
  Find();
}

OrIterator::OrIterator(std::vector<DocIteratorPtr> children, Requirements needs)
    : OrIterator(std::move(children), 1) {
  needs_ = std::move(needs);
  // A child is dependent when it needs others and those need nothing: then
  // every document it matches is matched by them (chains are not followed).
  dependent_.assign(children_.size(), false);
  for (size_t i = 0; i < children_.size(); ++i) {
    bool needs_any = false, needs_only_independent = true;
    for (int r : needs_[i]) {
      if (r < 0) continue;
      needs_any = true;
      for (int rr : needs_[r]) needs_only_independent &= rr < 0;
    }
    dependent_[i] = needs_any && needs_only_independent;
  }
  for (size_t i = 0; i < children_.size(); ++i) {
    if (Dependent(i)) continue;
    if (lead_ != nullptr) {
      lead_ = nullptr;  // more than one
      break;
    }
    lead_ = children_[i].get();
  }
}

void OrIterator::SetScoreRatios(std::vector<double> ratio) {
  ratio_ = std::move(ratio);
  lead_bound_known_ = false;
}

double OrIterator::ScoreBound() {
  if (lead_ == nullptr || pruning_) return Score();
  if (!lead_bound_known_) {
    lead_ratio_ = lead_extra_ = 0;
    for (size_t i = 0; i < children_.size(); ++i) {
      if (!Dependent(i)) continue;  // lead_
      if (!ratio_.empty() && ratio_[i] > 0) {
        lead_ratio_ += ratio_[i];  // its requirement is lead_, the only independent child
      } else {
        lead_extra_ += children_[i]->MaxScore();
      }
    }
    lead_ratio_ *= 1 + 1e-12;  // a dependent's score may round above ratio times the lead's
    lead_bound_known_ = true;
  }
  return lead_->Score() * (1 + lead_ratio_) + lead_extra_;
}

bool OrIterator::Dependent(size_t i) const { return !dependent_.empty() && dependent_[i]; }

void OrIterator::CatchUpDependents() {
  if (doc_ == kNoMoreDocs) return;
  for (size_t i = 0; i < children_.size(); ++i) {
    if (Dependent(i) && children_[i]->doc() < doc_) children_[i]->Advance(doc_);
  }
}

DocId OrIterator::Find() {
  while (true) {
    DocId min = kNoMoreDocs;
    for (size_t i = 0; i < children_.size(); ++i) {
      // Unpruned, a dependent is left behind (it cannot lead: its documents
      // are those it needs) until the OR is scored or explained. (Only the
      // Requirements constructor makes dependents, with minimum_match 1.)
      if (Dependent(i)) continue;
      min = std::min(min, children_[i]->doc());
    }
    if (min == kNoMoreDocs || minimum_match_ == 1) return doc_ = min;
    int on = 0;
    for (const DocIteratorPtr& c : children_) on += c->doc() == min ? 1 : 0;
    if (on >= minimum_match_) return doc_ = min;
    for (DocIteratorPtr& c : children_) {
      if (c->doc() == min) c->Next();
    }
  }
}

DocId OrIterator::Next() {
  if (doc_ == kNoMoreDocs) return doc_;
  if (!pruning_) {
    if (lead_ != nullptr) return doc_ = lead_->Next();
    for (size_t i = 0; i < children_.size(); ++i) {
      if (!Dependent(i) && children_[i]->doc() == doc_) children_[i]->Next();
    }
    return Find();
  }
  for (DocIteratorPtr& c : children_) {
    if (c->doc() == doc_) c->Next();
  }
  floor_ = doc_ + 1;
  return FindPruned();
}

DocId OrIterator::Advance(DocId target) {
  if (doc_ == kNoMoreDocs || target <= doc_) return doc_;
  if (pruning_) {
    floor_ = target;  // FindPruned advances the essential children
    return FindPruned();
  }
  if (lead_ != nullptr) return doc_ = lead_->doc() < target ? lead_->Advance(target) : lead_->doc();
  for (size_t i = 0; i < children_.size(); ++i) {
    if (!Dependent(i) && children_[i]->doc() < target) children_[i]->Advance(target);
  }
  return Find();
}

DocId OrIterator::BlockEnd(DocId target) const {
  DocId end = kNoMoreDocs - 1;
  for (const DocIteratorPtr& c : children_) {
    if (c->doc() != kNoMoreDocs) end = std::min(end, c->BlockEnd(std::max(c->doc(), target)));
  }
  return end;
}

double OrIterator::MaxScoreIn(DocId from, DocId to) const {
  double s = 0;
  for (const DocIteratorPtr& c : children_) {
    if (c->doc() <= to) s += c->MaxScoreIn(std::max(c->doc(), from), to);
  }
  return s;
}

void OrIterator::SetMinCompetitiveScore(double min_score) {
  // (More children than the on-state masks hold: no pruning. The query
  // parser's term limit keeps a flat OR well below it.)
  if (minimum_match_ != 1 || doc_ == kNoMoreDocs || children_.size() > 64 * kMaxMaskWords) return;
  if (by_max_.empty()) {
    for (size_t i = 0; i < children_.size(); ++i) {
      const double max = children_[i]->MaxScore();
      by_max_.push_back({children_[i].get(), static_cast<int>(i), max, max});
    }
    mask_words_ = children_.size() <= 64 ? 1 : kMaxMaskWords;
    position_.assign(children_.size(), 0);
    score_at_.assign(children_.size(), 0.0);
    share_at_.assign(children_.size(), 0.0);
  }
  const double bar = LoweredForRounding(min_score);
  if (pruning_ && bar <= bar_) return;
  bar_ = bar;
  double total = 0;
  for (const Bounded& c : by_max_) total += c.max;
  for (const Bounded& c : by_max_) c.it->SetMinCompetitiveScore(min_score - (total - c.max));
  if (total <= bar_) {
    doc_ = kNoMoreDocs;  // nothing left can beat the threshold
    return;
  }
  if (!pruning_) {
    // Until the first window: the whole lists' bounds.
    CatchUpDependents();
    pruning_ = true;
    floor_ = doc_ + 1;
    Partition();
    return;
  }
  // Same window, higher bar: the current document stays (the caller has
  // scored it) until Next().
  CountNonEssential();
}

namespace {
// A stem taken alone lets the dependents it completes propose candidates
// only if they are this many times rarer than it (A/B, docs/query-processing.md).
constexpr int64_t kProposerCostRatio = 3;
}  // namespace

void OrIterator::CountNonEssential() {
  if (dependent_.empty()) {
    // The longest prefix of by_max_ whose bounds sum to <= bar_.
    size_t n = 0;
    double sum = 0;
    for (; n < by_max_.size() && sum + by_max_[n].window_max <= bar_; ++n) {
      sum += by_max_[n].window_max;
    }
    non_essential_ = n;
    non_essential_sum_ = sum;
    IndexPositions();
    NoteSingleEssential();
    return;
  }
  // With requirements, the non-essential set is the independent children
  // with the smallest bounds, taken while they and the dependents all of
  // whose requirements are among them sum to <= bar_: a document matching
  // none of the other (essential) independents scores no more than that. A
  // dependent need not propose candidates while a requirement of it is
  // essential: what it matches, its requirements match. Lucene's MaxScore
  // has no such notion; without it every word's exact form and every pair
  // bonus sat in the non-essential sum, and the words' stems never left the
  // essential set.
  std::sort(by_max_.begin(), by_max_.end(),
            [](const Bounded& a, const Bounded& b) { return a.window_max < b.window_max; });
  // An independent child whose dependents do not fit beside it may still be
  // taken alone: its dependents then propose the candidates instead (a rare
  // exact form of a frequent stem, whose other documents cannot win).
  std::vector<bool>& taken = non_essential_child_;
  taken.assign(children_.size(), false);
  proposer_.assign(children_.size(), false);
  // Whether dependent `o` has all its requirements taken, the last being `c`.
  auto completed_by = [&](const Bounded& o, int c) {
    bool newly = false, all = true;
    for (int r : needs_[o.child]) {
      if (r < 0) continue;
      all &= taken[r];
      newly |= r == c;
    }
    return all && newly;
  };
  double sum = 0;
  for (const Bounded& c : by_max_) {
    if (dependent_[c.child]) continue;
    if (sum + c.window_max > bar_) break;
    taken[c.child] = true;
    double with = sum + c.window_max;
    int64_t completed_cost = 0;
    completed_.clear();
    for (const Bounded& o : by_max_) {
      if (dependent_[o.child] && completed_by(o, c.child)) {
        with += o.window_max;
        completed_cost += o.it->Cost();
        completed_.push_back(o.child);
      }
    }
    if (with <= bar_) {
      sum = with;
      continue;
    }
    // Alone, if the dependents it completed are much rarer: they propose.
    if (completed_cost * kProposerCostRatio > c.it->Cost()) {
      taken[c.child] = false;
      break;
    }
    for (int o : completed_) proposer_[o] = true;
    sum += c.window_max;
  }
  // Non-essential first (increasing bound), then the essential ones.
  auto non_essential = [&](const Bounded& c) {
    return (dependent_[c.child] && !proposer_[c.child]) || taken[c.child];
  };
  std::stable_partition(by_max_.begin(), by_max_.end(), non_essential);
  size_t n = 0;
  double all_sum = 0;
  for (; n < by_max_.size() && non_essential(by_max_[n]); ++n) {
    all_sum += by_max_[n].window_max;
  }
  non_essential_ = n;
  non_essential_sum_ = all_sum;
  IndexPositions();
  NoteSingleEssential();
}

void OrIterator::NoteSingleEssential() {
  single_essential_ = non_essential_ + 1 == by_max_.size();
  single_dominated_ = nullptr;
  if (!single_essential_) return;
  // The non-essential children the essential one dominates (ratio_): their
  // window bounds' sum and their ratios' sum; the others' window bounds' sum.
  const int essential = by_max_.back().child;
  double dominated = 0, ratio = 0, undominated = 0;
  int dominated_count = 0;
  DocIterator* dominated_child = nullptr;
  for (size_t i = 0; i < non_essential_; ++i) {
    const Bounded& c = by_max_[i];
    if (!ratio_.empty() && ratio_[c.child] > 0 && needs_[c.child][0] == essential &&
        needs_[c.child][1] < 0) {
      dominated += c.window_max;
      ratio += ratio_[c.child];
      ++dominated_count;
      dominated_child = c.it;
    } else {
      undominated += c.window_max;
    }
  }
  // Room for rounding: a dominated score can equal ratio times the
  // essential one, computed in another order.
  ratio *= 1 + 1e-12;
  // A document with the essential child's score s can reach at most
  // f(s) = s + undominated + min(dominated, ratio * s), which grows with s:
  // the least s with f(s) > bar_ is where ratio * s meets `dominated`, or
  // below it.
  double least = (bar_ - undominated) / (1 + ratio);
  if (ratio * least > dominated) least = bar_ - undominated - dominated;
  // Rounding may only let a document through: FindPruned checks it again.
  single_least_ = LoweredForRounding(least);
  if (dominated_count == 1) {
    single_alone_ = LoweredForRounding(bar_ - undominated);
    if (single_alone_ > single_least_) single_dominated_ = dominated_child;
  }
}

DocId OrIterator::SkipUncompetitive() {
  DocIterator* e = by_max_.back().it;
  if (e->doc() < floor_) e->Advance(floor_);
  DocId d = e->NextAbove(single_least_, window_end_);
  // The one child it dominates adds to a document's score only where it
  // is (a word's exact form is on a fraction of its stem's documents): on
  // the others the essential child needs single_alone_. Checked here, on
  // the child's cached score and one forward move of the dominated child,
  // instead of FindPruned's whole examination of a candidate that most
  // often fails.
  while (single_dominated_ != nullptr && d < window_end_) {
    if (e->Score() > single_alone_) return d;
    DocIterator* x = single_dominated_;
    if (x->doc() < d) x->Advance(d);
    if (x->doc() == d) return d;
    e->Next();
    d = e->NextAbove(single_least_, window_end_);
  }
  return d;
}

void OrIterator::Partition() {
  if (dependent_.empty()) {  // otherwise CountNonEssential sorts
    std::sort(by_max_.begin(), by_max_.end(),
              [](const Bounded& a, const Bounded& b) { return a.window_max < b.window_max; });
  }
  CountNonEssential();
}

bool OrIterator::NextWindow() {
  // Windows smaller than this cost more to bound than to score.
  constexpr DocId kMinWindow = 256;
  // A single essential child whose scan checks each of its blocks itself
  // (TermIterator::NextAbove) may have windows spanning several.
  constexpr int kSingleWindowBlocks = 16;
  DocId start = std::max(window_end_, floor_);
  // Each pass moves `start` forward (to the end of a skipped window).
  while (start != kNoMoreDocs) {
    // The window ends at the nearest block end of the children that proposed
    // candidates (at least the one with the largest bound): cutting at every
    // child's block ends would make windows too short to pay off.
    DocId last = kNoMoreDocs - 1;
    for (size_t i = std::min(non_essential_, by_max_.size() - 1); i < by_max_.size(); ++i) {
      const DocIterator* c = by_max_[i].it;
      if (c->doc() != kNoMoreDocs) last = std::min(last, c->BlockEnd(std::max(c->doc(), start)));
    }
    if (single_essential_ && by_max_.back().it->NextAboveSkipsBlocks()) {
      const DocIterator* c = by_max_.back().it;
      for (int more = 0; more < kSingleWindowBlocks - 1 && last < kNoMoreDocs - 1; ++more) {
        last = c->BlockEnd(last + 1);
      }
    }
    last = std::max(last, start > kNoMoreDocs - kMinWindow ? kNoMoreDocs - 1 : start + kMinWindow - 1);
    bool any = false;
    for (Bounded& c : by_max_) {
      const DocId from = std::max(c.it->doc(), start);
      c.window_max = from > last ? 0 : c.it->MaxScoreIn(from, last);
      any |= c.it->doc() != kNoMoreDocs;
    }
    if (!any) return false;
    window_end_ = last == kNoMoreDocs - 1 ? kNoMoreDocs : last + 1;
    Partition();
    if (non_essential_ < by_max_.size()) return true;
    start = window_end_;  // nothing in this window can compete
  }
  return false;
}

namespace {
inline uint64_t Bit(size_t p) { return uint64_t{1} << (p & 63); }
}  // namespace

void OrIterator::IndexPositions() {
  ++on_set_stamp_;  // a new partition or bar: every on-set's bound is stale
  if (on_sets_ == nullptr) on_sets_ = std::make_unique<OnSet[]>(size_t{1} << kOnSetBits);
  const size_t n = by_max_.size();
  const size_t w = mask_words_;
  for (size_t p = 0; p < n; ++p) position_[by_max_[p].child] = static_cast<int>(p);
  need_bits_.assign(n * w, 0);
  dependent_bits_.assign(n * w, 0);
  ratio_of_.assign(n, -1);
  ratio_at_.assign(n, 0.0);
  if (needs_.empty()) return;
  for (size_t p = 0; p < n; ++p) {
    const int child = by_max_[p].child;
    for (int r : needs_[child]) {
      if (r < 0) continue;
      const size_t q = position_[r];
      need_bits_[p * w + q / 64] |= Bit(q);
      dependent_bits_[q * w + p / 64] |= Bit(p);
    }
    if (!ratio_.empty() && ratio_[child] > 0 && needs_[child][0] >= 0) {
      ratio_of_[p] = position_[needs_[child][0]];
      // Room for rounding: the two scores are computed apart.
      ratio_at_[p] = ratio_[child] * (1 + 1e-12);
    }
  }
}

const OrIterator::OnSet& OrIterator::OnSetOf(uint64_t on, uint64_t no, double bound) {
  const size_t ne = non_essential_;
  OnSet& set = on_sets_[on >> ne];
  if (set.stamp == on_set_stamp_) return set;
  set.stamp = on_set_stamp_;
  // The non-essential children that can be on such a candidate (none of
  // their requirements among the essential ones missing), at their window
  // bounds.
  uint64_t out = no;
  double rest = 0;
  for (size_t p = 0; p < ne; ++p) {
    if (need_bits_[p] & out) {
      out |= Bit(p);
      continue;
    }
    rest += by_max_[p].window_max;
  }
  set.hopeless = !(bound + rest > bar_);
  // Child p is required when, without it and the non-essential children
  // needing it, the rest cannot reach the bar.
  set.required = 0;
  for (size_t p = 0; p < ne; ++p) {
    if (out & Bit(p)) continue;
    double without = bound + rest - by_max_[p].window_max;
    for (uint64_t q = dependent_bits_[p] & ~out & (Bit(ne) - 1); q != 0; q &= q - 1) {
      without -= by_max_[__builtin_ctzll(q)].window_max;
    }
    if (!(without > bar_)) set.required |= Bit(p);
  }
  return set;
}

template <int W>
bool OrIterator::Examine(DocId d) {
  // On d: the children known there (`on`: essential ones found on it) and
  // those known not to be (`no`), by position in by_max_.
  uint64_t on[W] = {}, no[W] = {};
  const size_t n = by_max_.size();
  const size_t ne = non_essential_;
  // The bound from the window's maxima alone (all the non-essential ones):
  // most candidates end here.
  double bound = 0;
  for (size_t p = ne; p < n; ++p) {
    if (by_max_[p].it->doc() == d) {
      on[p / 64] |= Bit(p);
      bound += by_max_[p].window_max;
    } else {
      no[p / 64] |= Bit(p);
    }
  }
  // `rest` below sums at most non_essential_sum_'s terms, each no larger,
  // in the same order: this test rejects nothing the next one keeps.
  if (!(bound + non_essential_sum_ > bar_)) return false;
  if (W == 1 && ne < 64 && n - ne <= kOnSetBits) {
    const OnSet& set = OnSetOf(on[0], no[0], bound);
    if (set.hopeless) return false;
    // The children the candidate cannot pass without are tested before any
    // child is scored: most candidates of a query with a frequent word and
    // rare ones lack the frequent word, and fail here.
    for (uint64_t r = set.required; r != 0; r &= r - 1) {
      DocIterator* c = by_max_[__builtin_ctzll(r)].it;
      if (c->doc() < d) c->Advance(d);
      if (c->doc() != d) return false;
    }
  }
  double score = 0;
  for (size_t p = ne; p < n; ++p) {
    if (on[p / 64] & Bit(p)) score += score_at_[p] = by_max_[p].it->Score();
  }
  // The non-essential children that can still be on d (no requirement
  // known missing), each with its share of `rest`: its window bound, or for
  // a dependent with a score ratio whose requirement is on d (an essential
  // child: the only ones known to be on it yet, and scored above) that
  // ratio times the requirement's score there (a word's exact form against
  // its stem): often far below its window bound, so the candidate can fail
  // before it is advanced.
  double rest = 0;
  for (size_t p = 0; p < ne; ++p) {
    uint64_t missing = 0;
    for (int i = 0; i < W; ++i) missing |= need_bits_[p * W + i] & no[i];
    if (missing != 0) {
      no[p / 64] |= Bit(p);
      continue;
    }
    double share = by_max_[p].window_max;
    const int r = ratio_of_[p];
    if (r >= 0 && (on[r / 64] & Bit(r))) share = std::min(share, ratio_at_[p] * score_at_[r]);
    share_at_[p] = share;
    rest += share;
  }
  // The non-essential children, largest bound first, while they can still
  // lift the candidate over the bar.
  for (size_t p = ne; p-- > 0;) {
    if (no[p / 64] & Bit(p)) continue;  // not in `rest`
    if (score + rest <= bar_) return false;
    rest -= share_at_[p];
    DocIterator* c = by_max_[p].it;
    if (c->doc() < d) c->Advance(d);
    if (c->doc() == d) {
      score += c->Score();
      continue;
    }
    no[p / 64] |= Bit(p);
    // Children still to come (below p) that need this one cannot be on d
    // either.
    for (size_t i = 0; i <= p / 64; ++i) {
      const uint64_t below = i < p / 64 ? ~uint64_t{0} : Bit(p) - 1;
      for (uint64_t m = dependent_bits_[p * W + i] & below & ~no[i]; m != 0; m &= m - 1) {
        const size_t q = i * 64 + static_cast<size_t>(__builtin_ctzll(m));
        no[i] |= Bit(q);
        rest -= share_at_[q];
      }
    }
  }
  return score > bar_;
}

DocId OrIterator::FindPruned() {
  while (true) {
    if (floor_ >= window_end_ && !NextWindow()) return doc_ = kNoMoreDocs;
    // One essential child (a one-word query, or a word the others cannot
    // beat): most of its documents fail on its own score, checked here
    // without the bookkeeping below (Lucene's MaxScoreBulkScorer has the
    // same special case).
    if (single_essential_) {
      // The child's bound in the window may itself fall short (its
      // dominated children's blocks bound them more loosely than the ratio).
      if (single_least_ >= by_max_.back().window_max) {
        if (window_end_ == kNoMoreDocs) return doc_ = kNoMoreDocs;
        floor_ = window_end_;
        continue;
      }
      floor_ = SkipUncompetitive();
    }
    DocId d = kNoMoreDocs;
    for (size_t i = non_essential_; i < by_max_.size(); ++i) {
      DocIterator* c = by_max_[i].it;
      if (c->doc() < floor_) c->Advance(floor_);
      d = std::min(d, c->doc());
    }
    if (d >= window_end_) {
      // No candidate in this window: on to the next one.
      if (window_end_ == kNoMoreDocs) return doc_ = kNoMoreDocs;
      floor_ = window_end_;
      continue;
    }
    if (mask_words_ == 1 ? Examine<1>(d) : Examine<kMaxMaskWords>(d)) return doc_ = d;
    for (size_t i = non_essential_; i < by_max_.size(); ++i) {
      if (by_max_[i].it->doc() == d) by_max_[i].it->Next();
    }
    floor_ = d + 1;
  }
}

int64_t OrIterator::Cost() const {
  int64_t cost = 0;
  for (const DocIteratorPtr& c : children_) cost += c->Cost();
  return cost;
}

MatchCount OrIterator::KnownMatches() const {
  if (minimum_match_ != 1) return {};
  MatchCount most;
  int independent = 0;  // children that match without another child
  for (size_t i = 0; i < children_.size(); ++i) {
    const MatchCount c = children_[i]->KnownMatches();
    if (c.at_least >= most.at_least) most = c;
    if (dependent_.empty() || !dependent_[i]) ++independent;
  }
  // A dependent child matches only where its requirements do: with a single
  // independent child, the OR matches exactly that child's documents.
  most.exact = most.exact && independent == 1;
  return most;
}

double OrIterator::Score() {
  if (scored_doc_ == doc_) return score_;
  if (!pruning_) CatchUpDependents();
  double s = 0;
  for (DocIteratorPtr& c : children_) {
    if (c->doc() == doc_) s += c->Score();
  }
  scored_doc_ = doc_;
  return score_ = s;
}

double OrIterator::ScoreAbove(double bar) {
  return lead_ == nullptr || pruning_ ? Score() : BoundThenScore(bar);
}

TermIterator* OrIterator::Driver() {
  return pruning_ || lead_ == nullptr ? nullptr : lead_->Driver();
}

double OrIterator::MaxScore() const {
  double s = 0;
  for (const DocIteratorPtr& c : children_) s += c->MaxScore();
  return s;
}

double OrIterator::ScoreFloor(size_t k) const {
  if (minimum_match_ != 1) return 0;
  double floor = 0;
  for (size_t i = 0; i < children_.size(); ++i) {
    double f = children_[i]->ScoreFloor(k);
    // A child bounded by ratio times its requirement (SetScoreRatios) has
    // the requirement on each of its documents, scoring at least its score
    // over the ratio there.
    if (!ratio_.empty() && ratio_[i] > 0) f *= 1 + 1 / ratio_[i];
    floor = std::max(floor, f);
  }
  return floor;
}

Explanation OrIterator::Explain() {
  if (!pruning_) CatchUpDependents();
  Explanation e{0, "sum of the matching (OR):", {}};
  for (DocIteratorPtr& c : children_) {
    if (c->doc() != doc_) continue;
    Explanation detail = c->Explain();
    // A word pair that occurs but not near adds nothing: not worth a line.
    if (detail.value == 0 && dynamic_cast<ProximityPairIterator*>(c.get()) != nullptr) continue;
    e.details.push_back(std::move(detail));
    e.value += e.details.back().value;
  }
  return e;
}

std::string OrIterator::DebugString() const {
  if (minimum_match_ > 1) return absl::StrCat("OR/", minimum_match_, "(", Join(children_), ")");
  return absl::StrCat("OR(", Join(children_), ")");
}

// AND_NOT ---------------------------------------------------------------------

AndNotIterator::AndNotIterator(DocIteratorPtr positive, DocIteratorPtr negative)
    : positive_(std::move(positive)), negative_(std::move(negative)) {
  Skip();
}

DocId AndNotIterator::Skip() {
  for (DocId d = positive_->doc(); d != kNoMoreDocs; d = positive_->Next()) {
    if (negative_->doc() < d) negative_->Advance(d);
    if (negative_->doc() != d) return doc_ = d;
  }
  return doc_ = kNoMoreDocs;
}

DocId AndNotIterator::Next() {
  if (doc_ == kNoMoreDocs) return doc_;
  positive_->Next();
  return Skip();
}

DocId AndNotIterator::Advance(DocId target) {
  if (doc_ == kNoMoreDocs || target <= doc_) return doc_;
  positive_->Advance(target);
  return Skip();
}

std::string AndNotIterator::DebugString() const {
  return absl::StrCat("AND_NOT(", positive_->DebugString(), ", ", negative_->DebugString(), ")");
}

// AND_MAYBE -------------------------------------------------------------------

AndMaybeIterator::AndMaybeIterator(DocIteratorPtr required, DocIteratorPtr optional)
    : required_(std::move(required)), optional_(std::move(optional)) {
  Sync();
}

DocId AndMaybeIterator::Sync() {
  doc_ = required_->doc();
  if (doc_ != kNoMoreDocs && optional_->doc() < doc_) optional_->Advance(doc_);
  return doc_;
}

DocId AndMaybeIterator::Next() {
  if (doc_ == kNoMoreDocs) return doc_;
  required_->Next();
  return Sync();
}

DocId AndMaybeIterator::Advance(DocId target) {
  if (doc_ == kNoMoreDocs || target <= doc_) return doc_;
  required_->Advance(target);
  return Sync();
}

double AndMaybeIterator::Score() {
  return required_->Score() + (optional_->doc() == doc_ ? optional_->Score() : 0.0);
}

Explanation AndMaybeIterator::Explain() {
  Explanation e{0, "sum of the required part and the matching optional part (AND_MAYBE):", {}};
  e.details.push_back(required_->Explain());
  if (optional_->doc() == doc_) e.details.push_back(optional_->Explain());
  for (const Explanation& d : e.details) e.value += d.value;
  return e;
}

std::string AndMaybeIterator::DebugString() const {
  return absl::StrCat("AND_MAYBE(", required_->DebugString(), ", ", optional_->DebugString(), ")");
}

// Proximity -------------------------------------------------------------------

uint32_t CountOrderedNear(absl::Span<const uint32_t> a, absl::Span<const uint32_t> b,
                          uint32_t window) {
  uint32_t count = 0;
  size_t j = 0;
  for (uint32_t pa : a) {
    while (j < b.size() && b[j] <= pa) ++j;
    for (size_t k = j; k < b.size() && b[k] - pa <= window; ++k) ++count;
  }
  return count;
}

ProximityIterator::ProximityIterator(
    const ScoringContext& ctx, DocIteratorPtr child,
    const std::vector<std::pair<TermIterator*, TermIterator*>>& pairs)
    : child_(std::move(child)) {
  for (const auto& [first, second] : pairs) {
    auto pair = std::make_unique<ProximityPairIterator>(ctx, first, second);
    if (pair->doc() != kNoMoreDocs) pairs_.push_back(std::move(pair));
  }
  doc_ = child_->doc();
}

ProximityPairIterator* ProximityIterator::On(ProximityPairIterator& pair) {
  return pair.Advance(doc_) == doc_ ? &pair : nullptr;
}

double ProximityIterator::Score() {
  // The pairs' positions are a cold block of each stem's: asked for first,
  // their loads overlap the child's scoring (lengths, exact forms).
  for (auto& p : pairs_) {
    if (ProximityPairIterator* on = On(*p)) on->PrefetchPositions();
  }
  double s = child_->Score();
  for (auto& p : pairs_) {
    if (ProximityPairIterator* on = On(*p)) s += on->Score();
  }
  return s;
}

double ProximityIterator::BonusBound() {
  double bonus = 0;
  for (auto& p : pairs_) {
    if (ProximityPairIterator* on = On(*p)) {
      bonus += on->ScoreBound();
      on->PrefetchPositions();  // ScoreAbove may read them next
    }
  }
  return bonus;
}

double ProximityIterator::ScoreBound() { return child_->ScoreBound() + BonusBound(); }

double ProximityIterator::ScoreAbove(double bar) {
  const double bonus = BonusBound();
  const double s = child_->ScoreAbove(bar - bonus);
  if (s + bonus <= bar) return s + bonus;
  return Score();  // the child's score and the pairs' bounds are known now
}

void ProximityIterator::SetMinCompetitiveScore(double min_score) {
  child_->SetMinCompetitiveScore(min_score - (MaxScore() - child_->MaxScore()));
  doc_ = child_->doc();
}

double ProximityIterator::MaxScore() const {
  double s = child_->MaxScore();
  for (const auto& p : pairs_) s += p->MaxScore();
  return s;
}

Explanation ProximityIterator::Explain() {
  Explanation e{0, "sum of the match and the proximity bonus of consecutive words:", {}};
  e.details.push_back(child_->Explain());
  e.value = e.details.back().value;
  for (auto& p : pairs_) {
    ProximityPairIterator* on = On(*p);
    if (on == nullptr) continue;
    Explanation bonus = on->Explain();
    if (bonus.value == 0) continue;  // both words, but not near
    e.value += bonus.value;
    e.details.push_back(std::move(bonus));
  }
  return e;
}

ProximityPairIterator::ProximityPairIterator(const ScoringContext& ctx, TermIterator* first,
                                             TermIterator* second)
    : ctx_(ctx),
      label_(absl::StrCat(first->key(), " ", second->key())),
      first_(first),
      second_(second) {
  if (first->doc_freq() == 0 || second->doc_freq() == 0) return;  // doc_ stays kNoMoreDocs
  SetDocFreqs(first->doc_freq(), second->doc_freq());
  Find(0);
}

void ProximityPairIterator::SetDocFreqs(int64_t df_first, int64_t df_second) {
  weight_ = ctx_.bm25().proximity_weight * 0.5 *
            (Bm25Idf(ctx_.doc_count(), df_first) + Bm25Idf(ctx_.doc_count(), df_second));
  cost_ = std::min(df_first, df_second);
}

void ProximityPairIterator::CatchUp(DocId target) {
  for (TermIterator* stem : {first_, second_}) {
    if (stem->doc() < target) stem->Advance(target);
  }
}

DocId ProximityPairIterator::Find(DocId target) {
  tf_known_ = false;
  CatchUp(target);
  // Both on one document: that one; else neither can match before the later.
  return doc_ = std::max(first_->doc(), second_->doc());
}

uint32_t ProximityPairIterator::Tf() {
  if (tf_known_) return tf_;
  tf_known_ = true;
  // doc_ may be a bound the stems have since moved past, or one they have
  // not both reached yet (see the class comment).
  tf_ = 0;
  if (doc_ == kNoMoreDocs) return tf_;
  CatchUp(doc_);
  if (first_->doc() == doc_ && second_->doc() == doc_) {
    tf_ = CountOrderedNear(first_->positions(), second_->positions(),
                           ctx_.bm25().proximity_window);
  }
  return tf_;
}

DocId ProximityPairIterator::Next() {
  if (doc_ == kNoMoreDocs) return doc_;
  return Find(doc_ + 1);
}

DocId ProximityPairIterator::Advance(DocId target) {
  if (doc_ == kNoMoreDocs || target <= doc_) return doc_;
  return Find(target);
}

double ProximityPairIterator::Saturated(uint64_t tf) const {
  if (tf == 0) return 0;
  const double k1 = ctx_.bm25().k1;
  return weight_ * static_cast<double>(tf) * (k1 + 1.0) / (static_cast<double>(tf) + k1);
}

double ProximityPairIterator::Score() { return Saturated(Tf()); }

double ProximityPairIterator::ScoreBound() {
  if (tf_known_) return Score();
  if (doc_ == kNoMoreDocs) return 0;
  CatchUp(doc_);
  if (first_->doc() != doc_ || second_->doc() != doc_) return 0;
  const uint64_t fa = first_->occurrences(), fb = second_->occurrences();
  const uint64_t window = ctx_.bm25().proximity_window;
  return Saturated(std::min(fa * fb, window * std::min(fa, fb)));
}

double ProximityPairIterator::MaxScore() const { return weight_ * (ctx_.bm25().k1 + 1.0); }

Explanation ProximityPairIterator::Explain() {
  const double score = Score();
  return {score,
          absl::StrCat("proximity(", label_, ") = ", ctx_.bm25().proximity_weight,
                       " * mean idf * saturated tf; tf = ", tf_, " ordered pairs within ",
                       ctx_.bm25().proximity_window, " positions"),
          {}};
}

std::string ProximityPairIterator::DebugString() const {
  return absl::StrCat("PROXIMITY(", label_, ")");
}

std::string ProximityIterator::DebugString() const {
  std::vector<std::string> labels;
  for (const auto& p : pairs_) labels.push_back(p->label());
  return absl::StrCat("PROXIMITY(", child_->DebugString(), "; ", absl::StrJoin(labels, ", "), ")");
}

}  // namespace khabar::search
