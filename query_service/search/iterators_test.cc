// Iterators on a small hand-built index: matches, Advance semantics, the
// sentinel, phrase and proximity positions, field scoping.
#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "query_service/index/inverted_index.h"
#include "query_service/search/boolean_iterators.h"
#include "query_service/search/positional_iterators.h"
#include "query_service/search/term_iterator.h"

namespace khabar::search {
namespace {

class IteratorsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // doc ids 0..5 in order.
    Add("0", "غزة", {"قطر تتوسط"});
    Add("1", "", {"غزة وقطر والقاهرة"});
    Add("2", "قطر", {"القاهرة"});
    Add("3", "", {"غزة قطر"});
    Add("4", "", {"قطر هنا ثم بعد كلمات كثيرة غزة"});
    Add("5", "", {"غزة"});
    ctx_ = std::make_unique<ScoringContext>(index_.reader(), bm25_);
  }
  void Add(std::string id, std::string title, std::vector<std::string> paragraphs) {
    index::Document d;
    d.id = std::move(id);
    d.title = std::move(title);
    d.paragraphs = std::move(paragraphs);
    ASSERT_TRUE(index_.Upsert(std::move(d)).ok());
  }
  std::unique_ptr<DocIterator> Term(const std::string& stem, FieldScope scope = FieldScope::kAll) {
    return std::make_unique<TermIterator>(*ctx_, stem, 1.0, scope);
  }
  static std::vector<DocId> Drain(DocIterator& it) {
    std::vector<DocId> docs;
    for (DocId d = it.doc(); d != kNoMoreDocs; d = it.Next()) {
      EXPECT_GT(it.Score(), 0) << d;
      EXPECT_NEAR(it.Explain().value, it.Score(), 1e-12);
      docs.push_back(d);
    }
    EXPECT_EQ(it.Next(), kNoMoreDocs);  // stays exhausted
    return docs;
  }
  using Docs = std::vector<DocId>;

  analysis::Analyzer analyzer_;
  index::InvertedIndex index_{&analyzer_};
  Bm25Options bm25_;
  std::unique_ptr<ScoringContext> ctx_;
};

TEST_F(IteratorsTest, TermIteratesLiveDocsAndScopes) {
  auto gaza = Term("غز");
  EXPECT_EQ(gaza->Cost(), 5);
  EXPECT_EQ(Drain(*gaza), (Docs{0, 1, 3, 4, 5}));
  auto title = Term("غز", FieldScope::kTitle);
  EXPECT_EQ(Drain(*title), (Docs{0}));
  auto body = Term("غز", FieldScope::kBody);
  EXPECT_EQ(Drain(*body), (Docs{1, 3, 4, 5}));
  EXPECT_EQ(body->DebugString(), "body:غز");
  auto missing = Term("غائب");
  EXPECT_EQ(missing->doc(), kNoMoreDocs);
  EXPECT_TRUE(index_.Delete("3"));
  ScoringContext ctx(index_.reader(), bm25_);
  TermIterator live(ctx, "غز", 1.0, FieldScope::kAll);
  EXPECT_EQ(Drain(live), (Docs{0, 1, 4, 5}));
}

// What LookUp found is what the index gives, for few keys (compared one by
// one) and many (a hash index), repeated and absent keys included; a key not
// looked up comes from the index.
TEST_F(IteratorsTest, ScoringContextHandsOutWhatLookUpFound) {
  const index::IndexSnapshot& snapshot = index_.reader();
  const std::string gaza = index::ExactKey(analyzer_.Analyze("غزة")[0].term);
  auto same = [](const index::PostingsRef& a, const index::PostingsRef& b) {
    if (a.lists.size() != b.lists.size()) return false;
    for (size_t k = 0; k < a.lists.size(); ++k) {
      if (a.lists[k].blocks != b.lists[k].blocks || a.lists[k].count != b.lists[k].count) {
        return false;
      }
    }
    return true;
  };
  for (const size_t copies : {1, 12}) {
    std::vector<std::string> keys;
    for (size_t c = 0; c < copies; ++c) {
      for (std::string k : {std::string("غز"), std::string("غائب"), gaza}) {
        keys.push_back(std::move(k));
      }
    }
    ScoringContext ctx(snapshot, bm25_);
    ctx.LookUp(keys);
    for (const std::string& k : keys) EXPECT_TRUE(same(ctx.Postings(k), snapshot.Postings(k))) << k;
    EXPECT_FALSE(ctx.Postings("غز").empty());
    EXPECT_TRUE(ctx.Postings("غائب").empty());
    EXPECT_FALSE(ctx.Postings(gaza).empty());
    EXPECT_FALSE(ctx.Postings("قطر").empty());  // not looked up: from the index
    EXPECT_TRUE(same(ctx.Postings("قطر"), snapshot.Postings("قطر")));
  }
}

