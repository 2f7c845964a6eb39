// Top-k pruning (MaxScore in OrIterator, ProximityPairIterator bounds,
// SetMinCompetitiveScore through the operators) must never change a result:
// every query ranks the same hits with the same scores as the exhaustive
// evaluation, only total_hits may become a lower bound.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "query_service/index/inverted_index.h"
#include "query_service/search/query_parser.h"
#include "query_service/search/searcher.h"
#include "query_service/search/term_iterator.h"

namespace khabar::search {
namespace {

namespace fs = std::filesystem;

// The words of the repository's sample articles, most frequent first.
std::vector<std::string> Vocabulary() {
  std::map<std::string, int> counts;
  for (const auto& entry : fs::directory_iterator(fs::path(KHABAR_SOURCE_DIR) / "data" / "articles")) {
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    for (absl::string_view w : absl::StrSplit(text.str(), absl::ByAnyChar(" \n\t.,:\"()-"),
                                              absl::SkipEmpty())) {
      // Arabic letters are 2 bytes; Arabic punctuation is left out whole.
      if (w.size() >= 4 && w.find("،") == w.npos && w.find("؛") == w.npos &&
          w.find("«") == w.npos && w.find("»") == w.npos) {
        ++counts[std::string(w)];
      }
    }
  }
  std::vector<std::pair<int, std::string>> by_count;
  for (auto& [w, n] : counts) by_count.emplace_back(-n, w);
  std::sort(by_count.begin(), by_count.end());
  std::vector<std::string> words;
  for (auto& [n, w] : by_count) words.push_back(w);
  // A long tail of rare words: two words glued together.
  const size_t head = words.size();
  for (size_t i = 0; i < 3000; ++i) words.push_back(words[i % head] + words[(i * 7 + 3) % head]);
  return words;
}

class PruningTest : public ::testing::Test {
 protected:
  void SetUp() override {
    words_ = Vocabulary();
    ASSERT_GT(words_.size(), 3100u);
    Fill(&index_, /*deletions=*/true);
  }

  // 3,000 documents of Zipf-distributed words in segments of 250; with
  // `deletions`, every seventh document among the first `deleted_up_to` is
  // deleted (all of them: no segment is all live). The deletions come after
  // the last write: a merge after them would drop their postings, and the
  // segment would be all live again.
  // With `growth`, paragraphs grow longer with the doc id (up to 1 + growth
  // times), so each segment's average lengths differ from the collection's.
  void Fill(index::InvertedIndex* index, bool deletions, int deleted_up_to = 3000,
            double growth = 0) {
    std::mt19937 rng(20261124);
    // Zipf-like: word i drawn with weight 1 / (i + 2).
    std::vector<double> weights;
    for (size_t i = 0; i < words_.size(); ++i) weights.push_back(1.0 / (i + 2));
    std::discrete_distribution<size_t> pick(weights.begin(), weights.end());
    auto text = [&](int n) {
      std::vector<std::string> out;
      for (int i = 0; i < n; ++i) out.push_back(words_[pick(rng)]);
      return absl::StrJoin(out, " ");
    };
    for (int i = 0; i < 3000; ++i) {
      index::Document d;
      d.id = absl::StrCat("d", i);
      d.title = text(4 + static_cast<int>(rng() % 8));
      for (int p = 1 + static_cast<int>(rng() % 3); p > 0; --p) {
        const int words = 10 + static_cast<int>(rng() % 120);
        d.paragraphs.push_back(text(static_cast<int>(words * (1 + growth * i / 3000))));
      }
      ASSERT_TRUE(index->Upsert(std::move(d)).ok());
      if (i % 250 == 249) index->Publish();  // segments of several blocks
    }
    index->Publish();
    for (int i = 0; deletions && i < deleted_up_to; ++i) {
      if (i % 7 == 3) {
        ASSERT_TRUE(index->Delete(absl::StrCat("d", i - 2)));
      }
    }
    index->Publish();
  }
  // Per segment holding `words_[0]` (in every segment), whether it is all
  // live (no tombstone): what decides NextAbove's path.
  std::vector<bool> AllLive(const index::IndexSnapshot& snapshot) {
    const std::vector<analysis::Token> tokens = analyzer_.Analyze(words_[0]);
    std::vector<bool> out;
    for (const index::PostingList& list : snapshot.Postings(tokens.at(0).stem()).lists) {
      out.push_back(list.all_live);
    }
    return out;
  }

