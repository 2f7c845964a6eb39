#include "ingest_service/article/article.h"

#include "absl/strings/str_cat.h"
#include "common/base/sha256.h"

namespace khabar::article {

std::string ContentHash(const Article& article) {
  base::Sha256 h;
  h.Update(article.title);
  for (const Paragraph& p : article.paragraphs) {
    h.Update("\n");
    h.Update(p.text);
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "sha256:";
  for (uint8_t b : h.Finish()) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

std::string ArticleOutline(const Article& article) {
  std::string out = absl::StrCat("TITLE: ", article.title, "\n");
  for (const Paragraph& p : article.paragraphs) {
    absl::string_view kind = "BODY";
    switch (p.kind) {
      case ParagraphKind::kLead:
        kind = "LEAD";
        break;
      case ParagraphKind::kHeading:
        kind = "HEADING";
        break;
      case ParagraphKind::kQuote:
        kind = "QUOTE";
        break;
      case ParagraphKind::kBody:
        break;
    }
    absl::StrAppend(&out, kind, ": ", p.text, "\n");
  }
  return out;
}

std::string IdFromPath(absl::string_view path) {
  const size_t slash = path.find_last_of('/');
  absl::string_view name = slash == absl::string_view::npos ? path : path.substr(slash + 1);
  const size_t dot = name.find_last_of('.');
  if (dot != absl::string_view::npos && dot > 0) name = name.substr(0, dot);
  return std::string(name);
}

}  // namespace khabar::article
