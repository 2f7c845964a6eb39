// What Khabar's analysis does to Arabic text, one rule per row, as a reader
// would check it: the input as written, then each token as
//   term|stem@begin-end
// where term is the normalized form, stem its light stem (omitted when equal
// to the term) and begin-end the byte range of the word in the input.
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/base/utf8.h"
#include "gtest/gtest.h"
#include "query_service/analysis/analyzer.h"

namespace khabar::analysis {
namespace {

std::string Describe(const Token& t) {
  std::string s = t.term;
  if (t.stem() != t.term) absl::StrAppend(&s, "|", t.stem());
  if (t.stopword) s += "*";
  return absl::StrCat(s, "@", t.begin, "-", t.end);
}

struct Case {
  const char* rule;
  const char* input;
  const char* tokens;  // Describe() of each token, space-separated
};

// "*" marks a stopword (kept in the index, weighted low in queries).
const Case kCases[] = {
    {"harakat are removed", "مَدْرَسَةٌ", "مدرسه|مدرس@0-20"},
    {"shadda and sukun are removed", "الرُّقاقات", "الرقاقات|رقاق@0-20"},
    {"tanween on a final alef", "شكرًا", "شكرا@0-10"},
    {"dagger alef is removed", "هٰذا", "هذا*@0-8"},
    {"tatweel is removed, offsets keep it", "الصــين", "الصين|صين@0-14"},
    {"hamza above alef folds to alef", "أحمد", "احمد@0-8"},
    {"hamza below alef folds to alef", "إنفيديا", "انفيديا@0-14"},
    {"madda folds to alef", "آلة", "اله|ال@0-6"},
    {"wasla folds to alef", "ٱلله", "الله@0-8"},
    {"alef maksura folds to yeh", "هواوى", "هواوي|هواو@0-10"},
    {"teh marbuta folds to heh", "شركة", "شركه|شرك@0-8"},
    {"Persian yeh folds to Arabic yeh", "مستوی", "مستوي|مستو@0-10"},
    {"Persian keheh folds to kaf", "کتب", "كتب@0-6"},
    {"Arabic-Indic digits become ASCII", "٢٠٢٢", "2022@0-8"},
    {"Persian digits become ASCII", "۲۰۲۲", "2022@0-8"},
    {"Latin is case-folded", "DeepSeek Qwen", "deepseek@0-8 qwen@9-13"},
    {"letters and digits stay one token", "H20 B200", "h20@0-3 b200@4-8"},
    {"a clitic before a Latin token is stemmed off", "وB200", "وb200|b200@0-6"},
    {"zero-width non-joiner is removed inside a word", "هوا\u200cوي", "هواوي|هواو@0-13"},
    {"presentation forms go through NFKC", "\uFEB3\uFEE0\uFE8E\uFEE1", "سلام@0-12"},
    {"article ال", "المدرسة", "المدرسه|مدرس@0-14"},
    {"conjunction with article وال", "والمدرسة", "والمدرسه|مدرس@0-16"},
    {"preposition with article بال", "بالصين", "بالصين|صين@0-12"},
    {"lam with article لل", "للرقاقات", "للرقاقات|رقاق@0-16"},
    {"conjunction و before a noun", "وشركات", "وشركات|شرك@0-12"},
    {"preposition ب before a noun", "بشركات", "بشركات|شرك@0-12"},
    {"conjunction and preposition وب", "وبشركات", "وبشركات|شرك@0-14"},
    {"three letters must remain after a particle", "بيت كتب وزن", "بيت@0-6 كتب@7-13 وزن@14-20"},
    {"known over-stem: a 4-letter word starting with ك loses it", "كتاب", "كتاب|تاب@0-8"},
    {"a particle after the article keeps X and الX together", "الباراسيتامول باراسيتامول",
     "الباراسيتامول|اراسيتامول@0-26 باراسيتامول|اراسيتامول@27-49"},
    {"feminine plural ات", "مهندسات", "مهندسات|مهندس@0-14"},
    {"masculine plural ون", "مهندسون", "مهندسون|مهندس@0-14"},
    {"dual/oblique ين", "مهندسين", "مهندسين|مهندس@0-14"},
    {"possessive ها", "سيارتها", "سيارتها|سيارت@0-14"},
    {"nisba adjective يه", "الصينية", "الصينيه|صين@0-14"},
    {"stopwords are kept and marked", "في من إلى", "في*@0-4 من*@5-9 الي*@10-16"},
    {"no stem is a two-letter function word", "الفيه الله معه الام",
     "الفيه@0-10 الله@11-19 معه@20-26 الام@27-35"},
    {"without its particle the stem is not one", "كلمة الكلمة",
     "كلمه|كلم@0-8 الكلمه|كلم@9-21"},
    {"known over-stem: the backoff keeps ولايات from اي, not from ولا", "الولايات",
     "الولايات|ولا@0-16"},
    {"longer function words still take clitics", "وذلك", "وذلك|ذلك@0-8"},
    {"punctuation and quotes are not tokens", "«الذكاء» “وي” (GPU)، ؟!",
     "الذكاء|ذكاء@2-14 وي@20-24 gpu@29-32"},
    {"hyphen splits", "Full-Stack", "full@0-4 stack@5-10"},
    {"decimal separator joins digits", "٣٫٥ 3.5", "3.5@0-6 3.5@7-10"},
};

TEST(AnalysisCasesTest, EveryRule) {
  Analyzer analyzer;
  for (const Case& c : kCases) {
    std::vector<std::string> got;
    for (const Token& t : analyzer.Analyze(c.input)) got.push_back(Describe(t));
    EXPECT_EQ(absl::StrJoin(got, " "), c.tokens) << c.rule << ": " << c.input;
  }
}

TEST(AnalysisCasesTest, TehMarbutaFoldCanBeTurnedOff) {
  AnalyzerOptions options;
  options.normalizer.fold_teh_marbuta = false;
  Analyzer analyzer(options);
  EXPECT_EQ(analyzer.Analyze("شركة")[0].term, "شركة");
}

// Property: whatever the input, every token's offsets slice the original text
// at code point boundaries, in order, and the slice normalizes to the term.
TEST(AnalysisCasesTest, OffsetsAlwaysSliceTheOriginalText) {
  const std::vector<std::string> alphabet = {
      "ا", "ب", "ت", "ة", "ى", "ي", "و", "ل", "أ", "إ", "آ", "ء", "ؤ", "ئ", "ک", "ی",
      "\u064E", "\u064F", "\u0650", "\u0651", "\u0652", "\u064B", "\u0670", "ـ", "\u200C",
      "\u200F", "a", "Z", "7", "٣", "۵", " ", " ", "\n", ".", ",", "،", "؟", "«", "»", "“",
      "-", "'", ":", "@", "中", "😀", "\uFEB3", "\u00A0"};
  std::mt19937 rng(20261122);
  Analyzer analyzer;
  for (int iteration = 0; iteration < 3000; ++iteration) {
    std::string text;
    const int length = static_cast<int>(rng() % 40);
    for (int i = 0; i < length; ++i) text += alphabet[rng() % alphabet.size()];
    ASSERT_FALSE(base::FindInvalidUtf8(text).has_value());
    uint32_t last_end = 0;
    uint32_t last_position = 0;
    bool first = true;
    for (const Token& t : analyzer.Analyze(text)) {
      ASSERT_LE(t.begin, t.end);
      ASSERT_LE(t.end, text.size());
      ASSERT_GE(t.begin, last_end) << text;
      if (!first) {
        ASSERT_GT(t.position, last_position);
      }
      const std::string slice = text.substr(t.begin, t.end - t.begin);
      ASSERT_FALSE(base::FindInvalidUtf8(slice).has_value()) << "offsets split a character";
      EXPECT_EQ(NormalizeWord(slice), t.term) << "[" << slice << "] in [" << text << "]";
      EXPECT_NE(absl::string_view(t.term).find(t.stem()), absl::string_view::npos);
      last_end = t.end;
      last_position = t.position;
      first = false;
    }
  }
}

}  // namespace
}  // namespace khabar::analysis
