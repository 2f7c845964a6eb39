// khabar_neardup_report: indexes a JSONL collection (the khabar_eval format,
// {"id", "title", "body"} per line) and reports near-duplicate clusters: index
// time with and without fingerprinting, the Hamming distance histogram of all
// fingerprinted pairs at small distances, clusters of size > 1 and example
// pairs, so a person can judge whether they are real near-duplicates.
//
//   zcat docs.jsonl.gz > docs.jsonl && khabar_neardup_report docs.jsonl [--max_distance=7]
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "query_service/index/inverted_index.h"
#include "query_service/jsonl_documents.h"

ABSL_FLAG(int32_t, max_distance, khabar::index::NearDuplicateOptions().max_distance,
          "Hamming distance threshold (NearDuplicateOptions)");
ABSL_FLAG(int32_t, examples, 3, "Example pairs printed per distance band");
ABSL_FLAG(int32_t, repeats, 3, "Timing repeats (best of) for indexing with and without");

namespace khabar {
namespace {

std::string FirstWords(const index::Document& d, int n) {
  std::string text = d.title + " | " + (d.paragraphs.empty() ? "" : d.paragraphs[0]);
  std::vector<absl::string_view> words = absl::StrSplit(text, ' ', absl::SkipEmpty());
  words.resize(std::min<size_t>(words.size(), static_cast<size_t>(n)));
  std::string out;
  for (absl::string_view w : words) absl::StrAppend(&out, w, " ");
  return out;
}

double IndexSeconds(const std::vector<index::Document>& docs, index::NearDuplicateOptions nd) {
  analysis::Analyzer analyzer;
  index::InvertedIndex idx(&analyzer, {}, nd);
  const absl::Time start = absl::Now();
  for (const index::Document& d : docs) (void)idx.Upsert(d);
  return absl::ToDoubleSeconds(absl::Now() - start);
}

int Main(int argc, char** argv) {
  absl::SetProgramUsageMessage("khabar_neardup_report DOCS.jsonl [--max_distance=3]");
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  if (args.size() != 2) {
    std::fprintf(stderr, "usage: khabar_neardup_report DOCS.jsonl (see --help)\n");
    return 2;
  }
  std::ifstream in(args[1]);
  std::vector<index::Document> docs;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    absl::StatusOr<index::Document> doc = query::DocumentFromJsonLine(line);
    if (!doc.ok()) continue;
    docs.push_back(*std::move(doc));
  }
  index::NearDuplicateOptions nd;
  nd.max_distance = absl::GetFlag(FLAGS_max_distance);

  // Timing: best of N, alternating, to damp noise from other processes.
  double with = 1e9, without = 1e9;
  for (int r = 0; r < absl::GetFlag(FLAGS_repeats); ++r) {
    without = std::min(without, IndexSeconds(docs, {.enabled = false}));
    with = std::min(with, IndexSeconds(docs, nd));
  }
  std::printf("%zu docs; index time without fingerprints %.3f s, with %.3f s (%+.1f%%)\n",
              docs.size(), without, with, 100.0 * (with - without) / without);

  analysis::Analyzer analyzer;
  index::InvertedIndex idx(&analyzer, {}, nd);
  for (const index::Document& d : docs) (void)idx.Upsert(d);
  const index::IndexStats stats = idx.Stats();
  int64_t fingerprinted = 0;
  std::map<std::string, int> cluster_size;
  for (index::DocId d = 0; d < idx.doc_id_limit(); ++d) {
    if (!idx.is_live(d)) continue;
    fingerprinted += idx.info(d).fingerprinted ? 1 : 0;
    ++cluster_size[idx.cluster_id(d)];
  }
  std::map<int, int> size_histogram;
  for (const auto& [name, size] : cluster_size) ++size_histogram[size];
  std::printf("max_distance %d: %lld live, %lld fingerprinted (>= %d shingles), %lld clusters of "
              "size > 1, %lld duplicates\n",
              nd.max_distance, static_cast<long long>(stats.live_documents),
              static_cast<long long>(fingerprinted), nd.min_shingles,
              static_cast<long long>(stats.duplicate_clusters),
              static_cast<long long>(stats.duplicates));
  std::printf("cluster sizes:");
  for (const auto& [size, count] : size_histogram) std::printf(" %dx%d", count, size);
  std::printf("\n");

  // All pairs of fingerprinted docs, by distance (small distances only).
  std::vector<index::DocId> ids;
  for (index::DocId d = 0; d < idx.doc_id_limit(); ++d) {
    if (idx.is_live(d) && idx.info(d).fingerprinted) ids.push_back(d);
  }
  constexpr int kMaxShown = 16;
  std::vector<std::vector<std::pair<index::DocId, index::DocId>>> pairs(kMaxShown + 1);
  for (size_t i = 0; i < ids.size(); ++i) {
    for (size_t j = i + 1; j < ids.size(); ++j) {
      const int dist = index::HammingDistance(idx.info(ids[i]).fingerprint, idx.info(ids[j]).fingerprint);
      if (dist <= kMaxShown) pairs[dist].push_back({ids[i], ids[j]});
    }
  }
  std::printf("pairs by distance:");
  for (int dist = 0; dist <= kMaxShown; ++dist) std::printf(" d%d=%zu", dist, pairs[dist].size());
  std::printf("\n");
  const int examples = absl::GetFlag(FLAGS_examples);
  for (int dist = 0; dist <= kMaxShown; ++dist) {
    // Spread the examples over the band.
    const size_t n = pairs[dist].size();
    for (int e = 0; e < examples && static_cast<size_t>(e) < n; ++e) {
      const auto [a, b] = pairs[dist][n * static_cast<size_t>(e) / static_cast<size_t>(examples)];
      std::printf("d=%d %s [%s]\n      %s\n    %s [%s]\n      %s\n", dist,
                  idx.document(a).id.c_str(), idx.cluster_id(a).c_str(),
                  FirstWords(idx.document(a), 14).c_str(), idx.document(b).id.c_str(),
                  idx.cluster_id(b).c_str(), FirstWords(idx.document(b), 14).c_str());
    }
  }
  return 0;
}

}  // namespace
}  // namespace khabar

int main(int argc, char** argv) { return khabar::Main(argc, argv); }
