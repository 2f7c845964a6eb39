#include "ingest_service/article/document_parser.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "ingest_service/article/jsonl_parser.h"
#include "ingest_service/article/plain_text_parser.h"
#include "ingest_service/article/trec_parser.h"

namespace khabar::article {

SourceFormat DetectSourceFormat(absl::string_view name, absl::string_view content) {
  absl::string_view head = content.substr(0, 4096);
  absl::ConsumePrefix(&head, "\xEF\xBB\xBF");
  head = absl::StripLeadingAsciiWhitespace(head);
  if (head.size() >= 5 && absl::StartsWithIgnoreCase(head, "<DOC") &&
      (head[4] == '>' || head[4] == ' ')) {
    return SourceFormat::kTrec;
  }
  const size_t slash = name.find_last_of('/');
  const absl::string_view base = slash == absl::string_view::npos ? name : name.substr(slash + 1);
  const size_t dot = base.find_last_of('.');
  const absl::string_view ext = dot == absl::string_view::npos ? "" : base.substr(dot + 1);
  for (absl::string_view e : {"trec", "sgml", "sgm", "xml"}) {
    if (absl::EqualsIgnoreCase(ext, e)) return SourceFormat::kTrec;
  }
  for (absl::string_view e : {"jsonl", "ndjson", "json"}) {
    if (absl::EqualsIgnoreCase(ext, e)) return SourceFormat::kJsonl;
  }
  return SourceFormat::kPlainText;
}

std::vector<absl::StatusOr<Article>> ParseDocument(absl::string_view name,
                                                   absl::string_view content,
                                                   std::optional<SourceFormat> format,
                                                   const ParseOptions& options) {
  switch (format.value_or(DetectSourceFormat(name, content))) {
    case SourceFormat::kTrec:
      return ParseTrec(name, content, options);
    case SourceFormat::kJsonl:
      return ParseJsonl(name, content, options);
    case SourceFormat::kPlainText:
      break;
  }
  std::vector<absl::StatusOr<Article>> out;
  out.push_back(ParsePlainText(name, content, options));
  return out;
}

}  // namespace khabar::article
