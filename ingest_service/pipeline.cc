#include "ingest_service/pipeline.h"

#include <optional>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/base/logging.h"
#include "common/base/status_macros.h"
#include "ingest_service/article/document_parser.h"
#include "ingest_service/convert.h"

namespace khabar::ingest {

namespace {

std::optional<article::SourceFormat> FromProto(v1::SourceFormat format) {
  switch (format) {
    case v1::SOURCE_FORMAT_PLAIN_TEXT:
      return article::SourceFormat::kPlainText;
    case v1::SOURCE_FORMAT_TREC:
      return article::SourceFormat::kTrec;
    case v1::SOURCE_FORMAT_JSONL:
      return article::SourceFormat::kJsonl;
    default:
      return std::nullopt;
  }
}

}  // namespace

v1::SourceFormat DetectFormat(absl::string_view name, v1::SourceFormat format,
                              absl::string_view content) {
  if (FromProto(format).has_value()) return format;
  switch (article::DetectSourceFormat(name, content)) {
    case article::SourceFormat::kTrec:
      return v1::SOURCE_FORMAT_TREC;
    case article::SourceFormat::kJsonl:
      return v1::SOURCE_FORMAT_JSONL;
    case article::SourceFormat::kPlainText:
      break;
  }
  return v1::SOURCE_FORMAT_PLAIN_TEXT;
}

std::vector<absl::StatusOr<v1::Article>> ParseArticles(absl::string_view name,
                                                       absl::string_view content,
                                                       v1::SourceFormat format,
                                                       absl::string_view source) {
  std::vector<absl::StatusOr<v1::Article>> out;
  for (absl::StatusOr<article::Article>& parsed :
       article::ParseDocument(name, content, FromProto(format))) {
    if (!parsed.ok()) {
      out.push_back(parsed.status());
      continue;
    }
    if (parsed->source.empty()) parsed->source = std::string(source);
    out.push_back(ToProto(*parsed));
  }
  return out;
}

Pipeline::Pipeline(std::shared_ptr<grpc::Channel> channel, std::string target,
                   PipelineOptions options, Callback on_result)
    : options_(std::move(options)),
      on_result_(std::move(on_result)),
      client_(std::move(channel), std::move(target), options_.stream,
              [this](uint64_t tag, const v1::IndexAck& ack) { OnAck(tag, ack); }) {}

absl::Status Pipeline::Open() { return client_.Open(); }

void Pipeline::Report(const ItemResult& result) {
  ++totals_.documents;
  switch (result.outcome) {
    case v1::INDEX_OUTCOME_CREATED:
      ++totals_.created;
      break;
    case v1::INDEX_OUTCOME_UPDATED:
      ++totals_.updated;
      break;
    case v1::INDEX_OUTCOME_UNCHANGED:
      ++totals_.unchanged;
      break;
    default:
      ++totals_.rejected;
      break;
  }
  if (on_result_) on_result_(result);
}

void Pipeline::Push(Item item) {
  items_.push_back(std::move(item));
  Drain();
}

void Pipeline::OnAck(uint64_t tag, const v1::IndexAck& ack) {
  Item& item = items_[tag - first_tag_];
  item.result.outcome = ack.outcome();
  item.result.error = ack.error();
  if (item.result.id.empty()) item.result.id = ack.id();
  item.done = true;
  Drain();
}

void Pipeline::Drain() {
  Checkpoint* cp = options_.checkpoint;
  while (!items_.empty() && items_.front().done) {
    Item item = std::move(items_.front());
    items_.pop_front();
    ++first_tag_;
    if (!item.end_of_file) Report(item.result);
    if (item.file < 0) continue;
    FileProgress& f = files_[static_cast<size_t>(item.file)];
    if (f.failed) continue;  // resumes from its last final document next time
    if (!item.end_of_file) ++f.done;
    if (cp != nullptr) cp->Update(f.key, f.done, item.end_of_file);
  }
  if (cp != nullptr) {
    if (absl::Status s = cp->SaveIfDue(); !s.ok()) {
      // A checkpoint that cannot be written costs a resend after a crash, not data.
      base::LogWarning("cannot save checkpoint", {{"error", std::string(s.message())}});
    }
  }
}

void Pipeline::Reject(absl::string_view name, absl::string_view error) {
  ++totals_.files;
  Push({.result = {std::string(name), "", v1::INDEX_OUTCOME_REJECTED, std::string(error)},
        .done = true});
}

absl::Status Pipeline::AddParsed(absl::string_view name, int64_t file,
                                 std::vector<absl::StatusOr<v1::Article>> parsed, int64_t skip) {
  if (!broken_.ok()) return broken_;
  for (size_t i = 0; i < parsed.size(); ++i) {
    if (static_cast<int64_t>(i) < skip) continue;  // done in an earlier run
    absl::StatusOr<v1::Article>& a = parsed[i];
    Item item;
    item.file = file;
    if (!a.ok()) {
      item.result = {std::string(name), "", v1::INDEX_OUTCOME_REJECTED,
                     std::string(a.status().message())};
      item.done = true;
      Push(std::move(item));
      continue;
    }
    item.result.document = a->origin().empty() ? std::string(name) : a->origin();
    item.result.id = a->id();
    const uint64_t tag = first_tag_ + items_.size();
    items_.push_back(std::move(item));
    if (absl::Status s = client_.Send(*std::move(a), tag); !s.ok()) {
      broken_ = s;
      return s;
    }
  }
  if (file >= 0) Push({.result = {}, .file = file, .done = true, .end_of_file = true});
  return absl::OkStatus();
}

absl::Status Pipeline::AddFile(const FileKey& key, absl::string_view content) {
  ++totals_.files;
  totals_.bytes += static_cast<int64_t>(content.size());
  const int64_t skip = options_.checkpoint != nullptr ? options_.checkpoint->DoneDocuments(key) : 0;
  files_.push_back({key, skip});
  const int64_t file = static_cast<int64_t>(files_.size()) - 1;
  return AddParsed(key.path, file,
                   ParseArticles(key.path, content, v1::SOURCE_FORMAT_UNSPECIFIED, options_.source),
                   skip);
}

absl::Status Pipeline::Add(absl::string_view name, absl::string_view content,
                           v1::SourceFormat format, absl::string_view source) {
  ++totals_.files;
  totals_.bytes += static_cast<int64_t>(content.size());
  return AddParsed(name, -1,
                   ParseArticles(name, content, format,
                                 source.empty() ? absl::string_view(options_.source) : source),
                   0);
}

absl::Status Pipeline::Flush() {
  if (!broken_.ok()) return broken_;
  absl::Status s = client_.Flush();
  if (!s.ok()) {
    broken_ = s;
    FailUnacknowledged(s);
  }
  return s;
}

void Pipeline::FailUnacknowledged(const absl::Status& why) {
  for (Item& item : items_) {
    if (item.done) continue;
    item.result.outcome = v1::INDEX_OUTCOME_REJECTED;
    item.result.error = absl::StrCat("not acknowledged: ", why.message());
    item.done = true;
    if (item.file >= 0) files_[static_cast<size_t>(item.file)].failed = true;
    item.file = -1;  // not final: a later run sends it again
  }
  Drain();
}

absl::Status Pipeline::Finish() {
  absl::Status s = broken_.ok() ? client_.Close() : broken_;
  if (!s.ok()) FailUnacknowledged(s);
  if (options_.checkpoint != nullptr) {
    absl::Status saved = options_.checkpoint->Save();
    if (s.ok()) s = saved;
  }
  return s;
}

}  // namespace khabar::ingest
