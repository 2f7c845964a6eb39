#include "query_service/analysis/segmenter.h"

#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/utext.h>

#include <array>
#include <memory>
#include <vector>

#include "common/base/status_macros.h"

namespace khabar::analysis {
namespace {

// What the fast path needs to know of a code point.
enum Class : uint8_t {
  kOther,      // punctuation, symbols: never part of a word, never joins
  kLetter,     // WB ALetter
  kNumeric,    // WB Numeric
  kExtend,     // WB Extend, Format, ZWJ: attaches to the preceding character (WB4)
  kMidLetter,  // joins letters only (WB6/7)
  kMidNum,     // joins digits only (WB11/12)
  kMidBoth,    // MidNumLet, Single_Quote: joins letters or digits
  kSpace,      // chunk separator (whitespace, newlines)
  kFallback,   // anything else: let ICU decide
};

// Ranges whose word-break classes the fast path handles; the rest falls back.
bool InFastRange(char32_t c) {
  return c < 0x0590 ||                    // Latin, Greek, Cyrillic, Armenian...
         (c >= 0x0600 && c <= 0x06FF) ||  // Arabic
         (c >= 0x0750 && c <= 0x077F) ||  // Arabic Supplement
         (c >= 0x08A0 && c <= 0x08FF) ||  // Arabic Extended-A
         (c >= 0x2000 && c <= 0x206F) ||  // General Punctuation
         (c >= 0x20A0 && c <= 0x20CF) ||  // currency
         (c >= 0xFB50 && c <= 0xFDFF) ||  // Arabic Presentation Forms-A
         (c >= 0xFE70 && c <= 0xFEFF);    // Arabic Presentation Forms-B
}

Class Classify(char32_t c) {
  if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0B || c == 0x0C) return kSpace;
  if (!InFastRange(c)) return kFallback;
  // ICU's word rules (CLDR root) take the colon out of MidLetter, and join
  // e-mail-like runs around '@': leave those chunks to ICU.
  if (c == ':') return kOther;
  if (c == '@') return kFallback;
  switch (u_getIntPropertyValue(static_cast<UChar32>(c), UCHAR_WORD_BREAK)) {
    case U_WB_ALETTER:
      return kLetter;
    case U_WB_NUMERIC:
      return kNumeric;
    case U_WB_EXTEND:
    case U_WB_FORMAT:
    case U_WB_ZWJ:
      return kExtend;
    case U_WB_MIDLETTER:
      return kMidLetter;
    case U_WB_MIDNUM:
      return kMidNum;
    case U_WB_MIDNUMLET:
    case U_WB_SINGLE_QUOTE:
      return kMidBoth;
    case U_WB_OTHER:
      return kOther;
    case U_WB_WSEGSPACE:
    case U_WB_NEWLINE:
    case U_WB_CR:
    case U_WB_LF:
      return kSpace;
    default:  // Hebrew_Letter, Katakana, ExtendNumLet, Double_Quote, RI, ...
      return kFallback;
  }
}

// Classes of the Basic Multilingual Plane, computed once.
const std::array<uint8_t, 0x10000>& ClassTable() {
  static const auto* table = [] {
    auto* t = new std::array<uint8_t, 0x10000>;
    for (char32_t c = 0; c < 0x10000; ++c) (*t)[c] = Classify(c);
    return t;
  }();
  return *table;
}

// Decodes one code point of well-formed UTF-8 and returns its class.
inline Class Next(const unsigned char* s, size_t* i, const std::array<uint8_t, 0x10000>& table) {
  const unsigned char b = s[*i];
  char32_t c;
  if (b < 0x80) {
    c = b;
    *i += 1;
  } else if (b < 0xE0) {
    c = ((b & 0x1F) << 6) | (s[*i + 1] & 0x3F);
    *i += 2;
  } else if (b < 0xF0) {
    c = ((b & 0x0F) << 12) | ((s[*i + 1] & 0x3F) << 6) | (s[*i + 2] & 0x3F);
    *i += 3;
  } else {
    *i += 4;
    return kFallback;  // supplementary planes: emoji, historic scripts
  }
  return static_cast<Class>(table[c]);
}

icu::BreakIterator* ThreadWordIterator() {
  thread_local std::unique_ptr<icu::BreakIterator> iterator = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::BreakIterator> it(
        icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
    KHABAR_CHECK(U_SUCCESS(status) && it != nullptr);
    return it;
  }();
  return iterator.get();
}

// ICU over text[offset, offset + piece.size()), reporting absolute offsets.
void IcuWords(absl::string_view piece, uint32_t offset, WordCallback on_word) {
  if (piece.empty()) return;
  UErrorCode status = U_ZERO_ERROR;
  UText utext = UTEXT_INITIALIZER;
  utext_openUTF8(&utext, piece.data(), static_cast<int64_t>(piece.size()), &status);
  if (U_FAILURE(status)) return;
  icu::BreakIterator* it = ThreadWordIterator();
  it->setText(&utext, status);
  if (U_SUCCESS(status)) {
    // With a UTF-8 UText, boundaries are byte offsets into `piece`.
    int32_t begin = it->first();
    for (int32_t end = it->next(); end != icu::BreakIterator::DONE; begin = end, end = it->next()) {
      if (it->getRuleStatus() >= UBRK_WORD_NONE_LIMIT) {
        on_word(offset + static_cast<uint32_t>(begin), offset + static_cast<uint32_t>(end));
      }
    }
  }
  it->setText(icu::UnicodeString());  // drop the reference to `utext`
  utext_close(&utext);
}

// One non-space character after WB4: its class and byte range (with any
// Extend/Format characters that follow it).
struct Item {
  uint32_t begin;
  uint32_t end;
  Class cls;
};

bool IsWordClass(Class c) { return c == kLetter || c == kNumeric; }

// The fast path over one chunk of fast-path items.
void FastWords(const std::vector<Item>& items, WordCallback on_word) {
  const size_t m = items.size();
  size_t k = 0;
  while (k < m) {
    if (!IsWordClass(items[k].cls)) {
      ++k;
      continue;
    }
    const uint32_t begin = items[k].begin;
    size_t j = k;
    while (true) {
      if (j + 1 < m && IsWordClass(items[j + 1].cls)) {  // WB5, WB8, WB9, WB10
        ++j;
        continue;
      }
      if (j + 2 < m) {  // WB6/7 and WB11/12: a joiner between two of a kind
        const Class prev = items[j].cls, mid = items[j + 1].cls, next = items[j + 2].cls;
        const bool letters = prev == kLetter && next == kLetter &&
                             (mid == kMidLetter || mid == kMidBoth);
        const bool digits = prev == kNumeric && next == kNumeric &&
                            (mid == kMidNum || mid == kMidBoth);
        if (letters || digits) {
          j += 2;
          continue;
        }
      }
      break;
    }
    on_word(begin, items[j].end);
    k = j + 1;
  }
}

}  // namespace

