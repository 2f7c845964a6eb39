// WordIterator against what it replaces in a conjunction: an OrIterator of
// the stem and its exact forms, each form needing the stem. Same documents,
// same scores to the last bit, same bounds, alone and under an AND, on an
// index of two segments with and without deletions.
#include "query_service/search/word_iterator.h"

#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "query_service/index/inverted_index.h"
#include "query_service/search/boolean_iterators.h"

namespace khabar::search {
namespace {

class WordIteratorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    index::MergePolicy two_segments;
    two_segments.background = false;  // too few segments to merge: tombstones stay
    index_ = std::make_unique<index::InvertedIndex>(&analyzer_, index::IndexLimits{},
                                                    index::NearDuplicateOptions{}, two_segments);
    std::mt19937 rng(7);
    // Forms of the stems قطر and غز, and two other words, with their
    // probabilities in a body; a title holds one of them at times.
    const std::vector<std::pair<std::string, double>> words = {
        {"قطر", 0.4}, {"وقطر", 0.2}, {"بقطر", 0.05}, {"غزة", 0.3},
        {"لغزة", 0.1}, {"سلام", 0.6}, {"حرب", 0.1}};
    std::uniform_int_distribution<size_t> pick(0, words.size() - 1);
    std::bernoulli_distribution titled(0.3);
    for (int i = 0; i < kDocs; ++i) {
      std::string body = "نص";
      for (const auto& [w, p] : words) {
        const int times = std::binomial_distribution<int>(3, p)(rng);
        for (int t = 0; t < times; ++t) body += " " + w;
      }
      index::Document d;
      d.id = std::to_string(i);
      d.title = titled(rng) ? words[pick(rng)].first : "عنوان";
      d.paragraphs = {body};
      ASSERT_TRUE(index_->Upsert(std::move(d)).ok());
      if (i == kDocs / 2) index_->reader();  // the first segment
    }
  }

  // The stem and its forms' exact keys, at the weights the searcher gives.
  struct Word {
    std::string stem;
    std::vector<std::string> forms;
  };
  std::unique_ptr<WordIterator> MakeWord(const ScoringContext& ctx, const Word& w,
                                         FieldScope scope) {
    WordIterator::Forms forms;
    for (const std::string& f : w.forms) {
      forms.push_back(std::make_unique<TermIterator>(ctx, index::ExactKey(f), 0.3, scope));
    }
    return std::make_unique<WordIterator>(std::make_unique<TermIterator>(ctx, w.stem, 1.0, scope),
                                          std::move(forms));
  }
  std::unique_ptr<OrIterator> MakeOr(const ScoringContext& ctx, const Word& w, FieldScope scope) {
    std::vector<DocIteratorPtr> its;
    its.push_back(std::make_unique<TermIterator>(ctx, w.stem, 1.0, scope));
    OrIterator::Requirements needs = {{-1, -1}};
    std::vector<double> ratios = {0};
    const double stem_weight = static_cast<TermIterator&>(*its[0]).weight();
    for (const std::string& f : w.forms) {
      its.push_back(std::make_unique<TermIterator>(ctx, index::ExactKey(f), 0.3, scope));
      needs.push_back({0, -1});
      ratios.push_back(static_cast<TermIterator&>(*its.back()).weight() / stem_weight);
    }
    auto o = std::make_unique<OrIterator>(std::move(its), std::move(needs));
    o->SetScoreRatios(std::move(ratios));
    return o;
  }

  static constexpr int kDocs = 2000;
  analysis::Analyzer analyzer_;
  std::unique_ptr<index::InvertedIndex> index_;
  Bm25Options bm25_;
};