TEST_F(IteratorsTest, AdvanceNeverMovesBackAndStopsAtTheSentinel) {
  auto gaza = Term("غز");
  EXPECT_EQ(gaza->Advance(2), 3u);
  EXPECT_EQ(gaza->Advance(1), 3u);  // no-op
  EXPECT_EQ(gaza->Advance(3), 3u);
  EXPECT_EQ(gaza->Advance(6), kNoMoreDocs);
  EXPECT_EQ(gaza->Advance(7), kNoMoreDocs);
}

TEST_F(IteratorsTest, BooleanOperators) {
  std::vector<std::unique_ptr<DocIterator>> and_children;
  and_children.push_back(Term("غز"));
  and_children.push_back(Term("قطر"));
  AndIterator both(std::move(and_children));
  EXPECT_EQ(Drain(both), (Docs{0, 1, 3, 4}));

  std::vector<std::unique_ptr<DocIterator>> or_children;
  or_children.push_back(Term("غز"));
  or_children.push_back(Term("قاهر"));
  OrIterator either(std::move(or_children));
  EXPECT_EQ(Drain(either), (Docs{0, 1, 2, 3, 4, 5}));

  std::vector<std::unique_ptr<DocIterator>> two_of;
  two_of.push_back(Term("غز"));
  two_of.push_back(Term("قطر"));
  two_of.push_back(Term("قاهر"));
  OrIterator at_least_two(std::move(two_of), 2);
  EXPECT_EQ(at_least_two.DebugString(), "OR/2(غز, قطر, قاهر)");
  EXPECT_EQ(Drain(at_least_two), (Docs{0, 1, 2, 3, 4}));

  AndNotIterator without(Term("غز"), Term("قطر"));
  EXPECT_EQ(Drain(without), (Docs{5}));

  AndMaybeIterator maybe(Term("قاهر"), Term("غز"));
  const DocId first = maybe.doc();
  EXPECT_EQ(first, 1u);
  AndIterator plain_and = [&] {
    std::vector<std::unique_ptr<DocIterator>> v;
    v.push_back(Term("قاهر"));
    v.push_back(Term("غز"));
    return AndIterator(std::move(v));
  }();
  EXPECT_NEAR(maybe.Score(), plain_and.Score(), 1e-12);  // doc 1 has both
  EXPECT_EQ(maybe.Next(), 2u);
  EXPECT_NEAR(maybe.Score(), Term("قاهر")->Advance(2) == 2u ? [&] {
    auto t = Term("قاهر");
    t->Advance(2);
    return t->Score();
  }() : 0.0, 1e-12);  // doc 2: the required part alone
  EXPECT_EQ(maybe.Next(), kNoMoreDocs);
}

