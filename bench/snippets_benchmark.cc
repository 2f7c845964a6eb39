// Cost of snippets and highlights for one page of hits (what Engine::Search
// adds after ranking). Reports time per hit.
//   build/bench/snippets_benchmark [--benchmark_filter=...]
// Uses the seed articles (../shared/seeds) when present, else the repo's
// data/articles, else a built-in article; the page is 10 of them, repeated.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "bench/seed_files.h"
#include "benchmark/benchmark.h"
#include "query_service/analysis/analyzer.h"
#include "query_service/search/engine.h"
#include "query_service/search/snippets.h"

namespace khabar::search {
namespace {

// First non-empty line = title, blank-line separated blocks = paragraphs.
index::Document Parse(const std::string& name, const std::string& text) {
  index::Document doc;
  doc.id = name;
  for (absl::string_view block : absl::StrSplit(text, "\n\n")) {
    block = absl::StripAsciiWhitespace(block);
    if (block.empty()) continue;
    if (doc.title.empty()) {
      const size_t nl = block.find('\n');
      doc.title = std::string(block.substr(0, nl));
      if (nl == absl::string_view::npos) continue;
      block = absl::StripAsciiWhitespace(block.substr(nl + 1));
    }
    for (absl::string_view line : absl::StrSplit(block, '\n', absl::SkipWhitespace())) {
      doc.paragraphs.emplace_back(absl::StripAsciiWhitespace(line));
    }
  }
  return doc;
}

std::vector<index::Document> PageOfDocs() {
  std::vector<index::Document> docs;
  for (const auto& [name, contents] : bench::SeedFiles({KHABAR_SOURCE_DIR "/data/articles"})) {
    docs.push_back(Parse(name, contents));
  }
  if (docs.empty()) {
    docs.push_back(Parse("builtin",
                         "إنفيديا في الصين\n\nتُعد وحدات معالجة الرسوميات حجر الأساس لتشغيل مراكز "
                         "بيانات الذكاء الاصطناعي، لكن أفضلها يأتي من شركة إنفيديا الأمريكية.\n"));
  }
  std::vector<index::Document> page;
  for (size_t i = 0; page.size() < 10; ++i) page.push_back(docs[i % docs.size()]);
  return page;
}

std::vector<HighlightTerm> Terms(const analysis::Analyzer& analyzer, absl::string_view query) {
  std::vector<HighlightTerm> terms;
  for (const analysis::Token& t : analyzer.Analyze(query)) {
    terms.push_back({std::string(t.stem()), t.term, 1.0, false, t.stopword});
  }
  return terms;
}

// Args: max_snippets, tags (0/1).
void BM_SnippetsPageOf10(benchmark::State& state) {
  const analysis::Analyzer analyzer;
  const std::vector<index::Document> page = PageOfDocs();
  const std::vector<HighlightTerm> terms = Terms(analyzer, "إنفيديا الذكاء الاصطناعي في الصين");
  SnippetOptions options;
  options.max_snippets = static_cast<int>(state.range(0));
  if (state.range(1) != 0) {
    options.pre_tag = "<mark>";
    options.post_tag = "</mark>";
  }
  size_t bytes = 0;
  for (const index::Document& d : page) {
    bytes += d.title.size();
    for (const std::string& p : d.paragraphs) bytes += p.size();
  }
  for (auto _ : state) {
    for (const index::Document& d : page) {
      DocumentHighlights h = MakeSnippets(analyzer, d, terms, options);
      benchmark::DoNotOptimize(h);
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
  // Hits per second; µs per hit = CPU time / 10.
  state.counters["hits"] =
      benchmark::Counter(10.0, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_SnippetsPageOf10)->Args({1, 0})->Args({1, 1})->Args({5, 1})->Unit(benchmark::kMicrosecond);

// The worst case the scan bound allows: a 1 MB article whose only match is
// at its end (beyond max_scan_bytes, so the lead is returned).
void BM_SnippetsLongArticle(benchmark::State& state) {
  const analysis::Analyzer analyzer;
  index::Document doc;
  doc.title = "تقرير طويل";
  const std::string para =
      "تُعد وحدات معالجة الرسوميات حجر الأساس لتشغيل مراكز بيانات الذكاء الاصطناعي وتدريب النماذج.";
  while (doc.paragraphs.size() * para.size() < (1u << 20)) doc.paragraphs.push_back(para);
  doc.paragraphs.push_back("وفي الختام إنفيديا.");
  const std::vector<HighlightTerm> terms = Terms(analyzer, "إنفيديا");
  for (auto _ : state) {
    DocumentHighlights h = MakeSnippets(analyzer, doc, terms, SnippetOptions{});
    benchmark::DoNotOptimize(h);
  }
}
BENCHMARK(BM_SnippetsLongArticle)->Unit(benchmark::kMicrosecond);

// Engine::Search for a 10-hit page with and without highlighting (arg).
void BM_EngineSearchPage(benchmark::State& state) {
  Engine engine{EngineOptions{}};
  const std::vector<index::Document> page = PageOfDocs();
  std::vector<index::Document> docs;
  for (int copy = 0; copy < 100; ++copy) {
    for (index::Document d : page) {
      d.id = absl::StrCat(d.id, "_", copy, "_", docs.size());
      d.paragraphs.push_back(absl::StrCat("نسخة ", copy));
      docs.push_back(std::move(d));
    }
  }
  engine.UpsertBatch(std::move(docs));
  PageRequest req;
  req.query = "إنفيديا الذكاء الاصطناعي في الصين";
  req.page_size = 10;
  req.highlight = state.range(0) != 0;
  for (auto _ : state) {
    absl::StatusOr<Page> p = engine.Search(req);
    benchmark::DoNotOptimize(p);
  }
}
BENCHMARK(BM_EngineSearchPage)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace khabar::search
