// Throughput of the analyzer on Arabic news text (MB/s per core).
//   build/bench/analyzer_benchmark [--benchmark_filter=...]
// Uses ../shared/seeds when present, else a built-in paragraph.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "benchmark/benchmark.h"
#include "query_service/analysis/analyzer.h"

namespace khabar::analysis {
namespace {

std::string Corpus() {
  std::string text;
  for (const char* dir : {"../shared/seeds", "../../shared/seeds", "../../../shared/seeds"}) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) continue;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
      std::ifstream in(e.path());
      std::stringstream ss;
      ss << in.rdbuf();
      text += ss.str();
      text += "\n";
    }
    if (!text.empty()) return text;
  }
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
