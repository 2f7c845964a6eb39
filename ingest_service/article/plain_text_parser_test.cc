#include "ingest_service/article/plain_text_parser.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "gtest/gtest.h"

namespace khabar::article {
namespace {

TEST(PlainTextParserTest, FirstLineIsTitleAndLaterLinesAreBlocks) {
  auto a = ParsePlainText("dir/01_chips.txt",
                          "\n\nالصين تتقدم في سباق الرقاقات\n\n"
                          "تواصل الصين إحراز تقدم ملحوظ في مجال الذكاء الاصطناعي رغم القيود.\n"
                          "شركات صينية تتحايل على القيود\n"
                          "وقالت الشركة إنها تمتلك مخزونًا قويًا من الرقاقات.\n");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->id, "01_chips");
  EXPECT_EQ(a->origin, "dir/01_chips.txt");
  EXPECT_EQ(a->title, "الصين تتقدم في سباق الرقاقات");
  ASSERT_EQ(a->paragraphs.size(), 3u);
  EXPECT_EQ(a->paragraphs[0].kind, ParagraphKind::kLead);
  EXPECT_EQ(a->paragraphs[1].kind, ParagraphKind::kHeading);
  EXPECT_EQ(a->paragraphs[2].kind, ParagraphKind::kBody);
  EXPECT_EQ(a->content_hash.rfind("sha256:", 0), 0u);
  EXPECT_EQ(a->content_hash.size(), 7u + 64u);
}

TEST(PlainTextParserTest, DropsRepeatedHeadlineAndCleansWhitespace) {
  auto a = ParsePlainText("x.txt",
                          "\xEF\xBB\xBFعنوان الخبر\r\n"
                          "عنوان الخبر.\r\n"
                          "نص\xC2\xA0\xC2\xA0 الفقرة \u200Bالأولى وفيها كلام كثير ينتهي بنقطة.\r\n");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->title, "عنوان الخبر");
  ASSERT_EQ(a->paragraphs.size(), 1u);
  EXPECT_EQ(a->paragraphs[0].text, "نص الفقرة الأولى وفيها كلام كثير ينتهي بنقطة.");
}

TEST(PlainTextParserTest, StandfirstAboveTheHeadlineBecomesTheLead) {
  auto a = ParsePlainText(
      "x.txt",
      "رغم العقوبات الأمريكية، تواصل الصين إحراز تقدم ملحوظ في مجال الذكاء الاصطناعي، من خلال "
      "استراتيجيات مبتكرة وتطوير رقاقات محلية، مما يضعها في موقع متقدم ضمن المنافسة العالمية.\n"
      "الصين تتجاوز القيود الأمريكية\n"
      "فقرة ثانية فيها تفاصيل الخبر كلها.\n"
      "الصين تتجاوز القيود الأمريكية\n");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->title, "الصين تتجاوز القيود الأمريكية");
  ASSERT_EQ(a->paragraphs.size(), 2u);
  EXPECT_EQ(a->paragraphs[0].kind, ParagraphKind::kLead);
  EXPECT_EQ(a->paragraphs[0].text.rfind("رغم العقوبات", 0), 0u);
  EXPECT_EQ(a->paragraphs[1].kind, ParagraphKind::kBody);
}

TEST(PlainTextParserTest, QuotesAndQuotedNames) {
  auto a = ParsePlainText("x.txt", "عنوان\nفقرة أولى طويلة بما يكفي لتكون مقدمة الخبر.\n"
                                   "«نحن نعمل على تطوير رقاقات جديدة»، قال المتحدث.\n"
                                   "“هواوي” تعرض نظاماً ينافس “إنفيديا”\n"
                                   "“إنفيديا” تعلن عن أرباح قياسية في الربع الثالث من العام الجاري.\n");
  ASSERT_TRUE(a.ok());
  ASSERT_EQ(a->paragraphs.size(), 4u);
  EXPECT_EQ(a->paragraphs[1].kind, ParagraphKind::kQuote);
  EXPECT_EQ(a->paragraphs[2].kind, ParagraphKind::kHeading);  // ends with a quoted name
  EXPECT_EQ(a->paragraphs[3].kind, ParagraphKind::kBody);     // quoted name, not a quotation
}

TEST(PlainTextParserTest, SameTextSameHashDifferentTextDifferentHash) {
  auto a = ParsePlainText("a.txt", "عنوان\nنص.");
  auto b = ParsePlainText("b.txt", "عنوان\r\n\r\nنص.\n");
  auto c = ParsePlainText("a.txt", "عنوان\nنص آخر.");
  EXPECT_EQ(a->content_hash, b->content_hash);
  EXPECT_NE(a->content_hash, c->content_hash);
}

TEST(PlainTextParserTest, RejectsEmptyBinaryAndInvalidUtf8WithName) {
  auto empty = ParsePlainText("empty.txt", " \n\r\n\t\n\u00A0\u200B");
  EXPECT_EQ(empty.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(empty.status().message(), "empty.txt: file is empty");
  EXPECT_EQ(ParsePlainText("zero.txt", "").status().message(), "zero.txt: file is empty");

  auto bad = ParsePlainText("bad.txt", "عنوان\n\xC3\x28 نص");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().message(), "bad.txt: not UTF-8 text: invalid byte 0xC3 at byte offset 11");

  auto binary = ParsePlainText("a.pdf", std::string("%PDF-1.4\n\0\0", 11));
  EXPECT_EQ(binary.status().message(), "a.pdf: looks like a binary file (NUL byte at offset 9)");
}

