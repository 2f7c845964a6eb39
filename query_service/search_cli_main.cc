// khabar_search: query a running query_service from the terminal.
//
//   khabar_search --query_service=127.0.0.1:50051 [--page_size=10] "الذكاء الاصطناعي"
//
// Prints the total, then per hit a line with rank, score, id, title, and its
// snippet with the matching words between ** (--snippets=false: none).
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_join.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "khabar/v1/query.grpc.pb.h"

ABSL_FLAG(std::string, query_service, "127.0.0.1:50051", "HOST:PORT of query_service");
ABSL_FLAG(int32_t, page_size, 10, "Hits to show");
ABSL_FLAG(std::string, page_token, "", "next_page_token of a previous call");
ABSL_FLAG(bool, snippets, true, "Show each hit's best passage, matches between **");

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("khabar_search [--query_service=HOST:PORT] QUERY...");
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  if (args.size() < 2) {
    std::fprintf(stderr, "khabar_search: give a query, e.g. khabar_search إنفيديا\n");
    return 2;
  }
  khabar::v1::SearchRequest req;
  req.set_query(absl::StrJoin(args.begin() + 1, args.end(), " "));
  req.set_page_size(absl::GetFlag(FLAGS_page_size));
  req.set_page_token(absl::GetFlag(FLAGS_page_token));
  const bool snippets = absl::GetFlag(FLAGS_snippets);
  req.mutable_highlight()->set_enabled(snippets);
  req.mutable_highlight()->set_pre_tag("**");
  req.mutable_highlight()->set_post_tag("**");

  const std::string target = absl::GetFlag(FLAGS_query_service);
  auto stub = khabar::v1::QueryService::NewStub(
      grpc::CreateChannel(target, grpc::InsecureChannelCredentials()));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  khabar::v1::SearchResponse resp;
  grpc::Status s = stub->Search(&ctx, req, &resp);
  if (!s.ok()) {
    std::fprintf(stderr, "khabar_search: %s: %s\n", target.c_str(), s.error_message().c_str());
    return 1;
  }
  std::printf("%lld hits for \"%s\" (terms: %s)\n", static_cast<long long>(resp.total_hits()),
              req.query().c_str(), absl::StrJoin(resp.query_terms(), " ").c_str());
  for (const khabar::v1::SearchHit& h : resp.hits()) {
    std::printf("%3d  %7.3f  %-28s %s\n", h.rank(), h.score(), h.id().c_str(), h.title().c_str());
    for (const khabar::v1::Snippet& sn : h.snippets()) {
      std::printf("     %s%s%s\n", sn.truncated_start() ? "… " : "", sn.marked_text().c_str(),
                  sn.truncated_end() ? " …" : "");
    }
  }
  if (!resp.next_page_token().empty()) {
    std::printf("more: --page_token=%s\n", resp.next_page_token().c_str());
  }
  return 0;
}
