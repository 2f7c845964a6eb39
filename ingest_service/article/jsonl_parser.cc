#include "ingest_service/article/jsonl_parser.h"

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "common/base/json_reader.h"
#include "common/base/utf8.h"
#include "ingest_service/article/text_hygiene.h"
#include "ingest_service/article/trec_parser.h"

namespace khabar::article {
namespace {

using base::JsonReader;

// Reads a string field that may be null (-> *present = false).
bool ReadOptionalString(JsonReader& r, absl::string_view key, std::string* out,
                        bool* present) {
  r.SkipSpace();
  if (r.Peek() == 'n') {
    *present = false;
    return r.ReadLiteral("null");
  }
  if (r.Peek() != '"') return r.Fail(absl::StrCat("\"", key, "\" must be a string"));
  *present = true;
  return r.ReadString(out);
}

absl::StatusOr<Article> ParseLine(absl::string_view name, size_t line_no,
                                  absl::string_view line) {
  auto error = [&](absl::string_view what) {
    return absl::InvalidArgumentError(absl::StrCat(name, ":", line_no, ": ", what));
  };
  JsonReader r(line);
  Article a;
  a.format = SourceFormat::kJsonl;
  std::string id, title, body, url, source, category, published;
  bool has_id = false, has_title = false, has_body = false, has_url = false,
       has_source = false, has_category = false, has_published = false;
  std::vector<std::string> paragraphs;
  bool ok = r.Consume('{') || r.Fail("expected '{' (a JSON object per line)");
  if (ok && !r.Consume('}')) {
    do {
      std::string key;
      ok = r.ReadString(&key);
      if (ok && !r.Consume(':')) ok = r.Fail("expected ':' after key");
      if (!ok) break;
      if (key == "id") {
        r.SkipSpace();
        if (r.Peek() == '"') {
          ok = r.ReadString(&id);
          has_id = true;
        } else if (r.Peek() == '-' || (r.Peek() >= '0' && r.Peek() <= '9')) {
          absl::string_view raw;
          ok = r.ReadNumber(&raw);
          id = std::string(raw);
          has_id = true;
        } else if (r.Peek() == 'n') {
          ok = r.ReadLiteral("null");
          has_id = false;
        } else {
          ok = r.Fail("\"id\" must be a string or a number");
        }
      } else if (key == "title") {
        ok = ReadOptionalString(r, key, &title, &has_title);
      } else if (key == "body") {
        ok = ReadOptionalString(r, key, &body, &has_body);
      } else if (key == "url") {
        ok = ReadOptionalString(r, key, &url, &has_url);
      } else if (key == "source") {
        ok = ReadOptionalString(r, key, &source, &has_source);
      } else if (key == "category") {
        ok = ReadOptionalString(r, key, &category, &has_category);
      } else if (key == "published_at") {
        ok = ReadOptionalString(r, key, &published, &has_published);
      } else if (key == "paragraphs") {
        paragraphs.clear();
        r.SkipSpace();
        if (r.Peek() == 'n') {
          ok = r.ReadLiteral("null");
        } else if (!r.Consume('[')) {
          ok = r.Fail("\"paragraphs\" must be an array of strings");
        } else if (!r.Consume(']')) {
          do {
            r.SkipSpace();
            if (r.Peek() != '"') {
              ok = r.Fail("\"paragraphs\" must be an array of strings");
              break;
            }
            ok = r.ReadString(&paragraphs.emplace_back());
          } while (ok && r.Consume(','));
          if (ok && !r.Consume(']')) ok = r.Fail("expected ',' or ']' in array");
        }
      } else {
        ok = r.SkipValue();
      }
    } while (ok && r.Consume(','));
    if (ok && !r.Consume('}')) ok = r.Fail("expected ',' or '}' in object");
  }
  if (ok) {
    r.SkipSpace();
    if (!r.AtEnd()) ok = r.Fail("unexpected text after the object");
  }
  if (!ok) return error(r.error());

  // Hygiene of text_hygiene.h on every field (the file was checked as UTF-8
  // and unescaping only adds well-formed UTF-8).
  a.id = CleanText(id, LineMode::kJoinLines);
  if (!has_id || a.id.empty()) return error("missing \"id\"");
  a.title = CleanText(title, LineMode::kJoinLines);
  a.url = CleanText(url, LineMode::kJoinLines);
  a.source = CleanText(source, LineMode::kJoinLines);
  a.category = CleanText(category, LineMode::kJoinLines);
  if (has_published && !published.empty()) {
    a.published_time = ParseTimestamp(published);
    if (!a.published_time.has_value()) {
      return error(absl::StrCat("\"published_at\" is not an RFC 3339 time: \"", published, "\""));
    }
  }
  if (!paragraphs.empty()) {
    for (const std::string& p : paragraphs) {
      std::string text = CleanText(p, LineMode::kJoinLines);
      if (text.empty()) continue;
      a.paragraphs.push_back(
          {a.paragraphs.empty() ? ParagraphKind::kLead : ParagraphKind::kBody, std::move(text)});
    }
  } else {
    const std::string clean = CleanText(body, LineMode::kKeepLines);
    for (absl::string_view p : absl::StrSplit(clean, '\n', absl::SkipEmpty())) {
      a.paragraphs.push_back(
          {a.paragraphs.empty() ? ParagraphKind::kLead : ParagraphKind::kBody, std::string(p)});
    }
  }
  if (a.title.empty() && a.paragraphs.empty()) {
    return error("no text (empty \"title\" and \"body\")");
  }
  a.origin = absl::StrCat(name, ":", line_no);
  a.content_hash = ContentHash(a);
  return a;
}

}  // namespace

std::vector<absl::StatusOr<Article>> ParseJsonl(absl::string_view name, absl::string_view text,
                                                const ParseOptions& options) {
  std::vector<absl::StatusOr<Article>> out;
  if (absl::Status s = CheckTextFile(name, text); !s.ok()) {
    out.push_back(std::move(s));
    return out;
  }
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  size_t line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == absl::string_view::npos) end = text.size();
    absl::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (line.find_first_not_of(" \t\r") == absl::string_view::npos) continue;
    if (line.size() > options.max_article_bytes) {
      out.push_back(absl::InvalidArgumentError(absl::StrFormat(
          "%s:%d: line is %.1f MiB, over the limit of %d bytes for one article", name, line_no,
          static_cast<double>(line.size()) / (1 << 20), options.max_article_bytes)));
      continue;
    }
    out.push_back(ParseLine(name, line_no, line));
  }
  if (out.empty()) out.push_back(absl::InvalidArgumentError(absl::StrCat(name, ": file is empty")));
  return out;
}

}  // namespace khabar::article
