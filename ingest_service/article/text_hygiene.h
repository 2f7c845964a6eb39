// File: text_hygiene.h
// -----------------------------------------------------------------------------
// The Unicode hygiene every article parser applies before it looks for
// structure, so that "the same text" is the same bytes whatever the source.
//
//   KHABAR_RETURN_IF_ERROR(CheckTextFile("x.txt", bytes));   // binary? UTF-8?
//   std::string clean = CleanText(bytes, LineMode::kKeepLines);
//
// Rules (CleanText; input must be well-formed UTF-8, CheckTextFile first):
//   - line breaks: CRLF, CR, U+0085 NEL, U+2028 and U+2029 become LF;
//   - removed: NUL and the other C0/C1 control characters, DEL, U+FEFF (a
//     leading BOM and a stray one inside the text), U+061C ARABIC LETTER MARK,
//     U+200B..U+200F (ZWSP, ZWNJ, ZWJ, LRM, RLM), U+202A..U+202E (bidi
//     embeddings/overrides), U+2060..U+2064 (word joiner, invisible
//     operators), U+2066..U+2069 (bidi isolates);
//   - ZWNJ (U+200C) is removed too. Decision: Khabar indexes Arabic news, where
//     ZWNJ only changes how letters join on screen and never the letters
//     themselves; keeping it would make "كتاب" and "كتا<ZWNJ>ب" different
//     terms. (Persian text loses the visual half-space but keeps its letters.)
//   - spaces: TAB, VT, FF, U+00A0 NBSP, U+1680, U+2000..U+200A, U+202F, U+205F
//     and U+3000 become an ASCII space; runs of spaces collapse to one; lines
//     are trimmed;
//   - blank lines: runs collapse to one empty line; leading and trailing blank
//     lines are dropped (kKeepLines). kJoinLines turns every break into a space.
//   - kept as written: diacritics (harakat, shadda), tatweel, presentation
//     forms, digits of every script. The analyzer folds these later.
#ifndef KHABAR_INGEST_SERVICE_ARTICLE_TEXT_HYGIENE_H_
#define KHABAR_INGEST_SERVICE_ARTICLE_TEXT_HYGIENE_H_

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace khabar::article {

// How many leading bytes CheckTextFile scans for NUL.
inline constexpr size_t kBinarySniffBytes = 8192;

// OkStatus for a file that is UTF-8 text. Otherwise InvalidArgument:
//   "<name>: looks like a binary file (NUL byte at offset 12)"   (NUL in the
//       first kBinarySniffBytes bytes)
//   "<name>: not UTF-8 text: invalid byte 0xFF at byte offset 812"
absl::Status CheckTextFile(absl::string_view name, absl::string_view bytes);

enum class LineMode {
  kKeepLines,  // one output line per input line (blank runs collapsed)
  kJoinLines,  // line breaks become spaces: one line out (titles, fields)
};

// Applies the rules above and appends the result to *out.
// REQUIRES: `text` is well-formed UTF-8.
void AppendCleanText(absl::string_view text, LineMode mode, std::string* out);

inline std::string CleanText(absl::string_view text, LineMode mode) {
  std::string out;
  AppendCleanText(text, mode, &out);
  return out;
}

}  // namespace khabar::article

#endif  // KHABAR_INGEST_SERVICE_ARTICLE_TEXT_HYGIENE_H_
