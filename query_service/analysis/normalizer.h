// File: normalizer.h
// -----------------------------------------------------------------------------
// Arabic-aware normalization of one word into its index term. Each fold is a
// named rule so users and tests can reason about what matches what:
//
//   kDiacritics    harakat, tanween, shadda, sukun, dagger alef, Quranic marks: removed
//   kTatweel       U+0640 kashida: removed
//   kAlef          أ إ آ ٱ -> ا
//   kYeh           ى (alef maksura), ی (Farsi yeh) -> ي
//   kTehMarbuta    ة -> ه   (optional: users disagree; on by default like Lucene)
//   kKaf           ک (keheh) -> ك
//   kDigits        Arabic-Indic ٠-٩ and Persian ۰-۹ -> 0-9; separators ٫ -> . and ٬ -> ,
//   kCase          Latin and other cased scripts: Unicode case folding
//   kCompat        presentation forms (U+FB50-FDFF, U+FE70-FEFF) and full-width
//                  forms: NFKC first
//   zero-width joiners/non-joiners, bidi controls and BOM are always dropped.
//
//   NormalizerOptions options;                    // all rules on
//   std::string term = NormalizeWord("الرُّقاقات", options);  // "الرقاقات"
#ifndef KHABAR_QUERY_SERVICE_ANALYSIS_NORMALIZER_H_
#define KHABAR_QUERY_SERVICE_ANALYSIS_NORMALIZER_H_

#include <string>

#include "absl/strings/string_view.h"

namespace khabar::analysis {

struct NormalizerOptions {
  bool fold_teh_marbuta = true;
};

// Appends the normalized form of `word` (UTF-8, well-formed) to `*out`.
void NormalizeWordTo(absl::string_view word, const NormalizerOptions& options, std::string* out);

inline std::string NormalizeWord(absl::string_view word, const NormalizerOptions& options = {}) {
  std::string out;
  NormalizeWordTo(word, options, &out);
  return out;
}

// True for code points the normalizer removes outright (diacritics, tatweel,
// format controls): they never start or end a token.
bool IsIgnorableCodePoint(char32_t c);

}  // namespace khabar::analysis

#endif  // KHABAR_QUERY_SERVICE_ANALYSIS_NORMALIZER_H_
