#include "query_service/search/query_parser.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace khabar::search {
namespace {

class QueryParserTest : public ::testing::Test {
 protected:
  std::string Parse(absl::string_view q, ParseOptions options = {}) {
    absl::StatusOr<Query> r = ParseQuery(q, analyzer_, options);
    if (!r.ok()) return absl::StrCat("ERROR: ", r.status().message());
    return (*r)->DebugString();
  }
  analysis::Analyzer analyzer_;
};

TEST_F(QueryParserTest, ParsesTheLanguage) {
  struct Case {
    const char* query;
    const char* tree;
  };
  const Case cases[] = {
      {"هواوي", "هواوي[هواو]"},
      {"هواوي الصين", "OR(هواوي[هواو], الصين[صين])"},
      {"في هواوي", "OR(في[stop], هواوي[هواو])"},
      {"\"الذكاء الاصطناعي\"",
       "OR(الذكاء[ذكاء], الاصطناعي[اصطناع], PHRASE(\"الذكاء الاصطناعي\"))"},
      {"+\"الذكاء الاصطناعي\" هواوي",
       "AND_MAYBE(PHRASE(\"الذكاء الاصطناعي\"), هواوي[هواو])"},
      {"\"الذكاء الاصطناعي\" هواوي -أمريكا",
       "AND_NOT(OR(الذكاء[ذكاء], الاصطناعي[اصطناع], PHRASE(\"الذكاء الاصطناعي\"), هواوي[هواو]), "
       "امريكا)"},
      {"\"هواوي الصين\"~5", "NEAR/5(هواو صين)"},
      {"هواوي OR الصين", "OR(هواوي[هواو], الصين[صين])"},
      {"هواوي | الصين & غزة", "OR(هواوي[هواو], AND(الصين[صين], غزه[غز]))"},
      {"هواوي AND -أمريكا", "AND_NOT(هواوي[هواو], امريكا)"},
      {"(هواوي OR الصين) +غزة", "AND_MAYBE(غزه[غز], OR(هواوي[هواو], الصين[صين]))"},
      {"title:هواوي", "title:هواوي[هواو]"},
      {"body:\"الذكاء الاصطناعي\" +title:(هواوي OR الصين)",
       "AND_MAYBE(OR(title:هواوي[هواو], title:الصين[صين]), "
       "OR(body:الذكاء[ذكاء], body:الاصطناعي[اصطناع], body:PHRASE(\"الذكاء الاصطناعي\")))"},
      {"تكنولوج*", "PREFIX(تكنولوج*)"},
      {"- من هو خاشقجي", "OR(من[stop], هو[stop], خاشقجي[خاشقج])"},
      {"الرياض - واس", "OR(الرياض[رياض], واس)"},
  };
  for (const Case& c : cases) EXPECT_EQ(Parse(c.query), c.tree) << c.query;
}

TEST_F(QueryParserTest, PlainSyntaxIsABagOfWords) {
  ParseOptions plain;
  plain.syntax = QuerySyntax::kPlain;
  struct Case {
    const char* query;
    const char* tree;
  };
  const Case cases[] = {
      // Quotes, modifiers, groups, fields, '*', '~' and OR are punctuation or words.
      {"\"الذكاء الاصطناعي\" -هواوي", "OR(الذكاء[ذكاء], الاصطناعي[اصطناع], هواوي[هواو])"},
      {"\"الذكاء الاصطناعي", "OR(الذكاء[ذكاء], الاصطناعي[اصطناع])"},
      {"(هواوي OR title:الصين*)~2", "OR(هواوي[هواو], or, title, الصين[صين], 2)"},
      // A stopword alone is searched rather than rejected.
      {"في", "في[stop]"},
      {"في من", "OR(في[stop], من[stop])"},
  };
  for (const Case& c : cases) EXPECT_EQ(Parse(c.query, plain), c.tree) << c.query;
  // The full syntax rejects the same inputs.
  EXPECT_EQ(Parse("\"الذكاء الاصطناعي").rfind("ERROR: unbalanced '\"'", 0), 0u);
  EXPECT_EQ(Parse("في").rfind("ERROR: the query has no searchable words", 0), 0u);
  // Still errors in plain: nothing to search, or too big.
  EXPECT_EQ(Parse("* - :", plain).rfind("ERROR: the query has no searchable words", 0), 0u);
  EXPECT_EQ(Parse("", plain).rfind("ERROR: query is empty", 0), 0u);
  // The operator options apply to plain queries too.
  plain.default_operator = QueryOperator::kAnd;
  EXPECT_EQ(Parse("في \"هواوي\" الصين", plain),
            "AND_MAYBE(AND(هواوي[هواو], الصين[صين]), في[stop])");
}

TEST_F(QueryParserTest, DefaultOperatorAndAndMinimumShouldMatch) {
  ParseOptions and_mode;
  and_mode.default_operator = QueryOperator::kAnd;
  EXPECT_EQ(Parse("في هواوي الصين", and_mode),
            "AND_MAYBE(AND(هواوي[هواو], الصين[صين]), في[stop])");
  ParseOptions msm;
  msm.minimum_should_match = "2";
  EXPECT_EQ(Parse("في هواوي الصين غزة", msm),
            "AND_MAYBE(OR/2(هواوي[هواو], الصين[صين], غزه[غز]), في[stop])");
  msm.minimum_should_match = "1";
  EXPECT_EQ(Parse("هواوي الصين", msm), "OR(هواوي[هواو], الصين[صين])");
}

TEST_F(QueryParserTest, MinimumShouldMatchSpecs) {
  EXPECT_EQ(*MinimumShouldMatch("", 4), 1);
  EXPECT_EQ(*MinimumShouldMatch("2", 4), 2);
  EXPECT_EQ(*MinimumShouldMatch("9", 4), 4);
  EXPECT_EQ(*MinimumShouldMatch("-1", 4), 3);
  EXPECT_EQ(*MinimumShouldMatch("75%", 4), 3);
  EXPECT_EQ(*MinimumShouldMatch("-25%", 4), 3);
  EXPECT_EQ(*MinimumShouldMatch("3<75%", 3), 3);  // up to three: all
  EXPECT_EQ(*MinimumShouldMatch("3<75%", 8), 6);
  EXPECT_EQ(*MinimumShouldMatch("2<-1 5<75%", 4), 3);
  EXPECT_EQ(*MinimumShouldMatch("2<-1 5<75%", 8), 6);
  EXPECT_EQ(MinimumShouldMatch("abc", 4).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(MinimumShouldMatch("3<", 4).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(MinimumShouldMatch("200%", 4).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(QueryParserTest, MalformedInputIsAClearError) {
  struct Case {
    std::string query;
    const char* error;
  };
  std::string deep;
  for (int i = 0; i < 20; ++i) deep += "(";
  deep += "غزة";
  for (int i = 0; i < 20; ++i) deep += ")";
  std::string many;
  for (int i = 0; i < 10000; ++i) absl::StrAppend(&many, "w", i, " ");
  const Case cases[] = {
      {"هواوي (الصين", "unbalanced '(' at character 7: add the closing ')'"},
      {"هواوي الصين)", "unbalanced ')' at character 12"},
      {"\"الذكاء الاصطناعي", "unbalanced '\"' at character 1"},
      {"هواوي -", "lone '-' at character 7"},
      {"+", "lone '+' at character 1"},
      {"OR هواوي", "'OR' has nothing on its left at character 1"},
      {"هواوي OR", "'OR' has nothing on its right at character 7"},
      {"هواوي AND )", "'AND' has nothing on its right"},
      {"في من", "the query has no searchable words"},
      {"؟!،", "the query has no searchable words"},
      {"title:", "empty field 'title:' at character 1"},
      {"title: هواوي", "empty field 'title:'"},
      {"author:x", "unknown field 'author' at character 1: the known fields are title, body"},
      {"-أمريكا", "a query needs at least one positive term"},
      {"-أمريكا -الصين", "a query needs at least one positive term"},
      {"هواوي OR -الصين", "'-' inside OR"},
      {"*", "'*' without a prefix"},
      {"ت*", "prefix 'ت*' is too short"},
      {"\"هواوي الصين غزة\"~1", "proximity window 1 cannot hold 3 words"},
      {"\"هواوي الصين\"~", "'~' after a phrase needs a number"},
      {"\"\"", "the phrase has no searchable words"},
      {"()", "the group '(…)' has no searchable words"},
      {deep, "parentheses nested deeper than 8"},
      {many.substr(0, 8000), "the query has more than 64 words"},
      {std::string(1 << 20, 'x'), "query is 1048576 bytes; the limit is 8192"},
      {"", "query is empty"},
      {"\xff", "invalid UTF-8"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<Query> r = ParseQuery(c.query, analyzer_, {});
    ASSERT_FALSE(r.ok()) << c.query.substr(0, 80) << " -> " << (*r)->DebugString();
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find(c.error), absl::string_view::npos)
        << c.query.substr(0, 80) << " -> " << r.status().message();
  }
}

TEST_F(QueryParserTest, ArbitraryBytesNeverCrash) {
  // Every short string over the syntax alphabet: each parses or fails cleanly.
  const std::vector<std::string> alphabet = {"\"", "(", ")", "-", "+", "|", "&", "*", "~", ":",
                                             " ", "OR", "title:", "غزة", "في", "5"};
  int parsed = 0, failed = 0;
  for (size_t a = 0; a < alphabet.size(); ++a) {
    for (size_t b = 0; b < alphabet.size(); ++b) {
      for (size_t c = 0; c < alphabet.size(); ++c) {
        const std::string q = alphabet[a] + alphabet[b] + alphabet[c];
        absl::StatusOr<Query> r = ParseQuery(q, analyzer_, {});
        if (r.ok()) {
          ++parsed;
          EXPECT_FALSE((*r)->DebugString().empty());
        } else {
          ++failed;
          EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << q;
          EXPECT_FALSE(r.status().message().empty());
        }
      }
    }
  }
  EXPECT_GT(parsed, 0);
  EXPECT_GT(failed, 0);
}

}  // namespace
}  // namespace khabar::search
