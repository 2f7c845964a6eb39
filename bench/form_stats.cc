#include "bench/form_stats.h"

#include <algorithm>
#include <bit>
#include <optional>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_format.h"
#include "query_service/index/posting_codec.h"

namespace khabar::bench {
namespace {

struct Form {
  uint32_t df = 0;
  std::vector<index::DocId> whole;  // documents where it has all its stem's occurrences
};

// One segment's stem: its forms (any order) and its own list.
void CountStem(std::vector<Form>& forms, const index::PostingList& stem_list, FormStats& s) {
  std::vector<index::DocId> docs;
  docs.reserve(stem_list.count);
  for (index::ListCursor c(stem_list); c.doc() != index::kNoMoreDocs; c.Next()) {
    docs.push_back(c.doc());
  }
  ++s.stems;
  s.stem_postings += static_cast<int64_t>(docs.size());
  std::stable_sort(forms.begin(), forms.end(),
                   [](const Form& a, const Form& b) { return a.df > b.df; });
  // rank[i]: the rank of the form that has all of posting i's occurrences.
  constexpr uint32_t kNone = UINT32_MAX;
  std::vector<uint32_t> rank(docs.size(), kNone);
  for (size_t r = 0; r < forms.size(); ++r) {
    for (index::DocId d : forms[r].whole) {
      const auto it = std::lower_bound(docs.begin(), docs.end(), d);
      if (it != docs.end() && *it == d) rank[static_cast<size_t>(it - docs.begin())] = r;
    }
  }
  for (FormStats::Density& density : s.densities) {
    size_t dense = 0;
    while (dense < forms.size() && dense < static_cast<size_t>(kMaxDenseForms) &&
           uint64_t{forms[dense].df} * density.threshold >= docs.size()) {
      ++dense;
    }
    density.dense_forms += static_cast<int64_t>(dense);
    for (size_t r = 0; r < forms.size(); ++r) {
      const int64_t whole = r < dense ? static_cast<int64_t>(forms[r].whole.size()) : 0;
      density.known += whole;
      density.left += forms[r].df - whole;
    }
    if (dense == 0) continue;  // no numbers in this stem's blocks
    for (size_t b = 0; b < docs.size(); b += index::kBlockSize) {
      const size_t end = std::min(docs.size(), b + index::kBlockSize);
      uint32_t widest = 0;  // the escape number is `dense`
      for (size_t i = b; i < end; ++i) {
        widest = std::max<uint32_t>(widest, rank[i] < dense ? rank[i] : dense);
      }
      density.number_bits += int64_t{std::bit_width(widest)} * static_cast<int64_t>(end - b);
    }
  }
}

}  // namespace

FormStats CountFormStats(const index::IndexSnapshot& snapshot) {
  FormStats s;
  for (int t : kFormStatsThresholds) s.densities.push_back({t, 0, 0, 0, 0});
  for (const auto& seg : snapshot.segments()) {
    absl::flat_hash_map<std::string, std::vector<Form>> by_stem;
    for (uint32_t t = 0; t < seg->term_count(); ++t) {
      const index::PostingList list = seg->List(t);
      if (!list.selection) continue;
      ++s.exact_lists;
      Form form;
      form.df = list.count;
      for (index::ListCursor c(list); c.doc() != index::kNoMoreDocs; c.Next()) {
        // A selection list's posting stores no indices when it has all
        // of its stem's occurrences (posting_codec.h).
        if (c.position_deltas().empty()) form.whole.push_back(c.doc());
      }
      s.exact_postings += form.df;
      s.exact_whole += static_cast<int64_t>(form.whole.size());
      by_stem[std::string(list.stem)].push_back(std::move(form));
    }
    for (auto& [stem, forms] : by_stem) {
      const std::optional<index::PostingList> stem_list = seg->Find(stem);
      if (stem_list.has_value()) CountStem(forms, *stem_list, s);
    }
  }
  return s;
}

void PrintFormStats(const FormStats& s, std::FILE* out) {
  const auto pct = [](int64_t a, int64_t b) { return b == 0 ? 0.0 : 100.0 * a / b; };
  absl::FPrintF(out,
               "form stats: %d stems with exact forms, %d stem postings; %d exact lists, "
               "%d exact postings, %.1f%% of them with all their stem's occurrences "
               "(so %.1f%% of the stem postings are single-form)\n",
               s.stems, s.stem_postings, s.exact_lists, s.exact_postings,
               pct(s.exact_whole, s.exact_postings), pct(s.exact_whole, s.stem_postings));
  absl::FPrintF(out, "| T | dense forms | exact postings known from numbers | left in lists | "
                    "numbers MB |\n|---:|---:|---:|---:|---:|\n");
  for (const FormStats::Density& d : s.densities) {
    absl::FPrintF(out, "| %d | %d | %d (%.1f%%) | %d | %.1f |\n", d.threshold, d.dense_forms,
                 d.known, pct(d.known, s.exact_postings), d.left, d.number_bits / 8e6);
  }
}

}  // namespace khabar::bench
