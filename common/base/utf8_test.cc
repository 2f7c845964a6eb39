#include "common/base/utf8.h"

#include <string>

#include "gtest/gtest.h"

namespace khabar::base {
namespace {

TEST(Utf8Test, AcceptsWellFormedText) {
  EXPECT_FALSE(FindInvalidUtf8("").has_value());
  EXPECT_FALSE(FindInvalidUtf8("plain ascii text, longer than eight bytes").has_value());
  EXPECT_FALSE(FindInvalidUtf8("الذَّكاءُ الاصطناعي ٢٠٢٥").has_value());
  EXPECT_FALSE(FindInvalidUtf8("emoji \xF0\x9F\x98\x80 ok").has_value());
  EXPECT_TRUE(ValidateUtf8("x", "خبر").ok());
}

TEST(Utf8Test, ReportsTheExactOffsetOfTheFirstBadSequence) {
  EXPECT_EQ(FindInvalidUtf8("\x80"), 0u);                          // lone continuation
  EXPECT_EQ(FindInvalidUtf8("abc\xD8"), 3u);                       // truncated at end
  EXPECT_EQ(FindInvalidUtf8("\xC0\x80"), 0u);                      // overlong NUL
  EXPECT_EQ(FindInvalidUtf8("\xE0\x80\x80"), 0u);                  // overlong
  EXPECT_EQ(FindInvalidUtf8("\xED\xA0\x80"), 0u);                  // surrogate
  EXPECT_EQ(FindInvalidUtf8("\xF5\x80\x80\x80"), 0u);              // beyond F4
  EXPECT_EQ(FindInvalidUtf8("\xF4\x90\x80\x80"), 0u);              // > U+10FFFF
  EXPECT_EQ(FindInvalidUtf8("0123456789abcdef\xFF"), 16u);         // after the fast path
  EXPECT_EQ(FindInvalidUtf8("خبر\xD8\x20"), 6u);                   // bad continuation
}

TEST(Utf8Test, MessageNamesSourceAndByte) {
  absl::Status s = ValidateUtf8("name.txt", std::string(812, 'a') + "\xFF");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "name.txt: invalid UTF-8 at byte 812");
}

TEST(Utf8Test, DecodeAndAppendRoundTrip) {
  for (char32_t cp = 0; cp <= 0x10FFFF; cp += 7) {
    if (cp >= 0xD800 && cp <= 0xDFFF) continue;
    std::string s;
    AppendUtf8(cp, &s);
    ASSERT_FALSE(FindInvalidUtf8(s).has_value()) << static_cast<uint32_t>(cp);
    size_t pos = 0;
    EXPECT_EQ(static_cast<uint32_t>(DecodeUtf8(s, &pos)), static_cast<uint32_t>(cp));
    EXPECT_EQ(pos, s.size());
  }
}

}  // namespace
}  // namespace khabar::base
