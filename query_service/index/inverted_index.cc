#include "query_service/index/inverted_index.h"

#include <optional>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/base/status_macros.h"
#include "common/base/utf8.h"

namespace khabar::index {

InvertedIndex::InvertedIndex(const analysis::Analyzer* analyzer, IndexLimits limits,
                             NearDuplicateOptions near_duplicates)
    : analyzer_(analyzer),
      limits_(limits),
      near_options_(near_duplicates),
      near_table_(near_duplicates.max_distance) {}

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
    KHABAR_RETURN_IF_ERROR(
        base::ValidateUtf8(absl::StrCat("article.paragraphs[", i, "]"), doc.paragraphs[i]));
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
  KHABAR_RETURN_IF_ERROR(Validate(doc));

  UpsertOutcome outcome = UpsertOutcome::kCreated;
  if (auto it = live_ids_.find(doc.id); it != live_ids_.end()) {
    const Document& old = *docs_[it->second];
    if (!doc.content_hash.empty() && old.content_hash == doc.content_hash) {
      return UpsertOutcome::kUnchanged;
    }
    Tombstone(it->second);
    outcome = UpsertOutcome::kUpdated;
  }

  const DocId id = static_cast<DocId>(docs_.size());
  DocInfo info;
  // Term frequencies per field and positions, gathered per document so each
  // term gets one posting.
  struct TermStats {
    std::array<uint32_t, kNumFields> freq{};
    std::vector<uint32_t> positions;
  };
  absl::flat_hash_map<std::string, TermStats> terms;
  // The lead: the first paragraph of a multi-paragraph body, up to
  // lead_tokens words. A single-paragraph document has no lead.
  const bool has_lead = doc.paragraphs.size() > 1;
  size_t paragraph_index = 0;
  std::string exact_key;
  // The near-duplicate fingerprint, over the same tokens (title, then body).
  SimHasher hasher(near_options_.shingle_size);
  const bool fingerprint = near_options_.enabled;
  auto add_field = [&](Field field, absl::string_view text, uint32_t first_position) {
    const int lead = static_cast<int>(Field::kLead);
    auto count = [&](TermStats& ts, uint32_t position, bool in_lead) {
      ++ts.freq[static_cast<int>(field)];
      if (in_lead) ++ts.freq[lead];
      ts.positions.push_back(position);
    };
    return analyzer_->ForEachToken(text, first_position, [&](const analysis::TokenRef& t) {
      const bool in_lead = has_lead && field == Field::kBody && paragraph_index == 0 &&
                           info.length[lead] < limits_.lead_tokens;
      if (in_lead) ++info.length[lead];
      ++info.length[static_cast<int>(field)];
      // One insertion at a time: a second insert may rehash and move the first.
      count(terms[t.stem], t.position, in_lead);
      exact_key.assign(1, kExactMarker);
      exact_key.append(t.term.data(), t.term.size());
      count(terms[exact_key], t.position, in_lead);
      if (fingerprint) hasher.Add(t.term);
    });
  };
  uint32_t position = add_field(Field::kTitle, doc.title, 0) + kFieldPositionGap;
  for (const std::string& p : doc.paragraphs) {
    // A gap between paragraphs keeps phrases from matching across them.
    position = add_field(Field::kBody, p, position) + 1;
    ++paragraph_index;
  }

  for (auto& [term, ts] : terms) {
    auto [slot, inserted] = postings_.try_emplace(term);
    if (inserted) sorted_terms_.insert(term);
    PostingList& pl = slot->second;
    pl.docs.push_back(id);
    for (int f = 0; f < kNumFields; ++f) pl.freqs[f].push_back(ts.freq[f]);
    pl.position_starts.push_back(static_cast<uint32_t>(pl.positions.size()));
    pl.positions.insert(pl.positions.end(), ts.positions.begin(), ts.positions.end());
    ++posting_count_;
  }
  // The cluster: that of the nearest live near-duplicate, else a new one.
  if (fingerprint && hasher.shingles() >= near_options_.min_shingles) {
    info.fingerprinted = true;
    info.fingerprint = hasher.Finish();
    if (std::optional<NearMatch> m = near_table_.FindNearest(info.fingerprint)) {
      info.cluster = info_[m->key].cluster;
    } else {
      info.cluster = NewCluster(doc.id);
    }
    near_table_.Insert(id, info.fingerprint);
  } else {
    info.cluster = NewCluster(doc.id);
  }
  if (++cluster_live_[info.cluster] == 1) ++live_clusters_;
  if (cluster_live_[info.cluster] == 2) ++duplicate_clusters_;

