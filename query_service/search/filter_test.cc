#include "query_service/search/filter.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"

namespace khabar::search {
namespace {

std::string Parsed(absl::string_view text) {
  absl::StatusOr<Filter> f = ParseFilter(text);
  if (!f.ok()) return absl::StrCat("ERROR: ", f.status().message());
  return f->DebugString();
}

index::Document Doc(std::string id, std::string source, std::string category, int64_t time) {
  index::Document d;
  d.id = std::move(id);
  d.source = std::move(source);
  d.category = std::move(category);
  d.published_time = time;
  return d;
}

// 2025-07-01T00:00:00Z and friends.
constexpr int64_t kJul1 = 1751328000;
constexpr int64_t kDay = 86400;

class FilterEvalTest : public ::testing::Test {
 protected:
  // Ids of the documents that pass `text`, in order.
  std::string Matching(absl::string_view text) {
    absl::StatusOr<Filter> f = ParseFilter(text);
    if (!f.ok()) return absl::StrCat("ERROR: ", f.status().message());
    std::vector<std::string> ids;
    for (const index::Document& d : docs_) {
      if (f->Matches(d)) ids.push_back(d.id);
    }
    return absl::StrJoin(ids, " ");
  }

  std::vector<index::Document> docs_ = {
      Doc("a", "CNBC", "تكنولوجيا", kJul1 - kDay),      // June 30
      Doc("b", "CNBC Arabia", "اقتصاد", kJul1),         // July 1, midnight
      Doc("c", "BBC", "تكنولوجيا", kJul1 + 12 * 3600),  // July 1, noon
      Doc("d", "الجزيرة", "", kJul1 + 3 * kDay),        // July 4, no category
      Doc("e", "bbc", "رياضة", 0),                      // no time
  };
};

TEST(FilterParseTest, BlankIsEmpty) {
  for (absl::string_view text : {"", "   ", "\t\n"}) {
    absl::StatusOr<Filter> f = ParseFilter(text);
    ASSERT_TRUE(f.ok()) << f.status();
    EXPECT_TRUE(f->empty());
    EXPECT_TRUE(f->Matches(Doc("x", "", "", 0)));
  }
}

TEST(FilterParseTest, Grammar) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"source = \"CNBC\"", "source = \"CNBC\""},
      {"source=CNBC", "source = \"CNBC\""},
      {"source:'CNBC'", "source = \"CNBC\""},
      {"source != \"x\"", "source != \"x\""},
      {"category = تكنولوجيا", "category = \"تكنولوجيا\""},
      {"source = \"say \\\"hi\\\"\"", "source = \"say \"hi\"\""},
      {"published_time > \"2025-07-01\"", "published_time > 2025-07-01T00:00:00+00:00"},
      {"published_time >= 2025-07-01", "published_time >= 2025-07-01T00:00:00+00:00"},
      {"published_time < \"2025-07-01T15:00:00+03:00\"",
       "published_time < 2025-07-01T12:00:00+00:00"},
      {"published_time <= \"2025-07-01T12:00:00.5Z\"",
       "published_time <= 2025-07-01T12:00:00.5+00:00"},
      {"published_time = \"2025-07-01T12:00:00\"", "published_time = 2025-07-01T12:00:00+00:00"},
      {"published_time:*", "published_time:*"},
      {"id:(\"a\", \"b\")", "id = (\"a\", \"b\")"},
      {"id = (b OR a OR c)", "id = (\"a\", \"b\", \"c\")"},
      {"source = \"CNBC*\"", "source = \"CNBC*\""},
      {"NOT source = x", "NOT(source = \"x\")"},
      {"-source = x", "NOT(source = \"x\")"},
      {"NOT NOT source = x", "NOT(NOT(source = \"x\"))"},
      {"source = a AND category = b", "AND(source = \"a\", category = \"b\")"},
      {"source = a category = b", "AND(source = \"a\", category = \"b\")"},
      {"source = a OR source = b", "OR(source = \"a\", source = \"b\")"},
      // AIP-160: OR binds tighter than AND.
      {"source = a AND source = b OR category = c",
       "AND(source = \"a\", OR(source = \"b\", category = \"c\"))"},
      {"(source = a AND source = b) OR category = c",
       "OR(AND(source = \"a\", source = \"b\"), category = \"c\")"},
      {"NOT (source = a OR source = b)", "NOT(OR(source = \"a\", source = \"b\"))"},
      {"((source = a))", "source = \"a\""},
  };
  for (const auto& [text, want] : cases) EXPECT_EQ(Parsed(text), want) << text;
}

