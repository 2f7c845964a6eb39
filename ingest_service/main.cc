// ingest_service: parses Arabic news articles and streams them to query_service.
//
//   ingest_service --query_service=127.0.0.1:50051 data/articles more.txt
//       ingests the files and directories given, prints one line per article
//       and a summary, and exits once everything is acknowledged.
//   ingest_service --listen=127.0.0.1:50052 --query_service=127.0.0.1:50051
//       serves khabar.v1.IngestService (plus health and reflection).
//
// Exit status: 0 all accepted; 1 some documents rejected (the rest went in);
// 2 usage error or the query service unreachable.
#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "common/base/file.h"
#include "common/base/logging.h"
#include "common/rpc/server.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "ingest_service/ingest_service_impl.h"
#include "ingest_service/pipeline.h"
#include "ingest_service/stream/index_stream_client.h"

ABSL_FLAG(std::string, query_service, "127.0.0.1:50051", "HOST:PORT of query_service");
ABSL_FLAG(std::string, listen, "", "Serve IngestService on HOST:PORT (port 0 = any free port)");
ABSL_FLAG(std::string, source, "", "Publisher recorded in articles that do not name one");
ABSL_FLAG(int32_t, batch_size, 64, "Articles per batch on the index stream");
ABSL_FLAG(int32_t, connect_timeout_seconds, 10, "How long to wait for query_service");
ABSL_FLAG(bool, log_json, false, "Log JSON lines instead of text");

namespace khabar {
namespace {

const char* OutcomeWord(v1::IndexOutcome outcome) {
  switch (outcome) {
    case v1::INDEX_OUTCOME_CREATED:
      return "created";
    case v1::INDEX_OUTCOME_UPDATED:
      return "updated";
    case v1::INDEX_OUTCOME_UNCHANGED:
      return "unchanged";
    default:
      return "rejected";
  }
}

std::shared_ptr<grpc::Channel> QueryChannel() {
  grpc::ChannelArguments args;
  args.SetMaxSendMessageSize(64 << 20);
  return grpc::CreateCustomChannel(absl::GetFlag(FLAGS_query_service),
                                   grpc::InsecureChannelCredentials(), args);
}

int IngestPaths(const std::vector<std::string>& paths) {
  const std::string target = absl::GetFlag(FLAGS_query_service);
  ingest::IndexStreamClient client(
      QueryChannel(), target,
      {.connect_timeout = absl::Seconds(absl::GetFlag(FLAGS_connect_timeout_seconds))});
  if (absl::Status s = client.Open(); !s.ok()) {
    std::fprintf(stderr, "ingest_service: %s\n", std::string(s.message()).c_str());
    return 2;
  }

  ingest::PipelineOptions options;
  options.batch_size = static_cast<size_t>(std::max(1, absl::GetFlag(FLAGS_batch_size)));
  options.source = absl::GetFlag(FLAGS_source);
  ingest::Pipeline pipeline(&client, options, [](const ingest::ItemResult& r) {
    if (r.outcome == v1::INDEX_OUTCOME_REJECTED) {
      std::fprintf(stderr, "rejected  %s: %s\n", r.document.c_str(), r.error.c_str());
    } else {
      std::printf("accepted  %s  id=%s  %s\n", r.document.c_str(), r.id.c_str(),
                  OutcomeWord(r.outcome));
    }
  });

  absl::Status stream_status;
  for (const base::ExpandedPath& file : base::ExpandPaths(paths)) {
    if (!stream_status.ok()) break;
    if (!file.status.ok()) {
      pipeline.Reject(file.path, file.status.message());
      continue;
    }
    absl::StatusOr<std::string> content = base::ReadFile(file.path);
    if (!content.ok()) {
      pipeline.Reject(file.path, content.status().message());
      continue;
    }
    stream_status = pipeline.Add(file.path, *content);
  }
  if (stream_status.ok()) stream_status = pipeline.Flush();
  if (stream_status.ok()) stream_status = client.Close();

  const ingest::Totals& t = pipeline.totals();
  std::printf("ingested %lld documents: %lld accepted (%lld created, %lld updated, %lld unchanged), "
              "%lld rejected\n",
              static_cast<long long>(t.documents), static_cast<long long>(t.accepted()),
              static_cast<long long>(t.created), static_cast<long long>(t.updated),
              static_cast<long long>(t.unchanged), static_cast<long long>(t.rejected));
  if (!stream_status.ok()) {
    std::fprintf(stderr, "ingest_service: %s\n", std::string(stream_status.message()).c_str());
    return 2;
  }
  return t.rejected == 0 ? 0 : 1;
}

int Serve() {
  const std::string target = absl::GetFlag(FLAGS_query_service);
  ingest::IngestServiceImpl service(QueryChannel(), target);
  auto server = rpc::RpcServer::Start({.listen = absl::GetFlag(FLAGS_listen)}, {&service});
  if (!server.ok()) {
    std::fprintf(stderr, "ingest_service: %s\n", std::string(server.status().message()).c_str());
    return 2;
  }
  std::printf("ingest_service listening on %s\n", (*server)->address().c_str());
  std::fflush(stdout);
  base::LogInfo("serving", {{"addr", (*server)->address()}, {"query_service", target}});
  const int sig = rpc::WaitForTerminationSignal();
  base::LogInfo("shutting down", {{"signal", absl::StrCat(sig)}});
  (*server)->Shutdown(absl::Seconds(5));
  return 0;
}

}  // namespace
}  // namespace khabar

int main(int argc, char** argv) {
  khabar::rpc::BlockTerminationSignals();
  absl::SetProgramUsageMessage(
      "Khabar ingest service.\n"
      "  ingest_service --query_service=HOST:PORT PATH...   ingest files/directories and exit\n"
      "  ingest_service --listen=HOST:PORT --query_service=HOST:PORT   serve IngestService");
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  khabar::base::SetLogProgram("ingest_service");
  if (absl::GetFlag(FLAGS_log_json)) khabar::base::SetLogFormat(khabar::base::LogFormat::kJson);

  std::vector<std::string> paths(args.begin() + 1, args.end());
  if (!paths.empty()) return khabar::IngestPaths(paths);
  if (!absl::GetFlag(FLAGS_listen).empty()) return khabar::Serve();
  std::fprintf(stderr,
               "ingest_service: nothing to do: give files or directories to ingest, or "
               "--listen=HOST:PORT to serve (see --help)\n");
  return 2;
}
