// The posting codec (docs/posting-format.md): bit unpacking per width, a
// full scan of a list, skipping with Advance, positions.
//   build/bench/codec_benchmark
#include <random>
#include <vector>

#include "benchmark/benchmark.h"
#include "query_service/index/posting_codec.h"

namespace khabar::index {
namespace {

void BM_UnpackBits(benchmark::State& state) {
  const uint32_t width = static_cast<uint32_t>(state.range(0));
  std::vector<uint32_t> values(kBlockSize);
  std::mt19937 rng(1);
  for (uint32_t& v : values) v = width == 0 ? 0 : static_cast<uint32_t>(rng() >> (32 - width));
  std::vector<uint8_t> packed;
  PackBits(values.data(), kBlockSize, width, &packed);
  packed.resize(packed.size() + kStreamPadding);
  uint32_t out[kBlockSize];
  for (auto _ : state) {
    UnpackBits(packed.data(), kBlockSize, width, out);
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations() * kBlockSize);
}
BENCHMARK(BM_UnpackBits)->Arg(1)->Arg(4)->Arg(8)->Arg(13)->Arg(20);

// A list of `n` postings, every `gap`-th doc, 1-3 positions each.
struct List {
  std::vector<uint8_t> postings, positions;
  PostingList list;
  List(uint32_t n, uint32_t gap) {
    PostingListWriter w(&postings, &positions);
    std::vector<uint32_t> pos;
    for (uint32_t i = 0; i < n; ++i) {
      const uint32_t f = 1 + i % 3;
      pos.clear();
      for (uint32_t k = 0; k < f; ++k) pos.push_back(70 + 13 * k + i % 50);
      w.Add(i * gap, {0, f, 0}, pos, {10, 500, 40});
    }
    const uint64_t at = w.Finish(0);
    postings.resize(postings.size() + kStreamPadding);
    positions.resize(positions.size() + kStreamPadding);  // the 8-byte loads' padding
    list = OpenList(0, postings.data() + at, positions.data());
  }
};

void BM_ScanDocsAndFreqs(benchmark::State& state) {
  const List l(1 << 20, 3);
  uint64_t sum = 0;
  for (auto _ : state) {
    for (ListCursor c(l.list); c.doc() != kNoMoreDocs; c.Next()) sum += c.doc() + c.freq(1);
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(state.iterations() * (1 << 20));
  state.counters["bytes_per_posting"] =
      static_cast<double>(l.postings.size()) / static_cast<double>(1 << 20);
}
BENCHMARK(BM_ScanDocsAndFreqs);

void BM_AdvanceSparse(benchmark::State& state) {
  const List l(1 << 20, 3);
  const uint32_t step = static_cast<uint32_t>(state.range(0));
  uint64_t sum = 0, advances = 0;
  for (auto _ : state) {
    ListCursor c(l.list);
    for (DocId target = 0; c.doc() != kNoMoreDocs; target += step, ++advances) {
      c.Advance(target);
      sum += c.doc();
    }
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(static_cast<int64_t>(advances));
}
BENCHMARK(BM_AdvanceSparse)->Arg(10)->Arg(1000)->Arg(100000);

void BM_Positions(benchmark::State& state) {
  const List l(1 << 16, 3);
  uint64_t sum = 0;
  for (auto _ : state) {
    for (ListCursor c(l.list); c.doc() != kNoMoreDocs; c.Next()) sum += c.positions().size();
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(state.iterations() * (1 << 16));
}
BENCHMARK(BM_Positions);

}  // namespace
}  // namespace khabar::index
