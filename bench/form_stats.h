// File: form_stats.h
// -----------------------------------------------------------------------------
// How a snapshot's exact forms sit within their stems' lists: the figures
// behind docs/exact-forms-through-stems.md (a design, not built yet). A stem
// posting is *single-form* when one of its exact forms has all of its
// occurrences in the document; a form is *dense* at T when its document
// frequency is at least its stem's / T. khabar_bench prints them with
// BENCH_FORM_STATS=1.
//
//   FormStats s = CountFormStats(*snapshot);
//   PrintFormStats(s, stderr);
#ifndef KHABAR_BENCH_FORM_STATS_H_
#define KHABAR_BENCH_FORM_STATS_H_

#include <cstdint>
#include <cstdio>
#include <vector>

#include "query_service/index/index_snapshot.h"

namespace khabar::bench {

struct FormStats {
  int64_t stems = 0;           // stems with at least one exact list
  int64_t stem_postings = 0;   // their postings
  int64_t exact_lists = 0;
  int64_t exact_postings = 0;
  int64_t exact_whole = 0;     // exact postings with all their stem's occurrences
  // Per density threshold T (kThresholds): what a form number per stem
  // posting (dense forms by rank, one escape number for the rest) would
  // take and what it would leave in the exact lists.
  struct Density {
    int threshold = 0;         // T
    int64_t dense_forms = 0;   // at most kMaxDenseForms per stem
    int64_t known = 0;         // exact postings the numbers tell (dense, whole)
    int64_t left = 0;          // exact postings still in lists
    int64_t number_bits = 0;   // the numbers bit-packed per 128-posting block
  };
  std::vector<Density> densities;
};

inline constexpr int kFormStatsThresholds[] = {4, 8, 16, 32, 64};
inline constexpr int kMaxDenseForms = 15;

// Walks every segment's exact (selection) lists and their stems' lists,
// segment by segment (as the form numbers would be); deleted documents'
// postings count too (the benchmark's index has none).
FormStats CountFormStats(const index::IndexSnapshot& snapshot);
// A markdown table of `stats`.
void PrintFormStats(const FormStats& stats, std::FILE* out);

}  // namespace khabar::bench

#endif  // KHABAR_BENCH_FORM_STATS_H_
