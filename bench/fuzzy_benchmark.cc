// Cost of typo tolerance, Suggest and MoreLikeThis on a dictionary of about
// 100,000 exact forms (plus their stems), the size the brief asks to stay
// fast on. Reports time per misspelled word / request.
//   build/bench/fuzzy_benchmark [--benchmark_filter=...]
//
// The dictionary is synthetic but shaped like Arabic news vocabulary: words
// are a 3-6 letter stem with an optional conjunction or preposition, the
// article ال on 40% of them and a suffix on 30%, so most words share the
// prefixes ال, وال, بال that make "same first letter" buckets large. Words
// are spread over 1,000 articles, each also drawing frequent words (Zipf).
// The misspellings are dictionary words with one random edit (substitution,
// insertion, deletion or transposition) in a word of 5+ letters.
//
// KHABAR_BENCH_JSONL=path.jsonl ({"id","title","body"} per line, e.g. the
// ANT collection of ../shared/eval, gunzipped) indexes real articles instead.
#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "benchmark/benchmark.h"
#include "common/base/utf8.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "query_service/analysis/analyzer.h"
#include "query_service/index/inverted_index.h"
#include "query_service/search/fuzzy.h"
#include "query_service/search/more_like_this.h"
#include "query_service/search/searcher.h"
#include "query_service/search/suggest.h"

namespace khabar::search {
namespace {

constexpr size_t kDictionaryWords = 100000;
constexpr size_t kDocs = 1000;

std::vector<char32_t> Decode(absl::string_view s) {
  std::vector<char32_t> out;
  for (size_t p = 0; p < s.size();) out.push_back(base::DecodeUtf8(s, &p));
  return out;
}
std::string Encode(const std::vector<char32_t>& cps) {
  std::string out;
  for (char32_t c : cps) base::AppendUtf8(c, &out);
  return out;
}

struct Corpus {
  analysis::Analyzer analyzer;
  index::InvertedIndex index{&analyzer};
  std::shared_ptr<const index::IndexSnapshot> snap;  // what the benchmarks read
  std::vector<std::string> words;  // the exact forms indexed, shuffled
  std::vector<std::string> typos;  // one edit away from a word
  int64_t exact_forms = 0;
  int64_t stems = 0;

  Corpus() {
    std::mt19937 rng(7);
    if (const char* path = std::getenv("KHABAR_BENCH_JSONL"); path != nullptr) {
      LoadJsonl(path);
    } else {
      Synthesize(rng);
    }
    index.Publish();
    index.WaitForMerges();
    snap = index.snapshot();
    snap->ForEachTermWithPrefix("", [&](absl::string_view term, int64_t) {
      if (term[0] == index::kExactMarker) {
        ++exact_forms;
        words.emplace_back(term.substr(1));
      } else {
        ++stems;
      }
      return true;
    });
    std::shuffle(words.begin(), words.end(), rng);
    const std::vector<char32_t> letters = Decode("ابتثجحخدذرزسشصضطظعغفقكلمنهوي");
    // Misspellings of words of 5+ letters.
    while (typos.size() < 500) {
      std::vector<char32_t> w = Decode(words[rng() % words.size()]);
      if (w.size() < 5) continue;
      const size_t at = 1 + rng() % (w.size() - 2);  // not the first letter
      switch (rng() % 4) {
        case 0:
          w[at] = letters[rng() % letters.size()];
          break;
        case 1:
          w.insert(w.begin() + static_cast<std::ptrdiff_t>(at), letters[rng() % letters.size()]);
          break;
        case 2:
          w.erase(w.begin() + static_cast<std::ptrdiff_t>(at));
          break;
        default:
          std::swap(w[at], w[at + 1]);
      }
      typos.push_back(Encode(w));
    }
  }

  void LoadJsonl(const char* path) {
    std::ifstream in(path);
    std::string line;
    size_t n = 0;
    while (std::getline(in, line)) {
      google::protobuf::Struct record;
      if (!google::protobuf::util::JsonStringToMessage(line, &record).ok()) continue;
      const auto& f = record.fields();
      index::Document doc;
      doc.id = f.contains("id") ? f.at("id").string_value() : absl::StrCat("line", n);
      if (f.contains("title")) doc.title = f.at("title").string_value();
      if (f.contains("body")) doc.paragraphs.push_back(f.at("body").string_value());
      ++n;
      (void)index.Upsert(std::move(doc));
    }
  }

