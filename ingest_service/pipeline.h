// File: pipeline.h
// -----------------------------------------------------------------------------
// Documents in, one result per article (or per unparsable document) out:
// parses each document, queues the articles, sends them in batches over an
// IndexStreamClient and reports every acknowledgement.
//
//   Pipeline pipeline(&client, {}, [](const ItemResult& r) { Print(r); });
//   pipeline.Add("seeds/a.txt", text);        // parse errors are reported, not fatal
//   KHABAR_RETURN_IF_ERROR(pipeline.Flush()); // only a broken stream fails
#ifndef KHABAR_INGEST_SERVICE_PIPELINE_H_
#define KHABAR_INGEST_SERVICE_PIPELINE_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "ingest_service/stream/index_stream_client.h"
#include "khabar/v1/article.pb.h"
#include "khabar/v1/index.pb.h"

namespace khabar::ingest {

struct ItemResult {
  std::string document;  // file path or document name
  std::string id;        // article id, when it parsed
  v1::IndexOutcome outcome = v1::INDEX_OUTCOME_UNSPECIFIED;
  std::string error;     // for INDEX_OUTCOME_REJECTED
};

struct Totals {
  int64_t documents = 0;
  int64_t created = 0;
  int64_t updated = 0;
  int64_t unchanged = 0;
  int64_t rejected = 0;
  int64_t accepted() const { return created + updated + unchanged; }
};

struct PipelineOptions {
  size_t batch_size = 64;
  size_t batch_bytes = 4 << 20;
  std::string source;  // recorded in articles that do not name their publisher
};

// `format`, or when it is UNSPECIFIED the format article::DetectSourceFormat
// picks from the content ("<DOC>" first -> TREC) and the name's extension.
v1::SourceFormat DetectFormat(absl::string_view name, v1::SourceFormat format,
                              absl::string_view content = "");

class Pipeline {
 public:
  using Callback = std::function<void(const ItemResult&)>;
  // `client` (open) is not owned.
  Pipeline(IndexStreamClient* client, PipelineOptions options, Callback on_result);

  // Parses `content` (article::ParseDocument) and queues each of its articles
  // separately; every article that does not parse is reported as REJECTED
  // with its reason, and counts as one document in totals(). Sends a batch
  // when one is full.
  // Returns an error only when the stream breaks.
  // `source` names the publisher when the document does not (default:
  // PipelineOptions::source).
  absl::Status Add(absl::string_view name, absl::string_view content,
                   v1::SourceFormat format = v1::SOURCE_FORMAT_UNSPECIFIED,
                   absl::string_view source = "");

  // Reports a document that could not even be read.
  void Reject(absl::string_view name, absl::string_view error);

  // Sends what is queued and waits for its acks.
  absl::Status Flush();

  const Totals& totals() const { return totals_; }

 private:
  void Report(ItemResult result);

  IndexStreamClient* client_;
  const PipelineOptions options_;
  Callback on_result_;
  std::vector<v1::Article> queued_;
  std::vector<std::string> queued_names_;
  size_t queued_bytes_ = 0;
  Totals totals_;
};

}  // namespace khabar::ingest

#endif  // KHABAR_INGEST_SERVICE_PIPELINE_H_
