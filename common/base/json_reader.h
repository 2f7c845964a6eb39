// File: json_reader.h
// -----------------------------------------------------------------------------
// A small cursor over one line of JSON, for the JSON Lines readers of both
// services (ingest_service/article/jsonl_parser.cc, query_service/
// jsonl_documents.cc): strict RFC 8259 strings (escapes, surrogate pairs,
// no raw control characters), numbers as written, literals, and skipping of
// any value. Faster than protobuf's JSON -> Struct, which builds a map of
// Values per line. Errors are recorded once (the first), with the byte offset;
// every method returns false after an error.
//
//   base::JsonReader r(line);
//   std::string key;
//   if (!r.Consume('{') || !r.ReadString(&key)) Report(r.error());
#ifndef KHABAR_COMMON_BASE_JSON_READER_H_
#define KHABAR_COMMON_BASE_JSON_READER_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/base/utf8.h"

namespace khabar::base {

// Objects and arrays nested deeper than this are refused (bounded recursion).
inline constexpr int kMaxJsonDepth = 64;

class JsonReader {
 public:
  explicit JsonReader(absl::string_view line) : s_(line) {}

  // The first error as "<what> at column <1-based byte column>"; empty when none.
  std::string error() const {
    return failed_ ? absl::StrCat(error_what_, " at column ", error_at_ + 1) : std::string();
  }
  // The first error's parts: what went wrong, and its 0-based byte offset.
  const std::string& error_what() const { return error_what_; }
  size_t error_offset() const { return error_at_; }
  size_t pos() const { return pos_; }

  bool Fail(absl::string_view what) { return FailAt(what, pos_); }
  bool FailAt(absl::string_view what, size_t at) {
    if (!failed_) {
      failed_ = true;
      error_what_ = std::string(what);
      error_at_ = at;
    }
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

  // Skips any value (objects and arrays nested up to kMaxJsonDepth).
  bool SkipValue(int depth = 0) {
    if (depth > kMaxJsonDepth) return Fail("nested too deeply");
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
  bool failed_ = false;
  std::string error_what_;
  size_t error_at_ = 0;
};


}  // namespace khabar::base

#endif  // KHABAR_COMMON_BASE_JSON_READER_H_
