#include "query_service/jsonl_documents.h"

#include <cstdlib>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "common/base/status_macros.h"

namespace khabar::query {
namespace {

// Nested arrays/objects deeper than this are refused (bounded recursion).
constexpr int kMaxDepth = 64;

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A cursor over one line; every error names the byte offset.
class Parser {
 public:
  explicit Parser(absl::string_view text) : text_(text) {}

  absl::Status Error(absl::string_view what) const {
    return absl::InvalidArgumentError(absl::StrCat("not a JSON object: ", what, " at byte ", pos_));
  }

  void SkipWhitespace() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\r' || text_[pos_] == '\n')) {
      ++pos_;
    }
  }
  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek() const { return AtEnd() ? '\0' : text_[pos_]; }
  bool Consume(char c) {
    if (Peek() != c) return false;
    ++pos_;
    return true;
  }

  // A string starting at '"'; appended to `out` unless null.
  absl::Status String(std::string* out) {
    if (!Consume('"')) return Error("expected '\"'");
    while (true) {
      const size_t start = pos_;
      while (pos_ < text_.size() && text_[pos_] != '"' && text_[pos_] != '\\') ++pos_;
      if (out != nullptr) out->append(text_.data() + start, pos_ - start);
      if (AtEnd()) return Error("unterminated string");
      if (text_[pos_++] == '"') return absl::OkStatus();
      if (AtEnd()) return Error("unterminated escape");
      const char e = text_[pos_++];
      char plain = 0;
      switch (e) {
        case '"': plain = '"'; break;
        case '\\': plain = '\\'; break;
        case '/': plain = '/'; break;
        case 'b': plain = '\b'; break;
        case 'f': plain = '\f'; break;
        case 'n': plain = '\n'; break;
        case 'r': plain = '\r'; break;
        case 't': plain = '\t'; break;
        case 'u': {
          uint32_t cp = 0;
          KHABAR_RETURN_IF_ERROR(Hex4(&cp));
          if (cp >= 0xD800 && cp < 0xDC00) {  // high surrogate: a low one must follow
            uint32_t lo = 0;
            if (!Consume('\\') || !Consume('u')) return Error("unpaired surrogate");
            KHABAR_RETURN_IF_ERROR(Hex4(&lo));
            if (lo < 0xDC00 || lo >= 0xE000) return Error("unpaired surrogate");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          } else if (cp >= 0xDC00 && cp < 0xE000) {
            return Error("unpaired surrogate");
          }
          if (out != nullptr) AppendUtf8(cp, out);
          continue;
        }
        default:
          return Error(absl::StrCat("bad escape '\\", absl::string_view(&e, 1), "'"));
      }
      if (out != nullptr) out->push_back(plain);
    }
  }

  // A number, true, false or null: the literal's text.
  absl::StatusOr<absl::string_view> Literal() {
    const size_t start = pos_;
    while (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '}' &&
           text_[pos_] != ']' && text_[pos_] != ' ' && text_[pos_] != '\t' &&
           text_[pos_] != '\r' && text_[pos_] != '\n') {
      ++pos_;
    }
    absl::string_view lit = text_.substr(start, pos_ - start);
    if (lit == "true" || lit == "false" || lit == "null") return lit;
    char* end = nullptr;
    const std::string copy(lit);
    std::strtod(copy.c_str(), &end);
    if (lit.empty() || end != copy.c_str() + copy.size() ||
        !(copy[0] == '-' || (copy[0] >= '0' && copy[0] <= '9'))) {
      pos_ = start;
      return Error("expected a value");
    }
    return lit;
  }

  // Any value, discarded.
  absl::Status SkipValue(int depth) {
    if (depth > kMaxDepth) return Error("nested too deep");
    SkipWhitespace();
    const char c = Peek();
    if (c == '"') return String(nullptr);
    if (c != '{' && c != '[') return Literal().status();
    const char close = c == '{' ? '}' : ']';
    ++pos_;
    SkipWhitespace();
    if (Consume(close)) return absl::OkStatus();
    while (true) {
      SkipWhitespace();
      if (close == '}') {
        KHABAR_RETURN_IF_ERROR(String(nullptr));
        SkipWhitespace();
        if (!Consume(':')) return Error("expected ':'");
      }
      KHABAR_RETURN_IF_ERROR(SkipValue(depth + 1));
      SkipWhitespace();
      if (Consume(close)) return absl::OkStatus();
      if (!Consume(',')) return Error("expected ',' or a closing bracket");
    }
  }

 private:
  absl::Status Hex4(uint32_t* cp) {
    if (pos_ + 4 > text_.size()) return Error("short \\u escape");
    *cp = 0;
    for (int i = 0; i < 4; ++i) {
      const int v = HexValue(text_[pos_ + i]);
      if (v < 0) return Error("bad \\u escape");
      *cp = *cp * 16 + static_cast<uint32_t>(v);
    }
    pos_ += 4;
    return absl::OkStatus();
  }

  absl::string_view text_;
  size_t pos_ = 0;
};

// The value of id, title or body as text (see the header).
absl::Status TextValue(Parser& p, std::string* out) {
  out->clear();
  if (p.Peek() == '"') return p.String(out);
  if (p.Peek() == '{' || p.Peek() == '[') return p.SkipValue(0);
  KHABAR_ASSIGN_OR_RETURN(absl::string_view lit, p.Literal());
  if (lit != "true" && lit != "false" && lit != "null") {
    *out = absl::StrFormat("%.0f", std::strtod(std::string(lit).c_str(), nullptr));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<index::Document> DocumentFromJsonLine(absl::string_view line) {
  Parser p(line);
  p.SkipWhitespace();
  if (!p.Consume('{')) return p.Error("expected '{'");
  index::Document doc;
  std::string key, body;
  p.SkipWhitespace();
  if (!p.Consume('}')) {
    while (true) {
      p.SkipWhitespace();
      key.clear();
      KHABAR_RETURN_IF_ERROR(p.String(&key));
      p.SkipWhitespace();
      if (!p.Consume(':')) return p.Error("expected ':'");
      p.SkipWhitespace();
      if (key == "id") {
        KHABAR_RETURN_IF_ERROR(TextValue(p, &doc.id));
      } else if (key == "title") {
        KHABAR_RETURN_IF_ERROR(TextValue(p, &doc.title));
      } else if (key == "body") {
        KHABAR_RETURN_IF_ERROR(TextValue(p, &body));
      } else {
        KHABAR_RETURN_IF_ERROR(p.SkipValue(0));
      }
      p.SkipWhitespace();
      if (p.Consume('}')) break;
      if (!p.Consume(',')) return p.Error("expected ',' or '}'");
    }
  }
  p.SkipWhitespace();
  if (!p.AtEnd()) return p.Error("text after the object");
  for (absl::string_view para : absl::StrSplit(body, '\n', absl::SkipEmpty())) {
    doc.paragraphs.emplace_back(para);
  }
  return doc;
}

}  // namespace khabar::query