TEST_F(WordIteratorTest, ScoresAndBoundsAsTheOrOfTheStemAndItsForms) {
  const std::vector<Word> words = {
      {"قطر", {"قطر", "وقطر", "بقطر"}}, {"غز", {"غزه"}}, {"غز", {"غائبه"}}};
  for (int round = 0; round < 2; ++round) {
    SCOPED_TRACE(round == 0 ? "all live" : "with deletions");
    if (round == 1) {
      for (int i = 0; i < kDocs; i += 5) index_->Delete(std::to_string(i));
    }
    ScoringContext ctx(index_->reader(), bm25_);
    for (const Word& w : words) {
      for (FieldScope scope : {FieldScope::kAll, FieldScope::kTitle}) {
        SCOPED_TRACE(w.stem + (scope == FieldScope::kAll ? "" : " in titles"));
        auto word = MakeWord(ctx, w, scope);
        auto want = MakeOr(ctx, w, scope);
        EXPECT_EQ(word->Driver(), word->stem());
        EXPECT_EQ(word->Cost(), want->Cost());
        EXPECT_EQ(word->KnownMatches().at_least, want->KnownMatches().at_least);
        EXPECT_TRUE(word->KnownMatches().exact);
        EXPECT_EQ(word->MaxScore(), want->MaxScore());
        for (size_t k : {1, 10, 100}) EXPECT_EQ(word->ScoreFloor(k), want->ScoreFloor(k)) << k;
        int matches = 0;
        for (DocId d = want->doc(); d != kNoMoreDocs; d = want->Next(), word->Next()) {
          ASSERT_EQ(word->doc(), d);
          EXPECT_EQ(word->BlockEnd(d), want->BlockEnd(d));
          EXPECT_EQ(word->MaxScoreIn(d, d + 300), want->MaxScoreIn(d, d + 300));
          EXPECT_EQ(word->ScoreBound(), want->ScoreBound()) << d;
          EXPECT_EQ(word->Score(), want->Score()) << d;  // the same sum, in the same order
          EXPECT_GE(word->ScoreBound(), word->Score()) << d;
          EXPECT_EQ(word->Explain().value, word->Score()) << d;
          ++matches;
        }
        EXPECT_EQ(word->doc(), kNoMoreDocs);
        EXPECT_EQ(matches, word->KnownMatches().at_least);
        EXPECT_GT(matches, 10);
      }
    }
  }
}

// Under an AND, leapfrogging on the stems (the drivers) and advancing to
// targets between matches, the word finds the documents and scores the OR
// found.
TEST_F(WordIteratorTest, InAConjunctionMatchesTheOrItReplaces) {
  const Word qatar = {"قطر", {"قطر", "وقطر"}}, gaza = {"غز", {"لغزه"}};
  std::mt19937 rng(3);
  std::uniform_int_distribution<DocId> step(1, 40);
  for (int round = 0; round < 2; ++round) {
    SCOPED_TRACE(round == 0 ? "all live" : "with deletions");
    if (round == 1) {
      for (int i = 0; i < kDocs; i += 3) index_->Delete(std::to_string(i));
    }
    ScoringContext ctx(index_->reader(), bm25_);
    for (FieldScope gaza_scope : {FieldScope::kAll, FieldScope::kBody}) {
      auto make = [&](bool words) {
        std::vector<DocIteratorPtr> v;
        if (words) {
          v.push_back(MakeWord(ctx, qatar, FieldScope::kAll));
          v.push_back(MakeWord(ctx, gaza, gaza_scope));
        } else {
          v.push_back(MakeOr(ctx, qatar, FieldScope::kAll));
          v.push_back(MakeOr(ctx, gaza, gaza_scope));
        }
        v.push_back(std::make_unique<TermIterator>(ctx, "سلام", 1.0, FieldScope::kAll));
        return std::make_unique<AndIterator>(std::move(v));
      };
      auto got = make(true), want = make(false);
      int matches = 0;
      for (DocId d = want->doc(); d != kNoMoreDocs; d = want->Next(), got->Next()) {
        ASSERT_EQ(got->doc(), d);
        EXPECT_EQ(got->Score(), want->Score()) << d;
        ++matches;
      }
      EXPECT_EQ(got->doc(), kNoMoreDocs);
      EXPECT_GT(matches, 20);
      auto jumping = make(true), walking = make(false);
      for (DocId target = 0; target < kDocs + 10; target += step(rng)) {
        const DocId d = jumping->Advance(target);
        ASSERT_EQ(d, walking->Advance(target)) << target;
        if (d == kNoMoreDocs) break;
        EXPECT_EQ(jumping->Score(), walking->Score()) << d;
      }
    }
  }
}

}  // namespace
}  // namespace khabar::search
