#include "query_service/analysis/analyzer.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace khabar::analysis {
namespace {

std::vector<std::string> Terms(const std::vector<Token>& tokens) {
  std::vector<std::string> out;
  for (const Token& t : tokens) out.push_back(t.term);
  return out;
}

TEST(AnalyzerTest, SegmentsArabicAndLatin) {
  Analyzer analyzer;
  auto tokens = analyzer.Analyze("تُعد وحدات معالجة الرسوميات (GPU) حجر الأساس");
  EXPECT_THAT(Terms(tokens), ::testing::ElementsAre("تعد", "وحدات", "معالجه", "الرسوميات",
                                                    "gpu", "حجر", "الاساس"));
}

TEST(AnalyzerTest, OffsetsPointIntoTheOriginalText) {
  Analyzer analyzer;
  const std::string text = "«الذَّكاءُ الاصْطِناعيُّ» في 2025";
  auto tokens = analyzer.Analyze(text);
  ASSERT_EQ(tokens.size(), 4u);
  EXPECT_EQ(text.substr(tokens[0].begin, tokens[0].end - tokens[0].begin), "الذَّكاءُ");
  EXPECT_EQ(text.substr(tokens[1].begin, tokens[1].end - tokens[1].begin), "الاصْطِناعيُّ");
  EXPECT_EQ(tokens[1].term, "الاصطناعي");
  EXPECT_EQ(text.substr(tokens[3].begin, tokens[3].end - tokens[3].begin), "2025");
  for (size_t i = 0; i < tokens.size(); ++i) EXPECT_EQ(tokens[i].position, i);
}

TEST(AnalyzerTest, LatinAlphanumericsStayWhole) {
  Analyzer analyzer;
  EXPECT_THAT(Terms(analyzer.Analyze("رقاقات H20 وB200 من Nvidia")),
              ::testing::ElementsAre("رقاقات", "h20", "وb200", "من", "nvidia"));
}

TEST(AnalyzerTest, ArabicIndicDigitsMatchAscii) {
  Analyzer analyzer;
  EXPECT_EQ(Terms(analyzer.Analyze("عام ٢٠٢٢")), Terms(analyzer.Analyze("عام 2022")));
}

TEST(AnalyzerTest, PositionsContinueAcrossCalls) {
  Analyzer analyzer;
  std::vector<Token> tokens;
  uint32_t next = analyzer.AnalyzeTo("الصين تتقدم", 0, &tokens);
  EXPECT_EQ(next, 2u);
  next = analyzer.AnalyzeTo("في السباق", next + 1, &tokens);
  EXPECT_EQ(next, 5u);
  ASSERT_EQ(tokens.size(), 4u);
  EXPECT_EQ(tokens[2].position, 3u);
}

TEST(AnalyzerTest, EmptyAndPunctuationOnlyTextHasNoTokens) {
  Analyzer analyzer;
  EXPECT_TRUE(analyzer.Analyze("").empty());
  EXPECT_TRUE(analyzer.Analyze(" ،؛؟!… «» “”").empty());
  EXPECT_TRUE(analyzer.Analyze("ـــ").empty());  // tatweel only
}

TEST(AnalyzerTest, DropsOverlongTerms) {
  Analyzer analyzer;
  EXPECT_THAT(Terms(analyzer.Analyze(std::string(300, 'a') + " خبر")),
              ::testing::ElementsAre("خبر"));
}

}  // namespace
}  // namespace khabar::analysis