// A conjunction leapfrogs on its children's drivers (a term, or a word's OR
// of its stem and exact form) and brings the children along only where they
// all agree: the documents and scores must be those of each child drained
// alone, intersected. Lists of many blocks, two segments, first all live,
// then with deletions in both (tombstones the drivers must skip: unscoped
// ones meet within their decoded blocks and test where they meet, a
// title-scoped one leapfrogs).
TEST(AndDriversTest, LeapfroggingOnDriversMatchesTheChildrenIntersected) {
  analysis::Analyzer analyzer;
  index::MergePolicy two_segments;
  two_segments.background = false;  // and too few segments to merge: tombstones stay
  index::InvertedIndex index(&analyzer, {}, {}, two_segments);
  std::mt19937 rng(11);
  std::bernoulli_distribution coin(0.5);
  // Word, probability in a body; "وقطر" has the stem of "قطر", not its exact form.
  const std::vector<std::pair<std::string, double>> words = {
      {"قطر", 0.5}, {"وقطر", 0.2}, {"غزة", 0.3}, {"حرب", 0.05}, {"سلام", 0.8}};
  const int kDocs = 3000;
  for (int i = 0; i < kDocs; ++i) {
    std::string body = "نص";
    for (const auto& [w, p] : words) {
      if (std::bernoulli_distribution(p)(rng)) body += " " + w;
    }
    index::Document d;
    d.id = std::to_string(i);
    d.title = coin(rng) ? "غزة" : "عنوان";
    d.paragraphs = {body};
    ASSERT_TRUE(index.Upsert(std::move(d)).ok());
    if (i == kDocs / 2) index.reader();  // the first segment
  }
  Bm25Options bm25;
  // Round 0: every posting live (no tombstone in any list); round 1: with
  // tombstones, which the meeting within the blocks (AndIterator::
  // AlignInBlocks) finds too and must pass over.
  for (int round = 0; round < 2; ++round) {
    SCOPED_TRACE(round == 0 ? "all live" : "with deletions");
    if (round == 1) {
      for (int i = 0; i < kDocs; i += 7) index.Delete(std::to_string(i));
    }
    ScoringContext ctx(index.reader(), bm25);
    const index::PostingsRef qatar = index.Postings("قطر");
    ASSERT_EQ(qatar.lists.size(), 2u);
    ASSERT_EQ(qatar.lists[0].all_live, round == 0);
    auto term = [&](absl::string_view key, FieldScope scope = FieldScope::kAll) {
      return std::make_unique<TermIterator>(ctx, key, 1.0, scope);
    };
    // The meeting needs unscoped drivers; with tombstones it asks live().
    EXPECT_TRUE(term("قطر")->unscoped());
    EXPECT_FALSE(term("قطر", FieldScope::kTitle)->unscoped());
    // A word's OR: its stem, and its exact form needing it.
    auto word = [&](absl::string_view stem, absl::string_view exact) -> DocIteratorPtr {
      std::vector<DocIteratorPtr> its;
      its.push_back(term(stem));
      TermIterator* driver = static_cast<TermIterator*>(its[0].get());
      its.push_back(std::make_unique<TermIterator>(ctx, index::ExactKey(exact), 0.3,
                                                   FieldScope::kAll));
      auto w = std::make_unique<OrIterator>(std::move(its),
                                            OrIterator::Requirements{{-1, -1}, {0, -1}});
      EXPECT_EQ(w->Driver(), driver);
      return w;
    };
    using Make = std::function<std::vector<DocIteratorPtr>()>;
    const std::vector<Make> cases = {
        [&] {
          std::vector<DocIteratorPtr> v;
          v.push_back(term("قطر"));
          v.push_back(term("غز"));
          return v;
        },
        [&] {  // a rare lead and a frequent word
          std::vector<DocIteratorPtr> v;
          v.push_back(term("سلام"));
          v.push_back(term("حرب"));
          return v;
        },
        [&] {
          std::vector<DocIteratorPtr> v;
          v.push_back(word("قطر", "قطر"));
          v.push_back(word("غز", "غزه"));
          v.push_back(term("سلام"));
          return v;
        },
        [&] {
          std::vector<DocIteratorPtr> v;
          v.push_back(word("قطر", "قطر"));
          v.push_back(term("غز", FieldScope::kTitle));
          v.push_back(term("حرب"));
          return v;
        },
    };
    for (size_t c = 0; c < cases.size(); ++c) {
      SCOPED_TRACE(c);
      // Each child alone: its documents and scores, summed where all have one.
      std::map<DocId, std::pair<int, double>> seen;
      std::vector<DocIteratorPtr> alone = cases[c]();
      for (DocIteratorPtr& child : alone) {
        for (DocId d = child->doc(); d != kNoMoreDocs; d = child->Next()) {
          seen[d].first += 1;
          seen[d].second += child->Score();
        }
      }
      std::vector<std::pair<DocId, double>> want;
      for (const auto& [d, n_score] : seen) {
        if (n_score.first == static_cast<int>(alone.size())) want.emplace_back(d, n_score.second);
      }
      ASSERT_GT(want.size(), 10u);
      AndIterator all(cases[c]());
      std::vector<std::pair<DocId, double>> got;
      for (DocId d = all.doc(); d != kNoMoreDocs; d = all.Next()) got.emplace_back(d, all.Score());
      ASSERT_EQ(got.size(), want.size());
      for (size_t i = 0; i < got.size(); ++i) {
        ASSERT_EQ(got[i].first, want[i].first) << i;
        EXPECT_NEAR(got[i].second, want[i].second, 1e-9) << got[i].first;
      }
      // Advance to targets in increasing order, some between matches.
      AndIterator jumping(cases[c]());
      std::uniform_int_distribution<DocId> step(1, 60);
      for (DocId target = 0; target < kDocs + 10; target += step(rng)) {
        auto first = std::lower_bound(want.begin(), want.end(), std::make_pair(target, -1.0));
        const DocId d = jumping.Advance(target);
        if (first == want.end()) {
          ASSERT_EQ(d, kNoMoreDocs);
          break;
        }
        ASSERT_EQ(d, first->first) << target;
        EXPECT_NEAR(jumping.Score(), first->second, 1e-9) << d;
      }
    }
  }
}

