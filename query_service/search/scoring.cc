#include "query_service/search/scoring.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace khabar::search {

double Bm25Idf(int64_t doc_count, int64_t doc_freq) {
  return std::log(1.0 + (static_cast<double>(doc_count - doc_freq) + 0.5) /
                            (static_cast<double>(doc_freq) + 0.5));
}

bool InScope(FieldScope scope, index::Field field) {
  switch (scope) {
    case FieldScope::kAll:
      return true;
    case FieldScope::kTitle:
      return field == index::Field::kTitle;
    case FieldScope::kBody:
      return field != index::Field::kTitle;
  }
  return false;
}

ScoringContext::ScoringContext(const index::IndexSnapshot& index, const Bm25Options& bm25)
    : index_(index), bm25_(bm25), doc_count_(index.live_documents()) {
  avg_[0] = std::max(index.average_length(index::Field::kTitle), 1.0);
  avg_[1] = std::max(index.average_length(index::Field::kBody), 1.0);
  avg_[2] = std::max(index.average_length(index::Field::kLead), 1.0);
  weight_[0] = bm25.title_weight;
  weight_[1] = bm25.body_weight;
  weight_[2] = bm25.lead_weight;
  b_[0] = bm25.title_b;
  b_[1] = bm25.body_b;
  b_[2] = bm25.body_b;
  for (int f = 0; f < index::kNumFields; ++f) {
    norm_base_[f] = 1.0 - b_[f];
    norm_per_token_[f] = b_[f] / avg_[f];
  }
}

namespace {
// Up to this many keys, Postings compares them one by one.
constexpr size_t kKeysCompared = 16;
}  // namespace

void ScoringContext::LookUp(std::vector<std::string> keys) {
  looked_up_keys_ = std::move(keys);
  const std::vector<absl::string_view> views(looked_up_keys_.begin(), looked_up_keys_.end());
  looked_up_ = index_.PostingsOf(views);
  looked_up_index_.clear();
  if (views.size() > kKeysCompared) {
    for (size_t i = 0; i < views.size(); ++i) looked_up_index_.try_emplace(views[i], i);
  }
}

index::PostingsRef ScoringContext::Postings(absl::string_view key) const {
  if (!looked_up_index_.empty()) {
    if (auto it = looked_up_index_.find(key); it != looked_up_index_.end()) {
      return looked_up_[it->second];
    }
  } else {
    for (size_t i = 0; i < looked_up_keys_.size(); ++i) {
      if (looked_up_keys_[i] == key) return looked_up_[i];
    }
  }
  return index_.Postings(key);
}

double ScoringContext::FieldTf(DocId doc, const FieldFreqs& freqs, FieldScope scope) const {
  const index::FieldLengths length = index_.lengths(doc);
  double tf = 0;
  for (int f = 0; f < index::kNumFields; ++f) {
    const uint32_t freq = freqs[f];
    if (freq == 0 || !InScope(scope, static_cast<index::Field>(f))) continue;
    tf += FieldPart(f, freq, length[f]);
  }
  return tf;
}

index::ImpactBasis ImpactBasisOf(const Bm25Options& bm25) {
  index::ImpactBasis basis;
  basis.body_b = bm25.body_b;
  basis.lead_b = bm25.body_b;  // the lead is normalised as the body
  basis.body_weight = bm25.body_weight;
  basis.lead_weight = bm25.lead_weight;
  return basis;
}

bool ScoringContext::CanRescale(const index::ImpactBasis* basis) const {
  const index::ImpactBasis own = ImpactBasisOf(bm25_);
  if (basis == nullptr || basis->body_b != own.body_b || basis->lead_b != own.lead_b) return false;
  for (int f = 1; f < index::kNumFields; ++f) {
    if (!(b_[f] >= 0 && b_[f] <= 1)) return false;  // the rescalings need b in [0, 1]
  }
  return true;
}

