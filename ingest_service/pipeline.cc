#include "ingest_service/pipeline.h"

#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
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

Pipeline::Pipeline(IndexStreamClient* client, PipelineOptions options, Callback on_result)
    : client_(client), options_(std::move(options)), on_result_(std::move(on_result)) {}

void Pipeline::Report(ItemResult result) {
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

void Pipeline::Reject(absl::string_view name, absl::string_view error) {
  ++totals_.documents;
  Report({std::string(name), "", v1::INDEX_OUTCOME_REJECTED, std::string(error)});
}

absl::Status Pipeline::Add(absl::string_view name, absl::string_view content,
                           v1::SourceFormat format, absl::string_view source) {
  // One result per article of the document (TREC and JSONL hold many), and
  // one per article that did not parse.
  for (absl::StatusOr<article::Article>& parsed :
       article::ParseDocument(name, content, FromProto(format))) {
    ++totals_.documents;
    if (!parsed.ok()) {
      Report({std::string(name), "", v1::INDEX_OUTCOME_REJECTED,
              std::string(parsed.status().message())});
      continue;
    }
    if (parsed->source.empty()) {
      parsed->source = source.empty() ? options_.source : std::string(source);
    }
    queued_.push_back(ToProto(*parsed));
    queued_names_.push_back(parsed->origin);
    queued_bytes_ += queued_.back().ByteSizeLong();
    if (queued_.size() >= options_.batch_size || queued_bytes_ >= options_.batch_bytes) {
      KHABAR_RETURN_IF_ERROR(Flush());
    }
  }
  return absl::OkStatus();
}

absl::Status Pipeline::Flush() {
  if (queued_.empty()) return absl::OkStatus();
  absl::StatusOr<std::vector<v1::IndexAck>> acks = client_->SendBatch(queued_);
  for (size_t i = 0; i < queued_.size(); ++i) {
    ItemResult r{queued_names_[i], queued_[i].id(), v1::INDEX_OUTCOME_REJECTED, ""};
    if (!acks.ok()) {
      r.error = absl::StrCat("not acknowledged: ", acks.status().message());
    } else {
      r.outcome = (*acks)[i].outcome();
      r.error = (*acks)[i].error();
    }
    Report(std::move(r));
  }
  queued_.clear();
  queued_names_.clear();
  queued_bytes_ = 0;
  return acks.status();
}

}  // namespace khabar::ingest
