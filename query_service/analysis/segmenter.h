// File: segmenter.h
// -----------------------------------------------------------------------------
// Word segmentation with the boundaries of ICU's word BreakIterator (UAX #29),
// fast. Text is cut into whitespace-separated chunks; a chunk made only of
// code points whose word-break behaviour we implement exactly (Arabic and
// Latin letters, digits, Arabic marks, format controls, ordinary punctuation,
// including the MidLetter/MidNum joiners of rules WB6-WB12) is segmented here;
// any other chunk (CJK, Thai, Hebrew, emoji, full-width forms, ...) is handed
// to ICU's BreakIterator. Both paths report the same words (a test compares
// them on real Arabic news).
//
//   ForEachWord("تُعد وحدات GPU", [](uint32_t begin, uint32_t end) { ... });
//   // [0,8) [9,19) [20,23): byte offsets into the text
#ifndef KHABAR_QUERY_SERVICE_ANALYSIS_SEGMENTER_H_
#define KHABAR_QUERY_SERVICE_ANALYSIS_SEGMENTER_H_

#include <cstdint>

#include "absl/functional/function_ref.h"
#include "absl/strings/string_view.h"

namespace khabar::analysis {

using WordCallback = absl::FunctionRef<void(uint32_t begin, uint32_t end)>;

// Calls `on_word` with the byte range of every word (a UAX #29 segment that
// contains a letter or a digit) of `text` (well-formed UTF-8), in order.
void ForEachWord(absl::string_view text, WordCallback on_word);

// The same words from ICU's BreakIterator alone: the reference for tests and
// benchmarks.
void ForEachWordIcu(absl::string_view text, WordCallback on_word);

}  // namespace khabar::analysis

#endif  // KHABAR_QUERY_SERVICE_ANALYSIS_SEGMENTER_H_