TEST(PlainTextParserTest, RejectsFilesOverTheSizeLimit) {
  ParseOptions options;
  options.max_article_bytes = 1 << 20;
  const std::string big((1 << 20) + (1 << 19), 'a');
  auto a = ParsePlainText("big.txt", big, options);
  EXPECT_EQ(a.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(a.status().message(), "big.txt: file is 1.5 MiB, over the 1 MiB limit for one article");
  const std::string fits(1 << 20, 'a');
  EXPECT_TRUE(ParsePlainText("fits.txt", fits, options).ok());
}

// The boilerplate rule, position aside (IsBoilerplate): what IS and is NOT.
TEST(BoilerplateTest, Table) {
  const struct {
    const char* line;
    bool boilerplate;
  } kCases[] = {
      // Calls to action: an appeal (engagement verb + reader-addressed object),
      // possibly after a question to the reader.
      {"هل أنت مهتم بمعرفة المزيد عن تطور الذكاء الاصطناعي في الصين؟ شاركنا رأيك في التعليقات "
       "أدناه!",
       true},
      {"شاركنا رأيك في التعليقات", true},
      {"تابعونا على فيسبوك وتويتر", true},
      {"ما رأيك؟ اترك تعليقك أدناه.", true},
      {"اشترك في نشرتنا البريدية", true},
      // Widget labels: <= 3 words of site-UI vocabulary, no sentence punctuation.
      {"إرسال تعليق", true},
      {"اقرأ أيضاً", true},
      {"طباعة", true},
      {"مشاركة", true},
      {"إعلان", true},
      // NOT boilerplate: reported speech and past tense mention the same words.
      {"رفضت إنفيديا التعليق على هذا الأمر، كما لم تستجب وزارتا التجارة الصينية.", false},
      {"علق تحليل لصحيفة «نيويورك تايمز» على عودة شركة إنفيديا الأمريكية للسوق الصيني.", false},
      {"شارك أكثر من 300 لاعب في البطولة.", false},
      {"تابع الرئيس حديثه قائلا إن التعاون مستمر.", false},
      {"هل تنجح الصين في سباق الرقاقات؟", false},                     // a question alone
      {"الخلاصة", false},                                               // a heading
      {"إرسال تعليق رسمي إلى الوزارة حول القرار.", false},             // a sentence
      {"هل أنت مهتم؟ شاركنا رأيك. " "وقال الوزير إن المشروع سيكتمل العام المقبل.", false},
  };
  for (const auto& c : kCases) {
    EXPECT_EQ(IsBoilerplate(c.line), c.boilerplate) << c.line;
  }
}

TEST(PlainTextParserTest, BoilerplateOnlyInTheLastLines) {
  const std::string cta = "شاركنا رأيك في التعليقات أدناه!";
  auto a = ParsePlainText("x.txt", "عنوان الخبر\n" + cta +
                                       "\nفقرة أولى.\nفقرة ثانية.\nفقرة ثالثة.\nفقرة رابعة.\n" + cta +
                                       "\nإرسال تعليق\n");
  ASSERT_TRUE(a.ok());
  ASSERT_EQ(a->paragraphs.size(), 5u);  // the early one is kept: not in the tail
  EXPECT_EQ(a->paragraphs[0].text, cta);
  EXPECT_EQ(a->paragraphs.back().text, "فقرة رابعة.");
}

// Golden outlines of the seeds (../shared/seeds). KHABAR_UPDATE_GOLDENS=1
// rewrites the golden files instead of comparing.
std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class SeedGoldenTest : public ::testing::TestWithParam<const char*> {};

TEST_P(SeedGoldenTest, MatchesGolden) {
  const std::filesystem::path seeds = std::filesystem::path(KHABAR_SOURCE_DIR) / ".." / "shared" / "seeds";
  const std::filesystem::path seed = seeds / (std::string(GetParam()) + ".txt");
  if (!std::filesystem::exists(seed)) GTEST_SKIP() << "seed not present: " << seed;
  const std::filesystem::path golden = std::filesystem::path(KHABAR_SOURCE_DIR) /
                                       "ingest_service/article/testdata" /
                                       (std::string(GetParam()) + ".golden.txt");
  auto a = ParsePlainText(seed.string(), ReadFile(seed));
  ASSERT_TRUE(a.ok()) << a.status();
  const std::string outline = ArticleOutline(*a);
  if (std::getenv("KHABAR_UPDATE_GOLDENS") != nullptr) {
    std::ofstream(golden, std::ios::binary) << outline;
    GTEST_SKIP() << "rewrote " << golden;
  }
  ASSERT_TRUE(std::filesystem::exists(golden)) << golden;
  EXPECT_EQ(outline, ReadFile(golden)) << "golden: " << golden;
}

INSTANTIATE_TEST_SUITE_P(Seeds, SeedGoldenTest,
                         ::testing::Values("000_fff4628baa754e88", "001_afc8cb1fef7d8741",
                                           "002_815b3e1d4693424d", "003_e96c65b3b573c38e",
                                           "004_22abf5e07ad7df41"));

TEST(PlainTextParserTest, DemoArticlesParse) {
  const std::filesystem::path dir = std::filesystem::path(KHABAR_SOURCE_DIR) / "data/articles";
  int parsed = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    auto a = ParsePlainText(entry.path().string(), ReadFile(entry.path()));
    ASSERT_TRUE(a.ok()) << a.status();
    EXPECT_FALSE(a->title.empty()) << entry.path();
    EXPECT_FALSE(a->paragraphs.empty()) << entry.path();
    ++parsed;
  }
  EXPECT_GE(parsed, 7);
}

}  // namespace
}  // namespace khabar::article
