#include "query_service/search/suggest.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/base/utf8.h"
#include "query_service/analysis/analyzer.h"
#include "query_service/analysis/normalizer.h"
#include "query_service/analysis/stopwords.h"
#include "query_service/search/posting_cursor.h"
#include "query_service/search/term_iterator.h"

namespace khabar::search {
namespace {

using index::DocId;
using index::kNoMoreDocs;

// Without earlier words, titles are looked for among the articles of this
// many of the most frequent completions.
constexpr size_t kTitleDrivers = 64;

// What was typed: the words before the last (context) and the last one.
struct Typed {
  std::string before;  // the text before the last word, as typed
  std::vector<analysis::Token> context;
  analysis::Token last;
};

absl::StatusOr<Typed> ReadPrefix(const analysis::Analyzer& analyzer, absl::string_view prefix,
                                 const SuggestLimits& limits) {
  if (prefix.size() > limits.max_prefix_bytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "prefix is ", prefix.size(), " bytes; the limit is ", limits.max_prefix_bytes));
  }
  if (absl::StripAsciiWhitespace(prefix).empty()) {
    return absl::InvalidArgumentError("prefix is empty: send what the user has typed so far");
  }
  if (absl::Status s = base::ValidateUtf8("prefix", prefix); !s.ok()) return s;
  std::vector<analysis::Token> tokens = analyzer.Analyze(prefix);
  if (tokens.empty()) {
    return absl::InvalidArgumentError(
        "prefix has no word to complete (only punctuation, symbols or diacritics)");
  }
  Typed typed;
  typed.last = std::move(tokens.back());
  tokens.pop_back();
  typed.context = std::move(tokens);
  typed.before = std::string(absl::StripLeadingAsciiWhitespace(prefix.substr(0, typed.last.begin)));
  return typed;
}

// An indexed exact form starting with the typed word.
struct Completion {
  std::string term;
  int64_t postings = 0;  // of its exact key, tombstones included
  int64_t count = 0;     // live articles, as Suggestion::count
};

bool ByPostings(const Completion& a, const Completion& b) {
  return a.postings != b.postings ? a.postings > b.postings : a.term < b.term;
}

// The `keep` completions with the most postings: a bounded heap, so only
// those kept are copied out of the dictionary.
class TopCompletions {
 public:
  explicit TopCompletions(size_t keep) : keep_(keep) {}
  void Offer(absl::string_view term, int64_t postings) {
    if (keep_ == 0) return;
    if (heap_.size() == keep_ &&
        (postings < heap_.front().postings ||
         (postings == heap_.front().postings && term > heap_.front().term))) {
      return;
    }
    heap_.push_back({std::string(term), postings, 0});
    // ByPostings puts better first, so the heap's top is the worst kept.
    std::push_heap(heap_.begin(), heap_.end(), ByPostings);
    if (heap_.size() > keep_) {
      std::pop_heap(heap_.begin(), heap_.end(), ByPostings);
      heap_.pop_back();
    }
  }
  // Best first.
  std::vector<Completion> Take() && {
    std::sort_heap(heap_.begin(), heap_.end(), ByPostings);
    return std::move(heap_);
  }

 private:
  const size_t keep_;
  std::vector<Completion> heap_;
};

// Whether some position of `second` directly follows one of `first`.
bool Follows(absl::Span<const uint32_t> first, absl::Span<const uint32_t> second) {
  size_t i = 0, j = 0;
  while (i < first.size() && j < second.size()) {
    if (second[j] == first[i] + 1) return true;
    if (second[j] <= first[i]) {
      ++j;
    } else {
      ++i;
    }
  }
  return false;
}

// Live documents where a word of `second` directly follows one of `first`.
int64_t FollowCount(const index::IndexSnapshot& index, const index::PostingsRef& first,
                    const index::PostingsRef& second) {
  PostingCursor a(first), b(second);
  int64_t n = 0;
  while (a.doc() != kNoMoreDocs && b.doc() != kNoMoreDocs) {
    if (a.doc() < b.doc()) {
      a.Advance(b.doc());
    } else if (b.doc() < a.doc()) {
      b.Advance(a.doc());
    } else {
      if (index.is_live(a.doc()) && Follows(a.positions(), b.positions())) ++n;
      a.Next();
      b.Next();
    }
  }
  return n;
}

// `text` without diacritics, tatweel and invisible controls.
std::string Clean(absl::string_view text) {
  std::string out;
  for (size_t pos = 0; pos < text.size();) {
    const size_t begin = pos;
    const char32_t c = base::DecodeUtf8(text, &pos);
    if (!analysis::IsIgnorableCodePoint(c)) out.append(text.data() + begin, pos - begin);
  }
  return out;
}