// The two blocks' meeting (AndIterator::AlignInBlocks), both kernels, against
// a plain merge: runs of every length up to a block and past eight, sparse
// and dense, meeting or not.
TEST(MeetingTest, KernelsFindTheFirstDocBothRunsHave) {
  std::mt19937 rng(5);
  for (int trial = 0; trial < 3000; ++trial) {
    std::vector<DocId> a, b;
    const uint32_t gap_a = 1 + rng() % 20, gap_b = 1 + rng() % 20;
    for (DocId d = rng() % 10, n = rng() % 130; a.size() < n; d += 1 + rng() % gap_a) a.push_back(d);
    for (DocId d = rng() % 10, n = rng() % 130; b.size() < n; d += 1 + rng() % gap_b) b.push_back(d);
    if (trial % 3 == 0) {
      // Runs that meet rarely, if at all: a's docs even, b's odd but for
      // one planted doc of a, so the kernels pass over long runs.
      for (DocId& d : a) d *= 2;
      for (DocId& d : b) d = 2 * d + 1;
      if (!a.empty() && !b.empty() && rng() % 2 == 0) {
        b.push_back(a[rng() % a.size()]);
        std::sort(b.begin(), b.end());
      }
    }
    // The reference: the first a with a match in b, and b's first doc >= it.
    internal::Meeting want{static_cast<uint32_t>(a.size()), 0, false};
    uint32_t ib = 0;
    for (uint32_t ia = 0; ia < a.size(); ++ia) {
      while (ib < b.size() && b[ib] < a[ia]) ++ib;
      if (ib == b.size()) {
        want = {ia, ib, false};
        break;
      }
      if (b[ib] == a[ia]) {
        want = {ia, ib, true};
        break;
      }
      want.ib = ib;
    }
    const auto na = static_cast<uint32_t>(a.size()), nb = static_cast<uint32_t>(b.size());
    std::vector<internal::Meeting> got = {internal::MeetScalar(a.data(), na, b.data(), nb)};
    if (index::internal::HaveAvx2()) got.push_back(internal::MeetAvx2(a.data(), na, b.data(), nb));
    for (const internal::Meeting& m : got) {
      ASSERT_EQ(m.found, want.found) << trial;
      ASSERT_EQ(m.ia, want.ia) << trial;
      if (m.found || m.ia < na) {  // else b's place is not used
        ASSERT_EQ(m.ib, want.ib) << trial;
      }
    }
  }
}

