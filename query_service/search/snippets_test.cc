#include "query_service/search/snippets.h"

#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "common/base/utf8.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace khabar::search {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;

// The query's words as the engine passes them (weight 1 each).
std::vector<HighlightTerm> Terms(const analysis::Analyzer& analyzer, absl::string_view query) {
  std::vector<HighlightTerm> terms;
  for (const analysis::Token& t : analyzer.Analyze(query)) {
    terms.push_back({std::string(t.stem()), t.term, 1.0, false, t.stopword});
  }
  return terms;
}

index::Document Doc(std::string title, std::vector<std::string> paragraphs) {
  index::Document d;
  d.id = "d";
  d.title = std::move(title);
  d.paragraphs = std::move(paragraphs);
  return d;
}

std::string Slice(absl::string_view text, const Highlight& h) {
  return std::string(text.substr(h.byte_begin, h.byte_end - h.byte_begin));
}

std::vector<std::string> Slices(const Snippet& s) {
  std::vector<std::string> out;
  for (const Highlight& h : s.highlights) out.push_back(Slice(s.text, h));
  return out;
}

// UTF-16 length computed independently of Utf16Length: decode, count units.
int32_t Utf16Units(absl::string_view text) {
  int32_t units = 0;
  size_t pos = 0;
  while (pos < text.size()) units += base::DecodeUtf8(text, &pos) > 0xFFFF ? 2 : 1;
  return units;
}

class SnippetsTest : public ::testing::Test {
 protected:
  DocumentHighlights Run(const index::Document& doc, absl::string_view query,
                         SnippetOptions options = {}) {
    return MakeSnippets(analyzer_, doc, Terms(analyzer_, query), options);
  }
  // The highlighted words of the one snippet of a one-paragraph document.
  std::vector<std::string> Highlighted(absl::string_view paragraph, absl::string_view query) {
    DocumentHighlights h = Run(Doc("", {std::string(paragraph)}), query);
    EXPECT_THAT(h.snippets, SizeIs(1));
    if (h.snippets.empty()) return {};
    return Slices(h.snippets[0]);
  }

  analysis::Analyzer analyzer_;
};

TEST_F(SnippetsTest, DiacriticsStayInsideTheHighlight) {
  EXPECT_THAT(Highlighted("أعلنت الشركة عن الرُّقاقات الجديدة", "الرقاقات"),
              ElementsAre("الرُّقاقات"));
  DocumentHighlights h = Run(Doc("", {"أعلنت الشركة عن الرُّقاقات الجديدة"}), "الرقاقات");
  EXPECT_TRUE(h.snippets[0].highlights[0].exact);  // diacritics do not change the exact form
}

TEST_F(SnippetsTest, TatweelStaysInsideTheHighlight) {
  EXPECT_THAT(Highlighted("أطلقت هـــواوي هاتفا جديدا", "هواوي"), ElementsAre("هـــواوي"));
}

TEST_F(SnippetsTest, CliticsAreHighlightedWithTheirWord) {
  DocumentHighlights h = Run(Doc("", {"استثمارات ضخمة وللرقائق نصيب منها"}), "الرقائق");
  ASSERT_THAT(h.snippets, SizeIs(1));
  EXPECT_THAT(Slices(h.snippets[0]), ElementsAre("وللرقائق"));
  EXPECT_FALSE(h.snippets[0].highlights[0].exact);  // a stem match, not the typed word
}

TEST_F(SnippetsTest, LatinTokens) {
  EXPECT_THAT(Highlighted("رقاقات H20 وB200 من Nvidia", "B200"), ElementsAre("وB200"));
  EXPECT_THAT(Highlighted("رقاقات H20 وB200 من Nvidia", "h20 nvidia"),
              ElementsAre("H20", "Nvidia"));
}

