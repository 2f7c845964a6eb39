// khabar_bench: Khabar side by side with the anchors (../shared/anchors,
// run_lucene first), on the same files, with the same interface and outputs.
//
//   khabar_bench DOCS.jsonl QUERIES.tsv OUTDIR [engine flags of query_service]
//
// DOCS.jsonl: one {"id", "title", "body"} per line; QUERIES.tsv: "qid<TAB>text".
// Writes OUTDIR/raw.json, OUTDIR/latencies_ms.txt (every timed execution),
// OUTDIR/run.trec ("qid Q0 docid rank score tag", BENCH_RUN_DEPTH per query)
// and OUTDIR/metrics.json, computed exactly as the anchors' finalize.py does
// (bench_metrics.h), so no Python is needed. scripts/bench_vs_lucene.sh runs
// it against run_lucene and prints the ratios.
//
// Method (the anchors' README, "What each engine does"):
//  - a parse-only pass (read + JSON parse) first warms the page cache and is
//    reported as parse_seconds;
//  - index_seconds = read + JSON parse + analysis + indexing in batches of
//    KHABAR_BENCH_BATCH (256, as khabar_eval) through search::Engine, with
//    query_service's analysis and ranking (engine flags as query_service),
//    until query-ready: the last batch published, then the segments merged
//    into one (optimize_seconds: a background merge under way is cancelled,
//    its segments being in the one merge of everything, Lucene's
//    forceMerge(1), also timed there) or, with BENCH_OPTIMIZE=0, the
//    background merges done (merge_wait_seconds);
//  - queries are bags of words (QuerySyntax PLAIN, as khabar_eval), top
//    BENCH_K by the service's BM25F, no snippets; one timed execution = parse
//    + analysis + search + the ids of the hits (Engine::Search returns them);
//  - BENCH_WARMUP_SECONDS (3) of warm-up passes, then timed passes until both
//    BENCH_MIN_PASSES (3) and BENCH_MIN_SECONDS (5), at most BENCH_MAX_PASSES
//    (1000); BENCH_RUN_DEPTH (100) hits per query in run.trec (untimed).
// Single-threaded queries. Indexing runs on --indexing_threads (default: one
// per core) plus the index's background merge thread (Lucene's
// ConcurrentMergeScheduler too); with more than one indexing thread, reading
// and parsing, analysis (Engine::PrepareBatch) and applying
// (Engine::ApplyBatch) run on threads of their own, each a batch or two
// ahead of the next (with --indexing_threads=1 they take turns on the
// caller's thread).
// index_size_mb is the index's resident memory as the index counts it
// (StatsResponse.memory_bytes: postings with positions, dictionaries,
// per-document arrays AND the stored title/body text); raw.json also gives
// the figure without the stored text and bytes per posting.
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_format.h"
#include "bench/bench_metrics.h"
#include "bench/form_stats.h"
#include "query_service/engine_flags.h"
#include "query_service/jsonl_documents.h"
#include "query_service/search/engine.h"

#ifndef KHABAR_VERSION
#define KHABAR_VERSION "dev"
#endif

namespace khabar {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// The anchors' timing knobs, from the environment.
struct BenchOptions {
  double warmup_seconds = 3;
  int64_t min_passes = 3;
  double min_seconds = 5;
  int64_t max_passes = 1000;
  int32_t k = 10;
  int32_t run_depth = 100;
  int64_t batch = 256;
  int32_t optimize = 1;
  // BENCH_QUERY_MODE: how each query line is asked. "or" (the anchors' bag
  // of words), "and" (every word required, the default operator AND), or
  // "phrase" (the words as one required phrase, +"…").
  enum class Mode { kOr, kAnd, kPhrase } mode = Mode::kOr;
};

template <typename T>
absl::Status EnvNumber(const char* name, T min, T* value) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return absl::OkStatus();
  T v{};
  bool ok;
  if constexpr (std::is_floating_point_v<T>) {
    ok = absl::SimpleAtod(text, &v);
  } else {
    ok = absl::SimpleAtoi(text, &v);
  }
  if (!ok || v < min) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, " must be a number >= ", min, ", got '", text, "'"));
  }
  *value = v;
  return absl::OkStatus();
}

