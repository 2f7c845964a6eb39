#include "ingest_service/article/trec_parser.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "gtest/gtest.h"

namespace khabar::article {
namespace {

constexpr char kAntDoc[] =
    "\xEF\xBB\xBF<DOC>\n"
    "<DOCNO>JA-culture-31-20170126</DOCNO>\n"
    "<URL>http://www.jawharafm.net/ar/article/95/76699</URL> \n"
    "<SRC>Jawhara FM</SRC>\n"
    "<CAT>culture</CAT>\n"
    "<TITLE>3,650 ملايين دينار قيمة المنح</TITLE>\n"
    "<TIME>2017-01-26T08:31:00+01:00</TIME>\n"
    "<AUTHOR></AUTHOR>\n"
    "<ABSTRACT>\nأعلنت وزارة الشؤون الثقافية عن نتائج أعمال اللجنة.\n</ABSTRACT>\n"
    "<TEXT>\nأعلنت وزارة الشؤون الثقافية عن نتائج أعمال اللجنة.\n\n"
    "وشملت المنح الأفلام الطويلة.\n</TEXT>\n"
    "</DOC>\n";

TEST(TrecParserTest, ParsesAnAntDocument) {
  auto docs = ParseTrec("ant/culture/x.txt", kAntDoc);
  ASSERT_EQ(docs.size(), 1u);
  ASSERT_TRUE(docs[0].ok()) << docs[0].status();
  const Article& a = *docs[0];
  EXPECT_EQ(a.id, "JA-culture-31-20170126");
  EXPECT_EQ(a.origin, "ant/culture/x.txt#JA-culture-31-20170126");
  EXPECT_EQ(a.url, "http://www.jawharafm.net/ar/article/95/76699");
  EXPECT_EQ(a.source, "Jawhara FM");
  EXPECT_EQ(a.category, "culture");
  EXPECT_EQ(a.title, "3,650 ملايين دينار قيمة المنح");
  EXPECT_EQ(a.format, SourceFormat::kTrec);
  ASSERT_TRUE(a.published_time.has_value());
  EXPECT_EQ(*a.published_time,
            absl::FromCivil(absl::CivilSecond(2017, 1, 26, 7, 31, 0), absl::UTCTimeZone()));
  // The abstract is the start of TEXT: not repeated.
  EXPECT_EQ(ArticleOutline(a),
            "TITLE: 3,650 ملايين دينار قيمة المنح\n"
            "LEAD: أعلنت وزارة الشؤون الثقافية عن نتائج أعمال اللجنة.\n"
            "BODY: وشملت المنح الأفلام الطويلة.\n");
}

TEST(TrecParserTest, AbstractThatIsNotTheStartOfTextIsTheLead) {
  auto docs = ParseTrec("f.trec",
                        "<DOC><DOCNO>d1</DOCNO><HEADLINE>عنوان</HEADLINE>"
                        "<ABSTRACT>ملخص مختلف...</ABSTRACT><TEXT>فقرة أولى.\nفقرة ثانية.</TEXT></DOC>");
  ASSERT_EQ(docs.size(), 1u);
  ASSERT_TRUE(docs[0].ok()) << docs[0].status();
  EXPECT_EQ(ArticleOutline(*docs[0]),
            "TITLE: عنوان\nLEAD: ملخص مختلف...\nBODY: فقرة أولى.\nBODY: فقرة ثانية.\n");
}

TEST(TrecParserTest, ToleratesRealWorldIrregularities) {
  const std::string text =
      "stray text before\n"
      "<doc>\n<docno> d1 </docno>\n<Title>A &amp; B &lt;x&gt; &quot;q&quot; &#1593;&#x0631;</title>\n"
      "<TEXT>\n<P>first &unknown; para</P>\n<P>second</P>\n<FIGURE>fig</FIGURE>\n"  // TEXT unclosed
      "</DOC>\nbetween docs\n"
      "<DOC>\n<DOCNO>d2</DOCNO>\n<TITLE>only a title, no time</TITLE>\n<TEXT></TEXT>\n</DOC>\n";
  auto docs = ParseTrec("f.sgml", text);
  ASSERT_EQ(docs.size(), 2u);
  ASSERT_TRUE(docs[0].ok()) << docs[0].status();
  EXPECT_EQ(docs[0]->id, "d1");
  EXPECT_EQ(docs[0]->title, "A & B <x> \"q\" عر");
  EXPECT_EQ(ArticleOutline(*docs[0]),
            "TITLE: A & B <x> \"q\" عر\nLEAD: first &unknown; para\nBODY: second\nBODY: fig\n");
  ASSERT_TRUE(docs[1].ok()) << docs[1].status();
  EXPECT_EQ(docs[1]->title, "only a title, no time");
  EXPECT_TRUE(docs[1]->paragraphs.empty());  // title-only articles are valid
  EXPECT_FALSE(docs[1]->published_time.has_value());
}

TEST(TrecParserTest, RejectsBadDocsOneByOne) {
  const std::string text =
      "<DOC><DOCNO>ok1</DOCNO><TEXT>نص.</TEXT></DOC>\n"
      "<DOC><TITLE>no docno</TITLE></DOC>\n"
      "<DOC><DOCNO>empty</DOCNO><TITLE> </TITLE><TEXT>\n</TEXT></DOC>\n"
      "<DOC><DOCNO>open</DOCNO><TEXT>never closed\n"
      "<DOC><DOCNO>ok2</DOCNO><TEXT>نص آخر.</TEXT></DOC>\n"
      "<DOC><DOCNO>tail</DOCNO><TEXT>cut";
  auto docs = ParseTrec("f.trec", text);
  ASSERT_EQ(docs.size(), 6u);
  EXPECT_TRUE(docs[0].ok());
  EXPECT_EQ(docs[1].status().message(),
            absl::StrCat("f.trec: <DOC> at byte ", text.find("<DOC><TITLE>"), " has no <DOCNO>"));
  EXPECT_EQ(docs[2].status().message(),
            absl::StrCat("f.trec: <DOC> at byte ", text.find("<DOC><DOCNO>empty"),
                         " (DOCNO empty) has no text"));
  EXPECT_EQ(docs[3].status().message(),
            absl::StrCat("f.trec: <DOC> at byte ", text.find("<DOC><DOCNO>open"),
                         " (DOCNO open) is not closed"));
  ASSERT_TRUE(docs[4].ok()) << docs[4].status();
  EXPECT_EQ(docs[4]->id, "ok2");
  EXPECT_EQ(docs[5].status().message(),
            absl::StrCat("f.trec: <DOC> at byte ", text.find("<DOC><DOCNO>tail"),
                         " (DOCNO tail) is not closed"));
}

TEST(TrecParserTest, WholeFileProblemIsOneError) {
  auto docs = ParseTrec("f.trec", "<DOC><DOCNO>a</DOCNO><TEXT>\xFF</TEXT></DOC>");
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0].status().message(),
            "f.trec: not UTF-8 text: invalid byte 0xFF at byte offset 27");
  docs = ParseTrec("empty.trec", "no docs here");
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0].status().message(), "empty.trec: no <DOC> found");
}

