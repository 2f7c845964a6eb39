#include "query_service/index/inverted_index.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/base/parallel.h"
#include "common/base/priority.h"
#include "common/base/status_macros.h"
#include "common/base/utf8.h"

namespace khabar::index {

InvertedIndex::InvertedIndex(const analysis::Analyzer* analyzer, IndexLimits limits,
                             NearDuplicateOptions near_duplicates, MergePolicy merge)
    : analyzer_(analyzer),
      limits_(limits),
      near_options_(near_duplicates),
      merge_(merge),
      near_table_(near_duplicates.max_distance) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    published_ = PublishLocked();
  }
  reader_ = published_;
  if (merge_.background) {
    merger_ = std::thread([this] {
      base::LowerThisThreadPriority(merge_.nice);
      MergeLoop();
    });
  }
}

InvertedIndex::~InvertedIndex() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  merge_cv_.notify_all();
  if (merger_.joinable()) merger_.join();
}

absl::Status InvertedIndex::Validate(const Document& doc) const {
  if (doc.id.empty()) return absl::InvalidArgumentError("article.id is empty");
  if (doc.id.size() > limits_.max_id_bytes) {
    return absl::InvalidArgumentError(absl::StrCat("article.id is ", doc.id.size(),
                                                   " bytes; the limit is ", limits_.max_id_bytes));
  }
  size_t total = doc.title.size();
  KHABAR_RETURN_IF_ERROR(base::ValidateUtf8("article.id", doc.id));
  KHABAR_RETURN_IF_ERROR(base::ValidateUtf8("article.title", doc.title));
  bool has_text = !doc.title.empty();
  for (size_t i = 0; i < doc.paragraphs.size(); ++i) {
    // The paragraph's name is made only for the error: this runs for every
    // paragraph of every article.
    if (std::optional<size_t> bad = base::FindInvalidUtf8(doc.paragraphs[i])) {
      return absl::InvalidArgumentError(
          absl::StrCat("article.paragraphs[", i, "]: invalid UTF-8 at byte ", *bad));
    }
    has_text = has_text || !doc.paragraphs[i].empty();
    total += doc.paragraphs[i].size();
  }
  if (!has_text) {
    return absl::InvalidArgumentError(
        absl::StrCat("article ", doc.id, " has no text (empty title and paragraphs)"));
  }
  if (total > limits_.max_document_bytes) {
    return absl::InvalidArgumentError(absl::StrCat("article ", doc.id, " has ", total,
                                                   " bytes of text; the limit is ",
                                                   limits_.max_document_bytes));
  }
  return absl::OkStatus();
}

absl::StatusOr<UpsertOutcome> InvertedIndex::Upsert(Document doc) {
  return Upsert(Analyze(std::move(doc)));
}

namespace {

// What a string holds on the heap: nothing up to libstdc++'s 15 inline bytes.
int64_t HeapBytes(const std::string& s) {
  return s.capacity() > 15 ? static_cast<int64_t>(s.capacity()) + 1 : 0;
}

// An open-addressing table of a document's distinct forms (or stems), by
// Hash64, each with the number of its term. The caller keeps the keys; `Find`
// compares through `same(entry)`.
struct FormTable {
  static constexpr uint32_t kEmpty = UINT32_MAX;
  std::vector<uint32_t> slots;  // an entry's number, or kEmpty; a power of two long
  std::vector<uint64_t> hashes;
  std::vector<uint32_t> term;  // per entry: its term's number in DocumentTerms