absl::StatusOr<BenchOptions> BenchOptionsFromEnv() {
  BenchOptions o;
  for (absl::Status s : {EnvNumber("BENCH_WARMUP_SECONDS", 0.0, &o.warmup_seconds),
                         EnvNumber<int64_t>("BENCH_MIN_PASSES", 0, &o.min_passes),
                         EnvNumber("BENCH_MIN_SECONDS", 0.0, &o.min_seconds),
                         EnvNumber<int64_t>("BENCH_MAX_PASSES", 1, &o.max_passes),
                         EnvNumber<int32_t>("BENCH_K", 1, &o.k),
                         EnvNumber<int32_t>("BENCH_RUN_DEPTH", 1, &o.run_depth),
                         EnvNumber<int64_t>("KHABAR_BENCH_BATCH", 1, &o.batch),
                         EnvNumber<int32_t>("BENCH_OPTIMIZE", 0, &o.optimize)}) {
    if (!s.ok()) return s;
  }
  if (const char* mode = std::getenv("BENCH_QUERY_MODE"); mode != nullptr && *mode != '\0') {
    const absl::string_view m(mode);
    if (m == "or") {
      o.mode = BenchOptions::Mode::kOr;
    } else if (m == "and") {
      o.mode = BenchOptions::Mode::kAnd;
    } else if (m == "phrase") {
      o.mode = BenchOptions::Mode::kPhrase;
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("BENCH_QUERY_MODE must be or, and or phrase, got '", m, "'"));
    }
  }
  return o;
}

double VmHwmMb() {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::atol(line.c_str() + 6) / 1024.0;
  }
  return -1;
}

absl::Status WriteFile(const std::string& path, absl::string_view text) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(text.data(), static_cast<std::streamsize>(text.size()));
  f.close();
  if (!f) return absl::InternalError(absl::StrCat(path, ": cannot write"));
  return absl::OkStatus();
}

struct Query {
  std::string qid;
  std::string text;
  std::string phrase;  // the text as one required phrase, +"…" (its own quotes dropped)
};

// Read as LuceneBench does: lines without a tab, or with the tab first, are
// skipped; a trailing '\r' is dropped.
absl::StatusOr<std::vector<Query>> ReadQueries(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open"));
  std::vector<Query> queries;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const size_t tab = line.find('\t');
    if (tab == std::string::npos || tab == 0) continue;
    std::string text = line.substr(tab + 1);
    // Required (+): an optional phrase alone is a preference that its words
    // also match (docs/query-language.md); Lucene's PhraseQuery requires it.
    std::string phrase = absl::StrCat("+\"", absl::StrReplaceAll(text, {{"\"", " "}}), "\"");
    queries.push_back({line.substr(0, tab), std::move(text), std::move(phrase)});
  }
  return queries;
}

// Reads DOCS.jsonl and calls `emit` with each batch of `batch` parsed
// documents (the last one smaller); returns the number of lines that do not
// parse, each named on stderr.
int64_t ReadBatches(const std::string& path, int64_t batch,
                    const std::function<void(std::vector<index::Document>)>& emit) {
  std::ifstream in(path);
  std::string line;
  std::vector<index::Document> docs;
  int64_t line_no = 0, rejected = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty()) continue;
    absl::StatusOr<index::Document> doc = query::DocumentFromJsonLine(line);
    if (!doc.ok()) {
      ++rejected;
      std::fprintf(stderr, "khabar_bench: %s:%lld: %s; skipped\n", path.c_str(),
                   static_cast<long long>(line_no), std::string(doc.status().message()).c_str());
      continue;
    }
    docs.push_back(*std::move(doc));
    if (static_cast<int64_t>(docs.size()) >= batch) {
      emit(std::move(docs));
      docs.clear();
    }
  }
  if (!docs.empty()) emit(std::move(docs));
  return rejected;
}