TEST_F(IteratorsTest, PhraseAndNear) {
  // "غزة قطر" as exact forms at consecutive positions: docs 3 only ("وقطر"
  // in doc 1 is another exact form).
  PhraseIterator phrase(*ctx_, {{index::ExactKey("غزه"), 0, 1}, {index::ExactKey("قطر"), 1, 1}},
                        FieldScope::kAll);
  EXPECT_EQ(Drain(phrase), (Docs{3}));
  // Stems in any order within 1 position: docs 1 (غزة وقطر) and 3.
  NearIterator near1(*ctx_, {{"غز", 0, 1}, {"قطر", 0, 1}}, 1, FieldScope::kAll);
  EXPECT_EQ(Drain(near1), (Docs{1, 3}));
  // A window of 6 also reaches doc 4 (قطر … 5 words … غزة) ; never across the
  // title/body gap of doc 0.
  NearIterator near6(*ctx_, {{"غز", 0, 1}, {"قطر", 0, 1}}, 6, FieldScope::kAll);
  EXPECT_EQ(Drain(near6), (Docs{1, 3, 4}));
  NearIterator title_only(*ctx_, {{"غز", 0, 1}}, 0, FieldScope::kTitle);
  EXPECT_EQ(Drain(title_only), (Docs{0}));
  EXPECT_EQ(near6.DebugString(), "NEAR/6(غز قطر)");
}

TEST_F(IteratorsTest, ProximityBonusOnlyForOrderedClosePairs) {
  // The AND of the two stems; `stems` gets their iterators (the pair reads
  // them, as the searcher's pairs do).
  auto base = [&](std::pair<TermIterator*, TermIterator*>* stems) {
    auto a = std::make_unique<TermIterator>(*ctx_, "غز", 1.0, FieldScope::kAll);
    auto b = std::make_unique<TermIterator>(*ctx_, "قطر", 1.0, FieldScope::kAll);
    if (stems != nullptr) *stems = {a.get(), b.get()};
    std::vector<std::unique_ptr<DocIterator>> v;
    v.push_back(std::move(a));
    v.push_back(std::move(b));
    return std::make_unique<AndIterator>(std::move(v));
  };
  std::pair<TermIterator*, TermIterator*> stems;
  auto child = base(&stems);
  ProximityIterator with(*ctx_, std::move(child), {stems});
  auto without = base(nullptr);
  for (DocId d = with.doc(); d != kNoMoreDocs; d = with.Next()) {
    ASSERT_EQ(without->doc(), d);
    // غزة then قطر within 3: docs 1 and 3 get a bonus; 0 (title/body) and 4
    // (reverse order, far) do not.
    if (d == 1 || d == 3) {
      EXPECT_GT(with.Score(), without->Score() + 1e-9) << d;
    } else {
      EXPECT_NEAR(with.Score(), without->Score(), 1e-12) << d;
    }
    EXPECT_NEAR(with.Explain().value, with.Score(), 1e-12);
    without->Next();
  }
}


// A list of documents with one score each, counting how it was moved.
class ScriptedIterator final : public DocIterator {
 public:
  ScriptedIterator(std::vector<DocId> docs, double score) : docs_(std::move(docs)), score_(score) {
    doc_ = docs_.empty() ? kNoMoreDocs : docs_[0];
  }
  DocId Next() override {
    ++nexts;
    return doc_ = ++i_ < docs_.size() ? docs_[i_] : kNoMoreDocs;
  }
  DocId Advance(DocId target) override {
    ++advances;
    while (i_ < docs_.size() && docs_[i_] < target) ++i_;
    return doc_ = i_ < docs_.size() ? docs_[i_] : kNoMoreDocs;
  }
  int64_t Cost() const override { return static_cast<int64_t>(docs_.size()); }
  double Score() override { return score_; }
  double MaxScore() const override { return score_; }
  Explanation Explain() override { return {score_, "scripted", {}}; }
  std::string DebugString() const override { return "SCRIPTED"; }
  int nexts = 0;
  int advances = 0;

