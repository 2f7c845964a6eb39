// File: fuzzy.h
// -----------------------------------------------------------------------------
// Typo tolerance: an Arabic-aware edit distance and the expansion of a query
// word to the indexed words within a few edits of it (docs/typo-suggest-mlt.md).
//
// The distance is Damerau-Levenshtein in its "optimal string alignment" form
// over code points: inserting, deleting or substituting one letter, or
// swapping two adjacent letters, costs 1 -- except that letters which are
// spelling variants of each other cost nothing (FoldVariant):
//
//   alef forms     ا أ إ آ ٱ    (أمريكا = امريكا)
//   hamza seats    ء ؤ ئ        (مسئول = مسؤول, شئون = شؤون)
//   yeh            ي ى ی
//   teh marbuta    ة ه
//   kaf            ك ک
//
// Hamza on alef (أ) is an alef form: the normalizer folds it to ا, so the
// index cannot tell it apart; هيئة / هيأة is then one edit. Keeping the two
// classes apart matters: with ا = ئ every hamza word would have a crowd of
// alef neighbours one edit away (مسئول ~ مسال, مساوا).
//
// Index terms are normalized already (normalizer.h folds the alef forms, ى, ة,
// ک and ی), so among indexed words only the hamza seats still differ; the
// other classes matter when a normalizer rule is turned off.
//
//   ArabicEditDistance("الرقاقت", "الرقاقات", 2);  // 1 (one letter missing)
//   ArabicEditDistance("مسئول", "مسؤول", 2);       // 0 (hamza seats)
//   ArabicEditDistance("الحكومة", "الحكومه", 2);    // 0 (teh marbuta)
//
// Expansion (ResolveFuzzy) rewrites the word nodes of a query tree that ask
// for it (`word~`, `word~N`, or every word when TypoOptions::enabled): each
// gets the stems of the indexed exact forms within its edit bound, scored
// below the word itself. Candidates are only the dictionary terms that start
// with a variant of the word's first letter (after its article, if any:
// people rarely mistype the first letter, and it keeps the scan to a small
// range of the dictionary), scanned in byte order by
// FuzzyMatcher, which reuses the DP rows of the previous term's common prefix
// and skips every term under a prefix that is already too far.
#ifndef KHABAR_QUERY_SERVICE_SEARCH_FUZZY_H_
#define KHABAR_QUERY_SERVICE_SEARCH_FUZZY_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "query_service/index/index_snapshot.h"
#include "query_service/search/query.h"

namespace khabar::search {

// The representative of `c`'s spelling-variant class (see above); `c` itself
// for every other code point.
char32_t FoldVariant(char32_t c);

// Optimal-string-alignment distance between two UTF-8 words, variant letters
// costing 0; `max_edits + 1` when the distance is larger (the computation
// stops early). REQUIRES: well-formed UTF-8, 0 <= max_edits.
int ArabicEditDistance(absl::string_view a, absl::string_view b, int max_edits);

struct TypoOptions {
  // Request level: every eligible word of the query is expanded (words
  // written `word~` are expanded either way). Eligible: a positive, unquoted,
  // non-stopword word without digits of at most max_word_letters letters,
  // in at most max_word_doc_freq articles, among the first max_words.
  bool enabled = false;
  // Edits allowed by word length (letters of the normalized word), as in
  // Meilisearch's minWordSizeForTypos: none below one_typo_min_letters, one
  // up to two_typos_min_letters - 1, two from there. With 0 edits a word
  // still matches its letter variants.
  int one_typo_min_letters = 5;
  int two_typos_min_letters = 9;
  // Stems one word may expand to: fewest edits first, then most frequent.
  size_t max_expansions = 32;
  // Query weight of an expansion: edit_weight^edits of the word's own weight
  // (a variant-only match, 0 edits, weighs as much as the word).
  double edit_weight = 0.5;
  // Longer words are not expanded (they are not words a person types).
  size_t max_word_letters = 32;
  // A word whose exact form is in more articles than this is taken as
  // spelled right and not expanded (only words with no or few matches are:
  // a misspelling is rare, and the dictionary scan is skipped). 0: no limit.
  int64_t max_word_doc_freq = 100;
  // Words expanded per query by `enabled` (in query order); the rest stay
  // exact. Words written `word~` always expand.
  size_t max_words = 8;
};

// InvalidArgument naming the field ("typo_tolerance.one_typo_min_letters ...").
absl::Status ValidateTypoOptions(const TypoOptions& options);

// The edit bound of a word of `letters` letters under `options`.
int MaxEditsForLength(size_t letters, const TypoOptions& options);

// Matches dictionary terms against one word within `max_edits`. Feed terms
// in byte order (a dictionary range scan) to benefit from prefix reuse; any
// order gives correct answers. Not thread-safe; cheap to construct.
class FuzzyMatcher {
 public:
  // REQUIRES: 0 <= max_edits <= 3; `word` well-formed UTF-8.
  FuzzyMatcher(absl::string_view word, int max_edits);
  FuzzyMatcher(const FuzzyMatcher&) = delete;
  FuzzyMatcher& operator=(const FuzzyMatcher&) = delete;

