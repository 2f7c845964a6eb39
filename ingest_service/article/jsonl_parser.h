// File: jsonl_parser.h
// -----------------------------------------------------------------------------
// JSON Lines: one JSON object per line, one article per object.
//
//   {"id": "a1", "title": "...", "body": "first\nsecond", "url": "...",
//    "published_at": "2017-01-26T08:31:00+01:00", "source": "...", "category": "..."}
//
// Fields: "id" (string, or a number kept as written) required; "title";
// "body" (paragraphs split on \n; the first is the LEAD); "paragraphs" (array
// of strings, one paragraph each; takes precedence over "body"); "url",
// "source", "category" (strings); "published_at" (RFC 3339, or a bare date:
// see ParseTimestamp in trec_parser.h). null counts as absent; other keys and
// nested values are skipped. Blank lines are skipped.
// Each bad line is its own InvalidArgument error naming file, line and the
// byte column (1-based), and the other lines still parse:
//   "docs.jsonl:17: expected ':' after key at column 23"
//   "docs.jsonl:18: missing \"id\""
//   "docs.jsonl:19: no text (empty \"title\" and \"body\")"
// A whole-file problem (not UTF-8, binary, "<file>: file is empty": no
// non-blank line) is a single error.
// Origin: "<file>:<line>".
#ifndef KHABAR_INGEST_SERVICE_ARTICLE_JSONL_PARSER_H_
#define KHABAR_INGEST_SERVICE_ARTICLE_JSONL_PARSER_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "ingest_service/article/article.h"
#include "ingest_service/article/parse_options.h"

namespace khabar::article {

std::vector<absl::StatusOr<Article>> ParseJsonl(absl::string_view name, absl::string_view text,
                                                const ParseOptions& options = {});

}  // namespace khabar::article

#endif  // KHABAR_INGEST_SERVICE_ARTICLE_JSONL_PARSER_H_
