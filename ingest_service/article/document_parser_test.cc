#include "ingest_service/article/document_parser.h"

#include <string>

#include "gtest/gtest.h"

namespace khabar::article {
namespace {

TEST(DetectSourceFormatTest, ExtensionAndContent) {
  EXPECT_EQ(DetectSourceFormat("a/b.txt", "عنوان\nنص"), SourceFormat::kPlainText);
  EXPECT_EQ(DetectSourceFormat("b", "x"), SourceFormat::kPlainText);
  EXPECT_EQ(DetectSourceFormat("b.TREC", "x"), SourceFormat::kTrec);
  EXPECT_EQ(DetectSourceFormat("b.sgml", "x"), SourceFormat::kTrec);
  EXPECT_EQ(DetectSourceFormat("b.sgm", "x"), SourceFormat::kTrec);
  EXPECT_EQ(DetectSourceFormat("b.xml", "x"), SourceFormat::kTrec);
  EXPECT_EQ(DetectSourceFormat("b.jsonl", "x"), SourceFormat::kJsonl);
  EXPECT_EQ(DetectSourceFormat("b.ndjson", "x"), SourceFormat::kJsonl);
  EXPECT_EQ(DetectSourceFormat("b.json", "x"), SourceFormat::kJsonl);
  EXPECT_EQ(DetectSourceFormat("dir.jsonl/b", "x"), SourceFormat::kPlainText);
  // Content wins: ANT files are .txt.
  EXPECT_EQ(DetectSourceFormat("ant/x.txt", "\xEF\xBB\xBF\n  <DOC>\n"), SourceFormat::kTrec);
  EXPECT_EQ(DetectSourceFormat("x.txt", "<doc id=\"1\">"), SourceFormat::kTrec);
  EXPECT_EQ(DetectSourceFormat("x.txt", "<DOCUMENT>"), SourceFormat::kPlainText);
  EXPECT_EQ(DetectSourceFormat("x.txt", "text <DOC>"), SourceFormat::kPlainText);
}

TEST(ParseDocumentTest, DispatchesAndHonoursAnExplicitFormat) {
  const std::string trec = "<DOC><DOCNO>d1</DOCNO><TEXT>a.</TEXT></DOC><DOC><DOCNO>d2</DOCNO>"
                           "<TEXT>b.</TEXT></DOC>";
  auto docs = ParseDocument("x.txt", trec, std::nullopt);
  ASSERT_EQ(docs.size(), 2u);
  EXPECT_EQ(docs[1]->id, "d2");
  EXPECT_EQ(docs[1]->origin, "x.txt#d2");

  auto jsonl = ParseDocument("x.jsonl", "{\"id\":\"j\",\"title\":\"t\"}\n\n{\"id\":1,\"body\":\"b\"}\n",
                             std::nullopt);
  ASSERT_EQ(jsonl.size(), 2u);
  EXPECT_EQ(jsonl[1]->origin, "x.jsonl:3");

  auto plain = ParseDocument("dir/x.jsonl", "عنوان\nنص.", SourceFormat::kPlainText);
  ASSERT_EQ(plain.size(), 1u);
  ASSERT_TRUE(plain[0].ok()) << plain[0].status();
  EXPECT_EQ(plain[0]->id, "x");
}

}  // namespace
}  // namespace khabar::article
