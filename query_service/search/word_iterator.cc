#include "query_service/search/word_iterator.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"

namespace khabar::search {

WordIterator::WordIterator(std::unique_ptr<TermIterator> stem, Forms forms)
    : stem_(std::move(stem)), forms_(std::move(forms)) {
  cost_ = stem_->Cost();
  const double stem_weight = stem_->weight();
  for (const auto& f : forms_) {
    cost_ += f->Cost();
    ratios_.push_back(stem_weight > 0 ? f->weight() / stem_weight : 0.0);
  }
  doc_ = stem_->doc();
}

void WordIterator::CatchUpForms() {
  for (const auto& f : forms_) {
    if (f->doc() < doc_) f->Advance(doc_);
  }
}

double WordIterator::Score() {
  if (scored_doc_ == doc_) return score_;
  // Summed in the order an OR of the stem and the forms sums them: the
  // same score to the last bit.
  double s = 0;
  s += stem_->Score();
  for (const auto& f : forms_) {
    if (f->doc() < doc_) f->Advance(doc_);
    if (f->doc() == doc_) s += f->Score();
  }
  scored_doc_ = doc_;
  return score_ = s;
}

double WordIterator::ScoreBound() {
  if (!bound_known_) {
    bound_ratio_ = bound_extra_ = 0;
    for (size_t i = 0; i < forms_.size(); ++i) {
      if (ratios_[i] > 0) {
        bound_ratio_ += ratios_[i];
      } else {
        bound_extra_ += forms_[i]->MaxScore();
      }
    }
    bound_ratio_ *= 1 + 1e-12;  // a form's score may round above ratio times the stem's
    bound_known_ = true;
  }
  return stem_->Score() * (1 + bound_ratio_) + bound_extra_;
}

double WordIterator::MaxScore() const {
  double s = stem_->MaxScore();
  for (const auto& f : forms_) s += f->MaxScore();
  return s;
}

DocId WordIterator::BlockEnd(DocId target) const {
  DocId end = kNoMoreDocs - 1;
  if (stem_->doc() != kNoMoreDocs) end = stem_->BlockEnd(std::max(stem_->doc(), target));
  for (const auto& f : forms_) {
    if (f->doc() != kNoMoreDocs) end = std::min(end, f->BlockEnd(std::max(f->doc(), target)));
  }
  return end;
}

double WordIterator::MaxScoreIn(DocId from, DocId to) const {
  double s = 0;
  if (stem_->doc() <= to) s += stem_->MaxScoreIn(std::max(stem_->doc(), from), to);
  for (const auto& f : forms_) {
    if (f->doc() <= to) s += f->MaxScoreIn(std::max(f->doc(), from), to);
  }
  return s;
}

double WordIterator::ScoreFloor(size_t k) const {
  double floor = stem_->ScoreFloor(k);
  for (size_t i = 0; i < forms_.size(); ++i) {
    // A form on a document has its stem there, scoring at least the form's
    // score over the ratio.
    double f = forms_[i]->ScoreFloor(k);
    if (ratios_[i] > 0) f *= 1 + 1 / ratios_[i];
    floor = std::max(floor, f);
  }
  return floor;
}

Explanation WordIterator::Explain() {
  CatchUpForms();
  Explanation e{0, "sum of the word's stem and exact forms on the document:", {}};
  e.details.push_back(stem_->Explain());
  e.value += e.details.back().value;
  for (const auto& f : forms_) {
    if (f->doc() != doc_) continue;
    e.details.push_back(f->Explain());
    e.value += e.details.back().value;
  }
  return e;
}

std::string WordIterator::DebugString() const {
  std::string s = absl::StrCat("WORD(", stem_->DebugString());
  for (const auto& f : forms_) absl::StrAppend(&s, ", ", f->DebugString());
  return absl::StrCat(s, ")");
}

}  // namespace khabar::search
