// Ingest and search at the same time (issue 4: "searches run concurrently
// with ingest and never block on it"). Run under ThreadSanitizer in CI
// (scripts/test.sh); under a plain build it still checks what every reader
// must see: a consistent snapshot, growing monotonically, each batch
// searchable as soon as UpsertBatch returns.
#include <algorithm>
#include <atomic>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "query_service/search/engine.h"

namespace khabar::search {
namespace {

constexpr int kBatches = 40;
constexpr int kBatchSize = 25;

index::Document Article(int n) {
  index::Document d;
  d.id = absl::StrCat("a", n);
  d.title = absl::StrCat("خبر عاجل رقم ", n);
  // Every article has "الاقتصاد"; every tenth also "الزيتون".
  d.paragraphs = {absl::StrCat("تقرير عن الاقتصاد في العدد ", n),
                  n % 10 == 0 ? "وموسم الزيتون" : "ونص آخر"};
  d.content_hash = absl::StrCat("h", n);
  d.payload = d.title;
  return d;
}

// Articles that come and go, sharing no word with Article().
index::Document Temporary(int n) {
  index::Document d;
  d.id = absl::StrCat("t", n);
  d.title = "إعلان مؤقت";
  d.payload = d.title;
  return d;
}

PageRequest Request(std::string query, int32_t page_size = 10, std::string page_token = "") {
  PageRequest r;
  r.query = std::move(query);
  r.page_size = page_size;
  r.page_token = std::move(page_token);
  return r;
}

EngineOptions Options() {
  EngineOptions o;
  // Merge often, so readers race with merges too.
  o.merge_policy = {.merge_factor = 2, .min_segment_docs = 8, .background = true};
  return o;
}

TEST(EngineConcurrencyTest, SearchesSeeConsistentGrowingSnapshotsWhileIngestRuns) {
  Engine engine(Options());
  std::atomic<int> published{0};  // articles acknowledged so far
  std::atomic<bool> done{false};
  std::atomic<int> searches{0};
  std::atomic<int> failures{0};

  auto reader = [&](int id) {
    int64_t last_total = 0;
    // Bounded: stops when the writer is done, or after 20,000 searches.
    for (int i = 0; i < 20000 && !done.load(); ++i) {
      const int acked_before = published.load();
      PageRequest request = Request(id % 2 == 0 ? "الاقتصاد" : "الزيتون", 20);
      request.highlight = i % 4 == 0;
      absl::StatusOr<Page> page = engine.Search(request);
      if (!page.ok()) {
        ++failures;
        continue;
      }
      ++searches;
      // Monotone: articles are only added, so totals never shrink, and what
      // was acknowledged before the search started is all visible.
      const int64_t floor = id % 2 == 0 ? acked_before : (acked_before + 9) / 10;
      if (page->total_hits < last_total || page->total_hits < floor) ++failures;
      last_total = page->total_hits;
      for (const PageHit& hit : page->hits) {
        if (hit.id.empty() || hit.title.empty()) ++failures;  // a torn document
      }
    }
  };

  std::vector<std::thread> readers;
  for (int r = 0; r < 4; ++r) readers.emplace_back(reader, r);
  for (int b = 0; b < kBatches; ++b) {
    std::vector<index::Document> batch;
    for (int i = 0; i < kBatchSize; ++i) batch.push_back(Article(b * kBatchSize + i));
    batch.push_back(Temporary(b));
    for (const auto& r : engine.UpsertBatch(std::move(batch))) ASSERT_TRUE(r.ok());
    published = (b + 1) * kBatchSize;
    // Searchable as soon as acknowledged: no refresh interval.
    PageRequest newest = Request(absl::StrCat("رقم ", published.load() - 1), 1);
    newest.default_operator = QueryOperator::kAnd;
    absl::StatusOr<Page> page = engine.Search(newest);
    ASSERT_TRUE(page.ok());
    ASSERT_FALSE(page->hits.empty());
    if (b % 2 == 1) {  // deletes race with readers as well
      std::vector<std::string> not_found;
      EXPECT_EQ(engine.Delete({absl::StrCat("t", b)}, &not_found), 1);
    }
  }
  done = true;
  for (std::thread& t : readers) t.join();
  engine.WaitForMerges();

  EXPECT_EQ(failures.load(), 0);
  EXPECT_GT(searches.load(), 0);
  absl::StatusOr<Page> all = engine.Search(Request("الاقتصاد"));
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->total_hits, kBatches * kBatchSize);
  EXPECT_EQ(engine.Search(Request("مؤقت"))->total_hits, kBatches / 2);
  EXPECT_LT(engine.Stats().index.segments, 12);  // merged, not one per batch
}

TEST(EngineConcurrencyTest, PageTokensPageThroughTheSnapshotOfTheFirstPage) {
  Engine engine(Options());
  std::vector<index::Document> batch;
  for (int i = 0; i < 30; ++i) batch.push_back(Article(i));
  engine.UpsertBatch(std::move(batch));

  absl::StatusOr<Page> first = engine.Search(Request("الاقتصاد", 10));
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->total_hits, 30);
  // Ingest more matching articles (which rank anywhere) and delete one from
  // the first page: later pages still come from the first page's index.
  batch.clear();
  for (int i = 30; i < 60; ++i) batch.push_back(Article(i));
  engine.UpsertBatch(std::move(batch));
  std::vector<std::string> not_found;
  engine.Delete({std::string(first->hits[0].id)}, &not_found);