TEST_F(SnippetsTest, ArabicIndicAndAsciiDigitsMatchEachOther) {
  EXPECT_THAT(Highlighted("ارتفعت المبيعات في عام ٢٠٢٢ بشدة", "2022"), ElementsAre("٢٠٢٢"));
  EXPECT_THAT(Highlighted("ارتفعت المبيعات في عام 2022 بشدة", "٢٠٢٢"), ElementsAre("2022"));
}

TEST_F(SnippetsTest, MatchesAtTheVeryStartAndEndOfAParagraph) {
  const std::string p = "إنفيديا تعلن نتائجها وتتفوق على منافستها إنفيديا.";
  DocumentHighlights h = Run(Doc("", {p}), "إنفيديا");
  ASSERT_THAT(h.snippets, SizeIs(1));
  const Snippet& s = h.snippets[0];
  EXPECT_EQ(s.text, p);  // short paragraph: whole, final period included
  EXPECT_FALSE(s.truncated_start);
  EXPECT_FALSE(s.truncated_end);
  ASSERT_THAT(s.highlights, SizeIs(2));
  EXPECT_EQ(s.highlights[0].byte_begin, 0);
  EXPECT_EQ(s.highlights[0].utf16_begin, 0);
  EXPECT_EQ(static_cast<size_t>(s.highlights[1].byte_end), p.size() - 1);  // before the "."
  EXPECT_EQ(s.highlights[1].utf16_end, Utf16Units(p) - 1);
  EXPECT_EQ(s.field, SnippetField::kBody);
  EXPECT_EQ(s.paragraph, 0);
}

TEST_F(SnippetsTest, LongParagraphIsCutAtWordsOnBothSides) {
  std::vector<std::string> words;
  for (int i = 0; i < 60; ++i) words.push_back(absl::StrCat("كلمة", i % 2 == 0 ? "" : "،"));
  words[30] = "«الذكاءِ";
  const std::string p = absl::StrJoin(words, " ");
  SnippetOptions options;
  options.snippet_words = 10;
  DocumentHighlights h = Run(Doc("", {p}), "الذكاء", options);
  ASSERT_THAT(h.snippets, SizeIs(1));
  const Snippet& s = h.snippets[0];
  EXPECT_TRUE(s.truncated_start);
  EXPECT_TRUE(s.truncated_end);
  EXPECT_NE(p.find(s.text), std::string::npos);
  EXPECT_NE(s.text.front(), ' ');
  EXPECT_NE(s.text.back(), ' ');
  EXPECT_EQ(s.text.find("  "), std::string::npos);
  EXPECT_EQ(std::count(s.text.begin(), s.text.end(), ' ') + 1, 10);  // 10 words
  EXPECT_THAT(Slices(s), ElementsAre("الذكاءِ"));  // the guillemet is in the text, not the highlight
  EXPECT_NE(s.text.find("«الذكاءِ"), std::string::npos);
  // Centred: about as many words before the match as after it.
  const size_t before = std::count(s.text.begin(), s.text.begin() + s.highlights[0].byte_begin, ' ');
  EXPECT_GE(before, 3u);
  EXPECT_LE(before, 6u);
}

TEST_F(SnippetsTest, TrailingPunctuationIsKeptWithTheLastWord) {
  std::vector<std::string> words(40, "خبر،");
  words[0] = "إنفيديا";
  SnippetOptions options;
  options.snippet_words = 5;
  DocumentHighlights h = Run(Doc("", {absl::StrJoin(words, " ")}), "إنفيديا", options);
  ASSERT_THAT(h.snippets, SizeIs(1));
  EXPECT_EQ(h.snippets[0].text, "إنفيديا خبر، خبر، خبر، خبر،");
  EXPECT_FALSE(h.snippets[0].truncated_start);
  EXPECT_TRUE(h.snippets[0].truncated_end);
}

