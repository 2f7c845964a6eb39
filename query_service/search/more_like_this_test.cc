#include "query_service/index/inverted_index.h"
#include "query_service/search/more_like_this.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "query_service/search/indexed_test_base.h"

namespace khabar::search {
namespace {

class MoreLikeThisTest : public IndexedTest {
 protected:
  index::DocId Doc(const std::string& id) { return *index_.FindDocId(id); }
  std::vector<std::string> Stems(const std::string& id, const MoreLikeThisOptions& o = {}) {
    std::vector<std::string> out;
    for (const MoreLikeThisTerm& t : SelectMoreLikeThisTerms(index_.reader(), Doc(id), o))
      out.push_back(t.stem);
    return out;
  }
  std::vector<std::string> Related(const std::string& id, bool collapse = false) {
    RankOptions rank;
    rank.limit = 10;
    rank.collapse_duplicates = collapse;
    absl::StatusOr<SearchResult> r = MoreLikeThis(index_.reader(), Doc(id), rank, {}, {});
    EXPECT_TRUE(r.ok()) << r.status();
    std::vector<std::string> ids;
    if (r.ok()) {
      for (const Hit& h : r->hits) ids.push_back(index_.document(h.doc).id);
    }
    return ids;
  }
  void AddBackground() {
    // Other topics, so that words of every article are not in most of them.
    Add("weather", "موجة حر تضرب المنطقة", {"درجات الحرارة ترتفع والعواصف الرملية تقترب من المدن"});
    Add("football", "الفريق الأزرق يفوز بالكأس", {"حسم الفريق المباراة بركلات الترجيح"});
    Add("olives", "موسم قطف الزيتون", {"المزارعون يقطفون الزيتون مبكرا هذا العام"});
    Add("telecom", "شبكات الجيل الخامس", {"تصل الشبكات إلى المدن المتوسطة"});
  }
};

TEST_F(MoreLikeThisTest, SelectsFrequentCharacteristicStemsWithTitleWeight) {
  AddBackground();
  Add("dam", "انهيار سد في الوادي",
      {"انهار السد بعد الأمطار الغزيرة وغمرت المياه القرى", "قال المسؤولون إن السد كان قديما",
       "فرق الإنقاذ تبحث في القرى عن ناجين من الفيضان"});
  Add("dam2", "فيضان الوادي بعد انهيار السد", {"المياه تغمر القرى"});
  // Title words count three times: سد (title + twice in the body), الوادي
  // (stem اد) and انهيار (title), القرى (stem قر, twice in the body). Stopwords (في, من, إن,
  // بعد...) and words of this article alone (الأمطار) are out.
  const std::vector<std::string> stems = Stems("dam");
  ASSERT_GE(stems.size(), 4u);
  EXPECT_EQ(stems[0], "سد");
  for (const char* s : {"اد", "انهيار", "قر"}) {
    EXPECT_NE(std::find(stems.begin(), stems.end(), s), stems.end())
        << s << ": " << absl::StrJoin(stems, " ");
  }
  for (const char* s : {"في", "من", "امطار", "مسؤول"}) {
    EXPECT_EQ(std::find(stems.begin(), stems.end(), s), stems.end()) << s;
  }
  // Bounded by max_query_terms.
  MoreLikeThisOptions two;
  two.max_query_terms = 2;
  EXPECT_EQ(Stems("dam", two).size(), 2u);
}

TEST_F(MoreLikeThisTest, QueryIsAnOrOfBoostedTermsWithMinimumShouldMatch) {
  std::vector<MoreLikeThisTerm> terms;
  for (int i = 0; i < 10; ++i) {
    terms.push_back({absl::StrCat("s", i), absl::StrCat("f", i), 1, 2, 10.0 - i});
  }
  absl::StatusOr<Query> q = MoreLikeThisQuery(terms, {});
  ASSERT_TRUE(q.ok());
  // 30% of 10 terms: 3; weights relative to the best term.
  EXPECT_TRUE(absl::StartsWith((*q)->DebugString(), "OR/3(f0[s0], f1[s1]^0.9, f2[s2]^0.8,"))
      << (*q)->DebugString();
  MoreLikeThisOptions bad;
  bad.minimum_should_match = "lots";
  EXPECT_EQ(MoreLikeThisQuery(terms, bad).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(*MoreLikeThisQuery({}, {}), nullptr);
}

TEST_F(MoreLikeThisTest, FindsTheRelatedArticleFirstAndNeverItself) {
  AddBackground();
  Add("dam", "انهيار سد في الوادي",
      {"انهار السد بعد الأمطار الغزيرة وغمرت المياه القرى", "فرق الإنقاذ تبحث في القرى عن ناجين"});
  Add("follow", "بعد انهيار السد: القرى في الوادي تحصي خسائرها",
      {"عاد السكان إلى القرى التي غمرتها المياه بعد انهيار السد"});
  Add("other", "سد جديد لتوليد الكهرباء", {"افتتاح محطة الكهرباء"});
  const std::vector<std::string> ids = Related("dam");
  ASSERT_FALSE(ids.empty());
  EXPECT_EQ(ids[0], "follow");
  EXPECT_EQ(std::find(ids.begin(), ids.end(), "dam"), ids.end());
}

TEST_F(MoreLikeThisTest, CollapseLeavesOutTheArticlesNearDuplicates) {
  AddBackground();
  const std::vector<std::string> body = {
      "انهار السد بعد الأمطار الغزيرة وغمرت المياه القرى المجاورة للوادي في ساعات الليل الأولى",
      "فرق الإنقاذ تبحث في القرى عن ناجين وتقول السلطات إن عدد المفقودين لم يعرف بعد"};
  Add("dam", "انهيار سد في الوادي", body);
  Add("dam-copy", "انهيار سد في الوادي", body);  // syndicated copy: same cluster
  Add("follow", "بعد انهيار السد: القرى في الوادي تحصي خسائرها",
      {"عاد السكان إلى القرى التي غمرتها المياه بعد انهيار السد"});
  ASSERT_EQ(index_.cluster(Doc("dam")), index_.cluster(Doc("dam-copy")));
  EXPECT_EQ(Related("dam")[0], "dam-copy");
  const std::vector<std::string> collapsed = Related("dam", /*collapse=*/true);
  ASSERT_FALSE(collapsed.empty());
  EXPECT_EQ(collapsed[0], "follow");
  EXPECT_EQ(std::find(collapsed.begin(), collapsed.end(), "dam-copy"), collapsed.end());
}

TEST_F(MoreLikeThisTest, AnArticleWithNothingInCommonHasNoRelatedArticles) {
  AddBackground();
  Add("alone", "كلمات فريدة تماما", {"نص لا يشاركه أحد"});
  EXPECT_TRUE(Related("alone").empty());
}

}  // namespace
}  // namespace khabar::search
