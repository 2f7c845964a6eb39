#include "query_service/analysis/normalizer.h"

#include "gtest/gtest.h"

namespace khabar::analysis {
namespace {

TEST(NormalizerTest, RemovesDiacritics) {
  EXPECT_EQ(NormalizeWord("الرُّقاقات"), "الرقاقات");
  EXPECT_EQ(NormalizeWord("الذَّكاءُ"), "الذكاء");
  EXPECT_EQ(NormalizeWord("كِتَابٌ"), "كتاب");
}

TEST(NormalizerTest, RemovesTatweel) { EXPECT_EQ(NormalizeWord("الصــين"), "الصين"); }

TEST(NormalizerTest, FoldsAlefForms) {
  EXPECT_EQ(NormalizeWord("أحمد"), "احمد");
  EXPECT_EQ(NormalizeWord("إنفيديا"), "انفيديا");
  EXPECT_EQ(NormalizeWord("آلة"), "اله");
  EXPECT_EQ(NormalizeWord("ٱلله"), "الله");
}

TEST(NormalizerTest, FoldsYehAndAlefMaksura) {
  EXPECT_EQ(NormalizeWord("هواوى"), NormalizeWord("هواوي"));
  EXPECT_EQ(NormalizeWord("مستوی"), "مستوي");  // Farsi yeh
}

TEST(NormalizerTest, TehMarbutaFoldIsConfigurable) {
  EXPECT_EQ(NormalizeWord("شركة"), "شركه");
  NormalizerOptions keep;
  keep.fold_teh_marbuta = false;
  EXPECT_EQ(NormalizeWord("شركة", keep), "شركة");
}

TEST(NormalizerTest, FoldsKeheh) { EXPECT_EQ(NormalizeWord("کتاب"), "كتاب"); }

TEST(NormalizerTest, FoldsArabicIndicAndPersianDigits) {
  EXPECT_EQ(NormalizeWord("٢٠٢٢"), "2022");
  EXPECT_EQ(NormalizeWord("۲۰۲۲"), "2022");
}

TEST(NormalizerTest, CaseFoldsLatin) {
  EXPECT_EQ(NormalizeWord("DeepSeek"), "deepseek");
  EXPECT_EQ(NormalizeWord("H20"), "h20");
  EXPECT_EQ(NormalizeWord("ÉCOLE"), "école");
}

TEST(NormalizerTest, DropsZeroWidthAndBidiControls) {
  EXPECT_EQ(NormalizeWord("هوا\u200cوي"), "هواوي");
  EXPECT_EQ(NormalizeWord("\u200fGPU\u200e"), "gpu");
}

TEST(NormalizerTest, PresentationFormsGoThroughNfkc) {
  // U+FEE3 U+FEE4 ... are isolated/initial/medial forms of meem etc.
  EXPECT_EQ(NormalizeWord("\uFEB3\uFEE0\uFE8E\uFEE1"), "سلام");
  EXPECT_EQ(NormalizeWord("ＧＰＵ"), "gpu");
}

TEST(NormalizerTest, IgnorableCodePoints) {
  EXPECT_TRUE(IsIgnorableCodePoint(0x064E));  // fatha
  EXPECT_TRUE(IsIgnorableCodePoint(0x0640));  // tatweel
  EXPECT_TRUE(IsIgnorableCodePoint(0x200C));  // ZWNJ
  EXPECT_FALSE(IsIgnorableCodePoint(0x0627));
  EXPECT_FALSE(IsIgnorableCodePoint('a'));
}

}  // namespace
}  // namespace khabar::analysis