TEST_F(SnippetsTest, PrefersThePassageWithMoreDistinctTerms) {
  index::Document doc = Doc("", {"الصين تنافس في كل المجالات", "عن الطقس", "إنفيديا تبيع رقائق إلى الصين"});
  DocumentHighlights h = Run(doc, "رقائق الصين");
  ASSERT_THAT(h.snippets, SizeIs(1));
  EXPECT_EQ(h.snippets[0].paragraph, 2);
  EXPECT_THAT(Slices(h.snippets[0]), ElementsAre("رقائق", "الصين"));
}

TEST_F(SnippetsTest, WeightsPreferTheRarerTerm) {
  index::Document doc = Doc("", {"الصين الصين الصين", "إنفيديا"});
  std::vector<HighlightTerm> terms = Terms(analyzer_, "الصين إنفيديا");
  terms[1].weight = 5;  // إنفيديا is rare
  DocumentHighlights h = MakeSnippets(analyzer_, doc, terms, {});
  ASSERT_THAT(h.snippets, SizeIs(1));
  EXPECT_EQ(h.snippets[0].paragraph, 1);
  // With equal weights, more matches win.
  h = Run(doc, "الصين إنفيديا");
  EXPECT_EQ(h.snippets[0].paragraph, 0);
}

TEST_F(SnippetsTest, TiesGoToTheLead) {
  index::Document doc = Doc("", {"تقرير عن إنفيديا", "إنفيديا مرة أخرى"});
  DocumentHighlights h = Run(doc, "إنفيديا");
  ASSERT_THAT(h.snippets, SizeIs(1));
  EXPECT_EQ(h.snippets[0].paragraph, 0);
}

TEST_F(SnippetsTest, SeveralSnippetsDoNotOverlapAndComeInDocumentOrder) {
  std::vector<std::string> words(200, "كلام");
  for (int at : {10, 100, 180}) words[at] = "إنفيديا";
  SnippetOptions options;
  options.max_snippets = 5;
  options.snippet_words = 20;
  const std::string p = absl::StrJoin(words, " ");
  DocumentHighlights h = Run(Doc("", {p, "إنفيديا والصين"}), "إنفيديا الصين", options);
  ASSERT_THAT(h.snippets, SizeIs(4));
  EXPECT_EQ(h.snippets[3].paragraph, 1);
  size_t last_end = 0;
  for (int i = 0; i < 3; ++i) {
    const Snippet& s = h.snippets[i];
    EXPECT_EQ(s.paragraph, 0);
    ASSERT_THAT(s.highlights, SizeIs(1));
    // Locate by the highlight: each passage is centred on a different match.
    const size_t at = p.find(s.text, last_end);
    ASSERT_NE(at, std::string::npos) << i;
    EXPECT_GE(at, last_end);
    last_end = at + s.text.size();
  }
}

TEST_F(SnippetsTest, NearbyMatchesShareOnePassage) {
  std::vector<std::string> words(100, "كلام");
  words[50] = "إنفيديا";
  words[53] = "إنفيديا";
  SnippetOptions options;
  options.max_snippets = 3;
  DocumentHighlights h = Run(Doc("", {absl::StrJoin(words, " ")}), "إنفيديا", options);
  ASSERT_THAT(h.snippets, SizeIs(1));
  EXPECT_THAT(h.snippets[0].highlights, SizeIs(2));
}

TEST_F(SnippetsTest, TitleHighlightsAndLeadWhenOnlyTheTitleMatches) {
  index::Document doc = Doc("إنفيديا تعلن أرباحها", {"قالت الشركة اليوم إن الأرباح ارتفعت.", "ثانيا"});
  DocumentHighlights h = Run(doc, "إنفيديا");
  ASSERT_THAT(h.title_highlights, SizeIs(1));
  EXPECT_EQ(Slice(doc.title, h.title_highlights[0]), "إنفيديا");
  ASSERT_THAT(h.snippets, SizeIs(1));
  EXPECT_EQ(h.snippets[0].text, doc.paragraphs[0]);
  EXPECT_THAT(h.snippets[0].highlights, IsEmpty());
}