  void Synthesize(std::mt19937& rng) {
    std::vector<std::string> vocabulary;
    // Letters with rough Arabic frequencies (common ones repeated).
    const std::vector<char32_t> letters =
        Decode("ااااالللللممممنننتتتيييووورررعععبببسسسدددققفففككحححهههججشصطخزضغذثظءئؤ");
    const std::vector<std::string> suffixes = {"ات", "ون", "ين", "ه", "ها", "ي", "ان", "يه"};
    const std::vector<std::string> clitics = {"و", "ب", "ل", "ف"};
    absl::flat_hash_set<std::string> seen;
    while (vocabulary.size() < kDictionaryWords) {
      std::string w;
      const unsigned r = rng() % 100;
      if (r < 20) w += clitics[rng() % clitics.size()];
      if (rng() % 100 < 40) w += "ال";
      const size_t stem = 3 + rng() % 4;
      for (size_t i = 0; i < stem; ++i) base::AppendUtf8(letters[rng() % letters.size()], &w);
      if (rng() % 100 < 30) w += suffixes[rng() % suffixes.size()];
      const std::string normalized = analysis::NormalizeWord(w);
      if (seen.insert(normalized).second) vocabulary.push_back(normalized);
    }
    // Articles: a slice of the dictionary each, plus Zipf-frequent words.
    std::vector<double> weights(2000);
    for (size_t i = 0; i < weights.size(); ++i) weights[i] = 1.0 / static_cast<double>(i + 1);
    std::discrete_distribution<size_t> zipf(weights.begin(), weights.end());
    const size_t per_doc = kDictionaryWords / kDocs;
    for (size_t d = 0; d < kDocs; ++d) {
      std::vector<std::string> body;
      for (size_t i = 0; i < per_doc; ++i) body.push_back(vocabulary[d * per_doc + i]);
      for (size_t i = 0; i < 100; ++i) body.push_back(vocabulary[zipf(rng)]);
      std::shuffle(body.begin(), body.end(), rng);
      index::Document doc;
      doc.id = absl::StrCat("d", d);
      doc.title = absl::StrJoin(body.begin(), body.begin() + 8, " ");
      doc.paragraphs.push_back(absl::StrJoin(body, " "));
      (void)index.Upsert(std::move(doc));
    }
  }
};

const Corpus& TheCorpus() {
  static const Corpus* corpus = new Corpus();
  return *corpus;
}

void Counters(benchmark::State& state, const Corpus& c) {
  state.counters["exact_forms"] = static_cast<double>(c.exact_forms);
  state.counters["stems"] = static_cast<double>(c.stems);
}

size_t Letters(absl::string_view s) { return Decode(s).size(); }

// What ResolveFuzzy scans per word: the exact forms under the first letter's
// variants, with prefix reuse and dead-prefix skipping.
void BM_FindFuzzyTerms(benchmark::State& state) {
  const Corpus& c = TheCorpus();
  const TypoOptions typo;
  size_t i = 0;
  int64_t found = 0;
  for (auto _ : state) {
    const std::string& w = c.typos[i++ % c.typos.size()];
    std::vector<FuzzyCandidate> r = FindFuzzyTerms(*c.snap, w, MaxEditsForLength(Letters(w), typo));
    found += static_cast<int64_t>(r.size());
    benchmark::DoNotOptimize(r);
  }
  state.counters["found_per_word"] =
      benchmark::Counter(static_cast<double>(found), benchmark::Counter::kAvgIterations);
  Counters(state, c);
}
BENCHMARK(BM_FindFuzzyTerms);

// The same candidates with a fresh DP per term (no prefix reuse): the
// baseline the matcher's row sharing is measured against.
void BM_FindFuzzyTermsPerTermDp(benchmark::State& state) {
  const Corpus& c = TheCorpus();
  const TypoOptions typo;
  size_t i = 0;
  for (auto _ : state) {
    const std::string& w = c.typos[i++ % c.typos.size()];
    const int k = MaxEditsForLength(Letters(w), typo);
    size_t pos = 0;
    const char32_t first = FoldVariant(base::DecodeUtf8(w, &pos));
    int64_t found = 0;
    c.snap->ForEachTermWithPrefix(absl::string_view(&index::kExactMarker, 1),
                                  [&](absl::string_view key, int64_t) {
                                    const absl::string_view t = key.substr(1);
                                    size_t p = 0;
                                    if (FoldVariant(base::DecodeUtf8(t, &p)) != first) return true;
                                    found += ArabicEditDistance(w, t, k) <= k ? 1 : 0;
                                    return true;
                                  });
    benchmark::DoNotOptimize(found);
  }
  Counters(state, c);
}
BENCHMARK(BM_FindFuzzyTermsPerTermDp);

// A whole search with typo tolerance: parse, expand three words, rank.
void BM_SearchThreeWords(benchmark::State& state) {
  const Corpus& c = TheCorpus();
  SearchRequest req;
  req.typo.enabled = state.range(0) != 0;
  size_t i = 0;
  for (auto _ : state) {
    req.query = absl::StrCat(c.typos[i % c.typos.size()], " ", c.typos[(i + 1) % c.typos.size()],
                             " ", c.words[i % c.words.size()]);
    ++i;
    absl::StatusOr<SearchResult> r = Search(*c.snap, req);
    benchmark::DoNotOptimize(r);
  }
  Counters(state, c);
}
BENCHMARK(BM_SearchThreeWords)->Arg(0)->Arg(1)->ArgName("typos");

// Suggest for prefixes of 1 to 4 letters, and after a previous word.
void BM_Suggest(benchmark::State& state) {
  const Corpus& c = TheCorpus();
  const size_t letters = static_cast<size_t>(state.range(0));
  const bool context = state.range(1) != 0;
  size_t i = 0;
  for (auto _ : state) {
    const std::vector<char32_t> w = Decode(c.words[(i * 7919) % c.words.size()]);
    const std::string prefix =
        Encode({w.begin(), w.begin() + static_cast<std::ptrdiff_t>(std::min(letters, w.size()))});
    SuggestRequest req{.prefix = context ? absl::StrCat(c.words[i % 2000], " ", prefix) : prefix};
    ++i;
    absl::StatusOr<std::vector<Suggestion>> r = Suggest(*c.snap, req);
    benchmark::DoNotOptimize(r);
  }
  Counters(state, c);
}
BENCHMARK(BM_Suggest)->ArgsProduct({{1, 2, 4}, {0, 1}})->ArgNames({"letters", "context"});

void BM_MoreLikeThis(benchmark::State& state) {
  const Corpus& c = TheCorpus();
  RankOptions rank;
  index::DocId doc = 0;
  for (auto _ : state) {
    absl::StatusOr<SearchResult> r = MoreLikeThis(*c.snap, doc, rank, {}, {});
    doc = (doc + 1) % c.snap->doc_id_limit();
    benchmark::DoNotOptimize(r);
  }
  Counters(state, c);
}
BENCHMARK(BM_MoreLikeThis);

}  // namespace
}  // namespace khabar::search
