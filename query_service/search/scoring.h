// File: scoring.h
// -----------------------------------------------------------------------------
// BM25F (Robertson & Zaragoza, "The Probabilistic Relevance Framework: BM25
// and Beyond", 2009) as the iterators use it: a term's frequencies are
// length-normalised per field, weighted and summed into one pseudo-frequency,
// which is saturated once and multiplied by the term's idf.
//
//   ScoringContext ctx(index, bm25);
//   double tf = ctx.FieldTf(doc, freqs, FieldScope::kAll);
//   double contribution = idf * ctx.Saturate(tf);
#ifndef KHABAR_QUERY_SERVICE_SEARCH_SCORING_H_
#define KHABAR_QUERY_SERVICE_SEARCH_SCORING_H_

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "query_service/index/index_snapshot.h"
#include "query_service/search/doc_iterator.h"
#include "query_service/search/query.h"

namespace khabar::search {

// Defaults were chosen on the development sets of ../shared/eval (see
// docs/relevance.md for the measurements behind each).
struct Bm25Options {
  // Weight of a query word's exact (unstemmed) form relative to its stem:
  // documents with the very word typed rank above stem-only matches.
  double exact_weight = 0.3;
  // Weight of query stopwords, when the index keeps them (analyzer option
  // remove_stopwords false): low enough not to steer the ranking, enough to
  // fill the result list for queries that are mostly stopwords.
  double stopword_weight = 0.3;
  // Term proximity (in the spirit of Metzler & Croft's sequential dependence
  // model): each pair of consecutive query words found in order within
  // `proximity_window` positions adds a saturated bonus weighted by the pair's
  // mean idf times this weight. 0 disables it.
  double proximity_weight = 0.3;
  uint32_t proximity_window = 3;
  double k1 = 1.0;
  double title_weight = 3.0;
  double body_weight = 1.0;
  // Extra weight of the body's first words (index::Field::kLead).
  double lead_weight = 1.0;
  double title_b = 0.85;
  double body_b = 0.85;
};

// The b and weights of `bm25` that block impacts are computed with (the
// engine passes them to the index; a search compares them with its own).
index::ImpactBasis ImpactBasisOf(const Bm25Options& bm25);

// Lucene's BM25 idf: log(1 + (N - df + 0.5) / (df + 0.5)), never negative.
double Bm25Idf(int64_t doc_count, int64_t doc_freq);

using FieldFreqs = std::array<uint32_t, index::kNumFields>;

// Whether `scope` counts `field` (kBody counts the lead, part of the body).
bool InScope(FieldScope scope, index::Field field);

// Constant collection statistics and weights for one search.
class ScoringContext {
 public:
  // Both are not owned and must outlive the context.
  ScoringContext(const index::IndexSnapshot& index, const Bm25Options& bm25);

  const index::IndexSnapshot& index() const { return index_; }
  // Looks up the postings of `keys` together (IndexSnapshot::PostingsOf),
  // for the search's iterators to take from Postings: a query's lookups
  // then wait for memory at once, not one after another.
  void LookUp(std::vector<std::string> keys);
  // Postings of `key`: as LookUp found them, else from the index.
  index::PostingsRef Postings(absl::string_view key) const;
  const Bm25Options& bm25() const { return bm25_; }
  int64_t doc_count() const { return doc_count_; }

  // Sum over the fields in `scope` of weight * freq / (1 - b + b * len / avg).
  double FieldTf(DocId doc, const FieldFreqs& freqs, FieldScope scope) const;
  // Whether FieldTf(doc, freqs, FieldScope::kAll) > tf, up to rounding
  // (a few ulps: callers leave room). No division: the fields' fractions
  // are summed over a common (positive) denominator. A scan's test
  // (TermIterator::NextAbove), inline for it.
  bool TfAbove(DocId doc, const FieldFreqs& freqs, double tf) const {
    const index::FieldLengths length = index_.lengths(doc);
    double num = 0, den = 1;
    for (int f = 0; f < index::kNumFields; ++f) {
      if (freqs[f] == 0) continue;
      const double norm = norm_base_[f] + norm_per_token_[f] * length[f];
      num = num * norm + weight_[f] * freqs[f] * den;
      den *= norm;
    }
    return num > tf * den;
  }
  // The title part of BlockTf (infinity when the title has no bound).
  double TitleBoundTf(const index::BlockBound& bound) const {
    const uint32_t freq = bound.max_freq[0];
    if (freq == 0) return 0;
    return freq == 0xFFFF ? std::numeric_limits<double>::infinity()
                         : FieldPart(0, freq, bound.min_length[0]);
  }
  // What the block impacts (index::BlockSkip::body_lead_max) of a segment
  // with `basis` are multiplied by to bound this search's body + lead share
  // of FieldTf: its averages over the segment's (when larger) times its
  // weights over the segment's (the largest ratio). Negative when they
  // cannot be used (no basis, another b or one outside [0, 1], a weight
  // stored as 0 that this search does not also take as 0).
  double ImpactScale(const index::ImpactBasis* basis) const;
  // The other way round, for the lists' score floors
  // (index::PostingList::floor_share): what a body + lead share at `basis`
  // is multiplied by to stay at or below this search's share of the same
  // posting (its averages over the segment's when smaller, times its weights
  // over the segment's: the smallest ratio). Negative when they cannot be
  // used (as ImpactScale).
  double ImpactFloorScale(const index::ImpactBasis* basis) const;
  // An upper bound of FieldTf over the postings of a block: per field in
  // `scope`, its largest frequency over its shortest length (infinity where
  // a frequency was too large to store), the body + lead share capped by the
  // block's impact times `impact_scale` (ImpactScale; negative: not used).
  double BlockTf(const index::BlockSkip& skip, FieldScope scope, double impact_scale) const;
  // tf * (k1 + 1) / (tf + k1): at most k1 + 1 (also for an infinite tf).
  double Saturate(double tf) const {
    return std::isinf(tf) ? bm25_.k1 + 1.0 : tf * (bm25_.k1 + 1.0) / (tf + bm25_.k1);
  }

  // idf * Saturate(FieldTf(...)), explained field by field. `what` names the
  // term ("stem غزه"), `idf` already includes the query weight.
  Explanation ExplainTerm(absl::string_view what, DocId doc, const FieldFreqs& freqs,
                          FieldScope scope, Explanation idf) const;

 private:
  // Whether values stored at `basis` can be rescaled to this search (the
  // same b, in [0, 1]): ImpactScale's and ImpactFloorScale's condition.
  bool CanRescale(const index::ImpactBasis* basis) const;
  // Field f's share of the BM25F pseudo-frequency: weight * freq over the
  // length normalisation.
  double FieldPart(int f, uint32_t freq, uint32_t length) const {
    return weight_[f] * freq / (norm_base_[f] + norm_per_token_[f] * length);
  }

  const index::IndexSnapshot& index_;
  const Bm25Options& bm25_;
  const int64_t doc_count_;
  double avg_[index::kNumFields];
  double weight_[index::kNumFields];
  double b_[index::kNumFields];
  // 1 - b and b / avg: the length normalisation without a division by avg.
  double norm_base_[index::kNumFields];
  double norm_per_token_[index::kNumFields];
  std::vector<std::string> looked_up_keys_;
  std::vector<index::PostingsRef> looked_up_;
  // Key -> index in looked_up_, when there are too many keys to compare
  // one by one (prefix expansions: up to 128 a prefix).
  absl::flat_hash_map<absl::string_view, size_t> looked_up_index_;
};

}  // namespace khabar::search

#endif  // KHABAR_QUERY_SERVICE_SEARCH_SCORING_H_