void ForEachWordIcu(absl::string_view text, WordCallback on_word) { IcuWords(text, 0, on_word); }

void ForEachWord(absl::string_view text, WordCallback on_word) {
  const auto& table = ClassTable();
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  thread_local std::vector<Item> items;
  size_t i = 0;
  while (i < n) {
    // A chunk is a maximal run of non-separator characters: [chunk_begin, chunk_end).
    size_t chunk_begin = i;
    Class cls = Next(s, &i, table);
    if (cls == kSpace) continue;
    items.clear();
    bool fallback = false;
    size_t char_begin = chunk_begin;
    size_t chunk_end = n;
    while (true) {
      if (cls == kFallback) {
        fallback = true;
      } else if (cls == kExtend && !items.empty()) {
        items.back().end = static_cast<uint32_t>(i);  // WB4: absorbed by its base
      } else {
        items.push_back({static_cast<uint32_t>(char_begin), static_cast<uint32_t>(i),
                         cls == kExtend ? kOther : cls});
      }
      if (i >= n) break;
      char_begin = i;
      cls = Next(s, &i, table);
      if (cls == kSpace) {
        chunk_end = char_begin;
        break;
      }
    }
    if (fallback) {
      IcuWords(text.substr(chunk_begin, chunk_end - chunk_begin),
               static_cast<uint32_t>(chunk_begin), on_word);
    } else {
      FastWords(items, on_word);
    }
  }
}

}  // namespace khabar::analysis
