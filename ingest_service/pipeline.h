// File: pipeline.h
// -----------------------------------------------------------------------------
// Documents in, one result per article (or per unparsable document) out:
// parses each document, sends its articles over an IndexStreamClient, and
// reports every outcome in input order once it is final (acknowledged by the
// query service, or rejected). With a checkpoint it records, per input file,
// how many documents are final, so an interrupted run can resume.
//
//   Pipeline pipeline(channel, "127.0.0.1:50051", {}, [](const ItemResult& r) { Print(r); });
//   KHABAR_RETURN_IF_ERROR(pipeline.Open());
//   pipeline.AddFile(key, text);               // parse errors are reported, not fatal
//   KHABAR_RETURN_IF_ERROR(pipeline.Finish()); // only a broken stream fails
#ifndef KHABAR_INGEST_SERVICE_PIPELINE_H_
#define KHABAR_INGEST_SERVICE_PIPELINE_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "grpcpp/channel.h"
#include "ingest_service/stream/checkpoint.h"
#include "ingest_service/stream/index_stream_client.h"
#include "khabar/v1/article.pb.h"
#include "khabar/v1/index.pb.h"

namespace khabar::ingest {

struct ItemResult {
  std::string document;  // file path or document name (with #DOCNO / :line when known)
  std::string id;        // article id, when it parsed
  v1::IndexOutcome outcome = v1::INDEX_OUTCOME_UNSPECIFIED;
  std::string error;     // for INDEX_OUTCOME_REJECTED
};

struct Totals {
  int64_t files = 0;      // input files (or raw documents) handled
  int64_t skipped_files = 0;  // already complete according to the checkpoint
  int64_t bytes = 0;      // input bytes parsed
  int64_t documents = 0;  // results reported
  int64_t created = 0;
  int64_t updated = 0;
  int64_t unchanged = 0;
  int64_t rejected = 0;
  int64_t accepted() const { return created + updated + unchanged; }
};

struct PipelineOptions {
  StreamOptions stream;
  std::string source;  // recorded in articles that do not name their publisher
  // Not owned; may be null. Updated as outcomes become final.
  Checkpoint* checkpoint = nullptr;
};

// `format` when given; otherwise TREC for content that starts with <DOC>,
// else by the name's extension (.trec/.sgml/.sgm/.xml, .jsonl/.ndjson/.json),
// else plain text.
v1::SourceFormat DetectFormat(absl::string_view name, v1::SourceFormat format,
                              absl::string_view content = "");

// Parses one document into article records (one entry per article or per
// part that could not be parsed, in document order). `source` fills the
// publisher of articles that do not name one. Used by the pipeline and by
// `ingest_service --dry_run`.
std::vector<absl::StatusOr<v1::Article>> ParseArticles(absl::string_view name,
                                                       absl::string_view content,
                                                       v1::SourceFormat format,
                                                       absl::string_view source);

class Pipeline {
 public:
  using Callback = std::function<void(const ItemResult&)>;

  Pipeline(std::shared_ptr<grpc::Channel> channel, std::string target, PipelineOptions options,
           Callback on_result);
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  // Connects to the query service.
  absl::Status Open();

  // Parses a file's content and sends its articles, skipping the documents
  // the checkpoint says are done. Returns an error only when the stream breaks
  // for good.
  absl::Status AddFile(const FileKey& key, absl::string_view content);

  // Parses `content` named `name` and sends its articles (no checkpoint).
  absl::Status Add(absl::string_view name, absl::string_view content,
                   v1::SourceFormat format = v1::SOURCE_FORMAT_UNSPECIFIED,
                   absl::string_view source = "");

  // Reports a document that could not even be read.
  void Reject(absl::string_view name, absl::string_view error);

  // Sends what is queued and waits for every acknowledgement; results are all
  // reported when it returns.
  absl::Status Flush();

  // Flush(), closes the stream, saves the checkpoint. Records that could not
  // be delivered are reported as rejected with the reason.
  absl::Status Finish();

  const Totals& totals() const { return totals_; }
  const StreamStats& stream_stats() const { return client_.stats(); }

 private:
  struct Item {
    ItemResult result;
    int64_t file = -1;       // index into files_, or -1
    bool done = false;
    bool end_of_file = false;
  };
  struct FileProgress {
    FileKey key;
    int64_t done = 0;  // documents final, counted from the start of the file
    bool failed = false;  // a document could not be delivered: stop counting
  };

  absl::Status AddParsed(absl::string_view name, int64_t file,
                         std::vector<absl::StatusOr<v1::Article>> parsed, int64_t skip);
  void Push(Item item);
  void OnAck(uint64_t tag, const v1::IndexAck& ack);
  void Drain();
  void Report(const ItemResult& result);
  void FailUnacknowledged(const absl::Status& why);

  const PipelineOptions options_;
  Callback on_result_;
  IndexStreamClient client_;
  std::deque<Item> items_;  // in input order; front is the oldest not yet reported
  uint64_t first_tag_ = 0;  // tag of items_.front()
  std::vector<FileProgress> files_;
  Totals totals_;
  absl::Status broken_;  // the stream failed for good
};

}  // namespace khabar::ingest

#endif  // KHABAR_INGEST_SERVICE_PIPELINE_H_
