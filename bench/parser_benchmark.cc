// Parse throughput of the article parsers, bytes/s per core.
//   build/bench/parser_benchmark --benchmark_min_time=1
// Inputs: plain text = ../shared/seeds/*.txt and data/articles/*.txt, one
// article per file; TREC = the first 300 ANT files concatenated, read from
// /tmp/ant/antcorpus.data (see docs/ingest-formats.md; skipped when absent);
// JSONL = ../shared/eval/arcd/docs.jsonl (skipped when absent).
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "ingest_service/article/jsonl_parser.h"
#include "ingest_service/article/plain_text_parser.h"
#include "ingest_service/article/text_hygiene.h"
#include "ingest_service/article/trec_parser.h"

namespace khabar::article {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<fs::path> FilesUnder(const fs::path& dir, bool recursive) {
  std::vector<fs::path> out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return out;
  if (recursive) {
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
      if (e.is_regular_file() && e.path().extension() == ".txt") out.push_back(e.path());
    }
  } else {
    for (const auto& e : fs::directory_iterator(dir)) {
      if (e.is_regular_file() && e.path().extension() == ".txt") out.push_back(e.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

const std::vector<std::string>& PlainTexts() {
  static const auto* const kTexts = [] {
    auto* texts = new std::vector<std::string>;
    for (const char* dir : {KHABAR_SOURCE_DIR "/../shared/seeds", KHABAR_SOURCE_DIR "/data/articles"}) {
      for (const fs::path& p : FilesUnder(dir, false)) texts->push_back(ReadFile(p));
    }
    return texts;
  }();
  return *kTexts;
}

void BM_PlainText(benchmark::State& state) {
  const std::vector<std::string>& texts = PlainTexts();
  if (texts.empty()) {
    state.SkipWithError("no seeds or data/articles");
    return;
  }
  size_t bytes = 0;
  for (auto _ : state) {
    for (const std::string& t : texts) {
      auto a = ParsePlainText("x.txt", t);
      benchmark::DoNotOptimize(a);
      bytes += t.size();
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_PlainText);

void BM_Hygiene(benchmark::State& state) {
  std::string all;
  for (const std::string& t : PlainTexts()) all += t;
  for (auto _ : state) {
    std::string clean = CleanText(all, LineMode::kKeepLines);
    benchmark::DoNotOptimize(clean);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * all.size()));
}
BENCHMARK(BM_Hygiene);

void BM_Trec(benchmark::State& state) {
  std::vector<fs::path> files = FilesUnder("/tmp/ant/antcorpus.data", true);
  if (files.empty()) {
    state.SkipWithError("no /tmp/ant/antcorpus.data (extract the ANT tarball there)");
    return;
  }
  files.resize(std::min<size_t>(files.size(), 300));
  std::string text;
  for (const fs::path& p : files) text += ReadFile(p) + "\n";
  for (auto _ : state) {
    auto docs = ParseTrec("ant.trec", text);
    benchmark::DoNotOptimize(docs);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_Trec);

void BM_Jsonl(benchmark::State& state) {
  const std::string text = ReadFile(KHABAR_SOURCE_DIR "/../shared/eval/arcd/docs.jsonl");
  if (text.empty()) {
    state.SkipWithError("no ../shared/eval/arcd/docs.jsonl");
    return;
  }
  for (auto _ : state) {
    auto docs = ParseJsonl("docs.jsonl", text);
    benchmark::DoNotOptimize(docs);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_Jsonl);

}  // namespace
}  // namespace khabar::article