TEST_F(SnippetsTest, TitleIsTheSnippetOfADocumentWithoutBody) {
  index::Document doc = Doc("إنفيديا تعلن أرباحها", {});
  DocumentHighlights h = Run(doc, "أرباح");
  ASSERT_THAT(h.snippets, SizeIs(1));
  EXPECT_EQ(h.snippets[0].field, SnippetField::kTitle);
  EXPECT_EQ(h.snippets[0].text, doc.title);
  EXPECT_THAT(Slices(h.snippets[0]), ElementsAre("أرباحها"));
}

TEST_F(SnippetsTest, ZeroSnippetsStillHighlightsTheTitle) {
  SnippetOptions options;
  options.max_snippets = 0;
  DocumentHighlights h = Run(Doc("إنفيديا", {"إنفيديا"}), "إنفيديا", options);
  EXPECT_THAT(h.snippets, IsEmpty());
  EXPECT_THAT(h.title_highlights, SizeIs(1));
}

TEST_F(SnippetsTest, StopwordsAreHighlightedOnlyWhenTheQueryHasNothingElse) {
  EXPECT_THAT(Highlighted("الرقائق في الصين", "في الصين"), ElementsAre("الصين"));
  EXPECT_THAT(Highlighted("الرقائق في الصين", "في"), ElementsAre("في"));
}

TEST_F(SnippetsTest, PhraseWordsMatchTheirExactFormOnly) {
  std::vector<HighlightTerm> terms = Terms(analyzer_, "الرقائق");
  terms[0].phrase_part = true;
  DocumentHighlights h = MakeSnippets(analyzer_, Doc("", {"وللرقائق ثم الرقائق"}), terms, {});
  ASSERT_THAT(h.snippets, SizeIs(1));
  EXPECT_THAT(Slices(h.snippets[0]), ElementsAre("الرقائق"));
}

TEST_F(SnippetsTest, Utf16OffsetsCountSurrogatePairs) {
  const std::string p = "😀 خبر عن إنفيديا";
  DocumentHighlights h = Run(Doc("", {p}), "إنفيديا");
  ASSERT_THAT(h.snippets[0].highlights, SizeIs(1));
  const Highlight& hl = h.snippets[0].highlights[0];
  EXPECT_EQ(hl.utf16_begin, 2 + 1 + 3 + 1 + 2 + 1);  // emoji is 2 units
  EXPECT_EQ(hl.utf16_end, hl.utf16_begin + 7);
}

TEST_F(SnippetsTest, TagsProduceMarkedTextAndOffsetsReferToThePlainText) {
  SnippetOptions options;
  options.pre_tag = "<mark>";
  options.post_tag = "</mark>";
  DocumentHighlights h = Run(Doc("", {"أعلنت إنفيديا و«إنفيديا» خبرا"}), "إنفيديا", options);
  ASSERT_THAT(h.snippets, SizeIs(1));
  EXPECT_EQ(h.snippets[0].text, "أعلنت إنفيديا و«إنفيديا» خبرا");
  EXPECT_EQ(h.snippets[0].marked_text,
            "أعلنت <mark>إنفيديا</mark> و«<mark>إنفيديا</mark>» خبرا");
  // Without tags there is no marked text.
  h = Run(Doc("", {"أعلنت إنفيديا"}), "إنفيديا");
  EXPECT_EQ(h.snippets[0].marked_text, "");
}

TEST_F(SnippetsTest, ScanBudgetBoundsTheWork) {
  const std::string filler = absl::StrJoin(std::vector<std::string>(100, "كلام"), " ");
  index::Document doc = Doc("", {filler, filler, "إنفيديا في آخر المقال"});
  SnippetOptions options;
  options.max_scan_bytes = filler.size() + 10;  // the third paragraph is beyond it
  DocumentHighlights h = Run(doc, "إنفيديا", options);
  ASSERT_THAT(h.snippets, SizeIs(1));
  EXPECT_THAT(h.snippets[0].highlights, IsEmpty());  // the lead instead
  EXPECT_EQ(h.snippets[0].paragraph, 0);
  options.max_scan_bytes = 64 * 1024;
  h = Run(doc, "إنفيديا", options);
  EXPECT_EQ(h.snippets[0].paragraph, 2);
}

