#include "query_service/index/inverted_index.h"
#include "query_service/search/fuzzy.h"

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/base/utf8.h"
#include "gtest/gtest.h"
#include "query_service/search/indexed_test_base.h"
#include "query_service/search/best_of_iterator.h"
#include "query_service/search/boolean_iterators.h"
#include "query_service/search/query_parser.h"
#include "query_service/search/searcher.h"
#include "query_service/search/term_iterator.h"

namespace khabar::search {
namespace {

// The textbook optimal-string-alignment DP over whole rows, variants folded:
// the oracle for FuzzyMatcher's banded, prefix-sharing version.
int NaiveDistance(absl::string_view a, absl::string_view b) {
  std::vector<char32_t> x, y;
  for (size_t p = 0; p < a.size();) x.push_back(FoldVariant(base::DecodeUtf8(a, &p)));
  for (size_t p = 0; p < b.size();) y.push_back(FoldVariant(base::DecodeUtf8(b, &p)));
  std::vector<std::vector<int>> d(x.size() + 1, std::vector<int>(y.size() + 1));
  for (size_t i = 0; i <= x.size(); ++i) d[i][0] = static_cast<int>(i);
  for (size_t j = 0; j <= y.size(); ++j) d[0][j] = static_cast<int>(j);
  for (size_t i = 1; i <= x.size(); ++i) {
    for (size_t j = 1; j <= y.size(); ++j) {
      d[i][j] = std::min(
          {d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && x[i - 1] == y[j - 2] && x[i - 2] == y[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[x.size()][y.size()];
}

TEST(ArabicEditDistanceTest, VariantLettersCostNothingAndRealEditsCostOne) {
  struct Case {
    const char* a;
    const char* b;
    int distance;
  };
  const Case cases[] = {
      {"الرقاقات", "الرقاقات", 0},
      // Spelling variants: hamza seats, alef forms, yeh, teh marbuta, kaf.
      {"مسئول", "مسؤول", 0},
      {"شئون", "شؤون", 0},
      {"هيئة", "هيأة", 1},  // hamza seat vs hamza on alef (an alef form)
      {"شيء", "شيئ", 0},
      {"أمريكا", "امريكا", 0},
      {"إسرائيل", "اسراييل", 1},  // ئ/ي is a real edit: ي is not a hamza seat
      {"آلة", "الة", 0},
      {"ٱلله", "الله", 0},
      {"إلى", "الي", 0},
      {"مدرسة", "مدرسه", 0},
      {"کتاب", "كتاب", 0},
      {"یوم", "يوم", 0},
      // One real edit each: insertion, deletion, substitution, transposition.
      {"الرقاقت", "الرقاقات", 1},
      {"الرقاقات", "الرقاقت", 1},
      {"الحكومة", "الحكومي", 1},
      {"انفيديا", "انفدييا", 1},
      {"nvidia", "nvdia", 1},
      {"nvidia", "nvidai", 1},
      {"مسئول", "مسال", 2},  // ئ is not an alef
      // A variant and an edit together: one.
      {"مسئولون", "مسؤولين", 1},
      // Two edits.
      {"الزيتون", "الزتيونن", 2},
      {"تكنولوجيا", "تكنلوجيا", 1},
      {"تكنولوجيا", "تكنلوجية", 2},
      {"", "", 0},
      {"", "ab", 2},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(ArabicEditDistance(c.a, c.b, 3), c.distance) << c.a << " / " << c.b;
    EXPECT_EQ(ArabicEditDistance(c.b, c.a, 3), c.distance) << c.b << " / " << c.a;
    EXPECT_EQ(NaiveDistance(c.a, c.b), c.distance) << c.a << " / " << c.b;
  }
}

TEST(ArabicEditDistanceTest, StopsAtTheBound) {
  EXPECT_EQ(ArabicEditDistance("الزيتون", "البرتقال", 1), 2);
  EXPECT_EQ(ArabicEditDistance("الزيتون", "البرتقال", 2), 3);
  EXPECT_EQ(ArabicEditDistance("abc", "abcdefgh", 2), 3);  // length filter
  EXPECT_EQ(ArabicEditDistance("abcdefgh", "abc", 2), 3);
  EXPECT_EQ(ArabicEditDistance("مسئول", "مسؤول", 0), 0);
  EXPECT_EQ(ArabicEditDistance("مسئول", "مسوول", 0), 1);
}

// The matcher reuses rows across a sorted scan and skips dead prefixes: on
// random dictionaries it must agree with the naive DP on every term.
TEST(FuzzyMatcherTest, SortedScanAgreesWithTheNaiveDistance) {
  const std::vector<std::string> letters = {"ا", "أ", "ؤ", "ئ", "ب", "ت", "ر",
                                            "ل", "ي", "ى", "ه", "ة", "و"};
  std::mt19937 rng(42);
  auto random_word = [&](size_t min_len, size_t max_len) {
    std::string w;
    const size_t n = min_len + rng() % (max_len - min_len + 1);
    for (size_t i = 0; i < n; ++i) w += letters[rng() % letters.size()];
    return w;
  };
  for (int round = 0; round < 40; ++round) {
    std::vector<std::string> dict;
    for (int i = 0; i < 400; ++i) dict.push_back(random_word(1, 9));
    std::sort(dict.begin(), dict.end());
    dict.erase(std::unique(dict.begin(), dict.end()), dict.end());
    const std::string word = random_word(2, 8);
    for (int k = 0; k <= 2; ++k) {
      FuzzyMatcher matcher(word, k);
      for (const std::string& term : dict) {
        const int naive = NaiveDistance(word, term);
        const int got = matcher.Match(term);
        ASSERT_EQ(got, naive <= k ? naive : -1) << word << " / " << term << " k=" << k;
      }
    }
  }
}

TEST(TypoOptionsTest, EditsGrowWithWordLength) {
  const TypoOptions o;
  EXPECT_EQ(MaxEditsForLength(3, o), 0);
  EXPECT_EQ(MaxEditsForLength(4, o), 0);
  EXPECT_EQ(MaxEditsForLength(5, o), 1);
  EXPECT_EQ(MaxEditsForLength(8, o), 1);
  EXPECT_EQ(MaxEditsForLength(9, o), 2);
  EXPECT_EQ(MaxEditsForLength(20, o), 2);
  EXPECT_TRUE(ValidateTypoOptions(o).ok());
  TypoOptions bad = o;
  bad.one_typo_min_letters = 0;
  EXPECT_TRUE(absl::StrContains(ValidateTypoOptions(bad).message(), "one_typo_min_letters"));
  bad = o;
  bad.two_typos_min_letters = 3;
  EXPECT_TRUE(absl::StrContains(ValidateTypoOptions(bad).message(), "two_typos_min_letters"));
}

class FuzzySearchTest : public IndexedTest {
 protected:
  SearchResult MustSearch(const std::string& query, bool typo) {
    SearchRequest req;
    req.query = query;
    req.typo.enabled = typo;
    absl::StatusOr<SearchResult> r = Search(index_.reader(), req);
    EXPECT_TRUE(r.ok()) << query << ": " << r.status();
    return r.ok() ? *std::move(r) : SearchResult{};
  }
};

TEST_F(FuzzySearchTest, AMisspelledWordFindsTheArticleOnlyWithTypoTolerance) {
  Add("chips", "إنفيديا تكشف عن جيل جديد من الرقاقات", {"الرقاقات الجديدة أسرع"});
  Add("olives", "موسم الزيتون", {"قطف الزيتون يبدأ"});
  EXPECT_EQ(MustSearch("الرقاقت", false).total_hits, 0);
  SearchResult r = MustSearch("الرقاقت", true);
  EXPECT_EQ(Ids(r), std::vector<std::string>{"chips"});
  EXPECT_EQ(r.parsed_query, "FUZZY(الرقاقت[رقاقت]~1: الرقاقات)");
  // The form found is highlighted like a query word.
  ASSERT_EQ(r.words.size(), 2u);
  EXPECT_EQ(r.words[1].term, "الرقاقات");
  EXPECT_EQ(r.words[1].stem, "رقاق");
  // Two typos in a long word (9 letters or more).
  r = MustSearch("تكنلوجييا", true);  // no such article yet
  EXPECT_EQ(r.total_hits, 0);
  Add("tech", "أسهم التكنولوجيا", {"شركات التكنولوجيا"});
  r = MustSearch("التكنلوجيه", true);  // 10 letters: a deletion and ه for ا
  EXPECT_EQ(Ids(r), std::vector<std::string>{"tech"});
  // Short words get no edits: "زيتن" (4 letters) is not "زيتون".
  EXPECT_EQ(MustSearch("زيتن", true).total_hits, 0);
  // But `word~` asks for at least one.
  EXPECT_EQ(Ids(MustSearch("زيتن~", false)), std::vector<std::string>{"olives"});
}

TEST_F(FuzzySearchTest, ExactMatchesRankAboveExpansions) {
  // The corpus has the misspelling once, the right spelling twice.
  Add("typo", "شركة انفيدبا", {"اعلنت انفيدبا"});
  Add("right", "شركة إنفيديا", {"اعلنت إنفيديا"});
  Add("right2", "إنفيديا", {"إنفيديا"});
  SearchResult r = MustSearch("انفيدبا", true);
  // The rarer form expands to the more frequent one, at half weight.
  ASSERT_EQ(r.total_hits, 3);
  EXPECT_EQ(Ids(r)[0], "typo");
  EXPECT_EQ(r.parsed_query, "FUZZY(انفيدبا~1: انفيديا)");
  EXPECT_GT(r.hits[0].score, r.hits[1].score);
}

TEST_F(FuzzySearchTest, ACorrectFrequentWordDoesNotExpandToRarerNeighbours) {
  Add("a", "market", {});
  Add("b", "market", {});
  Add("c", "marker", {});
  SearchResult r = MustSearch("market", true);
  EXPECT_EQ(r.parsed_query, "FUZZY(market~1: no terms)");
  EXPECT_EQ(r.total_hits, 2);
  // The rarer word does reach the frequent one.
  r = MustSearch("marker", true);
  EXPECT_EQ(r.parsed_query, "FUZZY(marker~1: market)");
  EXPECT_EQ(r.total_hits, 3);
}

TEST_F(FuzzySearchTest, SpellingVariantsAlwaysExpandAtFullWeight) {
  Add("a", "المسؤول", {});
  Add("b", "المسئول", {});
  Add("c", "المسئول", {});
  // المسئول is the more frequent spelling, yet المسؤول is found: a variant.
  SearchResult r = MustSearch("المسئول", true);
  EXPECT_EQ(r.total_hits, 3);
  EXPECT_TRUE(absl::StrContains(r.parsed_query, ": المسؤول)")) << r.parsed_query;
  // Even a 4-letter word (0 edits) matches its variants.
  Add("d", "سؤال", {});
  Add("e", "سئال", {});
  r = MustSearch("سئال", true);
  EXPECT_EQ(r.total_hits, 2);
}

TEST_F(FuzzySearchTest, ExpansionsAreCappedFewestEditsThenMostFrequent) {
  // 40 one-letter insertions of "qwert" (Latin is not stemmed).
  const std::string extra = "abcdefghijklmnopqrstuvwxyz0123456789ABCD";
  for (size_t i = 0; i < 40; ++i) {
    std::string word = absl::StrCat("qwert", std::string(1, extra[i]));
    if (i >= 36) word = absl::StrCat("qwert", std::string(1, 'a' + static_cast<char>(i - 36)), "z");
    for (size_t n = 0; n <= i % 3; ++n) Add(absl::StrCat(word, n), word, {});
  }
  SearchRequest req;
  req.query = "qwert";
  req.typo.enabled = true;
  absl::StatusOr<SearchResult> r = Search(index_.reader(), req);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(absl::StartsWith(r->parsed_query, "FUZZY(qwert~1: the 32 closest of "))
      << r->parsed_query;
  req.typo.max_expansions = 3;
  r = Search(index_.reader(), req);
  ASSERT_TRUE(r.ok()) << r.status();
  // Three with 3 documents each, in byte order among equals.
  EXPECT_EQ(r->parsed_query, "FUZZY(qwert~1: the 3 closest of 36 terms: qwert0, qwert3, qwert6)")
      << r->parsed_query;
}

TEST_F(FuzzySearchTest, TyposAreNotAppliedToPhrasesExclusionsStopwordsOrNumbers) {
  Add("a", "الرقاقات 2025 هواوي", {"الذكاء الاصطناعي"});
  // A quoted phrase stays exact; its words beside it too.
  SearchResult r = MustSearch("\"الذكاء الاصطناعى\"", true);
  EXPECT_FALSE(absl::StrContains(r.parsed_query, "FUZZY")) << r.parsed_query;
  // An exclusion excludes what was typed, not its neighbours.
  r = MustSearch("هواوي -الرقاقت", true);
  EXPECT_EQ(r.total_hits, 1);
  EXPECT_EQ(r.parsed_query, "AND_NOT(FUZZY(هواوي[هواو]~1: no terms), الرقاقت[رقاقت])");
  // Numbers and stopwords are left alone.
  r = MustSearch("2026 في", true);
  EXPECT_FALSE(absl::StrContains(r.parsed_query, "FUZZY")) << r.parsed_query;
}

TEST_F(FuzzySearchTest, FrequentWordsAndWordsPastTheCapStayExact) {
  for (int i = 0; i < 3; ++i) Add(absl::StrCat("r", i), "marker", {});
  for (int i = 0; i < 5; ++i) Add(absl::StrCat("t", i), "market", {});
  SearchRequest req;
  req.query = "marker";
  req.typo.enabled = true;
  EXPECT_EQ(Search(index_.reader(), req)->parsed_query, "FUZZY(marker~1: market)");
  req.typo.max_word_doc_freq = 2;  // marker is in 3: taken as spelled right
  EXPECT_EQ(Search(index_.reader(), req)->parsed_query, "marker");
  req.query = "markr markt";
  req.typo.max_words = 1;
  EXPECT_EQ(Search(index_.reader(), req)->parsed_query, "OR(FUZZY(markr~1: marker), markt)");
  // `word~` expands past the cap.
  req.query = "markr markt~";
  EXPECT_EQ(Search(index_.reader(), req)->parsed_query,
            "OR(FUZZY(markr~1: marker), FUZZY(markt~1: market))");
}

TEST_F(FuzzySearchTest, TheFirstLetterAfterTheArticleMustMatch) {
  Add("a", "الزيتون", {});
  auto forms = [&](absl::string_view word) {
    std::vector<std::string> out;
    for (const FuzzyCandidate& c : FindFuzzyTerms(index_.reader(), word, 1)) out.push_back(c.term);
    return out;
  };
  EXPECT_EQ(forms("الزيتوون"), std::vector<std::string>{"الزيتون"});
  EXPECT_EQ(forms("والزيتوون"), std::vector<std::string>{});  // وال is kept as typed
  EXPECT_EQ(forms("الذيتون"), std::vector<std::string>{});    // ز is the first letter
  EXPECT_EQ(forms("زيتون"), std::vector<std::string>{});
  // The stems dictionary has no articles: زيتون -> زيت.
  std::vector<std::string> stems;
  for (const FuzzyCandidate& c : FindFuzzyTerms(index_.reader(), "زيتن", 1, FuzzyDictionary::kStems)) {
    stems.push_back(c.term);
  }
  EXPECT_EQ(stems, std::vector<std::string>{"زيت"});
}

// A word's expansions count once per document: an article with three
// near-misspellings is not three times as relevant.
TEST_F(FuzzySearchTest, ExpansionsCountOnceThroughTheBestOfThem) {
  Add("many", "markes markex markez", {});
  Add("one", "marked", {});
  const Bm25Options bm25;
  const ScoringContext ctx(index_.reader(), bm25);
  auto term = [&](const char* t) {
    return std::make_unique<TermIterator>(ctx, t, 1.0, FieldScope::kAll);
  };
  std::vector<DocIteratorPtr> children;
  for (const char* t : {"markes", "markex", "markez", "marked"}) children.push_back(term(t));
  BestOfIterator best(std::move(children));
  auto alone = term("markes");
  ASSERT_EQ(best.doc(), 0u);
  EXPECT_DOUBLE_EQ(best.Score(), alone->Score());
  EXPECT_DOUBLE_EQ(best.Explain().value, best.Score());
  EXPECT_EQ(best.Explain().details.size(), 3u);
  EXPECT_EQ(best.Next(), 1u);
  EXPECT_EQ(best.Next(), kNoMoreDocs);

  SearchRequest req;
  req.query = "markeq";
  req.typo.enabled = true;
  req.explain = true;
  absl::StatusOr<SearchResult> r = Search(index_.reader(), req);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->hits.size(), 2u);
  EXPECT_TRUE(absl::StrContains(r->hits[0].explanation.DebugString(), "max of the matching"))
      << r->hits[0].explanation.DebugString();
}

TEST(FuzzyParseTest, TildeAfterAWordIsFuzzyAndAfterAPhraseIsProximity) {
  const analysis::Analyzer analyzer;
  auto parse = [&](absl::string_view q) {
    absl::StatusOr<Query> r = ParseQuery(q, analyzer, {});
    return r.ok() ? (*r)->DebugString() : absl::StrCat("ERROR: ", r.status().message());
  };
  EXPECT_EQ(parse("الرقاقت~"), "FUZZY(الرقاقت[رقاقت]~)");
  EXPECT_EQ(parse("الرقاقت~1 هواوي"), "OR(FUZZY(الرقاقت[رقاقت]~1), هواوي[هواو])");
  EXPECT_EQ(parse("مسئول~0"), "FUZZY(مسئول~0)");
  EXPECT_EQ(parse("\"هواوي الصين\"~5"), "NEAR/5(هواو صين)");
  EXPECT_TRUE(absl::StartsWith(parse("الرقاقت~3"),
                               "ERROR: '~3' after a word allows too many typos at character 8"))
      << parse("الرقاقت~3");
  EXPECT_TRUE(absl::StrContains(parse("رقاق*~"), "both a prefix and fuzzy")) << parse("رقاق*~");
  // In plain syntax '~' is punctuation.
  ParseOptions plain;
  plain.syntax = QuerySyntax::kPlain;
  absl::StatusOr<Query> r = ParseQuery("الرقاقت~", analyzer, plain);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)->DebugString(), "الرقاقت[رقاقت]");
}

}  // namespace
}  // namespace khabar::search