// The most frequent spelling of `term` as written in a few live articles
// (titles and leads first: short to analyse); `term` itself when none is found.
std::string SurfaceForm(const index::IndexSnapshot& index, const std::string& term,
                        const SuggestLimits& limits) {
  enum class Where { kTitle, kLead, kBody };
  std::vector<std::pair<DocId, Where>> picks;
  DocId fallback = kNoMoreDocs;
  PostingCursor c(index.Postings(index::ExactKey(term)));
  for (size_t seen = 0; c.doc() != kNoMoreDocs && seen < limits.surface_postings_scanned &&
                        picks.size() < limits.surface_sample_docs;
       c.Next(), ++seen) {
    if (!index.is_live(c.doc())) continue;
    if (c.freq(index::Field::kTitle) > 0) {
      picks.emplace_back(c.doc(), Where::kTitle);
    } else if (c.freq(index::Field::kLead) > 0) {
      picks.emplace_back(c.doc(), Where::kLead);
    } else if (fallback == kNoMoreDocs) {
      fallback = c.doc();
    }
  }
  if (picks.empty() && fallback != kNoMoreDocs) picks.emplace_back(fallback, Where::kBody);

  absl::flat_hash_map<std::string, int> counts;
  std::vector<std::string> order;  // first seen first: ties go to it
  auto scan = [&](absl::string_view text) {
    index.analyzer().ForEachToken(text, 0, [&](const analysis::TokenRef& t) {
      if (t.term != term) return;
      std::string spelling = Clean(text.substr(t.begin, t.end - t.begin));
      if (counts[spelling]++ == 0) order.push_back(std::move(spelling));
    });
  };
  for (const auto& [doc, where] : picks) {
    const index::Document& d = index.document(doc);
    if (where == Where::kTitle) {
      scan(d.title);
    } else if (where == Where::kLead) {
      if (!d.paragraphs.empty() && d.paragraphs[0].size() <= limits.surface_scan_bytes) {
        scan(d.paragraphs[0]);
      }
    } else {
      size_t bytes = 0;
      for (const std::string& p : d.paragraphs) {
        if (bytes >= limits.surface_scan_bytes || !order.empty()) break;
        bytes += p.size();
        if (bytes <= limits.surface_scan_bytes) scan(p);
      }
    }
  }
  std::string best = term;
  int best_count = 0;
  for (const std::string& s : order) {
    if (counts[s] > best_count) {
      best_count = counts[s];
      best = s;
    }
  }
  return best;
}

// Term completions, best first, at most `want`, without surface forms yet.
// `candidates` are best first by postings.
std::vector<Completion> RankTerms(const index::IndexSnapshot& index, const Typed& typed,
                                  std::vector<Completion> candidates, size_t want,
                                  const SuggestLimits& limits) {
  std::vector<Completion> out;
  if (!typed.context.empty()) {
    // After the previous word: how many articles have the completion right
    // after it ("الذكاء ال" -> "الاصطناعي").
    const index::PostingsRef previous = index.Postings(index::ExactKey(typed.context.back().term));
    if (!previous.empty()) {
      for (size_t i = 0; i < candidates.size() && i < limits.max_term_candidates; ++i) {
        Completion c = candidates[i];
        c.count = FollowCount(index, previous, index.Postings(index::ExactKey(c.term)));
        if (c.count > 0) out.push_back(std::move(c));
      }
      std::sort(out.begin(), out.end(), [](const Completion& a, const Completion& b) {
        if (a.count != b.count) return a.count > b.count;
        return ByPostings(a, b);
      });
      if (out.size() > want) out.resize(want);
      if (!out.empty()) return out;
    }
    // Nothing follows the previous word: complete the word on its own.
  }
  for (Completion& c : candidates) {
    if (out.size() == want) break;
    c.count = LiveDocFreq(index, index.Postings(index::ExactKey(c.term)), FieldScope::kAll);
    if (c.count > 0) out.push_back(std::move(c));
  }
  return out;
}