TEST_F(SnippetsTest, TitleHasItsOwnScanBudget) {
  const std::string filler = absl::StrJoin(std::vector<std::string>(100, "كلام"), " ");
  index::Document doc = Doc(absl::StrCat("إنفيديا ", filler, " إنفيديا"), {"نص"});
  SnippetOptions options;
  options.max_scan_bytes = 100;
  DocumentHighlights h = Run(doc, "إنفيديا", options);
  ASSERT_THAT(h.title_highlights, SizeIs(1));  // the second one is beyond the budget
  EXPECT_EQ(h.title_highlights[0].byte_begin, 0);
  EXPECT_THAT(Run(doc, "إنفيديا").title_highlights, SizeIs(2));
}

TEST_F(SnippetsTest, AWordCutByTheScanBudgetIsNotMatched) {
  // "إنفيديات" cut after "إنفيديا" must not look like a match.
  const std::string p = "خبر إنفيديات";
  SnippetOptions options;
  options.max_scan_bytes = p.size() - 2;
  DocumentHighlights h = Run(Doc("", {p}), "إنفيديا", options);
  ASSERT_THAT(h.snippets, SizeIs(1));
  EXPECT_THAT(h.snippets[0].highlights, IsEmpty());
  EXPECT_TRUE(h.snippets[0].truncated_end);
}

TEST(SnippetOptionsTest, ValidationNamesTheField) {
  SnippetOptions o;
  EXPECT_TRUE(ValidateSnippetOptions(o).ok());
  o.max_snippets = 6;
  EXPECT_THAT(std::string(ValidateSnippetOptions(o).message()),
              ::testing::HasSubstr("highlight.max_snippets"));
  o = {};
  o.max_snippets = -1;
  EXPECT_EQ(ValidateSnippetOptions(o).code(), absl::StatusCode::kInvalidArgument);
  o = {};
  o.snippet_words = 101;
  EXPECT_THAT(std::string(ValidateSnippetOptions(o).message()),
              ::testing::HasSubstr("highlight.snippet_words"));
  o = {};
  o.pre_tag = std::string(65, 'x');
  EXPECT_THAT(std::string(ValidateSnippetOptions(o).message()),
              ::testing::HasSubstr("highlight.pre_tag"));
  o = {};
  o.post_tag = std::string(65, 'x');
  EXPECT_THAT(std::string(ValidateSnippetOptions(o).message()),
              ::testing::HasSubstr("highlight.post_tag"));
  o.post_tag = std::string(64, 'x');
  o.snippet_words = 100;
  o.max_snippets = 5;
  EXPECT_TRUE(ValidateSnippetOptions(o).ok());
}

