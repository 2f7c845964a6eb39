// Throughput of the analyzer on Arabic news text (MB/s per core).
//   build/bench/analyzer_benchmark [--benchmark_filter=...]
// Uses ../shared/seeds when present (run from the repo or build dir), else a
// built-in paragraph.
#include <string>

#include "bench/seed_files.h"
#include "benchmark/benchmark.h"
#include "query_service/analysis/analyzer.h"
#include "query_service/analysis/segmenter.h"

namespace khabar::analysis {
namespace {

std::string Corpus() {
  std::string text;
  for (const auto& [name, contents] : bench::SeedFiles()) text += contents + "\n";
  if (!text.empty()) return text;
  for (int i = 0; i < 50; ++i) {
    text +=
        "تُعد وحدات معالجة الرسوميات (GPU) حجر الأساس لتشغيل مراكز بيانات الذكاء الاصطناعي "
        "وتدريب النماذج المتقدمة، لكن أفضل هذه الوحدات تأتي من شركة إنفيديا الأمريكية في عام ٢٠٢٥.\n";
  }
  return text;
}

void BM_AnalyzeArabicNews(benchmark::State& state) {
  const std::string text = Corpus();
  Analyzer analyzer;
  std::vector<Token> tokens;
  for (auto _ : state) {
    tokens.clear();
    analyzer.AnalyzeTo(text, 0, &tokens);
    benchmark::DoNotOptimize(tokens.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(text.size()));
  state.counters["tokens"] = static_cast<double>(tokens.size());
}
BENCHMARK(BM_AnalyzeArabicNews);

// The indexing hot path: tokens seen through a callback, no allocation per token.
void BM_ForEachTokenArabicNews(benchmark::State& state) {
  const std::string text = Corpus();
  Analyzer analyzer;
  size_t tokens = 0;
  for (auto _ : state) {
    tokens = 0;
    analyzer.ForEachToken(text, 0, [&](const TokenRef& t) {
      benchmark::DoNotOptimize(t.stem.data());
      ++tokens;
    });
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(text.size()));
  state.counters["tokens"] = static_cast<double>(tokens);
}
BENCHMARK(BM_ForEachTokenArabicNews);

// Segmentation alone: the fast path against ICU's BreakIterator.
void BM_SegmentFast(benchmark::State& state) {
  const std::string text = Corpus();
  for (auto _ : state) {
    size_t words = 0;
    ForEachWord(text, [&](uint32_t, uint32_t) { ++words; });
    benchmark::DoNotOptimize(words);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(text.size()));
}
BENCHMARK(BM_SegmentFast);

void BM_SegmentIcu(benchmark::State& state) {
  const std::string text = Corpus();
  for (auto _ : state) {
    size_t words = 0;
    ForEachWordIcu(text, [&](uint32_t, uint32_t) { ++words; });
    benchmark::DoNotOptimize(words);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(text.size()));
}
BENCHMARK(BM_SegmentIcu);

void BM_NormalizeWord(benchmark::State& state) {
  const std::string word = "والرُّقاقات";
  std::string out;
  for (auto _ : state) {
    out.clear();
    NormalizeWordTo(word, {}, &out);
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(BM_NormalizeWord);

}  // namespace
}  // namespace khabar::analysis