// Title completions, best first, at most `want`.
std::vector<Suggestion> RankTitles(const index::IndexSnapshot& index, const Typed& typed,
                                   const std::vector<Completion>& by_frequency, size_t want,
                                   const SuggestLimits& limits) {
  std::vector<Suggestion> out;
  if (want == 0 || by_frequency.empty()) return out;
  // Documents to look at come from the rarest earlier word, or from the most
  // frequent completions, newest first (windows of doc ids from the end).
  std::vector<std::string> context_stems;
  std::optional<index::PostingsRef> driver;
  for (const analysis::Token& t : typed.context) {
    if (t.stopword) continue;
    context_stems.emplace_back(t.stem());
    index::PostingsRef pl = index.Postings(t.stem());
    if (pl.empty()) return out;  // no title can have it
    if (!driver || pl.size() < driver->size()) driver = std::move(pl);
  }
  std::vector<index::PostingsRef> drivers;
  if (driver) {
    drivers.push_back(std::move(*driver));
  } else {
    for (size_t i = 0; i < by_frequency.size() && i < kTitleDrivers; ++i) {
      drivers.push_back(index.Postings(index::ExactKey(by_frequency[i].term)));
    }
  }
  std::vector<DocId> docs;
  absl::flat_hash_set<DocId> seen;
  size_t visited = 0;
  DocId hi = index.doc_id_limit();
  DocId window = 1024;
  while (hi > 0 && visited < limits.max_title_postings &&
         docs.size() < limits.max_titles_analysed) {
    const DocId lo = hi > window ? hi - window : 0;
    for (const index::PostingsRef& pl : drivers) {
      PostingCursor c(pl);
      for (c.Advance(lo); c.doc() < hi && visited < limits.max_title_postings &&
                          docs.size() < limits.max_titles_analysed;
           c.Next()) {
        ++visited;
        if (index.is_live(c.doc()) && c.freq(index::Field::kTitle) > 0 &&
            seen.insert(c.doc()).second) {
          docs.push_back(c.doc());
        }
      }
    }
    hi = lo;
    window = window > (1u << 30) ? window : window * 2;
  }

  struct Title {
    double score;
    DocId newest;
    int64_t count;
  };
  absl::flat_hash_map<std::string, Title> titles;
  std::vector<analysis::Token> tokens;
  const double limit = std::max<double>(index.doc_id_limit(), 1);
  for (DocId doc : docs) {
    const std::string& title = index.document(doc).title;
    tokens.clear();
    index.analyzer().AnalyzeTo(title, 0, &tokens);
    bool has_context = true;
    for (const std::string& stem : context_stems) {
      has_context = has_context && std::any_of(tokens.begin(), tokens.end(),
                                               [&](const auto& t) { return t.stem() == stem; });
    }
    if (!has_context) continue;
    // The best place of the completed word: after the typed words, in order.
    double best = -1;
    const size_t n = typed.context.size();
    for (size_t j = 0; j < tokens.size(); ++j) {
      if (!absl::StartsWith(tokens[j].term, typed.last.term)) continue;
      bool in_order = j >= n;
      for (size_t i = 0; in_order && i < n; ++i) {
        in_order = tokens[j - n + i].term == typed.context[i].term;
      }
      const double score = (in_order ? 1.0 : 0.0) + (in_order && j == n ? 2.0 : 0.0);
      best = std::max(best, score);
    }
    if (best < 0) continue;
    best += doc / limit;  // newer first among equals
    auto [it, inserted] = titles.try_emplace(title, Title{best, doc, 0});
    ++it->second.count;
    if (!inserted && best > it->second.score) it->second.score = best;
    if (doc > it->second.newest) it->second.newest = doc;
  }
  for (const auto& [text, t] : titles) {
    out.push_back({text, SuggestionKind::kTitle, t.count, t.score, index.document(t.newest).id});
  }
  std::sort(out.begin(), out.end(), [](const Suggestion& a, const Suggestion& b) {
    return a.score != b.score ? a.score > b.score : a.text < b.text;
  });
  if (out.size() > want) out.resize(want);
  return out;
}

}  // namespace

absl::StatusOr<std::vector<Suggestion>> Suggest(const index::IndexSnapshot& index,
                                                const SuggestRequest& request,
                                                const SuggestLimits& limits) {
  if (request.page_size < 0 || request.page_size > limits.max_page_size) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size must be in [0, ", limits.max_page_size, "] (0 = default ",
                     limits.default_page_size, "), got ", request.page_size));
  }
  const size_t page =
      static_cast<size_t>(request.page_size == 0 ? limits.default_page_size : request.page_size);
  absl::StatusOr<Typed> typed = ReadPrefix(index.analyzer(), request.prefix, limits);
  if (!typed.ok()) return typed.status();

  // The indexed exact forms starting with the typed word (a range scan),
  // the most frequent kept: all words (titles) and non-stopwords (terms:
  // function words complete nothing worth searching).
  const size_t keep = std::max(limits.max_term_candidates, page);
  TopCompletions all(request.titles ? kTitleDrivers : 0), words(request.terms ? keep : 0);
  index.ForEachTermWithPrefix(index::ExactKey(typed->last.term),
                              [&](absl::string_view key, int64_t n) {
                                const absl::string_view term = key.substr(1);
                                all.Offer(term, n);
                                if (!analysis::IsStopword(term)) words.Offer(term, n);
                                return true;
                              });

  std::vector<Completion> terms;
  if (request.terms) terms = RankTerms(index, *typed, std::move(words).Take(), page, limits);
  std::vector<Suggestion> titles;
  if (request.titles) titles = RankTitles(index, *typed, std::move(all).Take(), page, limits);
  // Titles take at most half the page when terms are asked for too.
  size_t n_titles = titles.size();
  if (request.terms)
    n_titles = std::min(n_titles, std::max(page / 2, page - std::min(page, terms.size())));
  const size_t n_terms = std::min(terms.size(), page - n_titles);

  std::vector<Suggestion> out;
  for (size_t i = 0; i < n_terms; ++i) {
    const Completion& c = terms[i];
    out.push_back({absl::StrCat(typed->before, SurfaceForm(index, c.term, limits)),
                   SuggestionKind::kTerm, c.count, static_cast<double>(c.count), ""});
  }
  for (size_t i = 0; i < n_titles; ++i) out.push_back(std::move(titles[i]));
  return out;
}

}  // namespace khabar::search