TEST(ParseTimestampTest, Formats) {
  const absl::Time t0 = absl::FromCivil(absl::CivilSecond(2017, 1, 26, 7, 31, 0), absl::UTCTimeZone());
  EXPECT_EQ(ParseTimestamp("2017-01-26T08:31:00+01:00"), t0);
  EXPECT_EQ(ParseTimestamp(" 2017-01-26T07:31:00Z "), t0);
  EXPECT_EQ(ParseTimestamp("2017-01-26T07:31:00"), t0);
  EXPECT_EQ(ParseTimestamp("2017-01-26T073100"), t0);
  const absl::Time day = absl::FromCivil(absl::CivilDay(2017, 5, 25), absl::UTCTimeZone());
  EXPECT_EQ(ParseTimestamp("2017-05-25"), day);
  EXPECT_EQ(ParseTimestamp("25/05/2017"), day);
  EXPECT_FALSE(ParseTimestamp("").has_value());
  EXPECT_FALSE(ParseTimestamp("yesterday").has_value());
  EXPECT_FALSE(ParseTimestamp("2017-13-45").has_value());
}

TEST(EntitiesTest, DecodesKnownAndKeepsUnknown) {
  std::string out;
  AppendDecodedEntities("&amp;&#65;&#x42;&#xD800;&bogus;& x&#;&nbsp;", &out);
  EXPECT_EQ(out, "&AB&#xD800;&bogus;& x&#;\xC2\xA0");
}

}  // namespace
}  // namespace khabar::article
