#include "query_service/jsonl_documents.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace khabar::query {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(DocumentFromJsonLineTest, ReadsIdTitleAndBodyLinesAsParagraphs) {
  absl::StatusOr<index::Document> d = DocumentFromJsonLine(
      R"({"id": "a1", "title": "غزة اليوم", "body": "فقرة أولى\n\nفقرة ثانية", "lang": "ar"})");
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->id, "a1");
  EXPECT_EQ(d->title, "غزة اليوم");
  EXPECT_THAT(d->paragraphs, ElementsAre("فقرة أولى", "فقرة ثانية"));
}

TEST(DocumentFromJsonLineTest, DecodesEscapesIncludingSurrogatePairs) {
  absl::StatusOr<index::Document> d = DocumentFromJsonLine(
      R"({"title": "\u063a\u0632\u0629 \"q\" \\ \/ \t", "body": "\ud83d\ude00", "id": "x"})");
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->title, "غزة \"q\" \\ / \t");
  EXPECT_THAT(d->paragraphs, ElementsAre("\xF0\x9F\x98\x80"));
}

TEST(DocumentFromJsonLineTest, SkipsNestedAndNonStringValues) {
  absl::StatusOr<index::Document> d = DocumentFromJsonLine(
      R"({"meta": {"tags": ["a", {"b": [1, 2.5e3, null]}], "ok": true}, "id": 17, "title": null, "body": "b"} )"
      "\r");
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->id, "17");
  EXPECT_EQ(d->title, "");
  EXPECT_THAT(d->paragraphs, ElementsAre("b"));
}

TEST(DocumentFromJsonLineTest, MissingIdIsEmptyForTheIndexToReject) {
  absl::StatusOr<index::Document> d = DocumentFromJsonLine(R"({})");
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->id, "");
  EXPECT_TRUE(d->paragraphs.empty());
}

TEST(DocumentFromJsonLineTest, RejectsWhatIsNotOneObjectNamingTheByte) {
  for (const char* bad : {"", "[1]", R"({"id": "a")", R"({"id" "a"})", R"({"id": "a"} x)",
                          R"({"id": tru})", R"({"id": "\q"})", R"({"id": "\ud800"})",
                          R"({"id": "a",})", R"({"id": })"}) {
    absl::StatusOr<index::Document> d = DocumentFromJsonLine(bad);
    ASSERT_FALSE(d.ok()) << bad;
    EXPECT_EQ(d.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(d.status().message(), HasSubstr("at byte")) << bad;
  }
}

}  // namespace
}  // namespace khabar::query
