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
#include "query_service/query_service_impl.h"
#include "query_service/search/engine.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50051", "HOST:PORT to serve on; port 0 picks a free one");
ABSL_FLAG(int32_t, max_page_size, 100, "Largest Search page_size accepted");
ABSL_FLAG(double, bm25_k1, 1.2, "BM25 term-frequency saturation");
ABSL_FLAG(double, bm25_b, 0.75, "BM25 length normalisation (title and body)");
ABSL_FLAG(double, title_weight, 2.0, "BM25F weight of the title field relative to the body");
ABSL_FLAG(bool, fold_teh_marbuta, true, "Treat ة and ه as the same letter");
ABSL_FLAG(bool, log_json, false, "Log JSON lines instead of text");

namespace khabar {
namespace {

absl::StatusOr<search::EngineOptions> OptionsFromFlags() {
  search::EngineOptions o;
  o.max_page_size = absl::GetFlag(FLAGS_max_page_size);
  o.bm25.k1 = absl::GetFlag(FLAGS_bm25_k1);
  o.bm25.title_b = o.bm25.body_b = absl::GetFlag(FLAGS_bm25_b);
  o.bm25.title_weight = absl::GetFlag(FLAGS_title_weight);
  o.analyzer.normalizer.fold_teh_marbuta = absl::GetFlag(FLAGS_fold_teh_marbuta);
  if (o.max_page_size < 1 || o.max_page_size > 10000) {
    return absl::InvalidArgumentError("--max_page_size must be in [1, 10000]");
  }
  if (o.bm25.k1 < 0 || o.bm25.title_b < 0 || o.bm25.title_b > 1 || o.bm25.title_weight < 0) {
    return absl::InvalidArgumentError("--bm25_k1 >= 0, --bm25_b in [0, 1], --title_weight >= 0");
  }
  return o;
}

int Run() {
  absl::StatusOr<search::EngineOptions> options = OptionsFromFlags();
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
