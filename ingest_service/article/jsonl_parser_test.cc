#include "ingest_service/article/jsonl_parser.h"

#include <string>

#include "absl/time/civil_time.h"
#include "gtest/gtest.h"

namespace khabar::article {
namespace {

TEST(JsonlParserTest, ParsesAllFields) {
  auto docs = ParseJsonl(
      "docs.jsonl",
      R"({"id": "a1", "title": "عنوان \"الخبر\"", "body": "فقرة أولى.\n\nفقرة\tثانية.", )"
      R"("url": "http://x/1", "published_at": "2017-01-26T08:31:00+01:00", )"
      R"("source": "Jawhara FM", "category": "culture", "extra": {"a": [1, 2.5e3, true, null]}})"
      "\n");
  ASSERT_EQ(docs.size(), 1u);
  ASSERT_TRUE(docs[0].ok()) << docs[0].status();
  const Article& a = *docs[0];
  EXPECT_EQ(a.id, "a1");
  EXPECT_EQ(a.origin, "docs.jsonl:1");
  EXPECT_EQ(a.url, "http://x/1");
  EXPECT_EQ(a.source, "Jawhara FM");
  EXPECT_EQ(a.category, "culture");
  EXPECT_EQ(a.format, SourceFormat::kJsonl);
  EXPECT_EQ(a.published_time,
            absl::FromCivil(absl::CivilSecond(2017, 1, 26, 7, 31, 0), absl::UTCTimeZone()));
  EXPECT_EQ(ArticleOutline(a), "TITLE: عنوان \"الخبر\"\nLEAD: فقرة أولى.\nBODY: فقرة ثانية.\n");
}

TEST(JsonlParserTest, NumericIdParagraphsArrayEscapesAndSurrogates) {
  auto docs = ParseJsonl(
      "d.ndjson",
      "\n  \n"
      R"({"id": 42, "title": "\u0639\u0631\u0628\u064A \ud83d\ude00 \/ \\", "paragraphs": ["p1", "  ", "p2"], "body": "ignored"})");
  ASSERT_EQ(docs.size(), 1u);
  ASSERT_TRUE(docs[0].ok()) << docs[0].status();
  EXPECT_EQ(docs[0]->id, "42");
  EXPECT_EQ(docs[0]->origin, "d.ndjson:3");
  EXPECT_EQ(docs[0]->title, "عربي \xF0\x9F\x98\x80 / \\");
  EXPECT_EQ(ArticleOutline(*docs[0]), "TITLE: عربي \xF0\x9F\x98\x80 / \\\nLEAD: p1\nBODY: p2\n");
}

TEST(JsonlParserTest, EachBadLineIsItsOwnError) {
  const std::string text =
      R"({"id": "ok1", "title": "t"})" "\n"
      R"({"id" "x", "title": "t"})" "\n"
      R"({"title": "no id"})" "\n"
      R"({"id": "e", "title": " ", "body": ""})" "\n"
      R"({"id": "s", "title": "\ud800 alone"})" "\n"
      R"({"id": "t", "title": 7})" "\n"
      R"({"id": "u", "title": "x"} trailing)" "\n"
      R"({"id": "v", "title": "x", "published_at": "soon"})" "\n"
      R"(["not", "an", "object"])" "\n"
      R"({"id": "w", "title": "unterminated)" "\n"
      R"({"id": "ok2", "title": null, "body": "b"})" "\n";
  auto docs = ParseJsonl("docs.jsonl", text);
  ASSERT_EQ(docs.size(), 11u);
  EXPECT_TRUE(docs[0].ok());
  EXPECT_EQ(docs[1].status().message(), "docs.jsonl:2: expected ':' after key at column 7");
  EXPECT_EQ(docs[2].status().message(), "docs.jsonl:3: missing \"id\"");
  EXPECT_EQ(docs[3].status().message(), "docs.jsonl:4: no text (empty \"title\" and \"body\")");
  EXPECT_EQ(docs[4].status().message(),
            "docs.jsonl:5: unpaired surrogate in \\u escape at column 23");
  EXPECT_EQ(docs[5].status().message(), "docs.jsonl:6: \"title\" must be a string at column 22");
  EXPECT_EQ(docs[6].status().message(),
            "docs.jsonl:7: unexpected text after the object at column 27");
  EXPECT_EQ(docs[7].status().message(),
            "docs.jsonl:8: \"published_at\" is not an RFC 3339 time: \"soon\"");
  EXPECT_EQ(docs[8].status().message(),
            "docs.jsonl:9: expected '{' (a JSON object per line) at column 1");
  EXPECT_EQ(docs[9].status().message(), "docs.jsonl:10: unterminated string at column 35");
  ASSERT_TRUE(docs[10].ok()) << docs[10].status();
  EXPECT_EQ(docs[10]->origin, "docs.jsonl:11");
  EXPECT_EQ(docs[10]->title, "");
}

TEST(JsonlParserTest, WholeFileProblemIsOneError) {
  auto docs = ParseJsonl("d.jsonl", "{\"id\": \"a\", \"title\": \"\xC0\"}\n{\"id\": \"b\"}");
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0].status().message(),
            "d.jsonl: not UTF-8 text: invalid byte 0xC0 at byte offset 22");
}

TEST(JsonlParserTest, BlankFileIsOneError) {
  auto docs = ParseJsonl("d.jsonl", "\n  \n\n");
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0].status().message(), "d.jsonl: file is empty");
}

TEST(JsonlParserTest, DeepNestingIsAnErrorNotACrash) {
  std::string deep = R"({"id": "a", "title": "t", "x": )";
  deep += std::string(100000, '[');
  auto docs = ParseJsonl("d.jsonl", deep);
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_NE(docs[0].status().message().find("nested too deeply"), absl::string_view::npos);
}

}  // namespace
}  // namespace khabar::article
