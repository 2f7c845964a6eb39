#include "query_service/search/searcher.h"

#include <algorithm>
#include <cmath>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/base/status_macros.h"
#include "common/base/utf8.h"

namespace khabar::search {

double Bm25Idf(int64_t doc_count, int64_t doc_freq) {
  return std::log(1.0 + (static_cast<double>(doc_count - doc_freq) + 0.5) /
                            (static_cast<double>(doc_freq) + 0.5));
}

absl::StatusOr<SearchResult> Search(const index::InvertedIndex& index, const SearchRequest& request,
                                    const Bm25Options& bm25, const SearchLimits& limits) {
  if (absl::StripAsciiWhitespace(request.query).empty()) {
    return absl::InvalidArgumentError("query is empty: type at least one word");
  }
  if (request.query.size() > limits.max_query_bytes) {
    return absl::InvalidArgumentError(absl::StrCat("query is ", request.query.size(),
                                                   " bytes; the limit is ",
                                                   limits.max_query_bytes));
  }
  KHABAR_RETURN_IF_ERROR(base::ValidateUtf8("query", request.query));

  SearchResult result;
  {
    absl::flat_hash_set<std::string> seen;
    for (analysis::Token& t : index.analyzer().Analyze(request.query)) {
      if (seen.insert(t.term).second) result.terms.push_back(std::move(t.term));
    }
  }
  if (result.terms.empty()) {
    return absl::InvalidArgumentError(
        "query has no searchable words (only punctuation, diacritics or symbols)");
  }
  if (result.terms.size() > limits.max_query_terms) {
    return absl::InvalidArgumentError(absl::StrCat("query has ", result.terms.size(),
                                                   " distinct words; the limit is ",
                                                   limits.max_query_terms));
  }

  // Term-at-a-time accumulation into a dense array: simple and exact; the
  // pruned document-at-a-time engine replaces it later.
  const int64_t n = index.live_documents();
  const double avg[index::kNumFields] = {
      std::max(index.average_length(index::Field::kTitle), 1.0),
      std::max(index.average_length(index::Field::kBody), 1.0)};
  const double weight[index::kNumFields] = {bm25.title_weight, bm25.body_weight};
  const double b[index::kNumFields] = {bm25.title_b, bm25.body_b};
  std::vector<double> scores(index.doc_id_limit(), 0.0);
  std::vector<index::DocId> matched;
  for (const std::string& term : result.terms) {
    const index::PostingList* pl = index.Postings(term);
    if (pl == nullptr) continue;
    int64_t df = 0;
    for (index::DocId d : pl->docs) df += index.is_live(d) ? 1 : 0;
    if (df == 0) continue;
    const double idf = Bm25Idf(n, df);
    for (size_t i = 0; i < pl->docs.size(); ++i) {
      const index::DocId d = pl->docs[i];
      if (!index.is_live(d)) continue;
      const index::DocInfo& info = index.info(d);
      double tf = 0;
      for (int f = 0; f < index::kNumFields; ++f) {
        const uint32_t freq = pl->freqs[f][i];
        if (freq == 0) continue;
        tf += weight[f] * freq / (1.0 - b[f] + b[f] * info.length[f] / avg[f]);
      }
      if (scores[d] == 0.0) matched.push_back(d);
      scores[d] += idf * tf * (bm25.k1 + 1.0) / (tf + bm25.k1);
    }
  }

  result.total_hits = static_cast<int64_t>(matched.size());
  const size_t want = std::min(matched.size(), request.offset + request.limit);
  auto better = [&](index::DocId x, index::DocId y) {
    return scores[x] != scores[y] ? scores[x] > scores[y] : x < y;  // ties: older first
  };
  std::partial_sort(matched.begin(), matched.begin() + want, matched.end(), better);
  for (size_t i = request.offset; i < want; ++i) result.hits.push_back({matched[i], scores[matched[i]]});
  return result;
}

}  // namespace khabar::search