TEST_F(FilterEvalTest, TextFields) {
  EXPECT_EQ(Matching("source = \"CNBC\""), "a");
  EXPECT_EQ(Matching("source = \"cnbc\""), "a");  // ASCII case is ignored
  EXPECT_EQ(Matching("source = BBC"), "c e");
  EXPECT_EQ(Matching("source = \"CNBC*\""), "a b");
  EXPECT_EQ(Matching("source != \"CNBC\""), "b c d e");
  EXPECT_EQ(Matching("source = \"الجزيرة\""), "d");
  EXPECT_EQ(Matching("source = \"الجزيره\""), "");  // exact bytes otherwise
  EXPECT_EQ(Matching("category = \"تكنولوجيا\" OR category = \"اقتصاد\""), "a b c");
  EXPECT_EQ(Matching("category = (\"تكنولوجيا\", \"اقتصاد\")"), "a b c");
  EXPECT_EQ(Matching("category = \"\""), "d");
  EXPECT_EQ(Matching("category:*"), "a b c e");
  EXPECT_EQ(Matching("id:(\"e\", \"a\", \"zz\")"), "a e");
  EXPECT_EQ(Matching("id = \"A\""), "");  // ids are case-sensitive
  EXPECT_EQ(Matching("NOT source = \"CNBC*\""), "c d e");
  EXPECT_EQ(Matching("-id:(a, b, c)"), "d e");
}

TEST_F(FilterEvalTest, TimesCompareAsInstants) {
  EXPECT_EQ(Matching("published_time > \"2025-07-01\""), "c d");
  EXPECT_EQ(Matching("published_time >= \"2025-07-01\""), "b c d");
  EXPECT_EQ(Matching("published_time < \"2025-07-01\""), "a");
  EXPECT_EQ(Matching("published_time <= \"2025-07-01T00:00:00Z\""), "a b");
  // Noon UTC is 15:00 in Riyadh.
  EXPECT_EQ(Matching("published_time = \"2025-07-01T15:00:00+03:00\""), "c");
  EXPECT_EQ(Matching("published_time != \"2025-07-01T15:00:00+03:00\""), "a b d");
  // Sub-second bounds against whole-second times.
  EXPECT_EQ(Matching("published_time > \"2025-07-01T11:59:59.5Z\""), "c d");
  EXPECT_EQ(Matching("published_time < \"2025-07-01T12:00:00.5Z\""), "a b c");
  EXPECT_EQ(Matching("published_time = \"2025-07-01T12:00:00.5Z\""), "");
  // A whole day, and the articles without a time.
  EXPECT_EQ(Matching("published_time >= 2025-07-01 AND published_time < 2025-07-02"), "b c");
  EXPECT_EQ(Matching("published_time:*"), "a b c d");
  EXPECT_EQ(Matching("NOT published_time:*"), "e");
  EXPECT_EQ(Matching("NOT published_time < \"2025-07-01\""), "b c d e");
  EXPECT_EQ(Matching("published_time = (\"2025-07-01T00:00:00Z\", \"2025-07-04T00:00:00Z\")"),
            "b d");
}

