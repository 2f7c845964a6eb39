// query_service: holds the in-memory index and answers searches.
//
//   query_service --listen=127.0.0.1:50051
//
// Serves khabar.v1.QueryService, khabar.v1.IndexService, grpc.health.v1 and
// server reflection. Prints "query_service listening on HOST:PORT" once ready
// (with the real port when --listen asks for port 0). SIGINT/SIGTERM drain.
#include <cstdio>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "common/base/logging.h"
#include "common/rpc/server.h"
#include "query_service/engine_flags.h"
#include "query_service/query_service_impl.h"
#include "query_service/search/engine.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50051", "HOST:PORT to serve on; port 0 picks a free one");
ABSL_FLAG(bool, log_json, false, "Log JSON lines instead of text");

namespace khabar {
namespace {

int Run() {
  absl::StatusOr<search::EngineOptions> options = query::EngineOptionsFromFlags();
  if (!options.ok()) {
    std::fprintf(stderr, "query_service: %s\n", std::string(options.status().message()).c_str());
    return 2;
  }
  search::Engine engine(*options);
  query::QueryServiceImpl query_service(&engine);
  query::IndexServiceImpl index_service(&engine);

  auto server =
      rpc::RpcServer::Start({.listen = absl::GetFlag(FLAGS_listen)}, {&query_service, &index_service});
  if (!server.ok()) {
    std::fprintf(stderr, "query_service: %s\n", std::string(server.status().message()).c_str());
    return 1;
  }
  std::printf("query_service listening on %s\n", (*server)->address().c_str());
  std::fflush(stdout);
  base::LogInfo("serving", {{"addr", (*server)->address()}});

  const int sig = rpc::WaitForTerminationSignal();
  base::LogInfo("shutting down", {{"signal", absl::StrCat(sig)}});
  (*server)->Shutdown(absl::Seconds(5));
  return 0;
}

}  // namespace
}  // namespace khabar

int main(int argc, char** argv) {
  khabar::rpc::BlockTerminationSignals();
  absl::SetProgramUsageMessage("Khabar query service: in-memory Arabic news index over gRPC");
  absl::ParseCommandLine(argc, argv);
  khabar::base::SetLogProgram("query_service");
  if (absl::GetFlag(FLAGS_log_json)) khabar::base::SetLogFormat(khabar::base::LogFormat::kJson);
  return khabar::Run();
}
