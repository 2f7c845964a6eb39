// File: plain_text_parser.h
// -----------------------------------------------------------------------------
// Plain-text articles like ../shared/seeds/*.txt: UTF-8, the first non-empty
// line is the headline, every later non-empty line is a block of text.
//
// Structure rules (each testable on its own):
//   - hygiene: a leading BOM, CR of CRLF, NUL bytes are removed; NBSP becomes
//     a space; runs of spaces collapse; lines are trimmed.
//   - a later line identical to the headline is a repeat and is dropped.
//   - heading: at most kMaxHeadingWords words and no sentence-final
//     punctuation (. ! ? ؟ … : ؛ or a closing quote).
//   - quote: the block opens with a quotation mark (“ « " „).
//   - lead: the first block after the headline that is not a heading.
//   - everything else is body.
//
//   absl::StatusOr<Article> a = ParsePlainText("seeds/001.txt", text);
#ifndef KHABAR_INGEST_SERVICE_ARTICLE_PLAIN_TEXT_PARSER_H_
#define KHABAR_INGEST_SERVICE_ARTICLE_PLAIN_TEXT_PARSER_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "ingest_service/article/article.h"

namespace khabar::article {

inline constexpr int kMaxHeadingWords = 12;

// `name` names the document in errors and gives the default id. Errors:
// InvalidArgument "<name>: invalid UTF-8 at byte N", "<name>: file is empty".
absl::StatusOr<Article> ParsePlainText(absl::string_view name, absl::string_view text);

}  // namespace khabar::article

#endif  // KHABAR_INGEST_SERVICE_ARTICLE_PLAIN_TEXT_PARSER_H_