TEST_F(FilterEvalTest, BooleanStructure) {
  EXPECT_EQ(Matching("source = \"CNBC\" AND published_time > \"2025-07-01\""), "");
  EXPECT_EQ(Matching("source = \"CNBC*\" AND published_time >= \"2025-07-01\""), "b");
  EXPECT_EQ(Matching("source = BBC category = رياضة"), "e");
  // AND (source = BBC OR id = a), not (category AND source) OR id.
  EXPECT_EQ(Matching("category = تكنولوجيا AND source = BBC OR id = a"), "a c");
  EXPECT_EQ(Matching("(category = تكنولوجيا AND source = BBC) OR id = d"), "c d");
  EXPECT_EQ(Matching("NOT (source = BBC OR source = CNBC)"), "b d");
}

TEST(FilterParseTest, MalformedFiltersSayWhatAndWhere) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"author = \"x\"",
       "unknown field 'author' at character 1: the fields are source, category, published_time, "
       "id"},
      {"source = a and category = b",
       "'and' is not an operator at character 12: write it in capitals (AND)"},
      {"source", "'source' needs a comparison at character 1"},
      {"source \"x\"", "'source' needs a comparison at character 1"},
      {"source == \"x\"", "unknown operator '==' at character 8: write '=' for equality"},
      {"source <> \"x\"", "unknown operator '<>' at character 8: write '!='"},
      {"source => \"x\"", "unknown operator '=>' at character 8"},
      {"source < \"x\"",
       "'<' does not apply to source at character 8: text fields take =, != and :"},
      {"published_time : \"2025-07-01\"", "':' does not apply to published_time at character 16"},
      {"published_time > \"yesterday\"",
       "bad time \"yesterday\" at character 18: write an RFC 3339"},
      {"published_time > \"2025-13-01\"", "bad time \"2025-13-01\" at character 18"},
      {"published_time > \"2025-07-32\"", "bad time \"2025-07-32\""},
      {"published_time > \"2025-07-01T25:00:00Z\"", "bad time"},
      {"published_time > \"infinite-future\"", "bad time"},
      {"published_time > 2025-07-01T10:00:00Z",
       "bad time \"2025-07-01T10\" at character 18: quote"},
      {"published_time = \"2025-07-01\"",
       "'=' with the date \"2025-07-01\" at character 18: a date is the instant of its midnight"},
      {"published_time != 2025-07-01", "'!=' with the date"},
      {"published_time < *", "'*' does not go with '<'"},
      {"source = ", "'=' has no value on its right at character 8"},
      {"source = AND", "'=' has no value on its right at character 8"},
      {"source = )", "'=' has no value on its right"},
      {"source = ,", "unexpected ',' at character 10: expected a value"},
      {"source = \"CNBC", "unterminated string at character 10: close it with \""},
      {"source = 'CNBC", "unterminated string at character 10: close it with '"},
      {"(source = a", "unbalanced '(' at character 1: add the closing ')'"},
      {"((source = a)", "unbalanced '(' at character 1"},
      {"(", "unbalanced '(' at character 1"},
      {"source = a)", "unbalanced ')' at character 11"},
      {")", "unbalanced ')' at character 1"},
      {"()", "empty parentheses at character 1"},
      {"id:()", "empty value list at character 4"},
      {"id:(a", "unbalanced '(' at character 4"},
      {"id:(a b)",
       "unexpected 'b' at character 7: separate the values of a list with OR or commas"},
      {"id:(a AND b)", "AND inside a value list at character 7"},
      {"id != (a, b)", "a value list does not go with '!=' at character 7"},
      {"published_time > (2025-07-01)", "a value list does not go with '>'"},
      {"AND source = a", "'AND' has nothing on its left at character 1"},
      {"OR source = a", "'OR' has nothing on its left at character 1"},
      {"source = a AND", "'AND' has nothing on its right at character 12"},
      {"source = a OR", "'OR' has nothing on its right at character 12"},
      {"source = a AND AND source = b", "'AND' has nothing on its right at character 12"},
      {"NOT", "'NOT' has nothing to negate at character 1"},
      {"source = a AND -", "'-' has nothing to negate at character 16"},
      {"\"CNBC\"", "bare value \"CNBC\" at character 1: compare a field"},
      {"CNBC", "unknown field 'CNBC' at character 1"},
      {"= \"x\"", "'=' has no field on its left at character 1"},
      {"source = a, source = b", "unexpected ',' at character 11"},
      // Positions count characters, not bytes.
      {"category = اقتصاد AND مصدر = x", "unknown field 'مصدر' at character 23"},
  };
  for (const auto& [text, want] : cases) {
    absl::StatusOr<Filter> f = ParseFilter(text);
    ASSERT_FALSE(f.ok()) << text << " parsed as " << f->DebugString();
    EXPECT_EQ(f.status().code(), absl::StatusCode::kInvalidArgument) << text;
    EXPECT_TRUE(absl::StartsWith(f.status().message(), "filter: ")) << f.status().message();
    EXPECT_TRUE(absl::StrContains(f.status().message(), want))
        << text << "\n  got:  " << f.status().message() << "\n  want: " << want;
  }
}

