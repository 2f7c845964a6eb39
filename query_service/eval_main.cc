// khabar_eval: batch retrieval for evaluation, in the style of Anserini's
// SearchCollection. Indexes a JSONL collection with exactly the analysis and
// ranking code of query_service (search::Engine, same flags, same defaults),
// runs every query and writes a TREC run file.
//
//   khabar_eval DOCS.jsonl QUERIES.tsv RUN.trec [--depth=100] [--tag=khabar]
//               [--query_syntax=plain|full]
//
// DOCS.jsonl: one {"id": ..., "title": ..., "body": ...} per line (body lines
// become paragraphs, as ingest_service would send them). QUERIES.tsv:
// "qid<TAB>text". RUN.trec: "qid Q0 docid rank score tag", best first.
// Topics are natural-language questions and headlines, so by default they are
// read as bags of words (SearchRequest.query_syntax PLAIN), as Anserini reads
// its topics: a quote in a headline is not a phrase.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "query_service/engine_flags.h"
#include "query_service/jsonl_documents.h"
#include "query_service/search/engine.h"

ABSL_FLAG(int32_t, depth, 100, "Hits written per query");
ABSL_FLAG(std::string, tag, "khabar", "Run tag (last column of the run file)");
ABSL_FLAG(std::string, query_syntax, "plain",
          "How query texts are read: 'plain' (default: a bag of words, as Anserini's "
          "SearchCollection reads topics; quotes, +, -, parentheses and OR are punctuation, "
          "never an error) or 'full' (the query language of SearchRequest, "
          "docs/query-language.md)");

namespace khabar {
namespace {

int Run(const std::string& docs_path, const std::string& queries_path, const std::string& run_path) {
  absl::StatusOr<search::EngineOptions> options = query::EngineOptionsFromFlags();
  if (!options.ok()) {
    std::fprintf(stderr, "khabar_eval: %s\n", std::string(options.status().message()).c_str());
    return 2;
  }
  const int32_t depth = absl::GetFlag(FLAGS_depth);
  if (depth < 1 || depth > 10000) {
    std::fprintf(stderr, "khabar_eval: --depth must be in [1, 10000]\n");
    return 2;
  }
  const std::string syntax_flag = absl::GetFlag(FLAGS_query_syntax);
  if (syntax_flag != "plain" && syntax_flag != "full") {
    std::fprintf(stderr, "khabar_eval: --query_syntax must be plain or full, got '%s'\n",
                 syntax_flag.c_str());
    return 2;
  }
  const search::QuerySyntax syntax =
      syntax_flag == "plain" ? search::QuerySyntax::kPlain : search::QuerySyntax::kFull;
  options->max_page_size = std::max(options->max_page_size, depth);
  search::Engine engine(*options);
  const bool tty = isatty(STDERR_FILENO);

  std::ifstream docs(docs_path);
  if (!docs) {
    std::fprintf(stderr, "khabar_eval: %s: cannot open\n", docs_path.c_str());
    return 2;
  }
  const absl::Time start = absl::Now();
  std::vector<index::Document> batch;
  std::string line;
  int64_t line_no = 0, indexed = 0, rejected = 0;
  auto flush = [&] {
    for (const auto& r : engine.UpsertBatch(std::move(batch))) {
      if (r.ok()) {
        ++indexed;
      } else {
        ++rejected;
        std::fprintf(stderr, "khabar_eval: rejected: %s\n", std::string(r.status().message()).c_str());
      }
    }
    batch.clear();
    if (tty) {
      const double secs = absl::ToDoubleSeconds(absl::Now() - start);
      std::fprintf(stderr, "\rindexed %lld docs (%.0f docs/s)", static_cast<long long>(indexed),
                   indexed / std::max(secs, 1e-9));
    }
  };
  while (std::getline(docs, line)) {
    ++line_no;
    if (line.empty()) continue;
    absl::StatusOr<index::Document> doc = query::DocumentFromJsonLine(line);
    if (!doc.ok()) {
      std::fprintf(stderr, "khabar_eval: %s:%lld: %s; skipped\n", docs_path.c_str(),
                   static_cast<long long>(line_no), std::string(doc.status().message()).c_str());
      ++rejected;
      continue;
    }
    batch.push_back(*std::move(doc));
    if (batch.size() >= 256) flush();
  }
  flush();
  const double index_seconds = absl::ToDoubleSeconds(absl::Now() - start);
  if (tty) std::fprintf(stderr, "\n");

  std::ifstream queries(queries_path);
  std::FILE* run = std::fopen(run_path.c_str(), "w");
  if (!queries || run == nullptr) {
    std::fprintf(stderr, "khabar_eval: cannot open %s or write %s\n", queries_path.c_str(),
                 run_path.c_str());
    return 2;
  }
  const std::string tag = absl::GetFlag(FLAGS_tag);
  int64_t query_count = 0, failed = 0;
  const absl::Time query_start = absl::Now();
  while (std::getline(queries, line)) {
    std::vector<std::string> cols = absl::StrSplit(line, absl::MaxSplits('\t', 1));
    if (cols.size() < 2) continue;
    ++query_count;
    search::PageRequest req;
    req.query = cols[1];
    req.page_size = depth;
    req.query_syntax = syntax;
    req.highlight = false;  // rankings only: snippets would only cost time
    absl::StatusOr<search::Page> page = engine.Search(req);
    if (!page.ok()) {
      ++failed;
      std::fprintf(stderr, "khabar_eval: query %s: %s\n", cols[0].c_str(),
                   std::string(page.status().message()).c_str());
      continue;
    }
    for (const search::PageHit& h : page->hits) {
      std::fprintf(run, "%s Q0 %.*s %d %.6f %s\n", cols[0].c_str(), static_cast<int>(h.id.size()),
                   h.id.data(), h.rank, h.score, tag.c_str());
    }
  }
  std::fclose(run);
  const double query_seconds = absl::ToDoubleSeconds(absl::Now() - query_start);
  std::fprintf(stderr,
               "khabar_eval: %lld docs indexed in %.2f s (%lld rejected); %lld queries in %.2f s "
               "(%lld failed); run written to %s\n",
               static_cast<long long>(indexed), index_seconds, static_cast<long long>(rejected),
               static_cast<long long>(query_count), query_seconds, static_cast<long long>(failed),
               run_path.c_str());
  return 0;
}

}  // namespace
}  // namespace khabar

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "khabar_eval DOCS.jsonl QUERIES.tsv RUN.trec [--depth=100] [--tag=khabar] "
      "[--query_syntax=plain|full]\n"
      "  --depth         hits written per query (default 100)\n"
      "  --tag           run tag, the last column of the run file (default khabar)\n"
      "  --query_syntax  plain (default): every query is a bag of words, as Anserini's\n"
      "                  SearchCollection reads topics (quotes, +, -, parentheses and OR\n"
      "                  are punctuation; a stopword-only query searches its stopwords);\n"
      "                  full: the query language of query_service (docs/query-language.md)\n"
      "  Ranking flags as query_service (--bm25_k1, --exact_weight, ...): see --helpfull.");
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  if (args.size() != 4) {
    std::fprintf(stderr, "usage: khabar_eval DOCS.jsonl QUERIES.tsv RUN.trec (see --help)\n");
    return 2;
  }
  return khabar::Run(args[1], args[2], args[3]);
}
