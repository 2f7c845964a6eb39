#include "query_service/search/ordering.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"

namespace khabar::search {

absl::StatusOr<SortOrder> ParseOrderBy(absl::string_view order_by) {
  std::vector<absl::string_view> words =
      absl::StrSplit(order_by, absl::ByAnyChar(" \t\n"), absl::SkipEmpty());
  const auto direction = [&](absl::string_view d) { return absl::AsciiStrToLower(d); };
  if (words.empty()) return SortOrder::kRelevance;
  if (words.size() <= 2) {
    const std::string dir = words.size() == 2 ? direction(words[1]) : "";
    if (words[0] == "relevance" && (dir.empty() || dir == "desc")) return SortOrder::kRelevance;
    if (words[0] == "published_time") {
      if (dir == "desc") return SortOrder::kPublishedTimeDesc;
      if (dir.empty() || dir == "asc") return SortOrder::kPublishedTimeAsc;
    }
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "order_by \"", order_by,
      "\" is not supported: use \"relevance\" (the default), \"published_time desc\" (newest "
      "first) or \"published_time asc\""));
}

absl::string_view OrderByName(SortOrder order) {
  switch (order) {
    case SortOrder::kRelevance:
      return "relevance";
    case SortOrder::kPublishedTimeDesc:
      return "published_time desc";
    case SortOrder::kPublishedTimeAsc:
      return "published_time asc";
  }
  return "relevance";
}

double RecencyBoost::Factor(int64_t published_time) const {
  if (published_time == 0) return 1.0 - weight;
  const double age = std::max<double>(0, static_cast<double>(origin - published_time));
  return (1.0 - weight) + weight * std::exp2(-age / half_life_seconds);
}

Explanation RecencyBoost::Explain(int64_t published_time) const {
  Explanation e;
  e.value = Factor(published_time);
  if (published_time == 0) {
    e.description = absl::StrFormat("recency boost, no published time: 1 - weight %g", weight);
    return e;
  }
  const double age = std::max<double>(0, static_cast<double>(origin - published_time));
  e.description = absl::StrFormat(
      "recency boost: (1 - weight) + weight * 0.5^(age / half_life), age %.2f days, half_life "
      "%.2f days, weight %g",
      age / 86400, half_life_seconds / 86400, weight);
  e.details.push_back({age / 86400, "age in days (origin - published_time)", {}});
  e.details.push_back({half_life_seconds / 86400, "half_life in days", {}});
  e.details.push_back({weight, "weight", {}});
  return e;
}

absl::StatusOr<double> ParseHalfLife(absl::string_view what, absl::string_view text) {
  auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat(
        what, " \"", text, "\" ", why,
        ": write a duration such as \"7d\", \"36h\", \"90m\" or \"1d12h\" (units s, m, h, d, w)"));
  };
  const absl::string_view s = absl::StripAsciiWhitespace(text);
  if (s.empty()) return bad("is empty");
  double seconds = 0;
  size_t i = 0;
  while (i < s.size()) {
    const size_t start = i;
    while (i < s.size() && (absl::ascii_isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.'))
      ++i;
    double number;
    if (i == start || i == s.size() || !absl::SimpleAtod(s.substr(start, i - start), &number)) {
      return bad("is not a duration");
    }
    double unit;
    switch (s[i]) {
      case 's':
        unit = 1;
        break;
      case 'm':
        unit = 60;
        break;
      case 'h':
        unit = 3600;
        break;
      case 'd':
        unit = 86400;
        break;
      case 'w':
        unit = 7 * 86400;
        break;
      default:
        return bad("has an unknown unit");
    }
    seconds += number * unit;
    ++i;
  }
  constexpr double kMin = 60, kMax = 100 * 365.25 * 86400;
  if (!(seconds >= kMin && seconds <= kMax)) return bad("is out of range [1m, 100 years]");
  return seconds;
}

}  // namespace khabar::search