  void Clear() {
    // A long article leaves a big table behind: each document starts small
    // (a long one grows it again: a few rehashes of its forms, cheaper than
    // filling a big table for every short article after it).
    if (slots.size() > 4 * kMinSlots) {
      slots.assign(kMinSlots, kEmpty);
    } else {
      std::fill(slots.begin(), slots.end(), kEmpty);
    }
    if (slots.empty()) slots.assign(kMinSlots, kEmpty);
    hashes.clear();
    term.clear();
  }
  // The slot holding the form with this hash that `same` accepts, or the
  // empty slot where it goes.
  template <typename Same>
  uint32_t* Find(uint64_t hash, Same same) {
    const size_t mask = slots.size() - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
      const uint32_t f = slots[i];
      if (f == kEmpty || (hashes[f] == hash && same(f))) return &slots[i];
    }
  }
  // Puts a new form in `slot` (from Find); the slot it is in afterwards
  // (the table may have grown).
  uint32_t* Add(uint32_t* slot, uint64_t hash, uint32_t term_number) {
    const uint32_t f = static_cast<uint32_t>(hashes.size());
    hashes.push_back(hash);
    term.push_back(term_number);
    *slot = f;
    if (hashes.size() * 2 <= slots.size()) return slot;  // at most half full
    slots.assign(slots.size() * 2, kEmpty);
    const size_t mask = slots.size() - 1;
    uint32_t* placed = nullptr;
    for (uint32_t g = 0; g < hashes.size(); ++g) {
      size_t i = hashes[g] & mask;
      while (slots[i] != kEmpty) i = (i + 1) & mask;
      slots[i] = g;
      if (g == f) placed = &slots[i];
    }
    return placed;
  }
  static constexpr size_t kMinSlots = 256;
};

// A term's hash for SegmentBuilder::Intern (DocumentTerms::Term::hash): a
// stem's is the Hash64 of its key; an exact key's, that of its form (the key
// after the marker) with these bits flipped, so a form is hashed once for
// its lookup, its fingerprint shingle and its key.
constexpr uint64_t kExactKeySalt = 0x5be0cd19137e2179ULL;

}  // namespace

AnalyzedDocument InvertedIndex::Analyze(Document doc, bool analyze) const {
  AnalyzedDocument out;
  out.status = Validate(doc);
  if (!out.status.ok() || !analyze) {
    out.doc = std::move(doc);
    return out;
  }
  DocInfo& info = out.info;
  // Each distinct term (stem or exact key) gets a number in first-seen order;
  // every token adds (term, position) twice. The positions are grouped by
  // term afterwards, so no term owns a vector of its own.
  std::vector<DocumentTerms::Term>& terms = out.terms.terms;
  // By normalized form: the numbers of its exact key and of its stem (the
  // stem is a function of the form), so a repeated word costs one lookup.
  // The table hashes a token once (Hash64, which the fingerprint reuses) and
  // keeps no key of its own: a form's key is its exact term's, after the
  // marker. Its arrays are the thread's, reused from document to document.
  thread_local FormTable forms, stems;
  forms.Clear();
  stems.Clear();
  thread_local std::vector<std::pair<uint32_t, uint32_t>> occurrences;  // (term, position)
  occurrences.clear();
  // The lead: the first paragraph of a multi-paragraph body, up to
  // lead_tokens words. A single-paragraph document has no lead.
  const bool has_lead = doc.paragraphs.size() > 1;
  size_t paragraph_index = 0;
  // The near-duplicate fingerprint, over the same tokens (title, then body).
  SimHasher hasher(near_options_.shingle_size);
  const bool fingerprint = near_options_.enabled;
  auto add_field = [&](Field field, absl::string_view text, uint32_t first_position) {
    const int lead = static_cast<int>(Field::kLead);
    auto count = [&](uint32_t number, uint32_t position, bool in_lead) {
      DocumentTerms::Term& term = terms[number];
      ++term.freq[static_cast<int>(field)];
      if (in_lead) ++term.freq[lead];
      occurrences.emplace_back(number, position);
    };
    auto new_term = [&](absl::string_view marker, absl::string_view key, uint64_t hash) {
      DocumentTerms::Term& term = terms.emplace_back();
      term.key.reserve(marker.size() + key.size());
      term.key.append(marker.data(), marker.size()).append(key.data(), key.size());
      term.hash = hash;
      return static_cast<uint32_t>(terms.size() - 1);
    };
    return analyzer_->ForEachToken(text, first_position, [&](const analysis::TokenRef& t) {
      const bool in_lead = has_lead && field == Field::kBody && paragraph_index == 0 &&
                           info.length[lead] < limits_.lead_tokens;
      if (in_lead) ++info.length[lead];
      ++info.length[static_cast<int>(field)];
      const uint64_t hash = Hash64(t.term);
      uint32_t* slot = forms.Find(hash, [&](uint32_t form) {
        return absl::string_view(terms[forms.term[form]].key).substr(1) == t.term;
      });
      if (*slot == FormTable::kEmpty) {
        const uint64_t stem_hash = t.stem.size() == t.term.size() ? hash : Hash64(t.stem);
        uint32_t* stem_slot = stems.Find(stem_hash, [&](uint32_t entry) {
          return terms[stems.term[entry]].key == t.stem;
        });
        if (*stem_slot == FormTable::kEmpty) {
          stem_slot = stems.Add(stem_slot, stem_hash, new_term("", t.stem, stem_hash));
        }
        const uint32_t stem = stems.term[*stem_slot];
        const uint32_t exact =
            new_term(absl::string_view(&kExactMarker, 1), t.term, hash ^ kExactKeySalt);
        terms[exact].stem = stem;
        // The stem is a substring of the form (analyzer.h, TokenRef).
        terms[exact].stem_begin = static_cast<uint32_t>(t.stem.data() - t.term.data());
        slot = forms.Add(slot, hash, exact);
      }
      // A form's entry is its exact key; the key knows its stem.
      const uint32_t exact = forms.term[*slot];
      count(terms[exact].stem, t.position, in_lead);
      count(exact, t.position, in_lead);
      if (fingerprint) hasher.AddHash(hash);
    });
  };
  uint32_t position = add_field(Field::kTitle, doc.title, 0) + kFieldPositionGap;
  for (const std::string& p : doc.paragraphs) {
    // A gap between paragraphs keeps phrases from matching across them.
    position = add_field(Field::kBody, p, position) + 1;
    ++paragraph_index;
  }
  if (fingerprint && hasher.shingles() >= near_options_.min_shingles) {
    info.fingerprinted = true;
    info.fingerprint = hasher.Finish();
  }
  // Positions grouped by term (a counting sort: each term's stay increasing).
  uint32_t next = 0;
  for (DocumentTerms::Term& term : terms) {
    term.pos_begin = next;
    next += term.freq[0] + term.freq[1];
  }
  std::vector<uint32_t> fill(terms.size());
  for (size_t i = 0; i < terms.size(); ++i) fill[i] = terms[i].pos_begin;
  out.terms.positions.resize(next);
  for (const auto& [term, p] : occurrences) out.terms.positions[fill[term]++] = p;
  out.doc = std::move(doc);
  out.analyzed = true;
  return out;
}