TEST(FilterParseTest, Limits) {
  // Size.
  absl::StatusOr<Filter> f = ParseFilter(std::string(5000, ' '));
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().message(), "filter is 5000 bytes; the limit is 4096");
  // Comparisons: 64 pass, 65 do not; a value list counts once.
  std::vector<std::string> parts(64, "source = a");
  EXPECT_TRUE(ParseFilter(absl::StrJoin(parts, " OR ")).ok());
  parts.push_back("source = b");
  f = ParseFilter(absl::StrJoin(parts, " OR "));
  ASSERT_FALSE(f.ok());
  EXPECT_TRUE(absl::StrContains(f.status().message(), "more than 64 comparisons"))
      << f.status().message();
  std::vector<std::string> ids;
  for (int i = 0; i < 500; ++i) ids.push_back(absl::StrCat("\"id", i, "\""));
  f = ParseFilter(absl::StrCat("id:(", absl::StrJoin(ids, ","), ")"));
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_TRUE(f->Matches(Doc("id321", "", "", 0)));
  EXPECT_FALSE(f->Matches(Doc("id500", "", "", 0)));
  // Nesting.
  EXPECT_TRUE(ParseFilter(absl::StrCat(std::string(16, '('), "id = a", std::string(16, ')'))).ok());
  f = ParseFilter(absl::StrCat(std::string(17, '('), "id = a", std::string(17, ')')));
  ASSERT_FALSE(f.ok());
  EXPECT_TRUE(absl::StrContains(f.status().message(), "parentheses nested deeper than 16"))
      << f.status().message();
  // 4 KiB of '(' is an error, not a stack overflow.
  EXPECT_FALSE(ParseFilter(std::string(4096, '(')).ok());
  // Invalid UTF-8.
  f = ParseFilter("source = \"\xC3\x28\"");
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().message(), "filter: invalid UTF-8 at byte 10");
}

TEST(FilterParseTest, UsesTime) {
  EXPECT_FALSE(ParseFilter("source = a")->uses_time());
  EXPECT_TRUE(ParseFilter("source = a OR published_time:*")->uses_time());
}

// Random byte soup never crashes the parser, and a filter that parses
// evaluates without trouble.
TEST(FilterParseTest, GarbageNeverCrashes) {
  const std::string alphabet = "()\"',=!<>:-* ANDORNOTsourceidcategorypublished_time2025-07-01Tx";
  uint32_t state = 12345;
  for (int i = 0; i < 5000; ++i) {
    std::string text;
    const int len = static_cast<int>(state % 40);
    for (int j = 0; j < len; ++j) {
      state = state * 1103515245 + 12345;
      text += alphabet[(state >> 16) % alphabet.size()];
    }
    state = state * 1103515245 + 12345;
    absl::StatusOr<Filter> f = ParseFilter(text);
    if (f.ok()) {
      f->Matches(Doc("a", "b", "c", 1));
      f->DebugString();
    } else {
      EXPECT_EQ(f.status().code(), absl::StatusCode::kInvalidArgument) << text;
    }
  }
}

}  // namespace
}  // namespace khabar::search