 private:
  std::vector<DocId> docs_;
  size_t i_ = 0;
  double score_;
};

TEST(OrPruningTest, WordsWhoseStemsAndDependentsCannotCompeteProposeNoCandidates) {
  // Word a is in every document, word b in three; each word's exact form
  // needs its stem, the pair bonus needs both stems.
  std::vector<DocId> every, even;
  for (DocId d = 0; d < 1000; ++d) {
    every.push_back(d);
    if (d % 2 == 0) even.push_back(d);
  }
  auto stem_a = std::make_unique<ScriptedIterator>(every, 1.0);
  auto exact_a = std::make_unique<ScriptedIterator>(even, 0.3);
  auto stem_b = std::make_unique<ScriptedIterator>(std::vector<DocId>{100, 500, 901}, 2.0);
  auto exact_b = std::make_unique<ScriptedIterator>(std::vector<DocId>{100, 500, 901}, 0.6);
  auto pair = std::make_unique<ScriptedIterator>(std::vector<DocId>{500}, 1.0);
  ScriptedIterator* a = stem_a.get();
  std::vector<DocIteratorPtr> children;
  children.push_back(std::move(stem_a));
  children.push_back(std::move(exact_a));
  children.push_back(std::move(stem_b));
  children.push_back(std::move(exact_b));
  children.push_back(std::move(pair));
  OrIterator::Requirements needs = {{-1, -1}, {0, -1}, {-1, -1}, {2, -1}, {0, 2}};
  OrIterator it(std::move(children), std::move(needs));
  ASSERT_EQ(it.doc(), 0);
  // Alone, word a (stem 1.0 + exact 0.3) cannot pass 1.5: only b's documents
  // are candidates, and a is advanced to them, never stepped through. The
  // exact forms alone (0.3 + 0.6 < 1.5) did not keep a essential before.
  it.SetMinCompetitiveScore(1.5);
  std::vector<DocId> docs;
  std::vector<double> scores;
  for (DocId d = it.Next(); d != kNoMoreDocs; d = it.Next()) {
    docs.push_back(d);
    scores.push_back(it.Score());
  }
  EXPECT_EQ(docs, (std::vector<DocId>{100, 500, 901}));
  EXPECT_EQ(scores, (std::vector<double>{1.0 + 0.3 + 2.0 + 0.6, 1.0 + 0.3 + 2.0 + 0.6 + 1.0,
                                         1.0 + 2.0 + 0.6}));
  EXPECT_LE(a->nexts, 4);  // off doc 0, then off each candidate it was on
  EXPECT_LE(a->advances, 3);
}

TEST(OrPruningTest, ARareDependentProposesWhenItsStemCannotWinAlone) {
  // One word: its stem in every document (1.0), its exact form, as typed,
  // in three (0.8). Over 1.5 the stem alone cannot win but stem + form can:
  // the form proposes the candidates and the stem is only advanced to them
  // (a query such as الفيه, whose stem في is in nearly every document).
  std::vector<DocId> every;
  for (DocId d = 0; d < 1000; ++d) every.push_back(d);
  auto stem = std::make_unique<ScriptedIterator>(every, 1.0);
  auto exact = std::make_unique<ScriptedIterator>(std::vector<DocId>{10, 400, 777}, 0.8);
  ScriptedIterator* s = stem.get();
  std::vector<DocIteratorPtr> children;
  children.push_back(std::move(stem));
  children.push_back(std::move(exact));
  OrIterator it(std::move(children), OrIterator::Requirements{{-1, -1}, {0, -1}});
  ASSERT_EQ(it.doc(), 0);
  it.SetMinCompetitiveScore(1.5);
  std::vector<DocId> docs;
  for (DocId d = it.Next(); d != kNoMoreDocs; d = it.Next()) {
    docs.push_back(d);
    EXPECT_EQ(it.Score(), 1.0 + 0.8) << d;
  }
  EXPECT_EQ(docs, (std::vector<DocId>{10, 400, 777}));
  EXPECT_LE(s->nexts, 4);  // off doc 0, then off each candidate
  EXPECT_LE(s->advances, 3);
}

