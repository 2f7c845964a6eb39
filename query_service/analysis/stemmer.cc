#include "query_service/analysis/stemmer.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/types/span.h"

namespace khabar::analysis {
namespace {

// Every Arabic letter of the basic block is two UTF-8 bytes (U+0621..U+064A:
// D8 A1 .. D9 8A). A word qualifies for stemming only if made of them.
bool IsArabicLetterWord(absl::string_view w) {
  if (w.empty() || w.size() % 2 != 0) return false;
  for (size_t i = 0; i < w.size(); i += 2) {
    const auto b0 = static_cast<unsigned char>(w[i]);
    const auto b1 = static_cast<unsigned char>(w[i + 1]);
    const bool letter = (b0 == 0xD8 && b1 >= 0xA1 && b1 <= 0xBA) ||  // ء .. غ
                        (b0 == 0xD9 && b1 >= 0x81 && b1 <= 0x8A);    // ف .. ي
    if (!letter) return false;
  }
  return true;
}

struct Affix {
  absl::string_view text;
  uint32_t min_remaining;  // letters that must remain after removal
};

// Phase 1: the article with an attached particle. At most one applies.
constexpr Affix kArticlePrefixes[] = {
    {"وبال", 2}, {"فبال", 2}, {"وال", 2}, {"بال", 2}, {"كال", 2}, {"فال", 2}, {"ولل", 2},
    {"لل", 2},   {"ال", 2},
};

// Phase 2: conjunctions and prepositions written attached (و ف ب ل ك and
// their pairs). Tried after phase 1 whatever it did, so that a word and the
// same word with an article reach the same stem ("باراسيتامول" and
// "الباراسيتامول" both lose their leading ب); at most one applies, and three
// letters must remain (as for light10's و), which keeps بيت or كتب whole.
// Known cost: a four-letter word that merely begins with one of these
// letters loses it (كتاب -> تاب, بلاد -> لاد); the exact-form boost keeps
// the word as typed on top. Requiring four letters instead was measured: it
// costs 0.003 MRR on both dev sets (docs/relevance.md), so it is not done.
constexpr Affix kParticlePrefixes[] = {
    {"وب", 3}, {"ول", 3}, {"فب", 3}, {"فل", 3}, {"و", 3}, {"ب", 3}, {"ل", 3}, {"ف", 3}, {"ك", 3},
};

constexpr Affix kSuffixes[] = {
    {"ها", 2}, {"ان", 2}, {"ات", 2}, {"ون", 2}, {"ين", 2}, {"يه", 2}, {"ه", 2}, {"ي", 2},
};

bool IsArabicLetterAt(absl::string_view w, size_t i) {
  return i + 1 < w.size() && IsArabicLetterWord(w.substr(i, 2));
}

// Clitics written attached to a Latin or numeric token: "وB200", "لـH20",
// "بال5G". Only these; any other Arabic run keeps the token whole.
constexpr absl::string_view kMixedPrefixes[] = {
    "وبال", "وال", "بال", "كال", "فال", "ولل", "لل", "ال", "وب", "ول", "فب", "فل",
    "و",    "ف",   "ب",   "ل",   "ك",
};

// For a token of Arabic letters followed by ASCII letters or digits: the
// range of the non-Arabic part when the Arabic part is a known clitic run.
StemRange MixedStem(absl::string_view word) {
  size_t i = 0;
  while (IsArabicLetterAt(word, i)) i += 2;
  StemRange whole{0, static_cast<uint32_t>(word.size())};
  if (i == 0 || i >= word.size() || !absl::ascii_isalnum(static_cast<unsigned char>(word[i]))) {
    return whole;
  }
  for (absl::string_view p : kMixedPrefixes) {
    if (word.substr(0, i) == p) return {static_cast<uint32_t>(i), whole.end};
  }
  return whole;
}

}  // namespace

StemRange LightStem(absl::string_view word, bool particles) {
  StemRange r{0, static_cast<uint32_t>(word.size())};
  if (!IsArabicLetterWord(word)) return MixedStem(word);
  auto letters = [&] { return (r.end - r.begin) / 2; };
  auto strip_one_prefix = [&](absl::Span<const Affix> prefixes) {
    for (const Affix& p : prefixes) {
      if (absl::StartsWith(word.substr(r.begin), p.text) &&
          letters() >= p.text.size() / 2 + p.min_remaining) {
        r.begin += static_cast<uint32_t>(p.text.size());
        return;
      }
    }
  };
  strip_one_prefix(kArticlePrefixes);
  if (particles) strip_one_prefix(kParticlePrefixes);
  for (const Affix& s : kSuffixes) {
    const absl::string_view cur = word.substr(r.begin, r.end - r.begin);
    if (absl::EndsWith(cur, s.text) && letters() >= s.text.size() / 2 + s.min_remaining) {
      r.end -= static_cast<uint32_t>(s.text.size());
    }
  }
  return r;
}

}  // namespace khabar::analysis