absl::StatusOr<UpsertOutcome> InvertedIndex::Upsert(AnalyzedDocument analyzed) {
  if (!analyzed.status.ok()) return analyzed.status;
  Document& doc = analyzed.doc;

  UpsertOutcome outcome = UpsertOutcome::kCreated;
  if (auto it = live_ids_.find(doc.id); it != live_ids_.end()) {
    if (SameContent(it->second, doc)) return UpsertOutcome::kUnchanged;
    Tombstone(it->second.doc);
    outcome = UpsertOutcome::kUpdated;
  }
  if (!analyzed.analyzed) analyzed = Analyze(std::move(doc));

  const DocId id = static_cast<DocId>(info_.size());
  if (pending_.empty()) pending_base_ = id;
  DocInfo info = analyzed.info;
  // The cluster: that of the nearest live near-duplicate, else a new one.
  if (info.fingerprinted) {
    if (std::optional<NearMatch> m = near_table_.FindNearest(info.fingerprint)) {
      info.cluster = info_[m->key].cluster;
    } else {
      info.cluster = NewCluster(analyzed.doc.id);
    }
    near_table_.Insert(id, info.fingerprint);
  } else {
    info.cluster = NewCluster(analyzed.doc.id);
  }
  if (++cluster_live_[info.cluster] == 1) ++live_clusters_;
  if (cluster_live_[info.cluster] == 2) ++duplicate_clusters_;

  for (int f = 0; f < kNumFields; ++f) live_length_sum_[f] += info.length[f];
  token_count_ += info.length[static_cast<int>(Field::kTitle)] +
                  info.length[static_cast<int>(Field::kBody)];
  {
    std::unique_lock<std::shared_mutex> ids(ids_mu_);
    const auto [it, inserted] = live_ids_.insert_or_assign(
        analyzed.doc.id, LiveId{id, ContentDigest(analyzed.doc.content_hash)});
    if (inserted) live_id_heap_bytes_ += HeapBytes(it->first);
  }
  pending_.push_back({std::make_shared<const Document>(std::move(analyzed.doc)), info.length,
                      std::move(analyzed.terms)});
  info_.push_back(info);
  lengths_.push_back(PackedLengths::Pack(info.length));
  if ((id >> 6) >= deleted_.size()) deleted_.push_back(0);
  ++live_documents_;
  return outcome;
}