  // A query of 2-5 words, frequent and rare mixed, sometimes with operators.
  std::string RandomQuery(std::mt19937& rng, bool operators) {
    std::vector<std::string> q;
    const int n = 2 + static_cast<int>(rng() % 4);
    for (int i = 0; i < n; ++i) {
      const size_t range = rng() % 2 == 0 ? 30 : rng() % 2 == 0 ? 300 : words_.size();
      std::string w = words_[rng() % range];
      if (operators) {
        switch (rng() % 8) {
          case 0: w = "-" + w; break;
          case 1: w = "+" + w; break;
          case 2: w = "title:" + w; break;
          default: break;
        }
      }
      q.push_back(std::move(w));
    }
    if (operators && rng() % 4 == 0) q.push_back(absl::StrCat("\"", q[0], " ", q[1], "\""));
    return absl::StrJoin(q, " ");
  }

  // Searches `request` pruned (under `pruned_limits`) and exhaustively:
  // same hits, same scores, a count no larger (equal when called exact).
  // Counts the comparisons made and those where pruning did happen.
  void ComparePrunedWithExhaustive(const index::IndexSnapshot& snapshot, SearchRequest request,
                                   const SearchLimits& pruned_limits, int* compared, int* pruned,
                                   const Bm25Options& bm25 = {}) {
    absl::StatusOr<SearchResult> got = Search(snapshot, request, bm25, pruned_limits);
    request.exact_total_hits = true;
    // A query whose count is known (one word left) would still prune:
    // facets need every match and leave the hits as they are.
    request.facets = {FacetField::kSource};
    SearchLimits exhaustive_limits = pruned_limits;
    exhaustive_limits.exact_hits_up_to = SearchLimits{}.exact_hits_up_to;
    absl::StatusOr<SearchResult> want = Search(snapshot, request, bm25, exhaustive_limits);
    ASSERT_EQ(want.ok(), got.ok()) << request.query;
    if (!want.ok()) return;
    ++*compared;
    ASSERT_TRUE(want->total_hits_exact);
    ASSERT_EQ(got->hits.size(), want->hits.size()) << request.query;
    for (size_t i = 0; i < want->hits.size(); ++i) {
      EXPECT_EQ(got->hits[i].doc, want->hits[i].doc) << request.query << " hit " << i;
      EXPECT_EQ(got->hits[i].score, want->hits[i].score) << request.query << " hit " << i;
    }
    EXPECT_LE(got->total_hits, want->total_hits) << request.query;
    if (got->total_hits_exact) {
      EXPECT_EQ(got->total_hits, want->total_hits) << request.query;
    } else {
      ++*pruned;
    }
  }

  // Runs `check` on the same documents laid out three ways: no deletions
  // (NextAbove's block scan), deletions in the older half (scans cross from
  // segments with tombstones to all-live ones) and the fixture's deletions
  // everywhere (one posting at a time).
  void ForEachDeletionLayout(const std::function<void(const index::IndexSnapshot&)>& check) {
    index::InvertedIndex all_live{&analyzer_, {}, {}, kSmallSegments};
    Fill(&all_live, /*deletions=*/false);
    index::InvertedIndex half{&analyzer_, {}, {}, kSmallSegments};
    Fill(&half, /*deletions=*/true, /*deleted_up_to=*/1500);
    // The layouts are what they claim (a merge policy change could undo them).
    const std::vector<bool> live = AllLive(all_live.reader());
    const std::vector<bool> live_half = AllLive(half.reader());
    const std::vector<bool> live_fixture = AllLive(index_.reader());
    ASSERT_GT(live.size(), 1u);
    EXPECT_EQ(live, std::vector<bool>(live.size(), true));
    ASSERT_EQ(live_half.size(), live.size());
    EXPECT_FALSE(live_half.front());
    EXPECT_TRUE(live_half.back());
    EXPECT_EQ(live_fixture, std::vector<bool>(live.size(), false));
    for (index::InvertedIndex* index : {&all_live, &half, &index_}) {
      SCOPED_TRACE(index == &index_ ? "with deletions" : index == &half ? "half" : "all live");
      check(index->reader());
    }
  }
  // One-word queries, pruned and exhaustive, give the same top k.
  void CompareOneWordQueries(const index::IndexSnapshot& snapshot, const Bm25Options& bm25);
  // TermIterator::NextAbove against a loop over Score() and Next().
  void CompareNextAbove(const index::IndexSnapshot& snapshot, const Bm25Options& bm25);