// A list of documents each with its own score.
class ScoredListIterator final : public DocIterator {
 public:
  explicit ScoredListIterator(std::vector<std::pair<DocId, double>> postings)
      : postings_(std::move(postings)) {
    doc_ = postings_.empty() ? kNoMoreDocs : postings_[0].first;
  }
  DocId Next() override { return doc_ = ++i_ < postings_.size() ? postings_[i_].first : kNoMoreDocs; }
  DocId Advance(DocId target) override {
    ++advances;
    while (i_ < postings_.size() && postings_[i_].first < target) ++i_;
    return doc_ = i_ < postings_.size() ? postings_[i_].first : kNoMoreDocs;
  }
  int64_t Cost() const override { return static_cast<int64_t>(postings_.size()); }
  double Score() override { return postings_[i_].second; }
  double MaxScore() const override {
    double m = 0;
    for (const auto& p : postings_) m = std::max(m, p.second);
    return m;
  }
  Explanation Explain() override { return {Score(), "scored list", {}}; }
  std::string DebugString() const override { return "SCORED"; }
  int advances = 0;

 private:
  std::vector<std::pair<DocId, double>> postings_;
  size_t i_ = 0;
};

TEST(OrPruningTest, ASingleEssentialChildBoundsWhatItDominatesByItsOwnScore) {
  // One word: its stem scores 1 in most documents and 2 in every 100th, its
  // exact form (in the even documents) half the stem's score there.
  std::vector<std::pair<DocId, double>> stem, exact;
  // Document 554 has 1.3 and 0.65: 1.95 passes the bar of 1.8 below, so a
  // threshold that forgot the exact form (1.8) would lose it.
  for (DocId d = 0; d < 1000; ++d) {
    const double s = d % 100 == 0 ? 2.0 : d == 554 ? 1.3 : 1.0;
    stem.emplace_back(d, s);
    if (d % 2 == 0) exact.emplace_back(d, 0.5 * s);
  }
  auto make = [&](bool ratios, ScoredListIterator** exact_out) {
    std::vector<DocIteratorPtr> children;
    children.push_back(std::make_unique<ScoredListIterator>(stem));
    auto e = std::make_unique<ScoredListIterator>(exact);
    *exact_out = e.get();
    children.push_back(std::move(e));
    auto it = std::make_unique<OrIterator>(std::move(children), OrIterator::Requirements{{-1, -1}, {0, -1}});
    if (ratios) it->SetScoreRatios({0, 0.5});
    return it;
  };
  for (const bool ratios : {false, true}) {
    ScoredListIterator* exact_it = nullptr;
    std::unique_ptr<OrIterator> it = make(ratios, &exact_it);
    ASSERT_EQ(it->doc(), 0);
    // Over 1.8: a stem score of 1 reaches 1 + 1 by the exact form's bound
    // (so it must be checked) but only 1 + 0.5 by the ratio.
    it->SetMinCompetitiveScore(1.8);
    std::vector<DocId> docs;
    for (DocId d = it->Next(); d != kNoMoreDocs; d = it->Next()) {
      docs.push_back(d);
      EXPECT_EQ(it->Score(), d == 554 ? 1.3 + 0.65 : 3.0) << d;
    }
    EXPECT_EQ(docs, (std::vector<DocId>{100, 200, 300, 400, 500, 554, 600, 700, 800, 900}));
    if (ratios) {
      // Advanced only to the documents where the stem scores over 1.2.
      EXPECT_LE(exact_it->advances, 10);
    } else {
      EXPECT_GT(exact_it->advances, 400);
    }
  }
}

