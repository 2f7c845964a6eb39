// ingest_service: parses Arabic news articles and streams them to query_service.
//
//   ingest_service --query_service=127.0.0.1:50051 data/articles more.txt
//       ingests the files and directories given, prints one line per article
//       and a summary, and exits once everything is acknowledged.
//   ingest_service --listen=127.0.0.1:50052 --query_service=127.0.0.1:50051
//       serves khabar.v1.IngestService (plus health and reflection).
//
//   ingest_service --dry_run PATH...
//       parses only: records as JSON Lines on stdout, rejections on stderr.
//   ingest_service --watch --checkpoint=ckpt --query_service=... incoming/
//       ingests, then keeps ingesting new or changed files until SIGTERM.
//
// Exit status: 0 everything that parsed went in (rejections are reported but
// do not fail the run unless --strict, then 1); 2 usage error, or the query
// service unreachable for longer than --retry_timeout_seconds.
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/base/file.h"
#include "common/base/logging.h"
#include "common/rpc/server.h"
#include "grpcpp/create_channel.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/security/credentials.h"
#include "ingest_service/ingest_service_impl.h"
#include "ingest_service/pipeline.h"
#include "ingest_service/progress.h"
#include "ingest_service/stream/checkpoint.h"
#include "ingest_service/watch.h"

ABSL_FLAG(std::string, query_service, "127.0.0.1:50051", "HOST:PORT of query_service");
ABSL_FLAG(std::string, listen, "", "Serve IngestService on HOST:PORT (port 0 = any free port)");
ABSL_FLAG(std::string, source, "", "Publisher recorded in articles that do not name one");
ABSL_FLAG(int32_t, batch_size, 256, "Records per batch on the index stream");
ABSL_FLAG(int32_t, max_inflight_batches, 4,
          "Unacknowledged batches allowed on the wire (flow-control window)");
ABSL_FLAG(double, max_docs_per_second, 0,
          "Throttle file and --watch ingest: at most this many records a second, whole "
          "batches with waits in between and no catching up after a pause (0: as fast as "
          "query_service acknowledges)");
ABSL_FLAG(int32_t, connect_timeout_seconds, 10, "How long to wait for query_service at start");
ABSL_FLAG(int32_t, retry_timeout_seconds, 60,
          "Give up when the index stream makes no progress for this long (reconnecting meanwhile)");
ABSL_FLAG(int32_t, ack_timeout_seconds, 30,
          "Reconnect when records are in flight and no ack came for this long");
ABSL_FLAG(std::string, checkpoint, "",
          "File recording what was acknowledged, per input file; a rerun resumes from it");
ABSL_FLAG(bool, dry_run, false,
          "Parse only: print the records as JSON Lines on stdout, rejections on stderr; send nothing");
ABSL_FLAG(bool, watch, false,
          "After ingesting PATHs, keep watching the directories among them and ingest new or "
          "changed files (inotify) until SIGINT/SIGTERM");
ABSL_FLAG(bool, strict, false, "Exit with status 1 when any document is rejected");
ABSL_FLAG(bool, quiet, false, "Print only rejections and the summary, not one line per article");
ABSL_FLAG(std::string, progress, "auto",
          "Progress display: auto (a line on a terminal, log lines otherwise), terminal, log, off");
ABSL_FLAG(int64_t, max_file_bytes, 256ll << 20, "Largest input file read");
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
  // Reconnect quickly after the query service restarts (gRPC's default
  // backoff grows to two minutes).
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 2000);
  return grpc::CreateCustomChannel(absl::GetFlag(FLAGS_query_service),
                                   grpc::InsecureChannelCredentials(), args);
}

