#include "query_service/analysis/stemmer.h"

#include "gtest/gtest.h"
#include "query_service/analysis/normalizer.h"

namespace khabar::analysis {
namespace {

// Stems of normalized words; the table reads as "word -> stem".
struct Case {
  const char* word;
  const char* stem;
};

TEST(StemmerTest, StripsOnePrefixAndSuffixes) {
  const Case cases[] = {
      {"الرقاقات", "رقاق"},    // ال + ات
      {"والرقاقات", "رقاق"},   // وال + ات
      {"بالصين", "صين"},       // بال
      {"للرقاقات", "رقاق"},    // لل + ات
      {"كالعاده", "عاد"},      // كال + ه (ة folded to ه)
      {"فالشركه", "شرك"},      // فال + ه
      {"وشركات", "شرك"},       // و + ات
      {"مهندسون", "مهندس"},    // ون
      {"مهندسين", "مهندس"},    // ين
      {"سيارتها", "سيارت"},    // ها
      {"صينيه", "صين"},        // يه
      {"الامريكيه", "امريك"},  // ال + يه
      {"مصري", "مصر"},         // ي
      // Particle phase (after the article phase).
      {"بالصينيه", "صين"},          // بال + يه
      {"لشركات", "شرك"},            // ل + ات
      {"وبالشركه", "شرك"},          // وبال + ه
      {"باراسيتامول", "اراسيتامول"},  // ب: three letters or more remain
      {"الباراسيتامول", "اراسيتامول"},  // ال then ب: the same stem as without ال
  };
  for (const Case& c : cases) EXPECT_EQ(StemOf(c.word), c.stem) << c.word;
}

TEST(StemmerTest, KeepsAtLeastTwoLettersAndShortWordsWhole) {
  EXPECT_EQ(StemOf("ال"), "ال");
  EXPECT_EQ(StemOf("الي"), "ال");   // ي goes: two letters remain
  EXPECT_EQ(StemOf("بيت"), "بيت");  // ب needs 3 letters to remain
  EXPECT_EQ(StemOf("كتب"), "كتب");
  EXPECT_EQ(StemOf("وزن"), "وزن");  // و needs 3 letters to remain
  EXPECT_EQ(StemOf("ولد"), "ولد");
  EXPECT_EQ(StemOf("وزير"), "زير");  // light10's known over-stem, kept for parity
}

TEST(StemmerTest, LeavesNonArabicWordsAlone) {
  EXPECT_EQ(StemOf("gpu"), "gpu");
  EXPECT_EQ(StemOf("h20"), "h20");
  EXPECT_EQ(StemOf("2025"), "2025");
  EXPECT_EQ(StemOf("وb200"), "b200");  // clitic before a Latin token
  EXPECT_EQ(StemOf("لh20"), "h20");
  EXPECT_EQ(StemOf("بال5g"), "5g");
  EXPECT_EQ(StemOf("ب2025"), "2025");
  EXPECT_EQ(StemOf("كمb"), "كمb");  // not a clitic run: whole
  EXPECT_EQ(StemOf("gpuات"), "gpuات");
  EXPECT_EQ(StemOf(""), "");
}

TEST(StemmerTest, StemIsASubstringRange) {
  const std::string w = NormalizeWord("وبالرُّقاقات");
  const StemRange r = LightStem(w);
  EXPECT_LE(r.begin, r.end);
  EXPECT_LE(r.end, w.size());
  EXPECT_EQ(r.begin % 2, 0u);  // never splits a two-byte letter
  EXPECT_EQ(r.end % 2, 0u);
}

}  // namespace
}  // namespace khabar::analysis
