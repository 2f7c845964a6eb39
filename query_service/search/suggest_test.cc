#include "query_service/index/inverted_index.h"
#include "query_service/search/suggest.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "query_service/search/indexed_test_base.h"

namespace khabar::search {
namespace {

class SuggestTest : public IndexedTest {
 protected:
  std::vector<std::string> Texts(const std::string& prefix, bool terms = true, bool titles = false,
                                 int page_size = 0) {
    SuggestRequest req{.prefix = prefix, .page_size = page_size, .terms = terms, .titles = titles};
    absl::StatusOr<std::vector<Suggestion>> r = Suggest(index_.reader(), req);
    EXPECT_TRUE(r.ok()) << prefix << ": " << r.status();
    std::vector<std::string> out;
    if (r.ok()) {
      for (const Suggestion& s : *r) out.push_back(s.text);
    }
    return out;
  }
  absl::StatusCode Code(const std::string& prefix, int page_size = 0) {
    return Suggest(index_.reader(),
                   {.prefix = prefix, .page_size = page_size, .terms = true, .titles = true})
        .status()
        .code();
  }
};

TEST_F(SuggestTest, CompletesTheLastWordByDocumentFrequencyAsWritten) {
  Add("a", "أمريكا والصين", {"قالت أمريكا إن الصين"});
  Add("b", "أمريكا", {"أمريكا"});
  Add("c", "امريكا", {});  // written without hamza once
  Add("d", "الأمريكية", {"الإدارة الأمريكية"});
  // Typed without hamza, shown as most often written; most frequent first.
  EXPECT_EQ(Texts("امري"), (std::vector<std::string>{"أمريكا"}));
  EXPECT_EQ(Texts("الأم"), (std::vector<std::string>{"الأمريكية"}));
  // Diacritics and tatweel in what is typed do not matter; stopwords are not
  // completions ("ال" would complete to "الى" otherwise).
  EXPECT_EQ(Texts("أَمْـري"), (std::vector<std::string>{"أمريكا"}));
}

TEST_F(SuggestTest, SurfaceFormsDropDiacriticsAndKeepCase) {
  Add("a", "Nvidia تعلن", {"أعلنت Nvidia عن الذَّكاء"});
  Add("b", "NVIDIA", {});
  Add("c", "Nvidia", {});
  EXPECT_EQ(Texts("nvi"), (std::vector<std::string>{"Nvidia"}));
  EXPECT_EQ(Texts("الذ"), (std::vector<std::string>{"الذكاء"}));
}

TEST_F(SuggestTest, ThePreviousWordRanksCompletionsAndIsKept) {
  // العام is the most frequent ال- word, but only الاصطناعي follows الذكاء.
  for (int i = 0; i < 5; ++i) Add(absl::StrCat("y", i), "العام الجديد", {"في العام المقبل"});
  Add("ai1", "الذكاء الاصطناعي", {"الذكاء الاصطناعي في العام"});
  Add("ai2", "تقدم الذكاء الاصطناعي", {});
  Add("ai3", "الذكاء الانساني", {});
  EXPECT_EQ(Texts("ال", true, false, 2), (std::vector<std::string>{"العام", "الجديد"}));
  EXPECT_EQ(Texts("الذكاء ال"), (std::vector<std::string>{"الذكاء الاصطناعي", "الذكاء الانساني"}));
  // What was typed before the last word is kept as typed.
  EXPECT_EQ(Texts("  الذَّكاء ال", true, false, 1), (std::vector<std::string>{"الذَّكاء الاصطناعي"}));
  // Nothing follows the previous word: the word alone is completed.
  EXPECT_EQ(Texts("المقبل الج", true, false, 1), (std::vector<std::string>{"المقبل الجديد"}));
}

TEST_F(SuggestTest, CountsAreLiveArticles) {
  Add("a", "الزيتون", {});
  Add("b", "الزيتون", {});
  ASSERT_TRUE(index_.Delete("b"));
  absl::StatusOr<std::vector<Suggestion>> r = Suggest(index_.reader(), {.prefix = "الزي", .titles = false});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].count, 1);
  EXPECT_EQ((*r)[0].kind, SuggestionKind::kTerm);
  ASSERT_TRUE(index_.Delete("a"));
  EXPECT_TRUE(Texts("الزي").empty());
}

TEST_F(SuggestTest, TitlesWithTheTypedWordsInOrderComeFirstThenNewest) {
  Add("old", "سباق الذكاء الاصطناعي يشتد", {});
  Add("start", "الذكاء الاصطناعي في المدارس", {});
  Add("other", "الاصطناعي والذكاء", {});
  Add("new", "عام من الذكاء الاصطناعي", {});
  Add("copy", "عام من الذكاء الاصطناعي", {});  // a syndicated copy: one suggestion
  Add("none", "الطقس اليوم", {});
  SuggestRequest req{.prefix = "الذكاء الاص", .page_size = 10, .terms = false, .titles = true};
  absl::StatusOr<std::vector<Suggestion>> r = Suggest(index_.reader(), req);
  ASSERT_TRUE(r.ok()) << r.status();
  std::vector<std::string> got;
  for (const Suggestion& s : *r) got.push_back(s.text);
  EXPECT_EQ(got, (std::vector<std::string>{"الذكاء الاصطناعي في المدارس", "عام من الذكاء الاصطناعي",
                                           "سباق الذكاء الاصطناعي يشتد", "الاصطناعي والذكاء"}));
  EXPECT_EQ((*r)[1].count, 2);
  EXPECT_EQ((*r)[1].article_id, "copy");
  EXPECT_EQ((*r)[1].kind, SuggestionKind::kTitle);
}

TEST_F(SuggestTest, TermsFirstThenTitlesWithinThePage) {
  for (int i = 0; i < 6; ++i) Add(absl::StrCat("d", i), absl::StrCat("هواوي تطلق هاتفا ", i), {});
  Add("h2", "هوائيات جديدة", {});
  absl::StatusOr<std::vector<Suggestion>> r =
      Suggest(index_.reader(), {.prefix = "هوا", .page_size = 4, .terms = true, .titles = true});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 4u);
  // Two terms, then titles fill the rest.
  EXPECT_EQ((*r)[0].text, "هواوي");
  EXPECT_EQ((*r)[1].text, "هوائيات");
  EXPECT_EQ((*r)[2].kind, SuggestionKind::kTitle);
  EXPECT_EQ((*r)[3].kind, SuggestionKind::kTitle);
}

TEST_F(SuggestTest, BadPrefixesAreInvalidArgument) {
  Add("a", "الزيتون", {});
  EXPECT_EQ(Code(""), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Code("   "), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Code("ً ُ"), absl::StatusCode::kInvalidArgument);  // diacritics only
  EXPECT_EQ(Code("؟!"), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Code(std::string(257, 'a')), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Code("\xff\xfe"), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Code("الز", -1), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Code("الز", 51), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Code("الز", 50), absl::StatusCode::kOk);
  // No completion is an empty answer, not an error.
  EXPECT_TRUE(Texts("xyz").empty());
}

}  // namespace
}  // namespace khabar::search
