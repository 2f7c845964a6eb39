#include "query_service/search/facets.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"

namespace khabar::search {
namespace {

absl::string_view ValueOf(FacetField field, const index::Document& doc) {
  return field == FacetField::kSource ? absl::string_view(doc.source)
                                      : absl::string_view(doc.category);
}

}  // namespace

absl::string_view FacetFieldName(FacetField field) {
  return field == FacetField::kSource ? "source" : "category";
}

absl::StatusOr<std::vector<FacetField>> ParseFacetFields(const std::vector<std::string>& names) {
  std::vector<FacetField> fields;
  for (const std::string& name : names) {
    FacetField f;
    if (name == "source") {
      f = FacetField::kSource;
    } else if (name == "category") {
      f = FacetField::kCategory;
    } else {
      return absl::InvalidArgumentError(absl::StrCat("facets: unknown field \"", name,
                                                     "\": the facet fields are ", kFacetFields));
    }
    if (std::find(fields.begin(), fields.end(), f) != fields.end()) {
      return absl::InvalidArgumentError(absl::StrCat("facets: \"", name, "\" is asked for twice"));
    }
    fields.push_back(f);
  }
  return fields;
}

FacetCounter::FacetCounter(std::vector<FacetField> fields, size_t max_values)
    : max_values_(max_values) {
  for (FacetField f : fields) counts_.push_back({f, {}, 0});
}

void FacetCounter::Add(const index::Document& doc) {
  for (Counts& c : counts_) {
    const absl::string_view v = ValueOf(c.field, doc);
    if (v.empty()) {
      ++c.missing;
    } else {
      ++c.by_value[v];
    }
  }
}

std::vector<FacetResult> FacetCounter::Finish() const {
  std::vector<FacetResult> out;
  for (const Counts& c : counts_) {
    FacetResult& r = out.emplace_back();
    r.field = std::string(FacetFieldName(c.field));
    r.missing_count = c.missing;
    std::vector<std::pair<absl::string_view, int64_t>> values(c.by_value.begin(), c.by_value.end());
    const size_t keep = std::min(values.size(), max_values_);
    std::partial_sort(values.begin(), values.begin() + keep, values.end(),
                      [](const auto& a, const auto& b) {
                        return a.second != b.second ? a.second > b.second : a.first < b.first;
                      });
    for (size_t i = 0; i < values.size(); ++i) {
      if (i < keep) {
        r.values.push_back({std::string(values[i].first), values[i].second});
      } else {
        r.other_count += values[i].second;
      }
    }
  }
  return out;
}

}  // namespace khabar::search
