// File: suggest.h
// -----------------------------------------------------------------------------
// Search-as-you-type: completions of what a user has typed so far, over the
// index's own dictionary and titles (docs/typo-suggest-mlt.md). The last word
// is the one being typed; the words before it are kept and give context.
//
//   SuggestRequest req{.prefix = "الذكاء ال", .page_size = 5};
//   absl::StatusOr<std::vector<Suggestion>> s = Suggest(index, req, {});
//   // {"الذكاء الاصطناعي", kTerm, 4}, ..., {"سباق الذكاء الاصطناعي ...", kTitle, 1}
//
// Term completions are the indexed exact forms that start with the last
// word's normalized form (so diacritics, alef forms, ى and ة typed either way
// all match), ranked by how many live articles have them right after the
// previous word, else by document frequency. They are shown as written: the
// most frequent original spelling in a few sampled articles (أمريكا, not the
// index's امريكا), found at query time -- nothing is stored for it.
// Title completions are live articles whose title has every earlier word and
// a word starting with the last one, the typed words in order first, then
// newest; identical titles (syndicated copies) are one suggestion.
//
// Work is bounded by SuggestLimits whatever the index size. Thread-safe as
// far as the index is (a pure function of it).
#ifndef KHABAR_QUERY_SERVICE_SEARCH_SUGGEST_H_
#define KHABAR_QUERY_SERVICE_SEARCH_SUGGEST_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "query_service/index/index_snapshot.h"

namespace khabar::search {

enum class SuggestionKind : uint8_t { kTerm, kTitle };

struct SuggestRequest {
  // What the user typed so far (UTF-8): complete its last word.
  std::string prefix;
  // Suggestions to return: 0 = SuggestLimits::default_page_size.
  int32_t page_size = 0;
  bool terms = true;   // include term completions
  bool titles = true;  // include title completions
};

struct Suggestion {
  // Terms: the typed text with its last word completed. Titles: the title.
  std::string text;
  SuggestionKind kind = SuggestionKind::kTerm;
  // Live articles behind it: for a term, those with the completed word
  // (right after the previous word when there is one); for a title, the
  // articles with that exact title.
  int64_t count = 0;
  // Higher is better; comparable within one kind of one response.
  double score = 0;
  // Titles: the newest article with this title.
  std::string article_id;
};

struct SuggestLimits {
  size_t max_prefix_bytes = 256;
  int32_t default_page_size = 10;
  int32_t max_page_size = 50;
  // Completions looked at (the most frequent) when ranking by the previous word.
  size_t max_term_candidates = 256;
  // Title search: postings visited and titles analysed, at most.
  size_t max_title_postings = 20000;
  size_t max_titles_analysed = 1000;
  // Surface forms: articles sampled per completion and bytes analysed in each.
  size_t surface_sample_docs = 3;
  size_t surface_postings_scanned = 64;
  size_t surface_scan_bytes = 8 * 1024;
};

// Term suggestions first, then titles; with both kinds asked, titles take at
// most half of page_size and terms the rest. InvalidArgument for an empty,
// oversized or non-UTF-8 prefix, one without letters, or a page_size
// outside [0, max_page_size].
absl::StatusOr<std::vector<Suggestion>> Suggest(const index::IndexSnapshot& index,
                                                const SuggestRequest& request,
                                                const SuggestLimits& limits = {});

}  // namespace khabar::search

#endif  // KHABAR_QUERY_SERVICE_SEARCH_SUGGEST_H_