ingest::StreamOptions StreamOptionsFromFlags() {
  ingest::StreamOptions o;
  o.connect_timeout = absl::Seconds(absl::GetFlag(FLAGS_connect_timeout_seconds));
  o.max_batch_records = static_cast<size_t>(std::max(1, absl::GetFlag(FLAGS_batch_size)));
  o.max_inflight_batches =
      static_cast<size_t>(std::max(1, absl::GetFlag(FLAGS_max_inflight_batches)));
  o.retry_timeout = absl::Seconds(std::max(1, absl::GetFlag(FLAGS_retry_timeout_seconds)));
  o.ack_timeout = absl::Seconds(std::max(1, absl::GetFlag(FLAGS_ack_timeout_seconds)));
  o.max_records_per_second = absl::GetFlag(FLAGS_max_docs_per_second);
  return o;
}

absl::StatusOr<ingest::Progress::Mode> ProgressModeFromFlag() {
  const std::string m = absl::GetFlag(FLAGS_progress);
  if (m == "auto") return ingest::Progress::Mode::kAuto;
  if (m == "terminal") return ingest::Progress::Mode::kTerminal;
  if (m == "log") return ingest::Progress::Mode::kLog;
  if (m == "off") return ingest::Progress::Mode::kOff;
  return absl::InvalidArgumentError(
      absl::StrCat("--progress must be auto, terminal, log or off, got \"", m, "\""));
}

// Prints every record a real run would send, as proto JSON (one per line).
int DryRun(const std::vector<base::ExpandedPath>& files) {
  google::protobuf::util::JsonPrintOptions json;
  json.add_whitespace = false;
  int64_t records = 0;
  int64_t rejected = 0;
  for (const base::ExpandedPath& file : files) {
    absl::StatusOr<std::string> content =
        file.status.ok() ? base::ReadFile(file.path, absl::GetFlag(FLAGS_max_file_bytes))
                         : absl::StatusOr<std::string>(file.status);
    if (!content.ok()) {
      ++rejected;
      std::fprintf(stderr, "rejected  %s: %s\n", file.path.c_str(),
                   std::string(content.status().message()).c_str());
      continue;
    }
    for (absl::StatusOr<v1::Article>& a :
         ingest::ParseArticles(file.path, *content, v1::SOURCE_FORMAT_UNSPECIFIED,
                               absl::GetFlag(FLAGS_source))) {
      std::string line;
      if (a.ok() && !google::protobuf::util::MessageToJsonString(*a, &line, json).ok()) {
        a = absl::InternalError("cannot print the record as JSON");
      }
      if (!a.ok()) {
        ++rejected;
        std::fprintf(stderr, "rejected  %s: %s\n", file.path.c_str(),
                     std::string(a.status().message()).c_str());
        continue;
      }
      ++records;
      std::fwrite(line.data(), 1, line.size(), stdout);
      std::fputc('\n', stdout);
    }
  }
  std::fflush(stdout);
  std::fprintf(stderr, "dry run: %lld records, %lld rejected, nothing sent\n",
               static_cast<long long>(records), static_cast<long long>(rejected));
  return rejected > 0 && absl::GetFlag(FLAGS_strict) ? 1 : 0;
}

// Reads and sends one file, unless the checkpoint says it is done.
absl::Status IngestFile(const std::string& path, ingest::Pipeline* pipeline,
                        const ingest::Checkpoint* checkpoint, ingest::Totals* skipped) {
  absl::StatusOr<ingest::FileKey> key = ingest::StatFileKey(path);
  if (!key.ok()) {
    pipeline->Reject(path, key.status().message());
    return absl::OkStatus();
  }
  if (checkpoint != nullptr && checkpoint->IsComplete(*key)) {
    ++skipped->files;
    return absl::OkStatus();
  }
  absl::StatusOr<std::string> content = base::ReadFile(path, absl::GetFlag(FLAGS_max_file_bytes));
  if (!content.ok()) {
    pipeline->Reject(path, content.status().message());
    return absl::OkStatus();
  }
  // Record the version actually read: a file being written while it was read
  // (watch mode finds new files as they appear) has the size read and the
  // time after reading, so its close event is skipped only if nothing was
  // written after the read.
  if (absl::StatusOr<ingest::FileKey> after = ingest::StatFileKey(path); after.ok()) {
    key->mtime_ns = after->mtime_ns;
  }
  key->size = static_cast<int64_t>(content->size());
  return pipeline->AddFile(*key, *content);
}

