// File: stemmer.h
// -----------------------------------------------------------------------------
// Light stemming of NORMALIZED Arabic words (see normalizer.h: alef forms
// folded, ى->ي, ة->ه): one attached prefix and a few suffixes are removed, in
// the spirit of Larkey, Ballesteros & Connell's light10 ("Light Stemming for
// Arabic Information Retrieval", 2007), which Lucene's ArabicStemmer follows.
// Words that are not entirely Arabic letters are left alone, except that an
// attached clitic before a Latin or numeric token goes ("وB200" -> "b200",
// "لـH20" -> "h20").
//
// Because light stemming only cuts affixes, a stem is always a substring of
// the word; the stemmer returns it as a [begin, end) byte range so callers
// keep both forms without copying.
//
//   StemRange r = LightStem("والرقاقات");   // "رقاق": bytes [6, 14)
//
// Rules, in order (lengths are in letters):
//   article   وبال فبال وال بال كال فال ولل لل ال
//                                        one of them, when 2 letters remain
//   particle  وب ول فب فل و ب ل ف ك      then one of these, when 3 letters remain
//   suffix    ها ان ات ون ين يه ه ي     each tried once, in this order, when 2
//                                        letters remain
// The particle phase goes beyond light10 (which strips only و): measured on
// the dev sets (docs/relevance.md), it helps both, and running it after the
// article phase keeps "X" and "الX" on the same stem.
#ifndef KHABAR_QUERY_SERVICE_ANALYSIS_STEMMER_H_
#define KHABAR_QUERY_SERVICE_ANALYSIS_STEMMER_H_

#include <cstdint>

#include "absl/strings/string_view.h"

namespace khabar::analysis {

struct StemRange {
  uint32_t begin;
  uint32_t end;
};

// The stem of `word` (normalized, UTF-8) as a byte range within it; the whole
// word when no rule applies. `particles` false skips the particle prefixes
// (a backoff for a word whose first letter is its own, not a particle:
// كلمه is not ك + لمه).
StemRange LightStem(absl::string_view word, bool particles = true);

inline absl::string_view StemOf(absl::string_view word) {
  const StemRange r = LightStem(word);
  return word.substr(r.begin, r.end - r.begin);
}

}  // namespace khabar::analysis

#endif  // KHABAR_QUERY_SERVICE_ANALYSIS_STEMMER_H_
