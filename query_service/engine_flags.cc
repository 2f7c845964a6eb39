#include "query_service/engine_flags.h"

#include <algorithm>

#include "absl/flags/flag.h"

// Flag defaults come from the option structs, so there is one source of truth.
namespace {
const khabar::search::Bm25Options kBm25;
const khabar::index::IndexLimits kIndex;
const khabar::analysis::AnalyzerOptions kAnalyzer;
const khabar::index::NearDuplicateOptions kNearDup;
}  // namespace

ABSL_FLAG(int32_t, max_page_size, khabar::search::EngineOptions().max_page_size, "Largest Search page_size accepted");
ABSL_FLAG(double, bm25_k1, kBm25.k1, "BM25 term-frequency saturation");
ABSL_FLAG(double, bm25_b, kBm25.body_b, "BM25 length normalisation (title and body)");
ABSL_FLAG(double, title_weight, kBm25.title_weight, "BM25F weight of the title field relative to the body");
ABSL_FLAG(double, lead_weight, kBm25.lead_weight,
          "BM25F weight of the body's first words (the lead) on top of the body's");
ABSL_FLAG(int32_t, lead_tokens, static_cast<int32_t>(kIndex.lead_tokens), "How many first body words count as the lead");
ABSL_FLAG(double, exact_weight, kBm25.exact_weight,
          "Weight of a query word's exact form relative to its stem (0 = stems only)");
ABSL_FLAG(double, proximity_weight, kBm25.proximity_weight,
          "Weight of the bonus for consecutive query words found close together (0 = off)");
ABSL_FLAG(int32_t, proximity_window, static_cast<int32_t>(kBm25.proximity_window), "Max distance for the proximity bonus, in words");
ABSL_FLAG(double, stopword_weight, kBm25.stopword_weight,
          "Weight of query stopwords (when the index keeps them: --stopwords=false)");
ABSL_FLAG(bool, stem, kAnalyzer.stem, "Light-stem Arabic words (prefixes and suffixes)");
ABSL_FLAG(bool, stopwords, kAnalyzer.remove_stopwords,
          "Drop Arabic stopwords from the index (default: keep them, weighted low)");
ABSL_FLAG(bool, fold_teh_marbuta, kAnalyzer.normalizer.fold_teh_marbuta, "Treat ة and ه as the same letter");

ABSL_FLAG(int32_t, near_duplicate_distance, kNearDup.max_distance,
          "Articles whose SimHash fingerprints differ in at most this many of 64 bits are "
          "near-duplicates (one cluster); -1 turns detection off. See docs/near-duplicates.md");

ABSL_FLAG(int64_t, exact_hits_up_to, khabar::search::SearchLimits().exact_hits_up_to,
          "Search counts this many hits exactly, then may skip documents that cannot reach the "
          "top of the page (total_hits becomes a lower bound; a request's exact_total_hits "
          "overrides). 0: prune from the first full page");
ABSL_FLAG(int32_t, indexing_threads, 0,
          "Threads that analyse each indexed batch and build its segments (0 = one per core)");
ABSL_FLAG(int32_t, indexing_nice, khabar::search::EngineOptions().indexing_nice,
          "Indexing and background merges run this much nicer (Linux nice value, per thread) "
          "than the searches, so queries keep their latency during ingest; 0 = same priority");
ABSL_FLAG(int32_t, merge_factor, static_cast<int32_t>(khabar::index::MergePolicy().merge_factor),
          "Index segments merge this many at a time (docs/index-snapshots.md)");
ABSL_FLAG(bool, background_merges, khabar::index::MergePolicy().background,
          "Merge segments on a thread of their own; false: inside each batch's publish (with "
          "--indexing_threads=1, indexing then uses one core)");

namespace khabar::query {

absl::StatusOr<search::EngineOptions> EngineOptionsFromFlags() {
  search::EngineOptions o;
  o.max_page_size = absl::GetFlag(FLAGS_max_page_size);
  o.bm25.k1 = absl::GetFlag(FLAGS_bm25_k1);
  o.bm25.title_b = o.bm25.body_b = absl::GetFlag(FLAGS_bm25_b);
  o.bm25.title_weight = absl::GetFlag(FLAGS_title_weight);
  o.bm25.exact_weight = absl::GetFlag(FLAGS_exact_weight);
  o.bm25.lead_weight = absl::GetFlag(FLAGS_lead_weight);
  o.bm25.stopword_weight = absl::GetFlag(FLAGS_stopword_weight);
  o.index_limits.lead_tokens = static_cast<uint32_t>(std::max(0, absl::GetFlag(FLAGS_lead_tokens)));
  o.bm25.proximity_weight = absl::GetFlag(FLAGS_proximity_weight);
  o.bm25.proximity_window = static_cast<uint32_t>(std::max(1, absl::GetFlag(FLAGS_proximity_window)));
  o.analyzer.stem = absl::GetFlag(FLAGS_stem);
  o.analyzer.remove_stopwords = absl::GetFlag(FLAGS_stopwords);
  o.analyzer.normalizer.fold_teh_marbuta = absl::GetFlag(FLAGS_fold_teh_marbuta);
  const int32_t near_distance = absl::GetFlag(FLAGS_near_duplicate_distance);
  if (near_distance < -1 || near_distance > 15) {
    return absl::InvalidArgumentError("--near_duplicate_distance must be in [0, 15], or -1 for off");
  }
  o.near_duplicates.enabled = near_distance >= 0;
  o.near_duplicates.max_distance = std::max(0, near_distance);
  o.search_limits.exact_hits_up_to = std::max<int64_t>(0, absl::GetFlag(FLAGS_exact_hits_up_to));
  o.indexing_threads = absl::GetFlag(FLAGS_indexing_threads);
  if (o.indexing_threads < 0 || o.indexing_threads > 256) {
    return absl::InvalidArgumentError("--indexing_threads must be in [0, 256] (0 = one per core)");
  }
  o.indexing_nice = absl::GetFlag(FLAGS_indexing_nice);
  if (o.indexing_nice < 0 || o.indexing_nice > 19) {
    return absl::InvalidArgumentError("--indexing_nice must be in [0, 19]");
  }
  const int32_t merge_factor = absl::GetFlag(FLAGS_merge_factor);
  if (merge_factor < 2 || merge_factor > 64) {
    return absl::InvalidArgumentError("--merge_factor must be in [2, 64]");
  }
  o.merge_policy.merge_factor = static_cast<uint32_t>(merge_factor);
  o.merge_policy.background = absl::GetFlag(FLAGS_background_merges);
  if (o.max_page_size < 1 || o.max_page_size > 10000) {
    return absl::InvalidArgumentError("--max_page_size must be in [1, 10000]");
  }
  if (o.bm25.k1 < 0 || o.bm25.title_b < 0 || o.bm25.title_b > 1 || o.bm25.title_weight < 0 ||
      o.bm25.exact_weight < 0 || o.bm25.proximity_weight < 0 || o.bm25.lead_weight < 0) {
    return absl::InvalidArgumentError(
        "--bm25_k1, --title_weight and --exact_weight must be >= 0, --bm25_b in [0, 1]");
  }
  return o;
}

}  // namespace khabar::query