  std::vector<std::string> seen;
  for (const PageHit& h : first->hits) seen.emplace_back(h.id);
  std::string token = first->next_page_token;
  for (int pages = 0; !token.empty() && pages < 10; ++pages) {
    absl::StatusOr<Page> next =
        engine.Search(Request("الاقتصاد", 10, token));
    ASSERT_TRUE(next.ok()) << next.status();
    EXPECT_EQ(next->total_hits, 30);
    for (const PageHit& h : next->hits) seen.emplace_back(h.id);
    token = next->next_page_token;
  }
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(std::unique(seen.begin(), seen.end()), seen.end()) << "a hit on two pages";
  EXPECT_EQ(seen.size(), 30u);
  EXPECT_EQ(engine.Stats().pinned_snapshots, 1);
  // A new search sees the current index.
  EXPECT_EQ(engine.Search(Request("الاقتصاد"))->total_hits, 59);
}

// Article(n) with other text and content hash `version`.
index::Document Edited(int n, const std::string& version, std::string title) {
  index::Document d = Article(n);
  d.title = std::move(title);
  d.content_hash = version;
  d.payload = d.title;
  return d;
}

// Batch b: eight new articles, one of batch b-1 sent again unchanged, one of
// batch b-1 edited, and the edit of batch b-1 sent again (unchanged now);
// one more of batch b-1 revised, and the revision of batch b-1 reverted to
// the original (which an analysis before the revision is applied sees as
// unchanged).
std::vector<index::Document> MixedBatch(int b) {
  std::vector<index::Document> batch;
  for (int i = 0; i < 8; ++i) batch.push_back(Article(b * 10 + i));
  if (b > 0) {
    batch.push_back(Article((b - 1) * 10 + 1));
    batch.push_back(Edited((b - 1) * 10 + 2, absl::StrCat("edit", b), absl::StrCat("تعديل ", b)));
    batch.push_back(Edited((b - 1) * 10 + 3, absl::StrCat("revised", b), "خبر مراجعة"));
  }
  if (b > 1) {
    batch.push_back(
        Edited((b - 2) * 10 + 2, absl::StrCat("edit", b - 1), absl::StrCat("تعديل ", b - 1)));
    batch.push_back(Article((b - 2) * 10 + 3));
  }
  return batch;
}

constexpr int kMixedBatches = 30;

// Appends a batch's outcomes to `out`, as numbers ("error" for a rejection).
void AppendOutcomes(const std::vector<absl::StatusOr<index::UpsertOutcome>>& results,
                    std::vector<std::string>* out) {
  for (const auto& r : results) {
    out->push_back(r.ok() ? absl::StrCat(static_cast<int>(*r)) : "error");
  }
}

// What one batch after the other gives.
std::vector<std::string> UpsertOneByOne(Engine* engine) {
  std::vector<std::string> outcomes;
  for (int b = 0; b < kMixedBatches; ++b) {
    AppendOutcomes(engine->UpsertBatch(MixedBatch(b)), &outcomes);
  }
  return outcomes;
}

void ExpectSameIndex(const Engine& got, const Engine& want) {
  EXPECT_EQ(got.LivePayloads(), want.LivePayloads());
  EXPECT_EQ(got.Stats().created, want.Stats().created);
  EXPECT_EQ(got.Stats().updated, want.Stats().updated);
  EXPECT_GT(got.Stats().unchanged, 0);
  EXPECT_EQ(got.Stats().unchanged, want.Stats().unchanged);
  for (const char* query : {"الاقتصاد", "تعديل", "الزيتون", "مراجعة"}) {
    EXPECT_EQ(got.Search(Request(query))->total_hits, want.Search(Request(query))->total_hits)
        << query;
  }
}

// Two batches analysed before either is applied, every time: the second's
// analysis is stale for each document the first changes (deterministic,
// one thread).
TEST(EngineConcurrencyTest, BatchesAnalysedBeforeTheLastIsAppliedEndAsUpsertedInOrder) {
  Engine sequential(Options());
  const std::vector<std::string> expected = UpsertOneByOne(&sequential);
  Engine paired(Options());
  std::vector<std::string> outcomes;
  for (int b = 0; b < kMixedBatches; b += 2) {
    Engine::PreparedBatch first = paired.PrepareBatch(MixedBatch(b));
    Engine::PreparedBatch second = paired.PrepareBatch(MixedBatch(b + 1));
    for (Engine::PreparedBatch* p : {&first, &second}) {
      AppendOutcomes(paired.ApplyBatch(std::move(*p)), &outcomes);
    }
  }
  EXPECT_EQ(outcomes, expected);
  ExpectSameIndex(paired, sequential);
}

// Pipelined as query_service's IndexArticles does it: batch b+1 is analysed
// while batch b is applied on another thread, so the analysis checks for
// unchanged documents while the writer changes the ids (TSan in CI).
TEST(EngineConcurrencyTest, BatchesAnalysedWhileTheLastIsAppliedEndAsUpsertedInOrder) {
  Engine sequential(Options());
  const std::vector<std::string> expected = UpsertOneByOne(&sequential);
  Engine pipelined(Options());
  std::vector<std::string> outcomes;
  std::future<void> applying;
  for (int b = 0; b < kMixedBatches; ++b) {
    Engine::PreparedBatch batch = pipelined.PrepareBatch(MixedBatch(b));
    if (applying.valid()) applying.get();
    applying = std::async(std::launch::async, [&pipelined, &outcomes](Engine::PreparedBatch p) {
      AppendOutcomes(pipelined.ApplyBatch(std::move(p)), &outcomes);
    }, std::move(batch));
  }
  applying.get();
  EXPECT_EQ(outcomes, expected);
  ExpectSameIndex(pipelined, sequential);
}

}  // namespace
}  // namespace khabar::search