  // The distance between the word and `term` (well-formed UTF-8), or -1 when
  // it exceeds max_edits.
  int Match(absl::string_view term);

  // Terms whose distance needed a DP row (the rest were skipped by the length
  // filter or a dead prefix): for benchmarks and tests.
  int64_t rows_computed() const { return rows_computed_; }

 private:
  int& Cell(size_t row, size_t col) { return rows_[row * (word_.size() + 1) + col]; }

  std::vector<char32_t> word_;  // folded code points
  const int max_edits_;
  std::vector<int> rows_;       // (max candidate letters + 1) x (word letters + 1)
  std::vector<char32_t> prev_;  // folded code points of the last term computed
  size_t valid_rows_ = 0;       // rows 0..valid_rows_ hold prev_'s prefix
  // Bytes of a term prefix already known to be more than max_edits away
  // (every term starting with it is skipped without decoding); empty: none.
  std::string dead_prefix_;
  std::vector<char32_t> scratch_;  // the term being matched, folded
  std::vector<size_t> ends_;       // byte offset after each of its code points
  int64_t rows_computed_ = 0;
};

// Which half of the dictionary to search: the exact (unstemmed) forms, or
// the stems.
enum class FuzzyDictionary : uint8_t { kExactForms, kStems };

// An indexed term near a word.
struct FuzzyCandidate {
  std::string term;  // normalized exact form (no kExactMarker), or a stem
  int edits = 0;
  int64_t doc_freq = 0;  // its postings (tombstones included)
};

// The indexed terms of `dictionary` within `max_edits` of `word` (normalized)
// that start with a variant of its first letter, `word` itself excluded, in
// byte order. For exact forms, a leading article (ال, وال, بال, فال, كال, لل)
// must be there as typed and the first letter after it is the one that must
// match: "الزيتوون" is compared with the الز... words only.
std::vector<FuzzyCandidate> FindFuzzyTerms(
    const index::IndexSnapshot& index, absl::string_view word, int max_edits,
    FuzzyDictionary dictionary = FuzzyDictionary::kExactForms);

// A copy of `query` whose fuzzy words carry their expansions from `index`
// (FuzzyExpansion in query.h): words written `word~`/`word~N`, and with
// typo.enabled every eligible word. Candidates come from two scans: the
// exact forms near the typed word (الرقاقت -> الرقاقات), and the stems near
// its stem (زيتن~ -> زيت, what الزيتون is indexed under), the latter with
// the bound of the stem's own length unless the edits were typed. An
// expansion is the stem of a candidate other than the word's own stem; a
// candidate that needs edits must be more frequent than the word itself (a
// misspelling is rarer than the word meant), a variant-only one always
// counts. Unchanged subtrees are shared.
Query ResolveFuzzy(const Query& query, const index::IndexSnapshot& index, const TypoOptions& typo);

}  // namespace khabar::search

#endif  // KHABAR_QUERY_SERVICE_SEARCH_FUZZY_H_
