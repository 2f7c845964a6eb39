// Latency per query type and collection mode, in process, single thread
// (the Search Benchmark Game's grid; docs/query-processing.md).
//   build/bench/query_benchmark [--benchmark_filter=union] [KHABAR_QB_DOCS=20000]
// The index: KHABAR_QB_DOCS (default 20000) synthetic documents over a
// Zipfian vocabulary of 60,000 made-up Arabic words (title 8-12 words, body
// 300-800), published in batches of 256 and merged into one segment, as
// khabar_bench does. Query words come from three frequency bands (the
// vocabulary ranks 20-200 "frequent", 200-5000 "medium", 5000-30000 "rare");
// each benchmark cycles over 64 queries of its type, so an iteration is one
// search.
//   term          one medium word
//   union         a b c (frequent + medium + rare), OR
//   intersection  +a +b (medium + medium)
//   phrase        "a b" (two consecutive words of a document)
//   req_opt       +a b (medium required, frequent optional)
//   negation      a b -c
// Modes: top10 (pruning after the first full page: --exact_hits_up_to 0),
// top10_count (top 10 and an exact total_hits: no pruning), count (exact
// total_hits, no hits).
#include <cstdlib>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "benchmark/benchmark.h"
#include "query_service/analysis/analyzer.h"
#include "query_service/index/inverted_index.h"
#include "query_service/search/searcher.h"

namespace khabar::search {
namespace {

// 60,000 distinct words of 3-7 Arabic letters, in rank order.
std::vector<std::string> Vocabulary() {
  static const char* const kLetters[] = {"ا", "ب", "ت", "ث", "ج", "ح", "خ", "د", "ذ", "ر",
                                         "ز", "س", "ش", "ص", "ض", "ط", "ظ", "ع", "غ", "ف",
                                         "ق", "ك", "ل", "م", "ن", "ه", "و", "ي"};
  std::mt19937 rng(42);
  std::vector<std::string> words;
  std::set<std::string> seen;
  while (words.size() < 60000) {
    std::string w;
    for (int n = 3 + static_cast<int>(rng() % 5); n > 0; --n) w += kLetters[rng() % 28];
    if (seen.insert(w).second) words.push_back(w);
  }
  return words;
}

struct Corpus {
  std::vector<std::string> words;
  analysis::Analyzer analyzer;
  index::InvertedIndex index{&analyzer};
  std::vector<std::pair<std::string, std::string>> bigrams;  // consecutive words seen
  int64_t docs = 0;

  Corpus() {
    words = Vocabulary();
    const char* env = std::getenv("KHABAR_QB_DOCS");
    docs = env != nullptr ? std::max(1000L, std::atol(env)) : 20000;
    std::mt19937 rng(7);
    std::vector<double> weights;
    for (size_t i = 0; i < words.size(); ++i) weights.push_back(1.0 / (i + 2.7));
    std::discrete_distribution<size_t> zipf(weights.begin(), weights.end());
    auto text = [&](int n) {
      std::vector<std::string> out;
      for (int i = 0; i < n; ++i) out.push_back(words[zipf(rng)]);
      return out;
    };
    for (int64_t i = 0; i < docs; ++i) {
      index::Document d;
      d.id = absl::StrCat("d", i);
      d.title = absl::StrJoin(text(8 + static_cast<int>(rng() % 5)), " ");
      std::vector<std::string> body = text(300 + static_cast<int>(rng() % 500));
      if (i % 97 == 0 && bigrams.size() < 64) bigrams.emplace_back(body[10], body[11]);
      d.paragraphs.push_back(absl::StrJoin(body, " "));
      if (!index.Upsert(std::move(d)).ok()) std::abort();
      if (i % 256 == 255) index.Publish();
    }
    index.ForceMerge();
  }

  std::string Band(std::mt19937& rng, size_t lo, size_t hi) { return words[lo + rng() % (hi - lo)]; }

  std::vector<std::string> Queries(const std::string& type) {
    std::mt19937 rng(11);
    std::vector<std::string> out;
    for (int i = 0; i < 64; ++i) {
      const std::string f = Band(rng, 20, 200), m = Band(rng, 200, 5000),
                        m2 = Band(rng, 200, 5000), r = Band(rng, 5000, 30000);
      if (type == "term") out.push_back(m);
      if (type == "union") out.push_back(absl::StrCat(f, " ", m, " ", r));
      if (type == "intersection") out.push_back(absl::StrCat("+", m, " +", m2));
      if (type == "phrase") {
        const auto& [a, b] = bigrams[i % bigrams.size()];
        out.push_back(absl::StrCat("\"", a, " ", b, "\""));
      }
      if (type == "req_opt") out.push_back(absl::StrCat("+", m, " ", f));
      if (type == "negation") out.push_back(absl::StrCat(m, " ", r, " -", f));
    }
    return out;
  }
};

Corpus& TheCorpus() {
  static Corpus* corpus = new Corpus();
  return *corpus;
}

void BM_Query(benchmark::State& state, const std::string& type, const std::string& mode) {
  Corpus& c = TheCorpus();
  const std::vector<std::string> queries = c.Queries(type);
  const index::IndexSnapshot& snapshot = c.index.reader();
  SearchLimits limits;
  limits.exact_hits_up_to = 0;
  const Bm25Options bm25;
  size_t i = 0;
  int64_t hits = 0;
  for (auto _ : state) {
    SearchRequest request;
    request.query = queries[i++ % queries.size()];
    request.limit = mode == "count" ? 0 : 10;
    request.exact_total_hits = mode != "top10";
    absl::StatusOr<SearchResult> r = Search(snapshot, request, bm25, limits);
    if (!r.ok()) {
      state.SkipWithError(std::string(r.status().message()).c_str());
      break;
    }
    hits += r->total_hits;
  }
  state.counters["docs"] = static_cast<double>(c.docs);
  state.counters["hits_per_query"] =
      benchmark::Counter(static_cast<double>(hits), benchmark::Counter::kAvgIterations);
}

#define KHABAR_QUERY_BENCH(type)                                                     \
  BENCHMARK_CAPTURE(BM_Query, type##_top10, std::string(#type), std::string("top10")); \
  BENCHMARK_CAPTURE(BM_Query, type##_top10_count, std::string(#type),                 \
                    std::string("top10_count"));                                      \
  BENCHMARK_CAPTURE(BM_Query, type##_count, std::string(#type), std::string("count"))

KHABAR_QUERY_BENCH(term);
KHABAR_QUERY_BENCH(union);
KHABAR_QUERY_BENCH(intersection);
KHABAR_QUERY_BENCH(phrase);
KHABAR_QUERY_BENCH(req_opt);
KHABAR_QUERY_BENCH(negation);

}  // namespace
}  // namespace khabar::search
