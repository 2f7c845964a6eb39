#include "query_service/analysis/normalizer.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include "common/base/utf8.h"

namespace khabar::analysis {
namespace {

bool IsArabicDiacritic(char32_t c) {
  return (c >= 0x0610 && c <= 0x061A) ||  // Quranic honorifics and small marks
         (c >= 0x064B && c <= 0x065F) ||  // tanween, harakat, shadda, sukun, ...
         c == 0x0670 ||                   // superscript (dagger) alef
         (c >= 0x06D6 && c <= 0x06DC) ||  // Quranic annotation signs
         (c >= 0x06DF && c <= 0x06E4) || (c >= 0x06E7 && c <= 0x06E8) ||
         (c >= 0x06EA && c <= 0x06ED) || (c >= 0x08D3 && c <= 0x08FF && c != 0x08E2);
}

bool NeedsCompatibilityFold(char32_t c) {
  return (c >= 0xFB50 && c <= 0xFDFF) || (c >= 0xFE70 && c <= 0xFEFF) ||
         (c >= 0xFF00 && c <= 0xFFEF);
}

// Folds one code point; returns 0 when it is dropped.
char32_t Fold(char32_t c, const NormalizerOptions& options) {
  if (c < 0x80) {
    if (c >= 'A' && c <= 'Z') return c + ('a' - 'A');
    return c;
  }
  if (c >= 0x0600 && c <= 0x06FF) {
    switch (c) {
      case 0x0622:  // آ
      case 0x0623:  // أ
      case 0x0625:  // إ
      case 0x0671:  // ٱ
        return 0x0627;
      case 0x0649:  // ى
      case 0x06CC:  // ی
        return 0x064A;
      case 0x0629:  // ة
        return options.fold_teh_marbuta ? 0x0647 : c;
      case 0x06A9:  // ک
        return 0x0643;
      case 0x066B:  // Arabic decimal separator
        return '.';
      case 0x066C:  // Arabic thousands separator
        return ',';
      case 0x0640:  // tatweel
        return 0;
      default:
        break;
    }
    if (c >= 0x0660 && c <= 0x0669) return '0' + (c - 0x0660);
    if (c >= 0x06F0 && c <= 0x06F9) return '0' + (c - 0x06F0);
    if (IsArabicDiacritic(c)) return 0;
    return c;
  }
  if (IsIgnorableCodePoint(c)) return 0;
  return static_cast<char32_t>(u_foldCase(static_cast<UChar32>(c), U_FOLD_CASE_DEFAULT));
}

}  // namespace

bool IsIgnorableCodePoint(char32_t c) {
  if (c == 0x0640 || IsArabicDiacritic(c)) return true;
  return c == 0x00AD ||                   // soft hyphen
         (c >= 0x200B && c <= 0x200F) ||  // ZWSP, ZWNJ, ZWJ, LRM, RLM
         (c >= 0x202A && c <= 0x202E) ||  // bidi embeddings and overrides
         (c >= 0x2066 && c <= 0x2069) ||  // bidi isolates
         c == 0x061C ||                   // Arabic letter mark
         c == 0xFEFF;                     // BOM / ZWNBSP
}

void NormalizeWordTo(absl::string_view word, const NormalizerOptions& options, std::string* out) {
  // Fast path: fold code point by code point.
  size_t pos = 0;
  bool needs_nfkc = false;
  const size_t start = out->size();
  while (pos < word.size()) {
    const char32_t c = base::DecodeUtf8(word, &pos);
    if (NeedsCompatibilityFold(c)) {
      needs_nfkc = true;
      break;
    }
    const char32_t f = Fold(c, options);
    if (f != 0) base::AppendUtf8(f, out);
  }
  if (!needs_nfkc) return;

  // Slow path for presentation and full-width forms: NFKC, then fold.
  out->resize(start);
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(status);
  if (U_FAILURE(status)) return;
  icu::UnicodeString s = icu::UnicodeString::fromUTF8(
      icu::StringPiece(word.data(), static_cast<int32_t>(word.size())));
  icu::UnicodeString n = nfkc->normalize(s, status);
  if (U_FAILURE(status)) return;
  std::string folded;
  n.toUTF8String(folded);
  pos = 0;
  while (pos < folded.size()) {
    const char32_t f = Fold(base::DecodeUtf8(folded, &pos), options);
    if (f != 0) base::AppendUtf8(f, out);
  }
}

}  // namespace khabar::analysis
