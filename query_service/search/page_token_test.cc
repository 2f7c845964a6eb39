#include "query_service/search/page_token.h"

#include "gtest/gtest.h"

namespace khabar::search {
namespace {

TEST(PageTokenTest, RoundTrips) {
  const std::string token = EncodePageToken({.offset = 20}, "إنفيديا");
  auto decoded = DecodePageToken(token, "إنفيديا");
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->offset, 20u);
}

TEST(PageTokenTest, EmptyTokenIsFirstPage) {
  auto decoded = DecodePageToken("", "x");
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->offset, 0u);
}

TEST(PageTokenTest, RejectsOtherQuery) {
  const std::string token = EncodePageToken({.offset = 10}, "الصين");
  auto decoded = DecodePageToken(token, "هواوي");
  EXPECT_EQ(decoded.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(decoded.status().message().find("different query"), absl::string_view::npos);
}

TEST(PageTokenTest, RejectsForgedAndGarbageTokens) {
  std::string token = EncodePageToken({.offset = 10}, "q");
  token[3] = token[3] == 'A' ? 'B' : 'A';
  EXPECT_EQ(DecodePageToken(token, "q").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(DecodePageToken("not a token!", "q").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(DecodePageToken(std::string(10000, 'A'), "q").status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace khabar::search
