// File: document_parser.h
// -----------------------------------------------------------------------------
// The one entry point of the article parsers: a document (a file's bytes) in,
// one StatusOr<Article> per article out, in document order. A plain-text file
// holds one article; TREC and JSONL files hold many, and each bad one is its
// own error naming the file and the DOC or line.
//
//   for (absl::StatusOr<Article>& a : ParseDocument(path, bytes)) {
//     if (!a.ok()) Report(a.status()); else Queue(*a);
//   }
//
// Format detection (when `format` is nullopt), first match wins:
//   1. content: the first bytes after a BOM and whitespace are "<DOC>" or
//      "<DOC " (any case) -> TREC, whatever the name (ANT files end in .txt);
//   2. extension (any case): .trec .sgml .sgm .xml -> TREC;
//      .jsonl .ndjson .json -> JSONL;
//   3. otherwise plain text.
#ifndef KHABAR_INGEST_SERVICE_ARTICLE_DOCUMENT_PARSER_H_
#define KHABAR_INGEST_SERVICE_ARTICLE_DOCUMENT_PARSER_H_

#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "ingest_service/article/article.h"
#include "ingest_service/article/parse_options.h"

namespace khabar::article {

SourceFormat DetectSourceFormat(absl::string_view name, absl::string_view content);

std::vector<absl::StatusOr<Article>> ParseDocument(absl::string_view name,
                                                   absl::string_view content,
                                                   std::optional<SourceFormat> format,
                                                   const ParseOptions& options = {});

}  // namespace khabar::article

#endif  // KHABAR_INGEST_SERVICE_ARTICLE_DOCUMENT_PARSER_H_
