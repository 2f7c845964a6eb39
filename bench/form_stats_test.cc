#include "bench/form_stats.h"

#include <iterator>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "query_service/analysis/analyzer.h"
#include "query_service/index/inverted_index.h"

namespace khabar::bench {
namespace {

index::Document Doc(std::string id, std::string body) {
  index::Document d;
  d.id = std::move(id);
  d.paragraphs = {std::move(body)};
  return d;
}

TEST(FormStatsTest, CountsWholeAndMixedPostingsAndTheNumbersTheyWouldTake) {
  analysis::Analyzer analyzer;
  index::InvertedIndex index(&analyzer);
  // One stem (كتاب), two forms: a uses one form, b both, c the other.
  ASSERT_TRUE(index.Upsert(Doc("a", "الكتاب الكتاب")).ok());
  ASSERT_TRUE(index.Upsert(Doc("b", "الكتاب كتاب")).ok());
  ASSERT_TRUE(index.Upsert(Doc("c", "كتاب")).ok());
  const FormStats s = CountFormStats(*index.Publish());
  EXPECT_EQ(s.stems, 1);
  EXPECT_EQ(s.stem_postings, 3);
  EXPECT_EQ(s.exact_lists, 2);
  EXPECT_EQ(s.exact_postings, 4);
  EXPECT_EQ(s.exact_whole, 2);  // a's الكتاب, c's كتاب; b's two are mixed
  ASSERT_EQ(s.densities.size(), std::size(kFormStatsThresholds));
  for (const FormStats::Density& d : s.densities) {
    SCOPED_TRACE(d.threshold);
    // Both forms are in 2 of the stem's 3 documents: dense at every T >= 2.
    EXPECT_EQ(d.dense_forms, 2);
    EXPECT_EQ(d.known, 2);
    EXPECT_EQ(d.left, 2);
    // One block: numbers 0, 2 (escape: b) and 1, two bits each.
    EXPECT_EQ(d.number_bits, 6);
  }
}

TEST(FormStatsTest, ARareFormIsLeftInItsList) {
  analysis::Analyzer analyzer;
  index::InvertedIndex index(&analyzer);
  // كتاب in 8 documents as كتاب, once more as الكتاب: الكتاب is 1/9 of
  // the stem, dense at T = 16 and up, not at 4 or 8.
  for (int i = 0; i < 8; ++i) ASSERT_TRUE(index.Upsert(Doc(std::to_string(i), "كتاب")).ok());
  ASSERT_TRUE(index.Upsert(Doc("x", "الكتاب")).ok());
  const FormStats s = CountFormStats(*index.Publish());
  ASSERT_EQ(s.exact_postings, 9);
  EXPECT_EQ(s.exact_whole, 9);
  for (const FormStats::Density& d : s.densities) {
    SCOPED_TRACE(d.threshold);
    const bool rare_is_dense = d.threshold >= 16;
    EXPECT_EQ(d.dense_forms, rare_is_dense ? 2 : 1);
    EXPECT_EQ(d.known, rare_is_dense ? 9 : 8);
    EXPECT_EQ(d.left, rare_is_dense ? 0 : 1);
    // Numbers 0 (كتاب) and 1 (الكتاب, or the escape): one bit each.
    EXPECT_EQ(d.number_bits, 9);
  }
}

}  // namespace
}  // namespace khabar::bench