ClusterId InvertedIndex::NewCluster(absl::string_view name) {
  const ClusterId c = static_cast<ClusterId>(cluster_names_.size());
  std::string unique(name);
  while (live_cluster_names_.contains(absl::string_view(unique))) absl::StrAppend(&unique, "#", c);
  cluster_names_.push_back(std::move(unique));
  live_cluster_names_.insert(c);
  cluster_live_.push_back(0);
  return c;
}

void InvertedIndex::Tombstone(DocId doc) {
  const uint64_t bit = uint64_t{1} << (doc & 63);
  if (deleted_[doc >> 6] & bit) return;
  deleted_.Set(doc >> 6, deleted_[doc >> 6] | bit);
  pending_deletes_ = true;
  const DocInfo& info = info_[doc];
  if (info.fingerprinted) near_table_.Remove(doc, info.fingerprint);
  const uint32_t left = --cluster_live_[info.cluster];
  if (left == 1) --duplicate_clusters_;
  if (left == 0) {
    --live_clusters_;
    live_cluster_names_.erase(info.cluster);  // before its name is cleared
    cluster_names_.Set(info.cluster, std::string());
  }
  for (int f = 0; f < kNumFields; ++f) live_length_sum_[f] -= info.length[f];
  --live_documents_;
  // The postings and the stored text stay until the segment is merged;
  // searches skip the doc (IndexSnapshot::is_live).
}

bool InvertedIndex::Delete(absl::string_view id) {
  auto it = live_ids_.find(id);
  if (it == live_ids_.end()) return false;
  Tombstone(it->second.doc);
  live_id_heap_bytes_ -= HeapBytes(it->first);
  std::unique_lock<std::shared_mutex> ids(ids_mu_);
  live_ids_.erase(it);
  return true;
}

bool InvertedIndex::IsUnchanged(const Document& doc) const {
  std::shared_lock<std::shared_mutex> ids(ids_mu_);
  auto it = live_ids_.find(doc.id);
  return it != live_ids_.end() && SameContent(it->second, doc);
}

std::shared_ptr<const IndexSnapshot> InvertedIndex::PublishLocked() {
  auto s = std::make_shared<IndexSnapshot>();
  s->analyzer_ = analyzer_;
  s->segments_ = segments_;
  s->info_ = info_;
  s->lengths_ = lengths_;
  s->deleted_ = deleted_;
  s->cluster_names_ = cluster_names_;
  s->live_documents_ = live_documents_;
  s->live_length_sum_ = live_length_sum_;
  s->token_count_ = token_count_;
  s->duplicates_ = live_documents_ - live_clusters_;
  s->duplicate_clusters_ = duplicate_clusters_;
  s->writer_bytes_ =
      near_table_.memory_bytes() + live_id_heap_bytes_ +
      static_cast<int64_t>(
          live_ids_.capacity() * (sizeof(std::string) + sizeof(LiveId) + 1) +
          live_cluster_names_.capacity() * (sizeof(ClusterId) + 1) +
          cluster_live_.capacity() * sizeof(uint32_t));
  s->generation_ = ++generation_;
  s->CountDeletions();
  return s;
}

std::shared_ptr<const IndexSnapshot> InvertedIndex::Publish() {
  std::shared_ptr<const IndexSnapshot> snapshot;
  bool merge_due = false;
  // Building segments is the writer's work (on the indexing threads: the
  // pending documents cut into parts, one segment each); readers wait for
  // nothing but the pointer swaps below.
  const size_t parts =
      std::clamp<size_t>(pending_.size() / MergePolicy::kMinDocsPerBuild, 1, build_threads());
  std::vector<std::shared_ptr<const Segment>> built(pending_.empty() ? 0 : parts);
  base::ParallelFor(built.size(), static_cast<int>(built.size()), [&](size_t part) {
    const size_t begin = pending_.size() * part / parts;
    const size_t end = pending_.size() * (part + 1) / parts;
    SegmentBuilder builder(pending_base_ + static_cast<DocId>(begin), limits_.impacts);
    size_t terms = 0;
    for (size_t i = begin; i < end; ++i) terms += pending_[i].terms.terms.size();
    builder.Reserve(end - begin, terms);
    for (size_t i = begin; i < end; ++i) {
      builder.AddDocument(pending_[i].doc, pending_[i].lengths, &pending_[i].terms);
    }
    built[part] = builder.Build();
  });
  pending_.clear();
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& segment : built) segments_.push_back(std::move(segment));
    pending_deletes_ = false;
    snapshot = PublishLocked();
    ReplacePublishedLocked(snapshot);
    const auto [begin, end] = MergeCandidates();
    merge_due = begin != end;
  }
  reader_ = snapshot;
  if (merge_due) {
    if (merge_.background) {
      merge_cv_.notify_all();
    } else {
      while (MergeOnce()) {
      }
      snapshot = this->snapshot();
      reader_ = snapshot;
    }
  }
  return snapshot;
}

