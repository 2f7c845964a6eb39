// File: article.h
// -----------------------------------------------------------------------------
// The structured article every parser produces, independent of the wire
// format (ingest_service/convert.h maps it to khabar.v1.Article).
//
//   absl::StatusOr<article::Article> a = article::ParsePlainText("seeds/x.txt", text);
//   a->content_hash;  // "sha256:..." of title and paragraphs
#ifndef KHABAR_INGEST_SERVICE_ARTICLE_ARTICLE_H_
#define KHABAR_INGEST_SERVICE_ARTICLE_ARTICLE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace khabar::article {

enum class ParagraphKind { kLead, kHeading, kBody, kQuote };

struct Paragraph {
  ParagraphKind kind = ParagraphKind::kBody;
  std::string text;
};

enum class SourceFormat { kPlainText, kTrec, kJsonl };

struct Article {
  std::string id;
  std::string source;
  std::string title;
  std::vector<Paragraph> paragraphs;
  std::string url;
  std::string category;
  std::optional<absl::Time> published_time;
  std::string content_hash;
  std::string origin;
  SourceFormat format = SourceFormat::kPlainText;
};

// "sha256:<hex>" over the title and the paragraph texts (not their kinds or
// the metadata): the same words in the same order hash the same.
std::string ContentHash(const Article& article);

// A human-readable outline, one line per part: "TITLE: ...", then
// "LEAD: ", "HEADING: ", "BODY: " or "QUOTE: " and the paragraph text.
// The golden files of the parser tests use it.
std::string ArticleOutline(const Article& article);

// The default id for a document read from `path`: the file name without
// directories and extension ("data/articles/01_chips.txt" -> "01_chips").
std::string IdFromPath(absl::string_view path);

}  // namespace khabar::article

#endif  // KHABAR_INGEST_SERVICE_ARTICLE_ARTICLE_H_
