// File: stopwords.h
// -----------------------------------------------------------------------------
// Khabar's Arabic stopword list: particles, prepositions, pronouns,
// demonstratives, relatives and auxiliaries that carry no topic, written in
// NORMALIZED form (normalizer.h), so "إلى", "الى" and "إلي" are all one entry.
// Deliberately absent: على (normalizes to علي, also the name Ali) and words
// that are topical in news (e.g. قال is kept: "قال" is stopped, but nouns
// derived from it are not).
//
//   if (IsStopword(token.term)) ...
#ifndef KHABAR_QUERY_SERVICE_ANALYSIS_STOPWORDS_H_
#define KHABAR_QUERY_SERVICE_ANALYSIS_STOPWORDS_H_

#include "absl/strings/string_view.h"

namespace khabar::analysis {

bool IsStopword(absl::string_view normalized_term);

}  // namespace khabar::analysis

#endif  // KHABAR_QUERY_SERVICE_ANALYSIS_STOPWORDS_H_