// Batches handed from one stage of indexing to the next (reading, analysis,
// applying), at most `capacity` waiting: no stage runs far ahead of the next
// one's memory.
template <typename Batch>
class Handoff {
 public:
  explicit Handoff(size_t capacity) : capacity_(capacity) {}
  void Push(Batch batch) {
    std::unique_lock<std::mutex> lock(mu_);
    changed_.wait(lock, [&] { return waiting_.size() < capacity_; });
    waiting_.push_back(std::move(batch));
    changed_.notify_all();
  }
  void Close() {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    changed_.notify_all();
  }
  // The next batch; nullopt once closed and drained.
  std::optional<Batch> Pop() {
    std::unique_lock<std::mutex> lock(mu_);
    changed_.wait(lock, [&] { return !waiting_.empty() || closed_; });
    if (waiting_.empty()) return std::nullopt;
    Batch batch = std::move(waiting_.front());
    waiting_.pop_front();
    changed_.notify_all();
    return batch;
  }

 private:
  const size_t capacity_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::deque<Batch> waiting_;
  bool closed_ = false;
};

std::string Describe(const search::EngineOptions& o) {
  return absl::StrFormat(
      "BM25F k1=%g title_weight=%g title_b=%g body_b=%g lead_weight=%g (first %u body words) "
      "exact_weight=%g stopword_weight=%g proximity_weight=%g (window %u), "
      "OR of query words (QuerySyntax PLAIN)",
      o.bm25.k1, o.bm25.title_weight, o.bm25.title_b, o.bm25.body_b, o.bm25.lead_weight,
      o.index_limits.lead_tokens, o.bm25.exact_weight, o.bm25.stopword_weight,
      o.bm25.proximity_weight, o.bm25.proximity_window);
}

std::string DescribeAnalysis(const search::EngineOptions& o) {
  return absl::StrFormat(
      "Khabar analyzer (query_service/analysis): ICU word break, Arabic normalization "
      "(harakat, tatweel, alef/yeh forms%s), light stemmer %s, stopwords %s; every word "
      "indexed under its stem and its exact form, with positions",
      o.analyzer.normalizer.fold_teh_marbuta ? ", teh marbuta -> heh" : "",
      o.analyzer.stem ? "on" : "off", o.analyzer.remove_stopwords ? "removed" : "kept (weighted low)");
}

