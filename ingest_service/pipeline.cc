#include "ingest_service/pipeline.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "ingest_service/article/plain_text_parser.h"
#include "ingest_service/convert.h"

namespace khabar::ingest {

v1::SourceFormat DetectFormat(absl::string_view name, v1::SourceFormat format) {
  if (format != v1::SOURCE_FORMAT_UNSPECIFIED) return format;
  if (absl::EndsWith(name, ".jsonl") || absl::EndsWith(name, ".ndjson")) {
    return v1::SOURCE_FORMAT_JSONL;
  }
  if (absl::EndsWith(name, ".trec") || absl::EndsWith(name, ".sgml") ||
      absl::EndsWith(name, ".sgm")) {
    return v1::SOURCE_FORMAT_TREC;
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
  ++totals_.documents;
  format = DetectFormat(name, format);
  if (format != v1::SOURCE_FORMAT_PLAIN_TEXT) {
    Report({std::string(name), "", v1::INDEX_OUTCOME_REJECTED,
            absl::StrCat(name, ": format ", v1::SourceFormat_Name(format),
                         " is not supported yet; only plain text")});
    return absl::OkStatus();
  }
  absl::StatusOr<article::Article> parsed = article::ParsePlainText(name, content);
  if (!parsed.ok()) {
    Report({std::string(name), "", v1::INDEX_OUTCOME_REJECTED,
            std::string(parsed.status().message())});
    return absl::OkStatus();
  }
  if (parsed->source.empty()) {
    parsed->source = source.empty() ? options_.source : std::string(source);
  }
  queued_.push_back(ToProto(*parsed));
  queued_names_.emplace_back(name);
  queued_bytes_ += content.size();
  if (queued_.size() >= options_.batch_size || queued_bytes_ >= options_.batch_bytes) {
    return Flush();
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
