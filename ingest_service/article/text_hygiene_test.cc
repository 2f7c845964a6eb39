#include "ingest_service/article/text_hygiene.h"

#include <string>

#include "gtest/gtest.h"

namespace khabar::article {
namespace {

TEST(CheckTextFileTest, AcceptsUtf8Text) {
  EXPECT_TRUE(CheckTextFile("a.txt", "عنوان\nنص").ok());
  EXPECT_TRUE(CheckTextFile("a.txt", "").ok());
}

TEST(CheckTextFileTest, RejectsBinaryByNulInFirst8K) {
  absl::Status s = CheckTextFile("img.png", std::string("\x89PNG\r\n\x1a\n\0\0\0\x0d", 12));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "img.png: looks like a binary file (NUL byte at offset 8)");
  // A NUL after the first 8 KB is not a binary signature: hygiene removes it.
  std::string late(kBinarySniffBytes, 'a');
  late += '\0';
  EXPECT_TRUE(CheckTextFile("late.txt", late).ok());
}

TEST(CheckTextFileTest, RejectsInvalidUtf8WithByteAndOffset) {
  absl::Status s = CheckTextFile("x.txt", "abc\xFF");
  EXPECT_EQ(s.message(), "x.txt: not UTF-8 text: invalid byte 0xFF at byte offset 3");
  s = CheckTextFile("latin1.txt", "caf\xE9 au lait");
  EXPECT_EQ(s.message(), "latin1.txt: not UTF-8 text: invalid byte 0xE9 at byte offset 3");
}

struct Case {
  const char* name;
  std::string in;
  std::string want;
};

TEST(CleanTextTest, Table) {
  const Case kCases[] = {
      {"bom", "\xEF\xBB\xBFنص", "نص"},
      {"crlf and cr", "أ\r\nب\rج", "أ\nب\nج"},
      {"nul removed", std::string("a\0b", 3), "ab"},
      {"zwsp lrm rlm zwj zwnj", "ك\u200Bت\u200Eا\u200F\u200Dب\u200C", "كتاب"},
      {"bidi embeddings and isolates", "\u202Bعربي\u202C \u2067x\u2069", "عربي x"},
      {"alm and word joiner", "\u061Cنص\u2060ان", "نصان"},
      {"bom inside text", "ن\uFEFFص", "نص"},
      {"nbsp narrow nbsp and unicode spaces", "أ\u00A0ب\u202Fج\u2003د\u3000هـ", "أ ب ج د هـ"},
      {"tabs and runs of spaces collapse", "a\t\t b   c", "a b c"},
      {"lines trimmed", "  a  \n\t b \t", "a\nb"},
      {"blank line runs collapse to one", "a\n\n\n \n\nb\n\n", "a\n\nb"},
      {"leading blank lines dropped", "\n\n \na", "a"},
      {"unicode line separators", "a\u2028b\u2029c\u0085d", "a\nb\nc\nd"},
      {"c0 and c1 controls removed", "a\x01\x1F\x7F" "b\u0080\u009F", "ab"},
      {"diacritics and tatweel kept", "مُحَمَّد الـــعربي", "مُحَمَّد الـــعربي"},
      {"only whitespace", " \t\r\n\u00A0\u200B", ""},
  };
  for (const Case& c : kCases) {
    EXPECT_EQ(CleanText(c.in, LineMode::kKeepLines), c.want) << c.name;
  }
}

TEST(CleanTextTest, JoinLinesMakesOneLine) {
  EXPECT_EQ(CleanText(" a\r\n\n b \n", LineMode::kJoinLines), "a b");
}

TEST(CleanTextTest, AppendsToExistingOutput) {
  std::string out = "x|";
  AppendCleanText("  y  z ", LineMode::kKeepLines, &out);
  EXPECT_EQ(out, "x|y z");
}

}  // namespace
}  // namespace khabar::article
