#include "ingest_service/article/text_hygiene.h"

#include <array>
#include <cstdint>
#include <cstring>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/base/utf8.h"

namespace khabar::article {
namespace {

// What one input byte means to the cleaner. Bytes that can only be part of an
// ordinary visible character are kOrdinary and are copied in spans.
enum ByteClass : uint8_t {
  kOrdinary,
  kSpace,    // ' ', TAB, VT, FF
  kLf,       // '\n'
  kCr,       // '\r' (CRLF counts once)
  kDrop,     // other C0 controls, DEL
  kD8,       // lead of U+0600..U+063F: ordinary except U+061C
  kSpecial,  // lead byte of a sequence that may be a space/control/format char
};

constexpr std::array<uint8_t, 256> MakeClasses() {
  std::array<uint8_t, 256> t{};
  for (int c = 0; c < 0x20; ++c) t[c] = kDrop;
  t[' '] = t['\t'] = t['\v'] = t['\f'] = kSpace;
  t['\n'] = kLf;
  t['\r'] = kCr;
  t[0x7F] = kDrop;
  t[0xC2] = kSpecial;  // U+0080..U+00BF: C1 controls, NEL, NBSP
  t[0xD8] = kD8;       // U+061C ARABIC LETTER MARK
  t[0xE1] = kSpecial;  // U+1680 OGHAM SPACE MARK
  t[0xE2] = kSpecial;  // U+2000..U+206F: spaces, zero-width, bidi
  t[0xE3] = kSpecial;  // U+3000 IDEOGRAPHIC SPACE
  t[0xEF] = kSpecial;  // U+FEFF BOM / ZWNBSP
  return t;
}
constexpr std::array<uint8_t, 256> kClass = MakeClasses();

enum class CpKind { kVisible, kSpace, kNewline, kDrop };

CpKind Classify(char32_t cp) {
  if (cp >= 0x80 && cp <= 0x9F) return cp == 0x85 ? CpKind::kNewline : CpKind::kDrop;
  switch (cp) {
    case 0xA0:
    case 0x1680:
    case 0x202F:
    case 0x205F:
    case 0x3000:
      return CpKind::kSpace;
    case 0x2028:
    case 0x2029:
      return CpKind::kNewline;
    case 0x061C:
    case 0xFEFF:
      return CpKind::kDrop;
    default:
      break;
  }
  if (cp >= 0x2000 && cp <= 0x200A) return CpKind::kSpace;
  if ((cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) ||
      (cp >= 0x2060 && cp <= 0x2064) || (cp >= 0x2066 && cp <= 0x2069)) {
    return CpKind::kDrop;
  }
  return CpKind::kVisible;
}

size_t SequenceLength(uint8_t lead) {
  if (lead < 0xE0) return 2;
  if (lead < 0xF0) return 3;
  return 4;
}

}  // namespace

absl::Status CheckTextFile(absl::string_view name, absl::string_view bytes) {
  const size_t sniff = bytes.size() < kBinarySniffBytes ? bytes.size() : kBinarySniffBytes;
  if (const void* nul = std::memchr(bytes.data(), '\0', sniff); nul != nullptr) {
    const size_t at = static_cast<const char*>(nul) - bytes.data();
    return absl::InvalidArgumentError(
        absl::StrCat(name, ": looks like a binary file (NUL byte at offset ", at, ")"));
  }
  if (std::optional<size_t> bad = base::FindInvalidUtf8(bytes); bad.has_value()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s: not UTF-8 text: invalid byte 0x%02X at byte offset %d", name,
        static_cast<uint8_t>(bytes[*bad]), *bad));
  }
  return absl::OkStatus();
}

void AppendCleanText(absl::string_view text, LineMode mode, std::string* out) {
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  const size_t n = text.size();
  const bool keep_lines = mode == LineMode::kKeepLines;
  out->reserve(out->size() + n);
  bool any = false;     // a visible character was written
  bool space = false;   // a space is pending before the next visible char
  int newlines = 0;     // line breaks pending (capped at 2: one blank line)
  auto before_visible = [&] {
    if (any) {
      if (newlines > 0 && keep_lines) {
        out->append(newlines > 1 ? "\n\n" : "\n", newlines > 1 ? 2 : 1);
      } else if (space || newlines > 0) {
        out->push_back(' ');
      }
    }
    any = true;
    space = false;
    newlines = 0;
  };
  // Length of the ordinary character at s[j] (copied as is), or 0.
  auto ordinary_at = [&](size_t j) -> size_t {
    const uint8_t c = kClass[s[j]];
    if (c == kOrdinary) return 1;
    if (c == kD8 && j + 1 < n && s[j + 1] != 0x9C) return 2;
    return 0;
  };
  size_t i = 0;
  while (i < n) {
    // A span of ordinary characters, with single interior spaces, is copied
    // as one block: the common case for running text.
    const size_t start = i;
    while (i < n) {
      if (size_t len = ordinary_at(i); len > 0) {
        i += len;
      } else if (s[i] == ' ' && i > start && i + 1 < n && ordinary_at(i + 1) > 0) {
        ++i;
      } else {
        break;
      }
    }
    if (i > start) {
      before_visible();
      out->append(text.data() + start, i - start);
    }
    if (i >= n) break;
    switch (kClass[s[i]]) {
      case kSpace:
        space = true;
        ++i;
        break;
      case kLf:
        if (newlines < 2) ++newlines;
        ++i;
        break;
      case kCr:
        if (newlines < 2) ++newlines;
        ++i;
        if (i < n && s[i] == '\n') ++i;
        break;
      case kDrop:
        ++i;
        break;
      default: {  // kD8 (U+061C) or kSpecial
        size_t len = SequenceLength(s[i]);
        CpKind kind = CpKind::kVisible;  // a truncated sequence is kept as is
        if (i + len <= n) {
          size_t pos = i;
          kind = Classify(base::DecodeUtf8(text, &pos));
        } else {
          len = n - i;
        }
        switch (kind) {
          case CpKind::kSpace:
            space = true;
            break;
          case CpKind::kNewline:
            if (newlines < 2) ++newlines;
            break;
          case CpKind::kDrop:
            break;
          case CpKind::kVisible:
            before_visible();
            out->append(text.data() + i, len);
            break;
        }
        i += len;
        break;
      }
    }
  }
}

}  // namespace khabar::article
