// khabar_search: query a running query_service from the terminal.
//
//   khabar_search --query_service=127.0.0.1:50051 [--page_size=10] "الذكاء الاصطناعي"
//   khabar_search --filter='source = "CNBC عربية"' --order_by="published_time desc"
//                 --facets=source,category الرقائق
//
// Prints the total, then per hit a line with rank, score, id, title (and
// publication date), and its snippet with the matching words between **
// (--snippets=false: none), then the facet counts.
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "khabar/v1/query.grpc.pb.h"

ABSL_FLAG(std::string, query_service, "127.0.0.1:50051", "HOST:PORT of query_service");
ABSL_FLAG(int32_t, page_size, 10, "Hits to show");
ABSL_FLAG(std::string, page_token, "", "next_page_token of a previous call");
ABSL_FLAG(bool, snippets, true, "Show each hit's best passage, matches between **");
ABSL_FLAG(std::string, filter, "",
          "AIP-160 metadata filter, e.g. 'source = \"CNBC\" AND published_time > \"2025-07-01\"' "
          "(docs/filters.md); with a filter the query may be left out");
ABSL_FLAG(std::string, order_by, "",
          "relevance (default), published_time desc or published_time asc");
ABSL_FLAG(std::string, facets, "", "Comma-separated fields to count: source,category");

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("khabar_search [--query_service=HOST:PORT] [--filter=F] QUERY...");
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  if (args.size() < 2 && absl::GetFlag(FLAGS_filter).empty()) {
    std::fprintf(stderr, "khabar_search: give a query, e.g. khabar_search إنفيديا\n");
    return 2;
  }
  khabar::v1::SearchRequest req;
  req.set_query(absl::StrJoin(args.begin() + 1, args.end(), " "));
  req.set_page_size(absl::GetFlag(FLAGS_page_size));
  req.set_page_token(absl::GetFlag(FLAGS_page_token));
  req.set_filter(absl::GetFlag(FLAGS_filter));
  req.set_order_by(absl::GetFlag(FLAGS_order_by));
  for (absl::string_view f : absl::StrSplit(absl::GetFlag(FLAGS_facets), ',', absl::SkipEmpty())) {
    req.add_facets(std::string(f));
  }
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
  if (req.query().empty()) {
    std::printf("%lld articles pass the filter\n", static_cast<long long>(resp.total_hits()));
  } else {
    std::printf("%lld hits for \"%s\" (terms: %s)\n", static_cast<long long>(resp.total_hits()),
                req.query().c_str(), absl::StrJoin(resp.query_terms(), " ").c_str());
  }
  for (const khabar::v1::SearchHit& h : resp.hits()) {
    std::string date;
    if (h.has_published_time()) {
      date = absl::StrCat(
          "  [",
          absl::FormatTime("%Y-%m-%d", absl::FromUnixSeconds(h.published_time().seconds()),
                           absl::UTCTimeZone()),
          "]");
    }
    std::printf("%3d  %7.3f  %-28s %s%s\n", h.rank(), h.score(), h.id().c_str(), h.title().c_str(),
                date.c_str());
    for (const khabar::v1::Snippet& sn : h.snippets()) {
      std::printf("     %s%s%s\n", sn.truncated_start() ? "… " : "", sn.marked_text().c_str(),
                  sn.truncated_end() ? " …" : "");
    }
  }
  for (const khabar::v1::FacetResult& f : resp.facets()) {
    std::printf("%s:", f.field().c_str());
    for (const khabar::v1::FacetValue& v : f.values()) {
      std::printf("  %s (%lld)", v.value().c_str(), static_cast<long long>(v.count()));
    }
    if (f.other_count() > 0) std::printf("  other (%lld)", static_cast<long long>(f.other_count()));
    if (f.missing_count() > 0)
      std::printf("  none (%lld)", static_cast<long long>(f.missing_count()));
    std::printf("\n");
  }
  if (!resp.next_page_token().empty()) {
    std::printf("more: --page_token=%s\n", resp.next_page_token().c_str());
  }
  return 0;
}
