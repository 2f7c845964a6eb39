#include "ingest_service/article/plain_text_parser.h"

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
                          "عنوان الخبر\r\n"
                          "نص\xC2\xA0\xC2\xA0 الفقرة   الأولى وفيها كلام كثير ينتهي بنقطة.\r\n");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->title, "عنوان الخبر");
  ASSERT_EQ(a->paragraphs.size(), 1u);
  EXPECT_EQ(a->paragraphs[0].text, "نص الفقرة الأولى وفيها كلام كثير ينتهي بنقطة.");
}

TEST(PlainTextParserTest, QuotedBlockIsQuote) {
  auto a = ParsePlainText("x.txt", "عنوان\nفقرة أولى طويلة بما يكفي لتكون مقدمة الخبر.\n"
                                   "«نحن نعمل على تطوير رقاقات جديدة»، قال المتحدث.\n");
  ASSERT_TRUE(a.ok());
  ASSERT_EQ(a->paragraphs.size(), 2u);
  EXPECT_EQ(a->paragraphs[1].kind, ParagraphKind::kQuote);
}

TEST(PlainTextParserTest, SameTextSameHashDifferentTextDifferentHash) {
  auto a = ParsePlainText("a.txt", "عنوان\nنص.");
  auto b = ParsePlainText("b.txt", "عنوان\r\n\r\nنص.\n");
  auto c = ParsePlainText("a.txt", "عنوان\nنص آخر.");
  EXPECT_EQ(a->content_hash, b->content_hash);
  EXPECT_NE(a->content_hash, c->content_hash);
}

TEST(PlainTextParserTest, RejectsEmptyAndInvalidUtf8WithName) {
  auto empty = ParsePlainText("empty.txt", " \n\r\n\t\n");
  EXPECT_EQ(empty.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(empty.status().message(), "empty.txt: file is empty (no text)");

  auto bad = ParsePlainText("bad.txt", "عنوان\n\xC3\x28 نص");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().message(), "bad.txt: invalid UTF-8 at byte 11");
}

TEST(PlainTextParserTest, IdFromPath) {
  EXPECT_EQ(IdFromPath("a/b/c.txt"), "c");
  EXPECT_EQ(IdFromPath("c"), "c");
  EXPECT_EQ(IdFromPath(".hidden"), ".hidden");
  EXPECT_EQ(IdFromPath("x.tar.gz"), "x.tar");
}

}  // namespace
}  // namespace khabar::article