std::shared_ptr<const IndexSnapshot> InvertedIndex::snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  return published_;
}

const IndexSnapshot& InvertedIndex::reader() {
  // Background merges publish too, but reader_ moves only on writes (and
  // WaitForMerges), so references it handed out stay valid until then.
  if (!pending_.empty() || pending_deletes_) Publish();
  return *reader_;
}

std::pair<size_t, size_t> InvertedIndex::MergeCandidates() const {
  const size_t n = segments_.size();
  const size_t factor = std::max<uint32_t>(merge_.merge_factor, 2);
  if (merging_ || n < factor) return {0, 0};
  const double log_factor = std::log(static_cast<double>(factor));
  const double min_docs = std::max<uint32_t>(merge_.min_segment_docs, 1);
  std::vector<int> level(n);
  int max_level = 0;
  for (size_t i = 0; i < n; ++i) {
    const double docs = std::max<double>(static_cast<double>(segments_[i]->ids.size()), 1.0);
    level[i] = static_cast<int>(std::floor(std::log(std::max(docs / min_docs, 1.0)) / log_factor));
    max_level = std::max(max_level, level[i]);
  }
  // The lowest level L with a run of adjacent segments at level <= L that
  // holds `factor` segments of level L, oldest first (Lucene's
  // LogMergePolicy order): small segments merge first, and a smaller one
  // left between them (published while a merge ran) is absorbed instead of
  // staying behind forever. The merge ends at the factor-th segment of level
  // L, so newer small segments wait for their own level's merge instead of
  // pushing level-L segments out of the window. At most 2 * factor segments
  // at once. Level 0 also waits for `factor` floor-sized segments' worth of
  // documents (or 2 * factor segments): a batch built on two threads makes
  // two half-size segments, and merging four of those would give another
  // level-0 segment, rewritten once more before it leaves level 0.
  const size_t level0_docs = factor * static_cast<size_t>(min_docs);
  for (int l = 0; l <= max_level; ++l) {
    size_t run_begin = 0, at_level = 0, docs = 0;
    for (size_t i = 0; i < n; ++i) {
      if (level[i] > l) {
        run_begin = i + 1;
        at_level = docs = 0;
        continue;
      }
      if (level[i] < l) continue;
      ++at_level;
      docs += segments_[i]->ids.size();
      const bool ready = at_level >= factor && (l > 0 || docs >= level0_docs || at_level >= 2 * factor);
      if (ready) return {std::max(run_begin, i + 1 - std::min(i + 1, 2 * factor)), i + 1};
    }
  }
  return {0, 0};
}

