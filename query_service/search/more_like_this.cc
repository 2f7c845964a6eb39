#include "query_service/search/more_like_this.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "common/base/utf8.h"
#include "query_service/search/query_parser.h"
#include "query_service/search/term_iterator.h"

namespace khabar::search {
namespace {

bool IsNumber(absl::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return absl::ascii_isdigit(c) || c == '.' || c == ','; });
}

}  // namespace

std::vector<MoreLikeThisTerm> SelectMoreLikeThisTerms(const index::IndexSnapshot& index,
                                                      index::DocId doc,
                                                      const MoreLikeThisOptions& options) {
  struct Counts {
    double tf = 0;
    absl::flat_hash_map<std::string, int> forms;
  };
  absl::flat_hash_map<std::string, Counts> stems;
  auto count = [&](absl::string_view text, double weight) {
    index.analyzer().ForEachToken(text, 0, [&](const analysis::TokenRef& t) {
      if (t.stopword || base::CountCodePoints(t.stem) < options.min_word_letters || IsNumber(t.stem)) return;
      Counts& c = stems[t.stem];
      c.tf += weight;
      ++c.forms[t.term];
    });
  };
  const index::Document& d = index.document(doc);
  count(d.title, options.title_weight);
  size_t bytes = 0;
  for (const std::string& p : d.paragraphs) {
    bytes += p.size();
    if (bytes > options.max_scan_bytes) break;
    count(p, 1.0);
  }

  // Rank by tf * idf with the posting count (cheap), then check the live
  // document frequency of the best only.
  const int64_t n = std::max<int64_t>(index.live_documents(), 1);
  std::vector<MoreLikeThisTerm> candidates;
  for (auto& [stem, c] : stems) {
    if (c.tf < options.min_term_freq) continue;
    const int64_t postings = std::min<int64_t>(index.Postings(stem).size(), n);
    if (postings < options.min_doc_freq) continue;
    if (static_cast<double>(postings) > options.max_doc_freq_ratio * static_cast<double>(n))
      continue;
    MoreLikeThisTerm t;
    t.stem = stem;
    // The most frequent form; the smallest among equals, for stable output.
    int best = 0;
    for (const auto& [form, k] : c.forms) {
      if (k > best || (k == best && form < t.form)) {
        best = k;
        t.form = form;
      }
    }
    t.tf = c.tf;
    t.doc_freq = postings;
    t.score = c.tf * Bm25Idf(n, postings);
    candidates.push_back(std::move(t));
  }
  std::sort(candidates.begin(), candidates.end(), [](const auto& a, const auto& b) {
    return a.score != b.score ? a.score > b.score : a.stem < b.stem;
  });
  std::vector<MoreLikeThisTerm> out;
  for (MoreLikeThisTerm& t : candidates) {
    if (out.size() == options.max_query_terms) break;
    t.doc_freq = LiveDocFreq(index, index.Postings(t.stem), FieldScope::kAll);
    if (t.doc_freq < options.min_doc_freq ||
        static_cast<double>(t.doc_freq) > options.max_doc_freq_ratio * static_cast<double>(n)) {
      continue;
    }
    t.score = t.tf * Bm25Idf(n, t.doc_freq);
    out.push_back(std::move(t));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.score > b.score; });
  return out;
}

absl::StatusOr<Query> MoreLikeThisQuery(const std::vector<MoreLikeThisTerm>& terms,
                                        const MoreLikeThisOptions& options) {
  absl::StatusOr<int> k =
      MinimumShouldMatch(options.minimum_should_match, static_cast<int>(terms.size()));
  if (!k.ok()) return k.status();
  if (terms.empty()) return Query(nullptr);
  std::vector<Query> words;
  double best = 0;
  for (const MoreLikeThisTerm& t : terms) best = std::max(best, t.score);
  if (best <= 0) best = 1;
  for (const MoreLikeThisTerm& t : terms) {
    QueryWord w{t.form, t.stem, false, 0};
    // Two digits are plenty, and keep parsed_query readable.
    if (options.boost_terms) w.boost = std::max(0.01, std::round(100 * t.score / best) / 100);
    words.push_back(std::make_shared<TermNode>(std::move(w), FieldScope::kAll));
  }
  if (words.size() == 1) return words[0];
  return Query(std::make_shared<OrNode>(std::move(words), *k));
}

absl::StatusOr<SearchResult> MoreLikeThis(const index::IndexSnapshot& index, index::DocId doc,
                                          RankOptions rank, const MoreLikeThisOptions& options,
                                          const Bm25Options& bm25) {
  absl::StatusOr<Query> query =
      MoreLikeThisQuery(SelectMoreLikeThisTerms(index, doc, options), options);
  if (!query.ok()) return query.status();
  if (*query == nullptr) return SearchResult{};
  rank.exclude_doc = doc;
  if (rank.collapse_duplicates) rank.exclude_cluster = index.cluster(doc);
  // Ranked on the terms alone: the article's word order is not a query's.
  Bm25Options terms_only = bm25;
  terms_only.exact_weight = 0;
  terms_only.proximity_weight = 0;
  return Rank(index, *query, rank, terms_only);
}

}  // namespace khabar::search
