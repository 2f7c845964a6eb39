#include "ingest_service/article/jsonl_parser.h"

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "common/base/utf8.h"
#include "ingest_service/article/text_hygiene.h"
#include "ingest_service/article/trec_parser.h"

namespace khabar::article {
namespace {

constexpr int kMaxDepth = 64;

// A cursor over one line of JSON. Errors are recorded once (the first) with
// the byte column; every method returns false after an error.
class JsonReader {
 public:
  explicit JsonReader(absl::string_view line) : s_(line) {}

  const std::string& error() const { return error_; }
  size_t pos() const { return pos_; }

  bool Fail(absl::string_view what) { return FailAt(what, pos_); }
  bool FailAt(absl::string_view what, size_t at) {
    if (error_.empty()) error_ = absl::StrCat(what, " at column ", at + 1);
    return false;
  }

  void SkipSpace() {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\r' || s_[pos_] == '\n')) {
      ++pos_;
    }
  }
  bool AtEnd() const { return pos_ >= s_.size(); }
  char Peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  bool Consume(char c) {
    SkipSpace();
    if (Peek() != c) return false;
    ++pos_;
    return true;
  }

  // A string at the cursor (after spaces), unescaped into *out.
  bool ReadString(std::string* out) {
    SkipSpace();
    if (Peek() != '"') return Fail("expected a string");
    ++pos_;
    out->clear();
    for (;;) {
      // Copy the span up to the next quote, backslash or control character.
      const size_t start = pos_;
      while (pos_ < s_.size()) {
        const unsigned char c = static_cast<unsigned char>(s_[pos_]);
        if (c == '"' || c == '\\' || c < 0x20) break;
        ++pos_;
      }
      out->append(s_.data() + start, pos_ - start);
      if (pos_ >= s_.size()) return Fail("unterminated string");
      const char c = s_[pos_];
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (c != '\\') return Fail("control character in string");
      const size_t escape_at = pos_;
      ++pos_;
      if (pos_ >= s_.size()) return Fail("unterminated string");
      switch (s_[pos_++]) {
        case '"': out->push_back('"'); break;
        case '\\': out->push_back('\\'); break;
        case '/': out->push_back('/'); break;
        case 'b': out->push_back('\b'); break;
        case 'f': out->push_back('\f'); break;
        case 'n': out->push_back('\n'); break;
        case 'r': out->push_back('\r'); break;
        case 't': out->push_back('\t'); break;
        case 'u': {
          uint32_t cp;
          if (!ReadHex4(&cp)) return FailAt("invalid \\u escape", escape_at);
          if (cp >= 0xD800 && cp <= 0xDBFF) {  // high surrogate: a low one must follow
            uint32_t lo;
            if (pos_ + 1 >= s_.size() || s_[pos_] != '\\' || s_[pos_ + 1] != 'u') {
              return FailAt("unpaired surrogate in \\u escape", escape_at);
            }
            pos_ += 2;
            if (!ReadHex4(&lo) || lo < 0xDC00 || lo > 0xDFFF) {
              return FailAt("unpaired surrogate in \\u escape", escape_at);
            }
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return FailAt("unpaired surrogate in \\u escape", escape_at);
          }
          base::AppendUtf8(cp, out);
          break;
        }
        default:
          return FailAt("invalid escape in string", escape_at);
      }
    }
  }

  // A number at the cursor; *raw is its text as written.
  bool ReadNumber(absl::string_view* raw) {
    SkipSpace();
    const size_t start = pos_;
    if (Peek() == '-') ++pos_;
    if (Peek() == '0') {
      ++pos_;
    } else if (Peek() >= '1' && Peek() <= '9') {
      while (Peek() >= '0' && Peek() <= '9') ++pos_;
    } else {
      return FailAt("invalid number", start);
    }
    if (Peek() == '.') {
      ++pos_;
      if (!(Peek() >= '0' && Peek() <= '9')) return FailAt("invalid number", start);
      while (Peek() >= '0' && Peek() <= '9') ++pos_;
    }
    if (Peek() == 'e' || Peek() == 'E') {
      ++pos_;
      if (Peek() == '+' || Peek() == '-') ++pos_;
      if (!(Peek() >= '0' && Peek() <= '9')) return FailAt("invalid number", start);
      while (Peek() >= '0' && Peek() <= '9') ++pos_;
    }
    *raw = s_.substr(start, pos_ - start);
    return true;
  }

  bool ReadLiteral(absl::string_view word) {
    SkipSpace();
    if (s_.substr(pos_, word.size()) != word) return Fail("invalid value");
    pos_ += word.size();
    return true;
  }

  // Skips any value (objects and arrays nested up to kMaxDepth).
  bool SkipValue(int depth = 0) {
    if (depth > kMaxDepth) return Fail("nested too deeply");
    SkipSpace();
    switch (Peek()) {
      case '"': {
        std::string ignored;
        return ReadString(&ignored);
      }
      case '{': {
        ++pos_;
        if (Consume('}')) return true;
        do {
          std::string key;
          if (!ReadString(&key)) return false;
          if (!Consume(':')) return Fail("expected ':' after key");
          if (!SkipValue(depth + 1)) return false;
        } while (Consume(','));
        return Consume('}') || Fail("expected ',' or '}' in object");
      }
      case '[': {
        ++pos_;
        if (Consume(']')) return true;
        do {
          if (!SkipValue(depth + 1)) return false;
        } while (Consume(','));
        return Consume(']') || Fail("expected ',' or ']' in array");
      }
      case 't':
        return ReadLiteral("true");
      case 'f':
        return ReadLiteral("false");
      case 'n':
        return ReadLiteral("null");
      default: {
        absl::string_view ignored;
        return ReadNumber(&ignored);
      }
    }
  }

 private:
  bool ReadHex4(uint32_t* cp) {
    if (pos_ + 4 > s_.size()) return false;
    *cp = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = s_[pos_ + k];
      int d;
      if (c >= '0' && c <= '9') {
        d = c - '0';
      } else if (c >= 'a' && c <= 'f') {
        d = c - 'a' + 10;
      } else if (c >= 'A' && c <= 'F') {
        d = c - 'A' + 10;
      } else {
        return false;
      }
      *cp = *cp * 16 + static_cast<uint32_t>(d);
    }
    pos_ += 4;
    return true;
  }

  absl::string_view s_;
  size_t pos_ = 0;
  std::string error_;
};

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