int Run(const std::string& docs_path, const std::string& queries_path, const std::string& out) {
  absl::StatusOr<BenchOptions> bench = BenchOptionsFromEnv();
  absl::StatusOr<search::EngineOptions> options = query::EngineOptionsFromFlags();
  for (const absl::Status& s : {bench.status(), options.status()}) {
    if (!s.ok()) {
      std::fprintf(stderr, "khabar_bench: %s\n", std::string(s.message()).c_str());
      return 2;
    }
  }
  options->max_page_size = std::max({options->max_page_size, bench->k, bench->run_depth});
  std::error_code ec;
  std::filesystem::create_directories(out, ec);
  const uintmax_t docs_bytes = std::filesystem::file_size(docs_path, ec);
  if (ec) {
    std::fprintf(stderr, "khabar_bench: %s: %s\n", docs_path.c_str(), ec.message().c_str());
    return 2;
  }

  // Parse-only pass: warms the page cache, measures reading + JSON parsing.
  std::string line;
  const Clock::time_point t0 = Clock::now();
  int64_t parsed = 0;
  {
    std::ifstream in(docs_path);
    while (std::getline(in, line)) {
      if (line.empty()) continue;
      absl::StatusOr<index::Document> doc = query::DocumentFromJsonLine(line);
      if (doc.ok() && !doc->id.empty()) ++parsed;
    }
  }
  const double parse_seconds = Seconds(t0, Clock::now());

  // Index until query-ready.
  search::Engine engine(*options);
  int64_t indexed = 0, rejected = 0;
  double merge_wait_seconds = 0, optimize_seconds = 0;
  const Clock::time_point ti = Clock::now();
  {
    auto count = [&](const std::vector<absl::StatusOr<index::UpsertOutcome>>& results) {
      for (const auto& result : results) {
        if (result.ok()) {
          ++indexed;
        } else {
          ++rejected;
          std::fprintf(stderr, "khabar_bench: rejected: %s\n",
                       std::string(result.status().message()).c_str());
        }
      }
    };
    if (engine.indexing_threads() == 1) {
      rejected += ReadBatches(docs_path, bench->batch, [&](std::vector<index::Document> batch) {
        count(engine.UpsertBatch(std::move(batch)));
      });
    } else {
      // Three stages, each on a thread of its own and a batch or two ahead
      // of the next: reading and parsing (as ingest_service does beside
      // query_service), analysis (PrepareBatch), applying (ApplyBatch), so
      // a batch is analysed while the one before it is built into segments
      // (as query_service's IndexArticles does with a stream's messages).
      Handoff<std::vector<index::Document>> read(2);
      Handoff<search::Engine::PreparedBatch> prepared(1);
      int64_t unreadable = 0;
      std::thread reader([&] {
        unreadable = ReadBatches(docs_path, bench->batch,
                                 [&](std::vector<index::Document> b) { read.Push(std::move(b)); });
        read.Close();
      });
      std::thread applier([&] {
        while (std::optional<search::Engine::PreparedBatch> b = prepared.Pop()) {
          count(engine.ApplyBatch(*std::move(b)));
        }
      });
      while (std::optional<std::vector<index::Document>> batch = read.Pop()) {
        prepared.Push(engine.PrepareBatch(*std::move(batch)));
      }
      prepared.Close();
      applier.join();
      reader.join();
      rejected += unreadable;
    }
    const Clock::time_point tm = Clock::now();
    if (bench->optimize != 0) {
      // Cancels the background merge under way and merges everything (the
      // merges still due are part of it).
      engine.ForceMerge();
      optimize_seconds = Seconds(tm, Clock::now());
    } else {
      engine.WaitForMerges();
      merge_wait_seconds = Seconds(tm, Clock::now());
    }
  }
  const double index_seconds = Seconds(ti, Clock::now());
  const search::EngineStats stats = engine.Stats();
  if (const char* f = std::getenv("BENCH_FORM_STATS"); f != nullptr && std::string(f) == "1") {
    bench::PrintFormStats(bench::CountFormStats(*engine.snapshot()), stderr);
  }
  const index::MemoryBreakdown memory = engine.snapshot()->Breakdown();
  const int64_t stored_text_bytes = memory.stored_text_bytes;

  absl::StatusOr<std::vector<Query>> queries = ReadQueries(queries_path);
  if (!queries.ok()) {
    std::fprintf(stderr, "khabar_bench: %s\n", std::string(queries.status().message()).c_str());
    return 2;
  }
  int64_t sink = 0, failed_executions = 0;
  std::vector<std::string> failures;  // one message per failing query (first pass)
  auto search = [&](const Query& q, int32_t k, std::vector<search::PageHit>* hits) {
    search::PageRequest req;
    req.query = q.text;
    req.page_size = k;
    req.query_syntax = search::QuerySyntax::kPlain;
    req.highlight = false;
    if (bench->mode == BenchOptions::Mode::kAnd) {
      req.default_operator = search::QueryOperator::kAnd;
    } else if (bench->mode == BenchOptions::Mode::kPhrase) {
      req.query = q.phrase;
      req.query_syntax = search::QuerySyntax::kFull;
    }
    absl::StatusOr<search::Page> page = engine.Search(req);
    if (!page.ok()) {
      ++failed_executions;
      if (hits != nullptr) {
        failures.push_back(absl::StrCat(q.qid, ": ", page.status().message()));
      }
      return;
    }
    for (const search::PageHit& h : page->hits) sink += static_cast<int64_t>(h.id.size());
    if (hits != nullptr) *hits = std::move(page->hits);
  };

  const Clock::time_point tw = Clock::now();
  int64_t warmup_passes = 0;
  do {
    for (const Query& q : *queries) search(q, bench->k, nullptr);
    ++warmup_passes;
  } while (Seconds(tw, Clock::now()) < bench->warmup_seconds);
  failed_executions = 0;

  std::vector<double> latencies;
  latencies.reserve(queries->size() * static_cast<size_t>(std::min<int64_t>(bench->max_passes, 2000)));
  int64_t passes = 0;
  const Clock::time_point tq = Clock::now();
  while (!queries->empty() && passes < bench->max_passes &&
         (passes < bench->min_passes || Seconds(tq, Clock::now()) < bench->min_seconds)) {
    for (const Query& q : *queries) {
      const Clock::time_point a = Clock::now();
      search(q, bench->k, nullptr);
      latencies.push_back(std::chrono::duration<double, std::milli>(Clock::now() - a).count());
    }
    ++passes;
  }
  const int64_t timed_failures = failed_executions;

  // run.trec, untimed.
  std::string run;
  for (const Query& q : *queries) {
    std::vector<search::PageHit> hits;
    search(q, bench->run_depth, &hits);
    for (const search::PageHit& h : hits) {
      absl::StrAppendFormat(&run, "%s Q0 %s %d %.6f khabar-ar-bm25f\n", q.qid, h.id, h.rank, h.score);
    }
  }
  for (const std::string& f : failures) std::fprintf(stderr, "khabar_bench: query %s\n", f.c_str());

  const std::string latency_text = bench::FormatLatencies(latencies);
  const int64_t index_bytes = stats.index.memory_bytes;
  const int64_t without_text = index_bytes - stored_text_bytes;
  bench::JsonObject raw;
  raw.Set("engine", "khabar-" KHABAR_VERSION);
  raw.Set("docs", indexed);
  raw.Set("docs_bytes", static_cast<int64_t>(docs_bytes));
  raw.Set("index_seconds", index_seconds);
  raw.Set("parse_seconds", parse_seconds);
  raw.Set("merge_wait_seconds", merge_wait_seconds);
  raw.Set("optimize_seconds", optimize_seconds);
  raw.Set("parsed_docs", parsed);
  raw.Set("rejected_docs", rejected);
  raw.Set("segments", stats.index.segments);
  raw.Set("peak_rss_mb", VmHwmMb());
  raw.Set("index_size_mb", index_bytes / 1048576.0);
  raw.Set("index_location",
          "in-process memory; index_size_mb = StatsResponse.memory_bytes (postings with "
          "positions, dictionaries, per-document arrays and the stored title/body text)");
  raw.Set("index_memory_bytes", index_bytes);
  raw.Set("stored_text_bytes", stored_text_bytes);
  raw.Set("index_size_mb_without_stored_text", without_text / 1048576.0);
  raw.Set("terms", stats.index.terms);
  raw.Set("postings", stats.index.postings);
  raw.Set("tokens", stats.index.tokens);
  raw.Set("bytes_per_posting",
          stats.index.postings > 0 ? bench::JsonValue(static_cast<double>(without_text) /
                                                      static_cast<double>(stats.index.postings))
                                   : bench::JsonValue());
  // Where the bytes go (index::MemoryBreakdown).
  for (const auto& [name, lists] : {std::pair<const char*, const index::MemoryBreakdown::Lists*>{
                                        "stem", &memory.stems},
                                    {"exact", &memory.exact}}) {
    raw.Set(absl::StrCat("memory_", name, "_terms"), lists->terms);
    raw.Set(absl::StrCat("memory_", name, "_postings"), lists->postings);
    raw.Set(absl::StrCat("memory_", name, "_posting_bytes"), lists->posting_bytes);
    raw.Set(absl::StrCat("memory_", name, "_position_bytes"), lists->position_bytes);
  }
  raw.Set("memory_dictionary_bytes", memory.dictionary_bytes);
  raw.Set("memory_id_map_bytes", memory.id_map_bytes);
  raw.Set("memory_per_document_bytes", memory.per_document_bytes);
  raw.Set("memory_writer_bytes", memory.writer_bytes);
  raw.Set("postings_note",
          "a posting = one (term, document) pair, positions included; each word is indexed "
          "under its stem and its exact form, so a token can make two postings; "
          "bytes_per_posting excludes the stored text");
  raw.Set("queries", static_cast<int64_t>(queries->size()));
  raw.Set("k", static_cast<int64_t>(bench->k));
  raw.Set("timed_passes", passes);
  raw.Set("warmup_passes", warmup_passes);
  raw.Set("failed_queries", static_cast<int64_t>(failures.size()));
  raw.Set("failed_timed_executions", timed_failures);
  raw.Set("index_batch", bench->batch);
  raw.Set("analysis", DescribeAnalysis(*options));
  raw.Set("ranking", Describe(*options));
  raw.Set("fields", "title and body as two fields (BM25F), body split into paragraphs on newlines");
  raw.Set("threads",
          absl::StrCat("queries: 1; indexing: ",
                       options->indexing_threads > 0 ? absl::StrCat(options->indexing_threads)
                                                     : std::string("one per core"),
                       " (analysis and segment building), merges ",
                       options->merge_policy.background ? "on their own thread"
                                                        : "inside each publish"));
  raw.Set("sink", sink);

  absl::StatusOr<std::vector<double>> reread = bench::ParseLatencies(latency_text);
  absl::StatusOr<bench::JsonObject> metrics =
      reread.ok() ? bench::FinalizeMetrics(raw, *reread) : reread.status();
  for (const absl::Status& s :
       {WriteFile(out + "/run.trec", run), WriteFile(out + "/latencies_ms.txt", latency_text),
        WriteFile(out + "/raw.json", bench::ToPythonJson(raw)), metrics.status(),
        metrics.ok() ? WriteFile(out + "/metrics.json", bench::ToPythonJson(*metrics))
                     : absl::OkStatus()}) {
    if (!s.ok()) {
      std::fprintf(stderr, "khabar_bench: %s\n", std::string(s.message()).c_str());
      return 1;
    }
  }
  // The summary line finalize.py prints.
  bench::JsonObject summary;
  for (const char* key : {"engine", "docs", "index_seconds", "peak_rss_mb", "query_p50_ms",
                          "query_p95_ms", "query_p99_ms", "qps"}) {
    summary.Set(key, *metrics->Find(key));
  }
  std::printf("%s\n", bench::ToPythonJsonLine(summary).c_str());
  std::fprintf(stderr,
               "khabar_bench: %lld docs indexed in %.2fs (parse-only %.2fs, merge wait %.2fs, "
               "optimize %.2fs, %lld rejected); %zu queries x %lld passes\n",
               static_cast<long long>(indexed), index_seconds, parse_seconds, merge_wait_seconds,
               optimize_seconds,
               static_cast<long long>(rejected), queries->size(), static_cast<long long>(passes));
  return 0;
}

}  // namespace
}  // namespace khabar

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "khabar_bench DOCS.jsonl QUERIES.tsv OUTDIR [engine flags]\n"
      "  The interface and outputs of ../shared/anchors/run_lucene: OUTDIR/raw.json,\n"
      "  latencies_ms.txt, run.trec, metrics.json (finalize.py's keys).\n"
      "  Env: BENCH_WARMUP_SECONDS (3), BENCH_MIN_PASSES (3), BENCH_MIN_SECONDS (5),\n"
      "  BENCH_MAX_PASSES (1000), BENCH_K (10), BENCH_RUN_DEPTH (100),\n"
      "  KHABAR_BENCH_BATCH (256 documents per UpsertBatch), BENCH_OPTIMIZE (1: merge\n"
      "  into one segment before querying, as run_lucene's forceMerge), BENCH_QUERY_MODE\n"
      "  (or: the words as a bag, as run_lucene; and: all required; phrase: one required phrase, +\"...\").\n"
      "  BENCH_FORM_STATS=1 prints how exact forms sit in their stems' lists after indexing.\n"
      "  Ranking and analysis flags as query_service (--bm25_k1, --stem, ...): see --helpfull.");
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  if (args.size() != 4) {
    std::fprintf(stderr, "usage: khabar_bench DOCS.jsonl QUERIES.tsv OUTDIR (see --help)\n");
    return 2;
  }
  return khabar::Run(args[1], args[2], args[3]);
}
