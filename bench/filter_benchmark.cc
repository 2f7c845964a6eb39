// Cost of metadata filters, facets and time order (docs/filters.md).
//   build/bench/filter_benchmark [--benchmark_filter=...]
// BM_FilterMatches: Filter::Matches per document on synthetic metadata.
// BM_Search*: one search over a synthetic index where every document matches
// the query word, plain and with a filter / facets / time order / recency, so
// the difference is what the collection loop adds per candidate.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "benchmark/benchmark.h"
#include "query_service/analysis/analyzer.h"
#include "query_service/index/inverted_index.h"
#include "query_service/search/filter.h"
#include "query_service/search/searcher.h"

namespace khabar::search {
namespace {

constexpr int64_t kJul1 = 1751328000;
const char* const kSources[] = {"CNBC عربية",      "BBC عربي",     "الجزيرة", "العربية",
                                "سكاي نيوز عربية", "الشرق الأوسط", "رويترز",  "فرانس 24"};
const char* const kCategories[] = {"تكنولوجيا", "اقتصاد", "رياضة", "سياسة", "ثقافة", ""};

index::Document Meta(int i) {
  index::Document d;
  d.id = absl::StrCat("doc", i);
  d.source = kSources[i % 8];
  d.category = kCategories[(i / 8) % 6];
  d.published_time = i % 11 == 0 ? 0 : kJul1 + (i % 365) * 86400;
  return d;
}

void BM_FilterMatches(benchmark::State& state, const std::string& text) {
  std::vector<index::Document> docs;
  for (int i = 0; i < 10000; ++i) docs.push_back(Meta(i));
  const Filter filter = *ParseFilter(text);
  size_t matched = 0;
  for (auto _ : state) {
    for (const index::Document& d : docs) matched += filter.Matches(d) ? 1 : 0;
  }
  benchmark::DoNotOptimize(matched);
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(docs.size()));
}

std::string IdList() {
  std::vector<std::string> ids;
  for (int i = 0; i < 200; ++i) ids.push_back(absl::StrCat("\"doc", i * 37, "\""));
  return absl::StrCat("id:(", absl::StrJoin(ids, ","), ")");
}

BENCHMARK_CAPTURE(BM_FilterMatches, source, std::string("source = \"الجزيرة\""));
BENCHMARK_CAPTURE(BM_FilterMatches, source_and_time,
                  std::string("source = \"CNBC عربية\" AND published_time > \"2025-07-01\""));
BENCHMARK_CAPTURE(BM_FilterMatches, compound,
                  std::string("(category = \"تكنولوجيا\" OR category = \"اقتصاد\") AND NOT "
                              "source = (\"الجزيرة\", \"رويترز\") AND published_time >= "
                              "\"2025-09-01T00:00:00+03:00\""));
BENCHMARK_CAPTURE(BM_FilterMatches, id_list_200, IdList());

class SearchFixture : public benchmark::Fixture {
 public:
  void SetUp(const benchmark::State&) override {
    if (index_ != nullptr) return;
    analyzer_ = new analysis::Analyzer();
    index_ = new index::InvertedIndex(analyzer_);
    for (int i = 0; i < 50000; ++i) {
      index::Document d = Meta(i);
      d.title = absl::StrCat("خبر عن الرقائق رقم ", i);
      d.paragraphs = {absl::StrCat("نص قصير ", i % 97, " عن الأسواق والرقائق")};
      (void)index_->Upsert(std::move(d));
    }
  }

 protected:
  void Run(benchmark::State& state, const SearchRequest& req) {
    int64_t hits = 0;
    for (auto _ : state) hits = Search(index_->reader(), req)->total_hits;
    state.counters["total_hits"] = static_cast<double>(hits);
    state.SetItemsProcessed(state.iterations() * index_->live_documents());
  }
  static analysis::Analyzer* analyzer_;
  static index::InvertedIndex* index_;
};
analysis::Analyzer* SearchFixture::analyzer_ = nullptr;
index::InvertedIndex* SearchFixture::index_ = nullptr;

BENCHMARK_F(SearchFixture, Plain)(benchmark::State& state) { Run(state, {.query = "الرقائق"}); }
BENCHMARK_F(SearchFixture, Filter)(benchmark::State& state) {
  Run(state, {.query = "الرقائق",
              .filter = "source = \"CNBC عربية\" AND published_time > \"2025-07-01\""});
}
BENCHMARK_F(SearchFixture, Facets)(benchmark::State& state) {
  Run(state, {.query = "الرقائق", .facets = {FacetField::kSource, FacetField::kCategory}});
}
BENCHMARK_F(SearchFixture, OrderByTime)(benchmark::State& state) {
  Run(state, {.query = "الرقائق", .order_by = SortOrder::kPublishedTimeDesc});
}
BENCHMARK_F(SearchFixture, Recency)(benchmark::State& state) {
  Run(state, {.query = "الرقائق", .recency = RecencyBoost{.origin = kJul1 + 365 * 86400}});
}
BENCHMARK_F(SearchFixture, FilterOnly)(benchmark::State& state) {
  Run(state,
      {.query = "", .filter = "category = \"اقتصاد\"", .order_by = SortOrder::kPublishedTimeDesc});
}

}  // namespace
}  // namespace khabar::search
