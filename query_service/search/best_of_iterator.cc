#include "query_service/search/best_of_iterator.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace khabar::search {

BestOfIterator::BestOfIterator(std::vector<std::unique_ptr<DocIterator>> children)
    : children_(std::move(children)) {
  Find();
}

DocId BestOfIterator::Find() {
  DocId min = kNoMoreDocs;
  for (const auto& c : children_) min = std::min(min, c->doc());
  return doc_ = min;
}

DocId BestOfIterator::Next() {
  if (doc_ == kNoMoreDocs) return doc_;
  for (auto& c : children_) {
    if (c->doc() == doc_) c->Next();
  }
  return Find();
}

DocId BestOfIterator::Advance(DocId target) {
  if (doc_ == kNoMoreDocs || target <= doc_) return doc_;
  for (auto& c : children_) {
    if (c->doc() < target) c->Advance(target);
  }
  return Find();
}

int64_t BestOfIterator::Cost() const {
  int64_t cost = 0;
  for (const auto& c : children_) cost += c->Cost();
  return cost;
}

MatchCount BestOfIterator::KnownMatches() const {
  int64_t most = 0;
  for (const auto& c : children_) most = std::max(most, c->KnownMatches().at_least);
  return {most, false};
}

double BestOfIterator::Score() {
  double best = 0;
  for (auto& c : children_) {
    if (c->doc() == doc_) best = std::max(best, c->Score());
  }
  return best;
}

double BestOfIterator::MaxScore() const {
  double best = 0;
  for (const auto& c : children_) best = std::max(best, c->MaxScore());
  return best;
}

Explanation BestOfIterator::Explain() {
  Explanation e{0, "max of the matching alternatives:", {}};
  for (auto& c : children_) {
    if (c->doc() != doc_) continue;
    e.details.push_back(c->Explain());
    e.value = std::max(e.value, e.details.back().value);
  }
  return e;
}

std::string BestOfIterator::DebugString() const {
  return absl::StrCat("BEST_OF(",
                      absl::StrJoin(children_, ", ",
                                    [](std::string* out, const auto& c) {
                                      absl::StrAppend(out, c->DebugString());
                                    }),
                      ")");
}

}  // namespace khabar::search