double ScoringContext::ImpactScale(const index::ImpactBasis* basis) const {
  if (!CanRescale(basis)) return -1;
  const index::ImpactBasis own = ImpactBasisOf(bm25_);
  // This search's weight over the stored one; a field weighted 0 in both
  // adds nothing either way.
  auto ratio = [](double weight, double stored) {
    if (stored > 0) return weight / stored;
    return weight == 0 ? 0.0 : std::numeric_limits<double>::infinity();
  };
  // Per field, weight * freq / (1 - b + b * len / avg) grows with avg at most
  // in proportion (avg' / avg when avg' > avg, else not at all; for b in
  // [0, 1]), and the weighted sum at most by the largest weight ratio.
  const double lengths = std::max({1.0, avg_[1] / basis->body_avg, avg_[2] / basis->lead_avg});
  const double weights = std::max(ratio(own.body_weight, basis->body_weight),
                                  ratio(own.lead_weight, basis->lead_weight));
  if (std::isinf(weights)) return -1;
  // Room for rounding: the impacts were summed in another order.
  return lengths * weights * (1 + 1e-7);
}

double ScoringContext::ImpactFloorScale(const index::ImpactBasis* basis) const {
  if (!CanRescale(basis)) return -1;
  const index::ImpactBasis own = ImpactBasisOf(bm25_);
  // Per field, weight * freq / (1 - b + b * len / avg) shrinks with avg at
  // most in proportion (by avg' / avg when avg' < avg; for b in [0, 1]); a
  // field stored with weight 0 added nothing to the share, whatever its
  // weight now.
  double scale = 1;
  const double stored_weight[] = {basis->body_weight, basis->lead_weight};
  const double weight[] = {own.body_weight, own.lead_weight};
  const double stored_avg[] = {basis->body_avg, basis->lead_avg};
  for (int i = 0; i < 2; ++i) {
    if (!(stored_weight[i] > 0)) continue;
    scale = std::min(scale, weight[i] / stored_weight[i] * std::min(1.0, avg_[i + 1] / stored_avg[i]));
  }
  if (!(scale >= 0)) return -1;
  // Room for rounding: the norms were rounded up to floats (a relative
  // 6e-8), and the search sums in another order.
  return scale * (1 - 1e-6);
}

double ScoringContext::BlockTf(const index::BlockSkip& skip, FieldScope scope,
                               double impact_scale) const {
  const index::BlockBound& bound = skip.bound;
  const double title = InScope(scope, index::Field::kTitle) ? TitleBoundTf(bound) : 0;
  double rest = 0;
  for (int f = 1; f < index::kNumFields; ++f) {
    const uint32_t freq = bound.max_freq[f];
    if (freq == 0 || !InScope(scope, static_cast<index::Field>(f))) continue;
    rest += freq == 0xFFFF ? std::numeric_limits<double>::infinity()
                           : FieldPart(f, freq, bound.min_length[f]);
  }
  if (impact_scale >= 0) {
    const double cap = skip.body_lead_max * impact_scale;  // NaN (inf * 0) keeps `rest`
    if (cap < rest) rest = cap;
  }
  return title + rest;
}

Explanation ScoringContext::ExplainTerm(absl::string_view what, DocId doc, const FieldFreqs& freqs,
                                        FieldScope scope, Explanation idf) const {
  static constexpr const char* kNames[] = {"title", "body", "lead"};
  const index::FieldLengths length = index_.lengths(doc);
  const double tf = FieldTf(doc, freqs, scope);
  Explanation tf_node{Saturate(tf),
                      absl::StrFormat("saturated tf = tf * (k1 + 1) / (tf + k1), k1 = %g, "
                                      "tf = %.6g summed over fields:",
                                      bm25_.k1, tf),
                      {}};
  for (int f = 0; f < index::kNumFields; ++f) {
    if (freqs[f] == 0 || !InScope(scope, static_cast<index::Field>(f))) continue;
    const double part = FieldPart(f, freqs[f], length[f]);
    tf_node.details.push_back(
        {part,
         absl::StrFormat("%s: weight %g * freq %u / (1 - b + b * length / avg length), b = %g, "
                         "length = %u, avg length = %.4g",
                         kNames[f], weight_[f], freqs[f], b_[f], length[f], avg_[f]),
         {}});
  }
  const double value = idf.value * tf_node.value;
  return {value, absl::StrCat("weight(", what, ") = idf * saturated tf, from:"),
          {std::move(idf), std::move(tf_node)}};
}

std::string Explanation::DebugString(int indent) const {
  std::string out =
      absl::StrCat(std::string(2 * indent, ' '), absl::StrFormat("%.6g", value), " = ",
                   description, "\n");
  for (const Explanation& d : details) absl::StrAppend(&out, d.DebugString(indent + 1));
  return out;
}

}  // namespace khabar::search