  // Scoring options the block impacts are checked under: the defaults they
  // were computed with, other weights (rescaled), another b (not used).
  static std::vector<std::pair<std::string, Bm25Options>> ImpactVariants() {
    Bm25Options weights;
    weights.lead_weight = 2.5;
    weights.body_weight = 0.7;
    weights.title_weight = 1.5;
    Bm25Options b;
    b.body_b = 0.5;
    return {{"defaults", {}}, {"other weights", weights}, {"other b", b}};
  }

  static constexpr index::MergePolicy kSmallSegments{
      .merge_factor = 3, .min_segment_docs = 200, .background = false};

  std::vector<std::string> words_;
  analysis::Analyzer analyzer_;
  index::InvertedIndex index_{&analyzer_, {}, {}, kSmallSegments};
};

TEST_F(PruningTest, PrunedTopKEqualsExhaustive) {
  const index::IndexSnapshot& snapshot = index_.reader();
  ASSERT_GT(snapshot.segment_count(), 1u);
  std::mt19937 rng(7);
  int pruned = 0, compared = 0;
  for (int trial = 0; trial < 600; ++trial) {
    SearchRequest request;
    const bool operators = trial % 3 == 0;
    request.query = RandomQuery(rng, operators);
    request.query_syntax = trial % 2 == 0 ? QuerySyntax::kPlain : QuerySyntax::kFull;
    if (operators) request.query_syntax = QuerySyntax::kFull;
    // Every word required: an AND with the proximity bonus, whose documents
    // are scored only when their bounds can beat the k-th best (ScoreAbove).
    if (trial % 5 == 1) request.default_operator = QueryOperator::kAnd;
    request.limit = std::vector<size_t>{1, 3, 10, 50}[rng() % 4];
    request.offset = rng() % 3 == 0 ? 10 : 0;
    SearchLimits pruned_limits;
    pruned_limits.exact_hits_up_to = rng() % 2 == 0 ? 0 : 20;
    ComparePrunedWithExhaustive(snapshot, request, pruned_limits, &compared, &pruned);
  }
  EXPECT_GT(compared, 500);
  // The comparison means something only if pruning did happen.
  EXPECT_GT(pruned, 100);
}

// A long query: a flat OR of more children (stems, exact forms, word pairs)
// than one 64-bit word of on-states holds, so the candidates are examined
// with the multi-word masks.
TEST_F(PruningTest, PrunedTopKEqualsExhaustiveForLongQueries) {
  const index::IndexSnapshot& snapshot = index_.reader();
  std::mt19937 rng(11);
  int pruned = 0, compared = 0;
  for (int trial = 0; trial < 60; ++trial) {
    std::vector<std::string> words;
    const int n = 25 + static_cast<int>(rng() % 30);  // 74 children or more
    for (int i = 0; i < n; ++i) {
      const size_t range = rng() % 2 == 0 ? 300 : words_.size();
      words.push_back(words_[rng() % range]);
    }
    SearchRequest request;
    request.query = absl::StrJoin(words, " ");
    request.limit = std::vector<size_t>{1, 10, 50}[rng() % 3];
    SearchLimits pruned_limits;
    pruned_limits.exact_hits_up_to = 0;
    ComparePrunedWithExhaustive(snapshot, request, pruned_limits, &compared, &pruned);
  }
  EXPECT_EQ(compared, 60);
  EXPECT_GT(pruned, 30);
}

// A one-word query is the word's stem and its exact form: the stem proposes
// candidates (its exact form instead, where the stem alone cannot pass and
// the form is rare), and TermIterator::NextAbove tests whole blocks of its
// postings against the bar (tombstones included: the fixture deletes some).
TEST_F(PruningTest, PrunedTopKEqualsExhaustiveForOneWord) {
  for (const auto& [name, bm25] : ImpactVariants()) {
    SCOPED_TRACE(name);
    ForEachDeletionLayout([&](const index::IndexSnapshot& s) { CompareOneWordQueries(s, bm25); });
  }
}

// A word's score floor (DocIterator::ScoreFloor: its stem's and its exact
// form's lists' floors) against the k-th best score of its documents,
// scored one by one: never above it, under every scoring variant and
// deletion layout (a segment with deletions has no stored floor, a list of
// one block is scored whole); and known for many words, so the comparison
// means something. Then multi-word searches, which start their threshold
// from the floors, against exhaustive ones on the same layouts.
TEST_F(PruningTest, ScoreFloorsNeverExceedTheKthBestScore) {
  for (const auto& [name, bm25] : ImpactVariants()) {
    SCOPED_TRACE(name);
    ForEachDeletionLayout([&](const index::IndexSnapshot& snapshot) {
      const ScoringContext ctx(snapshot, bm25);
      int known = 0;
      for (size_t w = 0; w < 400; ++w) {
        const std::string& word = words_[w < 200 ? w : w * 7 % words_.size()];
        ParseOptions parse;
        absl::StatusOr<Query> query = ParseQuery(word, analyzer_, parse);
        if (!query.ok()) continue;  // a stopword alone
        std::vector<double> scores;
        for (auto it = BuildIterator(*query, ctx); it->doc() != kNoMoreDocs; it->Next()) {
          scores.push_back(it->Score());
        }
        std::sort(scores.begin(), scores.end(), std::greater<>());
        const auto it = BuildIterator(*query, ctx);
        for (size_t k : {1, 3, 10, 11, 50, 100, 101}) {
          const double floor = it->ScoreFloor(k);
          if (floor == 0) continue;
          ++known;
          ASSERT_GE(scores.size(), k) << word << " k " << k;
          EXPECT_LE(floor, scores[k - 1] * (1 + 1e-9)) << word << " k " << k;
        }
      }
      // (Another b than the impacts' leaves only the lists of one block.)
      EXPECT_GT(known, 100);
      std::mt19937 rng(13);
      int pruned = 0, compared = 0;
      for (int trial = 0; trial < 150; ++trial) {
        SearchRequest request;
        request.query = RandomQuery(rng, /*operators=*/false);
        request.limit = std::vector<size_t>{1, 10, 50}[rng() % 3];
        SearchLimits pruned_limits;
        pruned_limits.exact_hits_up_to = 0;
        ComparePrunedWithExhaustive(snapshot, request, pruned_limits, &compared, &pruned, bm25);
      }
      EXPECT_GT(pruned, 50);
    });
  }
}

// The stored floors count every posting of a list: once a segment has a
// deletion they may count deleted documents. Deleting a word's best 60
// documents must not leave its floor at 10 above what the rest reach.
TEST_F(PruningTest, ScoreFloorsLeaveOutSegmentsWithDeletions) {
  index::InvertedIndex index{&analyzer_, {}, {}, kSmallSegments};
  Fill(&index, /*deletions=*/false);
  const Bm25Options bm25;
  // The words with a floor, and their best documents, deleted together.
  std::vector<Query> queries;
  std::vector<std::string> best;
  for (size_t w = 0; w < 30; ++w) {
    absl::StatusOr<Query> query = ParseQuery(words_[w], analyzer_, ParseOptions{});
    if (!query.ok()) continue;  // a stopword alone
    const ScoringContext ctx(index.reader(), bm25);
    if (BuildIterator(*query, ctx)->ScoreFloor(10) == 0) continue;
    SearchRequest request;
    request.query = words_[w];
    request.limit = 60;  // the new 10th best is then the old 70th or below
    request.exact_total_hits = true;
    absl::StatusOr<SearchResult> top = Search(index.reader(), request, bm25, SearchLimits{});
    ASSERT_TRUE(top.ok());
    for (const Hit& h : top->hits) best.push_back(index.reader().document(h.doc).id);
    queries.push_back(*query);
  }
  ASSERT_GT(queries.size(), 5u);
  for (const std::string& id : best) index.Delete(id);  // (some twice: false)
  index.Publish();
  const ScoringContext ctx(index.reader(), bm25);
  for (const Query& query : queries) {
    std::vector<double> scores;
    for (auto it = BuildIterator(query, ctx); it->doc() != kNoMoreDocs; it->Next()) {
      scores.push_back(it->Score());
    }
    if (scores.size() < 10) continue;
    std::nth_element(scores.begin(), scores.begin() + 9, scores.end(), std::greater<>());
    EXPECT_LE(BuildIterator(query, ctx)->ScoreFloor(10), scores[9] * (1 + 1e-9))
        << query->DebugString();
  }
}

// TermIterator::NextAbove against its definition: the first document below
// `end` whose score exceeds the minimum, else the first at or after `end`;
// thresholds under every score, in between and over any (t >= k1 + 1).
TEST_F(PruningTest, NextAboveStopsAtTheFirstDocumentOverTheScore) {
  for (const auto& [name, bm25] : ImpactVariants()) {
    SCOPED_TRACE(name);
    ForEachDeletionLayout([&](const index::IndexSnapshot& s) { CompareNextAbove(s, bm25); });
  }
}

void PruningTest::CompareNextAbove(const index::IndexSnapshot& snapshot, const Bm25Options& bm25) {
  ScoringContext ctx(snapshot, bm25);
  int stops = 0;
  // Scoped terms skip blocks by their bound and score one posting at a time.
  for (size_t w = 0; w < 40; ++w) {
    const std::vector<analysis::Token> tokens = analyzer_.Analyze(words_[w]);
    if (tokens.empty()) continue;
    const std::string stem(tokens[0].stem());
    const FieldScope scope = w % 4 == 1 ? FieldScope::kTitle : w % 4 == 3 ? FieldScope::kBody
                                                                            : FieldScope::kAll;
    TermIterator probe(ctx, stem, 1.0, scope);
    if (probe.doc() == kNoMoreDocs) continue;
    const double max = probe.MaxScore();
    for (const double fraction : {-1.0, 0.3, 0.6, 0.9, 2.5}) {
      for (const DocId end : {DocId{1700}, kNoMoreDocs}) {
        const double min_score = fraction * max;
        TermIterator fast(ctx, stem, 1.0, scope);
        TermIterator slow(ctx, stem, 1.0, scope);
        for (int steps = 0; steps < 5000 && fast.doc() < end; ++steps) {
          const DocId got = fast.NextAbove(min_score, end);
          DocId want = slow.doc();
          while (want < end && slow.Score() <= min_score) want = slow.Next();
          ASSERT_EQ(got, want) << stem << " min " << min_score << " end " << end;
          if (got >= end) break;
          EXPECT_EQ(fast.Score(), slow.Score());
          ++stops;
          fast.Next();
          slow.Next();
        }
      }
    }
  }
  EXPECT_GT(stops, 1000);
}

void PruningTest::CompareOneWordQueries(const index::IndexSnapshot& snapshot,
                                        const Bm25Options& bm25) {
  std::mt19937 rng(11);
  int pruned = 0;
  for (int trial = 0; trial < 300; ++trial) {
    SearchRequest request;
    // Frequent words most of the time: those are the ones pruning skips in.
    const size_t range = trial % 3 == 0 ? words_.size() : 100;
    request.query = words_[rng() % range];
    if (trial % 5 == 0) request.query = absl::StrCat("title:", request.query);
    request.limit = std::vector<size_t>{1, 3, 10, 50}[rng() % 4];
    request.offset = rng() % 3 == 0 ? 10 : 0;
    SearchLimits pruned_limits;
    pruned_limits.exact_hits_up_to = 0;
    absl::StatusOr<SearchResult> got = Search(snapshot, request, bm25, pruned_limits);
    // A one-word query's count is known, so exact_total_hits alone would
    // still prune: facets need every match, and leave the hits as they are.
    request.facets = {FacetField::kSource};
    absl::StatusOr<SearchResult> want = Search(snapshot, request, bm25, SearchLimits{});
    // A stopword alone is an error, the same both ways.
    ASSERT_EQ(want.ok(), got.ok()) << request.query;
    if (!want.ok()) continue;
    ASSERT_EQ(got->hits.size(), want->hits.size()) << request.query;
    for (size_t i = 0; i < want->hits.size(); ++i) {
      EXPECT_EQ(got->hits[i].doc, want->hits[i].doc) << request.query << " hit " << i;
      EXPECT_EQ(got->hits[i].score, want->hits[i].score) << request.query << " hit " << i;
    }
    // A one-word query's count is the word's document frequency.
    EXPECT_EQ(got->total_hits, want->total_hits) << request.query;
    pruned += got->hits.size() == request.limit ? 1 : 0;
  }
  // Full pages: pruning had a threshold to work with.
  EXPECT_GT(pruned, 100);
}

// Typo-tolerant words bring their expansions into the flat OR (one child per
// word: the expansion, or the best of several): pruning must still rank as
// the exhaustive search does.
TEST_F(PruningTest, PrunedTopKEqualsExhaustiveWithTypoTolerance) {
  const index::IndexSnapshot& snapshot = index_.reader();
  std::mt19937 rng(23);
  int compared = 0, pruned = 0;
  for (int trial = 0; trial < 200; ++trial) {
    SearchRequest request;
    request.query = RandomQuery(rng, /*operators=*/false);
    request.query_syntax = QuerySyntax::kPlain;
    request.typo.enabled = true;
    request.typo.one_typo_min_letters = 3;
    request.typo.two_typos_min_letters = 5;
    request.typo.max_word_doc_freq = 1 << 30;
    request.limit = 10;
    SearchLimits limits;
    limits.exact_hits_up_to = 0;
    absl::StatusOr<SearchResult> got = Search(snapshot, request, {}, limits);
    request.exact_total_hits = true;
    // A query whose count is known (one word left) would still prune:
    // facets need every match and leave the hits as they are.
    request.facets = {FacetField::kSource};
    absl::StatusOr<SearchResult> want = Search(snapshot, request, {}, limits);
    ASSERT_TRUE(got.ok() && want.ok()) << request.query;
    ++compared;
    pruned += got->total_hits_exact ? 0 : 1;
    ASSERT_EQ(got->hits.size(), want->hits.size()) << request.query;
    for (size_t i = 0; i < want->hits.size(); ++i) {
      EXPECT_EQ(got->hits[i].doc, want->hits[i].doc) << request.query << " hit " << i;
      EXPECT_EQ(got->hits[i].score, want->hits[i].score) << request.query << " hit " << i;
    }
  }
  EXPECT_EQ(compared, 200);
  EXPECT_GT(pruned, 50);
}

// The block-max view the windows are cut from: BlockEnd never falls short of
// its target, and MaxScoreIn bounds every score in its range, over lists of
// several blocks, segments and gaps between them.
TEST_F(PruningTest, BlockBoundsCoverEveryScoreInTheirRange) {
  const index::IndexSnapshot& snapshot = index_.reader();
  int ranges = 0, tight = 0;
  for (const auto& [name, bm25] : ImpactVariants()) {
    const ScoringContext ctx(snapshot, bm25);
    std::mt19937 rng(11);
    for (size_t w : {0, 1, 2, 5, 20, 100, 400, 3000}) {
      const std::vector<analysis::Token> tokens = analyzer_.Analyze(words_[w]);
      ASSERT_FALSE(tokens.empty()) << words_[w];
      const std::string stem(tokens.front().stem());
      for (FieldScope scope : {FieldScope::kAll, FieldScope::kTitle, FieldScope::kBody}) {
        // Every (doc, score) of the term, from an iterator of its own.
        std::vector<std::pair<DocId, double>> scores;
        for (TermIterator it(ctx, stem, 1.0, scope); it.doc() != kNoMoreDocs; it.Next()) {
          scores.emplace_back(it.doc(), it.Score());
        }
        const TermIterator probe(ctx, stem, 1.0, scope);
        for (int trial = 0; trial < 200; ++trial) {
          const DocId from = static_cast<DocId>(rng() % 3100);
          const DocId end = probe.BlockEnd(from);
          ASSERT_GE(end, from);
          const DocId to = rng() % 2 == 0 ? end : from + static_cast<DocId>(rng() % 600);
          const double bound = probe.MaxScoreIn(from, to);
          double max = 0;
          for (const auto& [doc, score] : scores) {
            if (doc >= from && doc <= to) max = std::max(max, score);
          }
          ASSERT_GE(bound, max) << name << " " << stem << " [" << from << ", " << to << "]";
          ++ranges;
          tight += bound < probe.MaxScore() ? 1 : 0;
        }
      }
    }
  }
  EXPECT_EQ(ranges, 3 * 8 * 3 * 200);
  // Some windows must bound lower than the whole list, or block-max is idle.
  EXPECT_GT(tight, 300);
}

// An engine scoring with another b computes its impacts at that b: for
// every b the flags accept (at b = 1 a document without a lead has an
// infinite lead norm), on documents that grow longer with their doc id, so
// early segments' averages fall below the collection's (the impacts are
// rescaled); then with the longest documents deleted, so the collection's
// averages fall below the late segments'.
TEST_F(PruningTest, ImpactsAtTheEnginesOwnBKeepResultsExact) {
  for (const double b : {0.0, 0.5, 1.0}) {
    SCOPED_TRACE(absl::StrCat("b = ", b));
    Bm25Options bm25;
    bm25.body_b = bm25.title_b = b;
    index::IndexLimits limits;
    limits.impacts.body_b = limits.impacts.lead_b = b;
    index::InvertedIndex index{&analyzer_, limits, {}, kSmallSegments};
    Fill(&index, /*deletions=*/false, 0, /*growth=*/4.0);
    const ScoringContext ctx(index.reader(), bm25);
    const std::vector<analysis::Token> tokens = analyzer_.Analyze(words_[0]);
    int rescaled = 0;
    for (const index::PostingList& list : index.reader().Postings(tokens.at(0).stem()).lists) {
      EXPECT_GE(ctx.ImpactScale(list.basis), 1.0);
      rescaled += ctx.ImpactScale(list.basis) > 1.1 ? 1 : 0;
    }
    EXPECT_GT(rescaled, 0);
    CompareOneWordQueries(index.reader(), bm25);
    CompareNextAbove(index.reader(), bm25);
    for (int i = 2000; i < 3000; i += 2) ASSERT_TRUE(index.Delete(absl::StrCat("d", i)));
    index.Publish();
    CompareOneWordQueries(index.reader(), bm25);
    CompareNextAbove(index.reader(), bm25);
  }
}

// The block impacts assume the engine's default BM25F options, and are
// computed at each segment's own average lengths, which differ from the
// collection's here (segments of ~250 random documents).
TEST_F(PruningTest, ImpactBasisDefaultsAreTheScoringDefaults) {
  const index::ImpactBasis basis;
  const Bm25Options bm25;
  EXPECT_EQ(basis.body_b, bm25.body_b);
  EXPECT_EQ(basis.lead_b, bm25.body_b);  // the lead is normalised as the body
  EXPECT_EQ(basis.body_weight, bm25.body_weight);
  EXPECT_EQ(basis.lead_weight, bm25.lead_weight);
}

// Where a block's postings pair their largest frequency with their shortest
// length from different documents, the impact (one posting's body and lead
// together) bounds lower; it applies under other weights, not under
// another b, and an index built for another b uses its own.
TEST_F(PruningTest, BlockImpactsTightenTheBlockBounds) {
  const index::IndexSnapshot& snapshot = index_.reader();
  int blocks = 0, tighter = 0;
  for (const auto& [name, bm25] : ImpactVariants()) {
    const ScoringContext ctx(snapshot, bm25);
    for (size_t w = 0; w < 10; ++w) {
      const std::vector<analysis::Token> tokens = analyzer_.Analyze(words_[w]);
      if (tokens.empty()) continue;
      for (const index::PostingList& list : snapshot.Postings(tokens[0].stem()).lists) {
        const double scale = ctx.ImpactScale(list.basis);
        EXPECT_EQ(scale < 0, name == "other b") << name;
        if (list.skips == nullptr || scale < 0) continue;
        for (uint32_t b = 0; b < list.block_count(); ++b) {
          const index::BlockSkip skip = list.skip(b);
          const double with = ctx.BlockTf(skip, FieldScope::kAll, scale);
          const double without = ctx.BlockTf(skip, FieldScope::kAll, /*impact_scale=*/-1);
          EXPECT_LE(with, without * (1 + 1e-12));
          ++blocks;
          tighter += with < without * 0.9 ? 1 : 0;
        }
      }
    }
  }
  ASSERT_GT(blocks, 50);
  EXPECT_GT(tighter, blocks / 4);

  Bm25Options b;
  b.body_b = 0.5;
  index::IndexLimits limits;
  limits.impacts.body_b = limits.impacts.lead_b = 0.5;
  index::InvertedIndex other_b{&analyzer_, limits, {}, kSmallSegments};
  Fill(&other_b, /*deletions=*/false);
  const ScoringContext ctx(other_b.reader(), b);
  const std::vector<analysis::Token> tokens = analyzer_.Analyze(words_[0]);
  for (const index::PostingList& list : other_b.reader().Postings(tokens.at(0).stem()).lists) {
    EXPECT_GT(ctx.ImpactScale(list.basis), 0);
  }
}

TEST_F(PruningTest, ExactTotalHitsCountsEverything) {
  const index::IndexSnapshot& snapshot = index_.reader();
  SearchRequest request;
  request.query = absl::StrCat(words_[0], " ", words_[1], " ", words_[500]);
  SearchLimits limits;
  limits.exact_hits_up_to = 0;
  absl::StatusOr<SearchResult> pruned = Search(snapshot, request, {}, limits);
  request.exact_total_hits = true;
  absl::StatusOr<SearchResult> exact = Search(snapshot, request, {}, limits);
  ASSERT_TRUE(pruned.ok() && exact.ok());
  EXPECT_FALSE(pruned->total_hits_exact);
  EXPECT_TRUE(exact->total_hits_exact);
  EXPECT_LT(pruned->total_hits, exact->total_hits);
  EXPECT_GT(exact->total_hits, 1000);
}

// What the postings say before iterating: one word's document frequency is
// its exact count, even when the search prunes from its first full page; a
// word whose frequency reaches exact_hits_up_to makes the count "at least
// that many" (the pruned search still ranks as the exhaustive one).
TEST_F(PruningTest, KnownMatchCountsLetPruningStartAtOnce) {
  const index::IndexSnapshot& snapshot = index_.reader();
  auto search = [&](const std::string& query, int64_t exact_hits_up_to, bool exact_total) {
    SearchRequest request;
    request.query = query;
    request.query_syntax = QuerySyntax::kPlain;
    request.limit = 10;
    request.exact_total_hits = exact_total;
    SearchLimits limits;
    limits.exact_hits_up_to = exact_hits_up_to;
    absl::StatusOr<SearchResult> r = Search(snapshot, request, {}, limits);
    EXPECT_TRUE(r.ok()) << query;
    return r.ok() ? *std::move(r) : SearchResult{};
  };
  const std::string frequent = words_[0], other = words_[3];
  // Counted one by one, nothing pruned.
  const SearchResult alone = search(frequent, 1 << 30, true);
  ASSERT_GT(alone.total_hits, 1000);
  for (const int64_t up_to : {int64_t{0}, int64_t{100}, int64_t{1} << 30}) {
    const SearchResult known = search(frequent, up_to, false);
    EXPECT_TRUE(known.total_hits_exact) << up_to;
    EXPECT_EQ(known.total_hits, alone.total_hits) << up_to;
    ASSERT_EQ(known.hits.size(), alone.hits.size());
    for (size_t i = 0; i < alone.hits.size(); ++i) EXPECT_EQ(known.hits[i].doc, alone.hits[i].doc);
  }
  const std::string both = frequent + " " + other;
  const SearchResult all = search(both, 1 << 30, true);
  const SearchResult bounded = search(both, 100, false);
  EXPECT_FALSE(bounded.total_hits_exact);
  EXPECT_GE(bounded.total_hits, alone.total_hits);  // at least the frequent word's
  EXPECT_LE(bounded.total_hits, all.total_hits);
  ASSERT_EQ(bounded.hits.size(), all.hits.size());
  for (size_t i = 0; i < all.hits.size(); ++i) EXPECT_EQ(bounded.hits[i].doc, all.hits[i].doc);
  // Below the known count the loop counts as before: exact.
  const SearchResult counted = search(both, all.total_hits + 1, false);
  EXPECT_TRUE(counted.total_hits_exact);
  EXPECT_EQ(counted.total_hits, all.total_hits);
}

}  // namespace
}  // namespace khabar::search