// Ingests new and changed files under `dirs` until SIGINT/SIGTERM.
absl::Status Watch(const std::vector<std::string>& dirs, ingest::Pipeline* pipeline,
                   ingest::Checkpoint* checkpoint, ingest::Totals* skipped) {
  absl::StatusOr<std::unique_ptr<ingest::DirectoryWatcher>> watcher =
      ingest::DirectoryWatcher::Create(dirs);
  if (!watcher.ok()) return watcher.status();
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  const int signal_fd = ::signalfd(-1, &signals, SFD_CLOEXEC);
  if (signal_fd < 0) return absl::InternalError("signalfd failed");
  std::printf("watching %s for new or changed files (Ctrl-C to stop)\n",
              absl::StrJoin(dirs, ", ").c_str());
  std::fflush(stdout);
  absl::Status status;
  while (status.ok()) {
    struct pollfd fds[2] = {{(*watcher)->fd(), POLLIN, 0}, {signal_fd, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      status = absl::InternalError(absl::StrCat("poll: ", std::strerror(errno)));
      break;
    }
    if (fds[1].revents & POLLIN) break;  // asked to stop
    // Let a burst of writes settle so a batch goes out together.
    ::poll(fds, 1, 50);
    for (const std::string& path : (*watcher)->ReadChanges()) {
      if (checkpoint != nullptr && path == checkpoint->path()) continue;
      status = IngestFile(path, pipeline, checkpoint, skipped);
      if (!status.ok()) break;
    }
    if (status.ok()) status = pipeline->Flush();
    std::fflush(stdout);  // results of this round are visible now, not at exit
  }
  ::close(signal_fd);
  return status;
}

int IngestPaths(const std::vector<std::string>& paths) {
  const std::vector<base::ExpandedPath> files = base::ExpandPaths(paths);
  if (absl::GetFlag(FLAGS_dry_run)) return DryRun(files);
  absl::StatusOr<ingest::Progress::Mode> progress_mode = ProgressModeFromFlag();
  if (!progress_mode.ok()) {
    std::fprintf(stderr, "ingest_service: %s\n", std::string(progress_mode.status().message()).c_str());
    return 2;
  }
  if (const double rate = absl::GetFlag(FLAGS_max_docs_per_second);
      !(rate == 0 || (rate >= 0.01 && rate < 1e9))) {
    std::fprintf(stderr, "ingest_service: --max_docs_per_second must be 0 (no limit) or at least "
                 "0.01 documents a second, got %g\n", rate);
    return 2;
  }

  ingest::Checkpoint checkpoint;
  if (!absl::GetFlag(FLAGS_checkpoint).empty()) {
    absl::StatusOr<ingest::Checkpoint> loaded = ingest::Checkpoint::Load(absl::GetFlag(FLAGS_checkpoint));
    if (!loaded.ok()) {
      std::fprintf(stderr, "ingest_service: %s\n", std::string(loaded.status().message()).c_str());
      return 2;
    }
    checkpoint = *std::move(loaded);
  }
  // Watch mode always keeps one (in memory without --checkpoint): a file
  // written into a new directory is found by the directory's scan and then
  // reported again when it is closed; the second event is the same version.
  const bool watch = absl::GetFlag(FLAGS_watch);
  if (watch && !checkpoint.enabled()) checkpoint = ingest::Checkpoint::InMemory();
  ingest::Checkpoint* cp = checkpoint.enabled() || watch ? &checkpoint : nullptr;

  int64_t total_bytes = 0;
  for (const base::ExpandedPath& f : files) {
    absl::StatusOr<ingest::FileKey> key = ingest::StatFileKey(f.path);
    if (key.ok()) total_bytes += key->size;
  }
  ingest::Progress progress(watch ? 0 : static_cast<int64_t>(files.size()),
                            watch ? 0 : total_bytes, *progress_mode);

  ingest::PipelineOptions options;
  options.stream = StreamOptionsFromFlags();
  options.source = absl::GetFlag(FLAGS_source);
  options.checkpoint = cp;
  const bool quiet = absl::GetFlag(FLAGS_quiet);
  ingest::Pipeline* pipeline_ptr = nullptr;
  ingest::Pipeline pipeline(
      QueryChannel(), absl::GetFlag(FLAGS_query_service), options,
      [&](const ingest::ItemResult& r) {
        if (r.outcome == v1::INDEX_OUTCOME_REJECTED) {
          std::fprintf(stderr, "\r\033[Krejected  %s: %s\n", r.document.c_str(), r.error.c_str());
        } else if (!quiet) {
          std::printf("accepted  %s  id=%s  %s\n", r.document.c_str(), r.id.c_str(),
                      OutcomeWord(r.outcome));
        }
        if (pipeline_ptr != nullptr) progress.Update(pipeline_ptr->totals());
      });
  pipeline_ptr = &pipeline;
  if (absl::Status s = pipeline.Open(); !s.ok()) {
    std::fprintf(stderr, "ingest_service: %s\n", std::string(s.message()).c_str());
    return 2;
  }

  ingest::Totals skipped;
  absl::Status status;
  std::vector<std::string> dirs;
  for (const base::ExpandedPath& file : files) {
    if (!status.ok()) break;
    if (!file.status.ok()) {
      pipeline.Reject(file.path, file.status.message());
      continue;
    }
    status = IngestFile(file.path, &pipeline, cp, &skipped);
    progress.Update(pipeline.totals());
  }
  if (status.ok() && watch) {
    for (const std::string& p : paths) {
      std::error_code ec;
      if (std::filesystem::is_directory(p, ec)) dirs.push_back(p);
    }
    status = pipeline.Flush();
    if (status.ok()) status = Watch(dirs, &pipeline, cp, &skipped);
  }
  absl::Status finished = pipeline.Finish();
  if (status.ok()) status = finished;

  const ingest::Totals& t = pipeline.totals();
  std::printf("%s\n", progress.Finish(t).c_str());
  if (skipped.files > 0 && checkpoint.enabled()) {
    std::printf("skipped %lld files already ingested according to %s\n",
                static_cast<long long>(skipped.files), checkpoint.path().c_str());
  } else if (skipped.files > 0) {
    std::printf("skipped %lld file events for versions already ingested\n",
                static_cast<long long>(skipped.files));
  }
  const ingest::StreamStats& ss = pipeline.stream_stats();
  if (ss.reconnects > 0) {
    std::printf("the index stream reconnected %lld times and resent %lld records\n",
                static_cast<long long>(ss.reconnects), static_cast<long long>(ss.records_resent));
  }
  std::fflush(stdout);
  if (!status.ok()) {
    std::fprintf(stderr, "ingest_service: %s\n", std::string(status.message()).c_str());
    if (cp != nullptr) {
      std::fprintf(stderr, "ingest_service: run again with --checkpoint=%s to resume\n",
                   checkpoint.path().c_str());
    }
    return 2;
  }
  return t.rejected > 0 && absl::GetFlag(FLAGS_strict) ? 1 : 0;
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
  if (!paths.empty() && !absl::GetFlag(FLAGS_watch)) {
    // A one-off file run has nothing to shut down cleanly: Ctrl-C or SIGTERM
    // end it at once (the checkpoint is written atomically, and what was not
    // acknowledged is sent again next time). Unblocked before any thread starts.
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
  }
  if (!paths.empty()) return khabar::IngestPaths(paths);
  if (!absl::GetFlag(FLAGS_listen).empty()) return khabar::Serve();
  std::fprintf(stderr,
               "ingest_service: nothing to do: give files or directories to ingest, or "
               "--listen=HOST:PORT to serve (see --help)\n");
  return 2;
}