bool InvertedIndex::MergeOnce(bool all) {
  std::vector<std::shared_ptr<const Segment>> inputs;
  std::shared_ptr<const IndexSnapshot> basis;
  size_t begin;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!all && forcing_) return false;  // ForceMerge takes them
    auto [b, e] = MergeCandidates();
    if (all) {
      if (merging_ || segments_.size() < 2) return false;
      b = 0;
      e = segments_.size();
    }
    if (b == e) return false;
    begin = b;
    inputs.assign(segments_.begin() + static_cast<ptrdiff_t>(b),
                  segments_.begin() + static_cast<ptrdiff_t>(e));
    basis = published_;
    merging_ = true;
  }
  // Deletes published after `basis` stay in the bitmap and are skipped.
  // A forced merge has the cores to itself: its term range is cut over the
  // indexing threads. Background merges run beside the indexing and take one.
  std::shared_ptr<const Segment> merged =
      MergeSegments(inputs, basis->deleted_, [&](DocId d) { return basis->lengths(d); },
                    all ? static_cast<int>(build_threads()) : 1, all ? nullptr : &forcing_);
  if (merged == nullptr) {  // cancelled by ForceMerge: the segments stay
    {
      std::lock_guard<std::mutex> lock(mu_);
      merging_ = false;
    }
    merge_cv_.notify_all();
    return false;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    // Only the merger removes segments, so [begin, begin + inputs.size())
    // still holds `inputs`; the writer may have appended after them.
    segments_.erase(segments_.begin() + static_cast<ptrdiff_t>(begin),
                    segments_.begin() + static_cast<ptrdiff_t>(begin + inputs.size()));
    segments_.insert(segments_.begin() + static_cast<ptrdiff_t>(begin), std::move(merged));
    // The latest published state with the new segment list: the writer's
    // own state may be mid-batch, so it is not read here.
    auto s = std::make_shared<IndexSnapshot>(*published_);
    s->segments_ = segments_;
    s->generation_ = ++generation_;
    s->CountDeletions();
    ReplacePublishedLocked(std::move(s));
    merging_ = false;
  }
  merge_cv_.notify_all();
  return true;
}

void InvertedIndex::ReplacePublishedLocked(std::shared_ptr<const IndexSnapshot> s) {
  if (merge_.background && published_ != nullptr) {
    retired_.push_back(std::move(published_));
    // The merger may be waiting without a timeout (nothing was retired).
    merge_cv_.notify_all();
  }
  published_ = std::move(s);
}

void InvertedIndex::MergeLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  auto merge_due = [&] {
    if (stop_) return true;
    if (forcing_) return false;  // ForceMerge merges them all
    const auto [b, e] = MergeCandidates();
    return b != e;
  };
  // Whoever else holds a retired snapshot (a search, a page-token pin, the
  // writer's reader_) lets go of it within milliseconds to minutes: look
  // again after 20 ms, backing off to a second while nothing is released.
  constexpr auto kFirstLook = std::chrono::milliseconds(20);
  constexpr auto kLongestWait = std::chrono::milliseconds(1000);
  auto look_again = kFirstLook;
  size_t retired_seen = 0;
  while (true) {
    if (retired_.empty()) {
      merge_cv_.wait(lock, [&] { return merge_due() || !retired_.empty(); });
    } else {
      if (retired_.size() > retired_seen) look_again = kFirstLook;  // new ones
      merge_cv_.wait_for(lock, look_again, merge_due);
    }
    // Retired snapshots held by nothing else: no one can take a new
    // reference to them (they are not published), so use_count() == 1 is
    // final. Released off the lock, on this (lowered) thread.
    std::vector<std::shared_ptr<const IndexSnapshot>> unused;
    for (auto it = retired_.begin(); it != retired_.end();) {
      if (it->use_count() == 1) {
        unused.push_back(std::move(*it));
        it = retired_.erase(it);
      } else {
        ++it;
      }
    }
    look_again = unused.empty() ? std::min(look_again * 2, kLongestWait) : kFirstLook;
    if (!unused.empty()) {
      lock.unlock();
      unused.clear();
      lock.lock();
    }
    retired_seen = retired_.size();
    if (stop_) return;
    if (!merge_due()) continue;
    lock.unlock();
    MergeOnce();
    lock.lock();
  }
}

void InvertedIndex::ForceMerge() {
  // No other merge starts (in the background, or inside Publish without
  // one), and the background merge running, if any, is cancelled: this one
  // merges their segments anyway, on every indexing thread rather than one.
  std::unique_lock<std::mutex> lock(mu_);
  forcing_ = true;
  lock.unlock();
  Publish();
  lock.lock();
  merge_cv_.wait(lock, [&] { return stop_ || !merging_; });
  lock.unlock();
  MergeOnce(/*all=*/true);
  lock.lock();
  forcing_ = false;
  reader_ = published_;
  lock.unlock();
  merge_cv_.notify_all();
}

void InvertedIndex::WaitForMerges() {
  if (!merge_.background) return;
  std::unique_lock<std::mutex> lock(mu_);
  merge_cv_.wait(lock, [&] {
    const auto [b, e] = MergeCandidates();
    return stop_ || (!merging_ && b == e);
  });
  reader_ = published_;
}

}  // namespace khabar::index
