#include "ingest_service/article/plain_text_parser.h"

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/base/status_macros.h"
#include "common/base/utf8.h"

namespace khabar::article {
namespace {

// Cleans one line: NUL and CR removed, NBSP and tabs to spaces, runs of spaces
// collapsed, trimmed.
std::string CleanLine(absl::string_view line) {
  std::string out;
  out.reserve(line.size());
  bool space = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (c == '\0' || c == '\r') continue;
    bool is_space = c == ' ' || c == '\t';
    if (static_cast<unsigned char>(c) == 0xC2 && i + 1 < line.size() &&
        static_cast<unsigned char>(line[i + 1]) == 0xA0) {  // U+00A0 NBSP
      is_space = true;
      ++i;
    }
    if (is_space) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

int CountWords(absl::string_view line) {
  int words = 0;
  for (absl::string_view w : absl::StrSplit(line, ' ', absl::SkipEmpty())) {
    (void)w;
    ++words;
  }
  return words;
}

bool EndsSentence(absl::string_view line) {
  for (absl::string_view end : {".", "!", "?", "؟", "…", ":", "؛", "”", "»", "\""}) {
    if (absl::EndsWith(line, end)) return true;
  }
  return false;
}

bool OpensQuote(absl::string_view line) {
  for (absl::string_view open : {"“", "«", "\"", "„"}) {
    if (absl::StartsWith(line, open)) return true;
  }
  return false;
}

}  // namespace

absl::StatusOr<Article> ParsePlainText(absl::string_view name, absl::string_view text) {
  KHABAR_RETURN_IF_ERROR(base::ValidateUtf8(name, text));
  if (absl::StartsWith(text, "\xEF\xBB\xBF")) text.remove_prefix(3);

  Article article;
  article.id = IdFromPath(name);
  article.origin = std::string(name);
  article.format = SourceFormat::kPlainText;
  bool seen_lead = false;
  for (absl::string_view raw : absl::StrSplit(text, '\n')) {
    std::string line = CleanLine(raw);
    if (line.empty()) continue;
    if (article.title.empty()) {
      article.title = std::move(line);
      continue;
    }
    if (line == article.title) continue;  // repeated headline
    Paragraph p;
    if (CountWords(line) <= kMaxHeadingWords && !EndsSentence(line)) {
      p.kind = ParagraphKind::kHeading;
    } else if (OpensQuote(line)) {
      p.kind = ParagraphKind::kQuote;
    } else if (!seen_lead) {
      p.kind = ParagraphKind::kLead;
      seen_lead = true;
    } else {
      p.kind = ParagraphKind::kBody;
    }
    p.text = std::move(line);
    article.paragraphs.push_back(std::move(p));
  }
  if (article.title.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(name, ": file is empty (no text)"));
  }
  article.content_hash = ContentHash(article);
  return article;
}

}  // namespace khabar::article
