// The indexing pipeline's parts, one core each (issue 5; docs/index-snapshots.md):
//   BM_AnalyzeDocument  InvertedIndex::Analyze, what the indexing threads run
//   BM_BuildSegment     a batch of analysed documents into a Segment
//   BM_MergeSegments    8 segments of 256 documents into one
//   BM_NearDuplicateTable  a document's near-duplicate lookup and insert
//                       (the writer thread's part, serial) in a table of N
//   build/bench/indexing_benchmark [--benchmark_filter=...]
// Documents are made of words drawn (Zipf-like, seeded) from the seed
// articles in ../shared/seeds, else from a built-in paragraph.
#include <cmath>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "bench/seed_files.h"
#include "benchmark/benchmark.h"
#include "query_service/analysis/analyzer.h"
#include "query_service/index/inverted_index.h"

namespace khabar::index {
namespace {

std::vector<std::string> Vocabulary() {
  std::string text;
  for (const auto& [name, contents] : bench::SeedFiles()) absl::StrAppend(&text, contents, " ");
  if (text.empty()) {
    text = "تعد وحدات معالجة الرسوميات حجر الأساس لتشغيل مراكز بيانات الذكاء الاصطناعي "
           "وتدريب النماذج المتقدمة لكن أفضل هذه الوحدات تأتي من شركة إنفيديا الأمريكية";
  }
  return absl::StrSplit(text, absl::ByAnyChar(" \n\t"), absl::SkipEmpty());
}

// `n` documents of a title and 6 paragraphs of 80 words, ~4 KB each.
std::vector<Document> Documents(size_t n, uint32_t seed) {
  static const std::vector<std::string> words = Vocabulary();
  std::mt19937 rng(seed);
  // Zipf-like: rank r drawn with weight 1 / (r + 1).
  std::vector<double> weights(words.size());
  for (size_t r = 0; r < words.size(); ++r) weights[r] = 1.0 / static_cast<double>(r + 1);
  std::discrete_distribution<size_t> pick(weights.begin(), weights.end());
  auto sentence = [&](int count) {
    std::string s;
    for (int i = 0; i < count; ++i) absl::StrAppend(&s, i ? " " : "", words[pick(rng)]);
    return s;
  };
  std::vector<Document> docs(n);
  for (size_t i = 0; i < n; ++i) {
    docs[i].id = absl::StrCat("doc", seed, "-", i);
    docs[i].title = sentence(8);
    for (int p = 0; p < 6; ++p) docs[i].paragraphs.push_back(sentence(80));
  }
  return docs;
}

int64_t Bytes(const std::vector<Document>& docs) {
  int64_t bytes = 0;
  for (const Document& d : docs) {
    bytes += static_cast<int64_t>(d.title.size());
    for (const std::string& p : d.paragraphs) bytes += static_cast<int64_t>(p.size());
  }
  return bytes;
}

void BM_AnalyzeDocument(benchmark::State& state) {
  analysis::Analyzer analyzer;
  InvertedIndex index(&analyzer);
  const std::vector<Document> docs = Documents(64, 1);
  for (auto _ : state) {
    for (const Document& d : docs) {
      AnalyzedDocument a = index.Analyze(d);
      benchmark::DoNotOptimize(a.terms.terms.data());
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * docs.size()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * Bytes(docs));
}
BENCHMARK(BM_AnalyzeDocument);

// Analysed documents ready for SegmentBuilder.
struct Batch {
  std::vector<std::shared_ptr<const Document>> docs;
  std::vector<AnalyzedDocument> analyzed;
};
Batch Analyzed(const InvertedIndex& index, size_t n, uint32_t seed) {
  Batch b;
  for (Document& d : Documents(n, seed)) {
    b.analyzed.push_back(index.Analyze(d));
    b.docs.push_back(std::make_shared<const Document>(std::move(d)));
  }
  return b;
}

void BM_BuildSegment(benchmark::State& state) {
  analysis::Analyzer analyzer;
  InvertedIndex index(&analyzer);
  const Batch batch = Analyzed(index, static_cast<size_t>(state.range(0)), 2);
  int64_t postings = 0;
  for (auto _ : state) {
    SegmentBuilder builder(0);
    for (size_t i = 0; i < batch.docs.size(); ++i) {
      builder.AddDocument(batch.docs[i], batch.analyzed[i].info.length, &batch.analyzed[i].terms);
    }
    std::shared_ptr<const Segment> segment = builder.Build();
    postings = segment->posting_count;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
  state.counters["postings"] = static_cast<double>(postings);
}
BENCHMARK(BM_BuildSegment)->Arg(128)->Arg(1024);

void BM_MergeSegments(benchmark::State& state) {
  analysis::Analyzer analyzer;
  // No merges of its own: the benchmark merges the 8 segments itself.
  InvertedIndex index(&analyzer, {}, {}, {.merge_factor = 1000, .background = false});
  for (uint32_t s = 0; s < 8; ++s) {
    for (Document& d : Documents(256, 10 + s)) {
      if (!index.Upsert(std::move(d)).ok()) state.SkipWithError("upsert failed");
    }
    index.Publish();
  }
  const std::shared_ptr<const IndexSnapshot> snapshot = index.snapshot();
  ChunkedVector<uint64_t> deleted;
  for (DocId d = 0; d < snapshot->doc_id_limit(); d += 64) deleted.push_back(0);
  for (auto _ : state) {
    std::shared_ptr<const Segment> merged =
        MergeSegments(snapshot->segments(), deleted, [&](DocId d) { return snapshot->lengths(d); });
    benchmark::DoNotOptimize(merged.get());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * snapshot->doc_id_limit());
}
BENCHMARK(BM_MergeSegments);

// What the writer does per fingerprinted document (InvertedIndex::Upsert):
// find the nearest live fingerprint, then insert its own, in a table of N
// (state.range(0)) that grows by the 20,000 iterations. The fingerprints are
// uniform, so a block value's bucket holds N / 256 keys at the default
// max_distance 7 (8-bit blocks); real SimHashes are less even. Counter
// `bytes_per_doc`: the table's memory_bytes() / N.
void BM_NearDuplicateTable(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  std::mt19937_64 rng(42);
  NearDuplicateTable table(NearDuplicateOptions().max_distance);
  std::vector<uint64_t> fingerprints;
  fingerprints.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    fingerprints.push_back(rng());
    table.Insert(static_cast<uint32_t>(i), fingerprints.back());
  }
  state.counters["bytes_per_doc"] =
      static_cast<double>(table.memory_bytes()) / static_cast<double>(n);
  uint32_t key = static_cast<uint32_t>(n);
  int64_t found = 0;
  for (auto _ : state) {
    const uint64_t fp = rng();
    found += table.FindNearest(fp).has_value() ? 1 : 0;
    table.Insert(key++, fp);
  }
  benchmark::DoNotOptimize(found);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_NearDuplicateTable)->Arg(50'000)->Arg(200'000)->Iterations(20'000);

}  // namespace
}  // namespace khabar::index

BENCHMARK_MAIN();