// For random texts and queries: highlights slice the passage at UTF-8
// boundaries, UTF-16 offsets agree with byte offsets, every highlighted word
// analyzes to a query term, passages are substrings of their paragraph, and
// tags wrap exactly the highlighted words.
TEST_F(SnippetsTest, PropertyHighlightsAreWellFormed) {
  const std::vector<std::string> vocabulary = {
      "إنفيديا", "وإنفيديا", "لإنفيديا", "الرُّقاقات", "رقاقات", "وللرقائق", "الرقائق",
      "هـــواوي", "هواوي", "H20", "وB200", "Nvidia", "٢٠٢٢", "2022", "في", "من",
      "الصين", "بالصين", "الذَّكاءُ", "الاصطناعي", "😀", "،", ".", "«", "»", "(", ")",
      "شركة", "أعلنت", "السوق", "كيلو", "e\u0301t\u00e9", "中国"};
  std::mt19937 rng(20261123);
  auto pick = [&](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); };
  int checked = 0;
  for (int iter = 0; iter < 300; ++iter) {
    std::vector<std::string> paragraphs(1 + pick(4));
    for (std::string& p : paragraphs) {
      const size_t n = 1 + pick(80);
      for (size_t i = 0; i < n; ++i) {
        if (i > 0) p += pick(5) == 0 ? "" : " ";
        p += vocabulary[pick(vocabulary.size())];
      }
    }
    std::string query;
    for (size_t i = 0, n = 1 + pick(3); i < n; ++i) {
      absl::StrAppend(&query, vocabulary[pick(vocabulary.size())], " ");
    }
    const std::vector<HighlightTerm> terms = Terms(analyzer_, query);
    std::set<std::string> stems, exacts;
    for (const HighlightTerm& t : terms) {
      stems.insert(t.stem);
      exacts.insert(t.exact);
    }
    SnippetOptions options;
    options.max_snippets = 1 + pick(5);
    options.snippet_words = 1 + pick(40);
    options.pre_tag = "<b>";
    options.post_tag = "</b>";
    const index::Document doc = Doc(paragraphs[0], paragraphs);
    const DocumentHighlights h = MakeSnippets(analyzer_, doc, terms, options);
    ASSERT_LE(h.snippets.size(), static_cast<size_t>(options.max_snippets));

    auto check = [&](absl::string_view text, const std::vector<Highlight>& highlights) {
      int32_t prev_end = 0;
      for (const Highlight& hl : highlights) {
        SCOPED_TRACE(absl::StrCat("text: ", text, " query: ", query));
        ASSERT_LE(prev_end, hl.byte_begin);
        ASSERT_LT(hl.byte_begin, hl.byte_end);
        ASSERT_LE(static_cast<size_t>(hl.byte_end), text.size());
        auto boundary = [&](int32_t at) {
          return static_cast<size_t>(at) == text.size() ||
                 (static_cast<unsigned char>(text[at]) & 0xC0) != 0x80;
        };
        EXPECT_TRUE(boundary(hl.byte_begin));
        EXPECT_TRUE(boundary(hl.byte_end));
        EXPECT_EQ(hl.utf16_begin, Utf16Units(text.substr(0, hl.byte_begin)));
        EXPECT_EQ(hl.utf16_end, Utf16Units(text.substr(0, hl.byte_end)));
        const std::vector<analysis::Token> tokens =
            analyzer_.Analyze(text.substr(hl.byte_begin, hl.byte_end - hl.byte_begin));
        ASSERT_THAT(tokens, SizeIs(1));
        EXPECT_TRUE(stems.count(std::string(tokens[0].stem())) == 1 ||
                    exacts.count(tokens[0].term) == 1);
        if (hl.exact) {
          EXPECT_EQ(exacts.count(tokens[0].term), 1u);
        }
        prev_end = hl.byte_end;
        ++checked;
      }
    };
    check(doc.title, h.title_highlights);
    int last_paragraph = -1;
    for (const Snippet& s : h.snippets) {
      if (s.field == SnippetField::kBody) {
        EXPECT_NE(paragraphs[s.paragraph].find(s.text), std::string::npos);
        EXPECT_GE(s.paragraph, last_paragraph);  // document order
        last_paragraph = s.paragraph;
      }
      check(s.text, s.highlights);
      // Tags wrap exactly the highlights; removing them gives the text back.
      std::string expected;
      size_t at = 0;
      for (const Highlight& hl : s.highlights) {
        absl::StrAppend(&expected, s.text.substr(at, hl.byte_begin - at), "<b>",
                        Slice(s.text, hl), "</b>");
        at = hl.byte_end;
      }
      expected += s.text.substr(at);
      EXPECT_EQ(s.marked_text, expected);
      EXPECT_EQ(absl::StrReplaceAll(s.marked_text, {{"<b>", ""}, {"</b>", ""}}), s.text);
    }
  }
  EXPECT_GT(checked, 300);  // the generator does produce matches
}

}  // namespace
}  // namespace khabar::search