TEST(OrPruningTest, WithoutItsDominatedChildTheEssentialOneNeedsTheBarLessTheOthers) {
  // Word a: stem 1 (2 on every 100th document), exact form on the even ones
  // at half the stem's score. Word c, never essential: 0.3 on 555 and 557.
  // Over 1.8, with c's bound U = 0.3, the stem needs 1.5 where its exact
  // form is not: 555 (1.6 + 0.3) is kept, 557 (1.4 + 0.3) and 559 (1.55
  // alone) are not; 554 (1.3 + 0.65, the form there) is kept.
  std::vector<std::pair<DocId, double>> stem, exact;
  for (DocId d = 0; d < 1000; ++d) {
    const double s = d % 100 == 0 ? 2.0
                     : d == 554   ? 1.3
                     : d == 555   ? 1.6
                     : d == 557   ? 1.4
                     : d == 559   ? 1.55
                                  : 1.0;
    stem.emplace_back(d, s);
    if (d % 2 == 0) exact.emplace_back(d, 0.5 * s);
  }
  std::vector<DocIteratorPtr> children;
  children.push_back(std::make_unique<ScoredListIterator>(stem));
  children.push_back(std::make_unique<ScoredListIterator>(exact));
  children.push_back(std::make_unique<ScoredListIterator>(
      std::vector<std::pair<DocId, double>>{{555, 0.3}, {557, 0.3}}));
  OrIterator it(std::move(children), OrIterator::Requirements{{-1, -1}, {0, -1}, {-1, -1}});
  it.SetScoreRatios({0, 0.5, 0});
  ASSERT_EQ(it.doc(), 0);
  it.SetMinCompetitiveScore(1.8);
  std::vector<DocId> docs;
  for (DocId d = it.Next(); d != kNoMoreDocs; d = it.Next()) {
    docs.push_back(d);
    EXPECT_EQ(it.Score(), d == 554 ? 1.3 + 0.65 : d == 555 ? 1.6 + 0.3 : 3.0) << d;
  }
  EXPECT_EQ(docs, (std::vector<DocId>{100, 200, 300, 400, 500, 554, 555, 600, 700, 800, 900}));
}

TEST(OrPruningTest, OnlyTheEssentialChildsOwnDependentsAreBoundedByIt) {
  // Two words: b alone proposes candidates; a (stem 1 and exact form 0.5,
  // 1.5 together) cannot pass the bar of 1.55 alone. On document 55, b's stem
  // scores 0.1 and a is there: 1.6. Word a's exact form has a ratio too, but
  // to a's stem: bounding it by b's stem (0.5 * 0.1) would lose document 55.
  std::vector<std::pair<DocId, double>> stem_b, exact_b;
  for (DocId d = 0; d < 100; ++d) {
    stem_b.emplace_back(d, d % 10 == 0 ? 2.0 : 0.1);
    if (d % 10 == 0) exact_b.emplace_back(d, 1.0);
  }
  std::vector<DocIteratorPtr> children;
  children.push_back(std::make_unique<ScoredListIterator>(std::vector<std::pair<DocId, double>>{{55, 1.0}}));
  children.push_back(std::make_unique<ScoredListIterator>(std::vector<std::pair<DocId, double>>{{55, 0.5}}));
  children.push_back(std::make_unique<ScoredListIterator>(stem_b));
  children.push_back(std::make_unique<ScoredListIterator>(exact_b));
  OrIterator it(std::move(children), OrIterator::Requirements{{-1, -1}, {0, -1}, {-1, -1}, {2, -1}});
  it.SetScoreRatios({0, 0.5, 0, 0.5});
  ASSERT_EQ(it.doc(), 0);
  it.SetMinCompetitiveScore(1.55);
  std::vector<DocId> docs;
  for (DocId d = it.Next(); d != kNoMoreDocs; d = it.Next()) {
    docs.push_back(d);
    EXPECT_EQ(it.Score(), d == 55 ? 0.1 + 1.0 + 0.5 : 3.0) << d;
  }
  EXPECT_EQ(docs, (std::vector<DocId>{10, 20, 30, 40, 50, 55, 60, 70, 80, 90}));
}

}  // namespace
}  // namespace khabar::search
