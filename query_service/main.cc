// query_service: holds the in-memory index and answers searches.
//
//   query_service --listen=127.0.0.1:50051 --data_dir=/var/lib/khabar
//
// With --data_dir, every acknowledged record is in a synced write-ahead log
// and the index is rebuilt from snapshot + log at start, before listening
// (docs/durability.md). Without it the index is memory only.
//
// Serves khabar.v1.QueryService, khabar.v1.IndexService, grpc.health.v1 and
// server reflection. Prints "query_service listening on HOST:PORT" once ready
// (with the real port when --listen asks for port 0). SIGINT/SIGTERM drain.
#include <cstdio>
#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "common/base/logging.h"
#include "common/rpc/server.h"
#include "query_service/convert.h"
#include "query_service/durable_engine.h"
#include "query_service/engine_flags.h"
#include "query_service/query_service_impl.h"
#include "query_service/search/engine.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50051", "HOST:PORT to serve on; port 0 picks a free one");
ABSL_FLAG(bool, log_json, false, "Log JSON lines instead of text");
ABSL_FLAG(std::string, data_dir, "",
          "Directory for the write-ahead log and snapshots; empty = memory only (acks not durable)");
ABSL_FLAG(int64_t, snapshot_every_records, 100000,
          "Write a snapshot after this many logged records (0 = only at shutdown)");
ABSL_FLAG(bool, wal_fsync, true,
          "fdatasync the log before acknowledging (false: survives a process crash, not power loss)");

namespace khabar {
namespace {

// One structured line saying what recovery found; a cut tail or a skipped
// snapshot is a warning (the log goes to stderr).
void LogRecovery(const std::string& data_dir, const query::DurableEngine& durable) {
  if (!durable.durable()) {
    base::LogWarning("no --data_dir: the index is in memory only; acks are not durable");
    return;
  }
  const query::RecoverySummary& r = durable.recovery();
  base::LogFields fields = {
      {"data_dir", data_dir},
      {"documents", absl::StrCat(r.documents)},
      {"snapshot", r.report.snapshot_file.empty() ? "none" : r.report.snapshot_file},
      {"snapshot_records", absl::StrCat(r.report.snapshot_records)},
      {"wal_records_replayed", absl::StrCat(r.report.wal.records_replayed)},
      {"last_lsn", absl::StrCat(r.report.wal.last_lsn)},
      {"rejected_on_replay", absl::StrCat(r.rejected_on_replay)},
      {"took_ms", absl::StrCat(absl::ToInt64Milliseconds(r.took))}};
  bool warn = false;
  if (r.report.wal.tail_cut.has_value()) {
    const storage::TailCut& cut = *r.report.wal.tail_cut;
    fields.push_back({"tail_cut_file", cut.file});
    fields.push_back({"tail_cut_offset", absl::StrCat(cut.offset)});
    fields.push_back({"tail_cut_bytes", absl::StrCat(cut.bytes_cut)});
    fields.push_back({"tail_cut_reason", cut.reason});
    warn = true;
  }
  for (const storage::SkippedSnapshot& s : r.report.skipped_snapshots) {
    fields.push_back({"skipped_snapshot", absl::StrCat(s.file, ": ", s.reason)});
    warn = true;
  }
  if (warn) {
    base::LogWarning("recovered with damage cut or skipped", fields);
  } else {
    base::LogInfo("recovered", fields);
  }
}

int Run() {
  absl::StatusOr<search::EngineOptions> options = query::EngineOptionsFromFlags();
  if (!options.ok()) {
    std::fprintf(stderr, "query_service: %s\n", std::string(options.status().message()).c_str());
    return 2;
  }
  search::Engine engine(*options);
  const std::string data_dir = absl::GetFlag(FLAGS_data_dir);
  absl::StatusOr<std::unique_ptr<query::DurableEngine>> durable = query::DurableEngine::Open(
      &engine,
      {.data_dir = data_dir,
       .sync = absl::GetFlag(FLAGS_wal_fsync) ? storage::SyncMode::kFsync : storage::SyncMode::kNone,
       .snapshot_every_records = absl::GetFlag(FLAGS_snapshot_every_records)},
      query::DocumentFromPayload);
  if (!durable.ok()) {
    std::fprintf(stderr, "query_service: cannot recover %s: %s\n", data_dir.c_str(),
                 durable.status().ToString().c_str());
    return 1;
  }
  LogRecovery(data_dir, **durable);
  query::QueryServiceImpl query_service(&engine, durable->get());
  query::IndexServiceImpl index_service(durable->get());

  auto server =
      rpc::RpcServer::Start({.listen = absl::GetFlag(FLAGS_listen)}, {&query_service, &index_service});
  if (!server.ok()) {
    std::fprintf(stderr, "query_service: %s\n", std::string(server.status().message()).c_str());
    return 1;
  }
  std::printf("query_service listening on %s\n", (*server)->address().c_str());
  std::fflush(stdout);
  base::LogInfo("serving", {{"addr", (*server)->address()},
                            {"durable", (*durable)->durable() ? "true" : "false (memory only)"}});

  const int sig = rpc::WaitForTerminationSignal();
  base::LogInfo("shutting down", {{"signal", absl::StrCat(sig)}});
  (*server)->Shutdown(absl::Seconds(5));
  absl::Status closed = (*durable)->Close();  // final snapshot + sync
  if (!closed.ok()) {
    base::LogError("closing the data directory failed", {{"error", closed.ToString()}});
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace khabar

int main(int argc, char** argv) {
  khabar::rpc::BlockTerminationSignals();
  absl::SetProgramUsageMessage("Khabar query service: Arabic news index over gRPC, durable with --data_dir");
  absl::ParseCommandLine(argc, argv);
  khabar::base::SetLogProgram("query_service");
  if (absl::GetFlag(FLAGS_log_json)) khabar::base::SetLogFormat(khabar::base::LogFormat::kJson);
  return khabar::Run();
}