  for (int f = 0; f < kNumFields; ++f) live_length_sum_[f] += info.length[f];
  token_count_ += info.length[static_cast<int>(Field::kTitle)] +
                  info.length[static_cast<int>(Field::kBody)];
  stored_bytes_ += static_cast<int64_t>(doc.payload.size() + doc.title.size() + doc.id.size());
  for (const std::string& p : doc.paragraphs) stored_bytes_ += static_cast<int64_t>(p.size());
  live_ids_[doc.id] = id;
  docs_.push_back(std::make_unique<Document>(std::move(doc)));
  info_.push_back(info);
  ++live_documents_;
  return outcome;
}

ClusterId InvertedIndex::NewCluster(absl::string_view name) {
  const ClusterId c = static_cast<ClusterId>(cluster_names_.size());
  std::string unique(name);
  while (live_cluster_names_.contains(unique)) absl::StrAppend(&unique, "#", c);
  live_cluster_names_[unique] = c;
  cluster_names_.push_back(std::move(unique));
  cluster_live_.push_back(0);
  return c;
}

void InvertedIndex::Tombstone(DocId doc) {
  DocInfo& info = info_[doc];
  if (info.deleted) return;
  info.deleted = true;
  if (info.fingerprinted) near_table_.Remove(doc, info.fingerprint);
  const uint32_t left = --cluster_live_[info.cluster];
  if (left == 1) --duplicate_clusters_;
  if (left == 0) {
    --live_clusters_;
    live_cluster_names_.erase(cluster_names_[info.cluster]);
    cluster_names_[info.cluster] = std::string();
  }
  for (int f = 0; f < kNumFields; ++f) live_length_sum_[f] -= info.length[f];
  --live_documents_;
  live_ids_.erase(docs_[doc]->id);
  // The postings stay (searches skip tombstones); the text can go now.
  Document& d = *docs_[doc];
  stored_bytes_ -= static_cast<int64_t>(d.payload.size() + d.title.size() + d.id.size());
  for (const std::string& p : d.paragraphs) stored_bytes_ -= static_cast<int64_t>(p.size());
  d = Document{};
}

bool InvertedIndex::Delete(absl::string_view id) {
  auto it = live_ids_.find(id);
  if (it == live_ids_.end()) return false;
  Tombstone(it->second);
  return true;
}

const Document* InvertedIndex::Find(absl::string_view id) const {
  auto it = live_ids_.find(id);
  return it == live_ids_.end() ? nullptr : docs_[it->second].get();
}

std::optional<DocId> InvertedIndex::FindDocId(absl::string_view id) const {
  auto it = live_ids_.find(id);
  if (it == live_ids_.end()) return std::nullopt;
  return it->second;
}

const PostingList* InvertedIndex::Postings(absl::string_view term) const {
  auto it = postings_.find(term);
  return it == postings_.end() ? nullptr : &it->second;
}

void InvertedIndex::ForEachTermWithPrefix(
    absl::string_view prefix,
    absl::FunctionRef<bool(absl::string_view, const PostingList&)> visit) const {
  for (auto it = sorted_terms_.lower_bound(prefix); it != sorted_terms_.end(); ++it) {
    if (!absl::StartsWith(*it, prefix)) break;
    const PostingList* pl = Postings(*it);
    if (pl != nullptr && !visit(*it, *pl)) break;
  }
}

double InvertedIndex::average_length(Field field) const {
  if (live_documents_ == 0) return 0;
  return static_cast<double>(live_length_sum_[static_cast<int>(field)]) / live_documents_;
}

IndexStats InvertedIndex::Stats() const {
  IndexStats s;
  s.live_documents = live_documents_;
  s.terms = static_cast<int64_t>(postings_.size());
  s.postings = posting_count_;
  s.tokens = token_count_;
  s.duplicates = live_documents_ - live_clusters_;
  s.duplicate_clusters = duplicate_clusters_;
  int64_t bytes = stored_bytes_ + near_table_.memory_bytes();
  for (const std::string& name : cluster_names_) {
    bytes += static_cast<int64_t>(sizeof(name) + name.capacity() + sizeof(uint32_t));
  }
  bytes += static_cast<int64_t>(live_cluster_names_.capacity() *
                                (sizeof(std::string) + sizeof(ClusterId) + 1));
  for (const auto& [term, pl] : postings_) {
    // The key, its copy in sorted_terms_, and the posting arrays.
    bytes += static_cast<int64_t>(2 * (sizeof(term) + term.capacity()) + sizeof(pl) +
                                  pl.docs.capacity() * sizeof(DocId));
    for (const auto& f : pl.freqs) bytes += static_cast<int64_t>(f.capacity() * sizeof(uint32_t));
    bytes += static_cast<int64_t>((pl.position_starts.capacity() + pl.positions.capacity()) *
                                  sizeof(uint32_t));
  }
  bytes += static_cast<int64_t>(info_.capacity() * sizeof(DocInfo) +
                                docs_.capacity() * (sizeof(void*) + sizeof(Document)));
  s.memory_bytes = bytes;
  return s;
}

}  // namespace khabar::index
