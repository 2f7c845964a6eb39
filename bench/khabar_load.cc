// khabar_load: a gRPC load generator for QueryService/Search.
//
//   khabar_load --target=127.0.0.1:50051 --queries=queries.tsv --mode=closed --concurrency=32
//   khabar_load --target=... --queries=... --mode=closed --duration_seconds=10
//   khabar_load --target=... --queries=... --mode=open --rate=5000 --duration_seconds=10
//
// Closed loop: `concurrency` requests always in flight; each completion sends
// the next (measures the throughput the service sustains). Open loop: requests
// are sent on a fixed schedule of `rate` per second whatever the service does,
// and each latency is measured from the request's scheduled time, so a stall
// shows up in the tail instead of silently slowing the sender (no coordinated
// omission). Both stop at --duration_seconds or --max_requests, whichever
// comes first. Queries: a TSV (qid TAB text, as ../shared/anchors uses) or
// one query per line, sent round-robin.
//
// Prints requests, errors, QPS and p50/p90/p99/p99.9/max latency; --json_out
// writes the same as JSON. Loopback only by intent: it is a benchmark tool,
// not a test (bench/load_e2e.sh runs it against real binaries while an
// ingest stream runs).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/grpcpp.h"
#include "khabar/v1/query.grpc.pb.h"

ABSL_FLAG(std::string, target, "127.0.0.1:50051", "query_service HOST:PORT");
ABSL_FLAG(std::string, queries, "", "TSV (qid TAB text) or one query per line; required");
ABSL_FLAG(std::string, mode, "closed", "closed (fixed concurrency) or open (fixed rate)");
ABSL_FLAG(int32_t, concurrency, 32, "closed loop: requests in flight");
ABSL_FLAG(double, rate, 1000, "open loop: requests per second");
ABSL_FLAG(double, duration_seconds, 10, "stop after this long (max 3600)");
ABSL_FLAG(int64_t, max_requests, 10000000, "stop after this many requests");
ABSL_FLAG(double, warmup_seconds, 1, "requests in this first period are not counted");
ABSL_FLAG(int32_t, page_size, 10, "Search page_size");
ABSL_FLAG(bool, highlight, false, "ask for snippets (off: ranking cost only)");
ABSL_FLAG(int32_t, channels, 2, "gRPC channels (connections) to spread calls over");
ABSL_FLAG(std::string, json_out, "", "also write the summary as JSON to this file");
ABSL_FLAG(std::string, timeline_out, "",
          "also write every counted request as a line \"sent_ms latency_ms\" (sent_ms from the "
          "end of the warm-up, in send order), to see when slow requests happen");

namespace khabar::bench {
namespace {

using Clock = std::chrono::steady_clock;
namespace v1 = khabar::v1;

std::vector<std::string> ReadQueries(const std::string& path) {
  std::vector<std::string> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    absl::string_view text = absl::StripAsciiWhitespace(line);
    if (const size_t tab = text.find('\t'); tab != absl::string_view::npos) {
      text = text.substr(tab + 1);
    }
    if (!text.empty()) out.emplace_back(text);
  }
  return out;
}

struct Call {
  grpc::ClientContext context;
  v1::SearchResponse response;
  grpc::Status status;
  std::unique_ptr<grpc::ClientAsyncResponseReader<v1::SearchResponse>> reader;
  Clock::time_point start;  // scheduled (open) or sent (closed)
};

struct Results {
  std::mutex mu;
  std::vector<double> latencies_ms;  // counted (after warm-up) successes
  // With --timeline_out: (sent, latency) of each, in ms, sent from
  // timeline_origin (the end of the warm-up).
  bool timeline = false;
  Clock::time_point timeline_origin;
  std::vector<std::pair<double, double>> sent_and_latency_ms;
  int64_t errors = 0;
  std::string first_error;
};

class Load {
 public:
  Load(std::vector<std::string> queries, int channels) : queries_(std::move(queries)) {
    grpc::ChannelArguments args;
    for (int i = 0; i < std::max(channels, 1); ++i) {
      // A distinct argument per channel keeps gRPC from sharing one connection.
      args.SetInt("khabar.load.channel", i);
      stubs_.push_back(v1::QueryService::NewStub(grpc::CreateCustomChannel(
          absl::GetFlag(FLAGS_target), grpc::InsecureChannelCredentials(), args)));
    }
  }

  // Sends request number `n`, timed from `start`.
  void Send(int64_t n, Clock::time_point start) {
    auto* call = new Call;
    call->start = start;
    v1::SearchRequest request;
    request.set_query(queries_[static_cast<size_t>(n) % queries_.size()]);
    request.set_page_size(absl::GetFlag(FLAGS_page_size));
    request.set_query_syntax(v1::QUERY_SYNTAX_PLAIN);
    if (!absl::GetFlag(FLAGS_highlight)) request.mutable_highlight()->set_enabled(false);
    auto& stub = stubs_[static_cast<size_t>(n) % stubs_.size()];
    call->reader = stub->PrepareAsyncSearch(&call->context, request, &cq_);
    call->reader->StartCall();
    call->reader->Finish(&call->response, &call->status, call);
    ++in_flight_;
  }

  // Waits for one completion (or the deadline); false when the queue is
  // shut down or the deadline passed with nothing done.
  bool Complete(Clock::time_point deadline, Clock::time_point count_from, Results* results) {
    void* tag;
    bool ok;
    // gRPC takes system_clock deadlines.
    const auto wall_deadline = std::chrono::system_clock::now() +
                               std::chrono::duration_cast<std::chrono::system_clock::duration>(
                                   std::max(deadline - Clock::now(), Clock::duration::zero()));
    const auto status = cq_.AsyncNext(&tag, &ok, wall_deadline);
    if (status != grpc::CompletionQueue::GOT_EVENT) return false;
    std::unique_ptr<Call> call(static_cast<Call*>(tag));
    --in_flight_;
    const Clock::time_point now = Clock::now();
    if (call->start < count_from) return true;
    std::lock_guard<std::mutex> lock(results->mu);
    if (!ok || !call->status.ok()) {
      if (results->errors++ == 0) results->first_error = call->status.error_message();
    } else {
      const double ms = std::chrono::duration<double, std::milli>(now - call->start).count();
      results->latencies_ms.push_back(ms);
      if (results->timeline) {
        results->sent_and_latency_ms.emplace_back(
            std::chrono::duration<double, std::milli>(call->start - results->timeline_origin)
                .count(),
            ms);
      }
    }
    return true;
  }

  void Drain(Results* results) {
    const Clock::time_point give_up = Clock::now() + std::chrono::seconds(30);
    while (in_flight_ > 0 && Clock::now() < give_up) {
      Complete(give_up, Clock::time_point::min(), results);
    }
    cq_.Shutdown();
    void* tag;
    bool ok;
    while (cq_.Next(&tag, &ok)) delete static_cast<Call*>(tag);
  }

  std::atomic<int64_t> in_flight_{0};

 private:
  std::vector<std::string> queries_;
  std::vector<std::unique_ptr<v1::QueryService::Stub>> stubs_;
  grpc::CompletionQueue cq_;
};

double Percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const size_t k = static_cast<size_t>(
      std::max(0.0, std::ceil(p / 100.0 * static_cast<double>(sorted.size())) - 1));
  return sorted[std::min(k, sorted.size() - 1)];
}

int Run() {
  const std::string mode = absl::GetFlag(FLAGS_mode);
  const double duration = absl::GetFlag(FLAGS_duration_seconds);
  const double warmup = std::max(0.0, absl::GetFlag(FLAGS_warmup_seconds));
  const int64_t max_requests = absl::GetFlag(FLAGS_max_requests);
  if (mode != "closed" && mode != "open") {
    std::fprintf(stderr, "khabar_load: --mode must be closed or open, got \"%s\"\n", mode.c_str());
    return 2;
  }
  if (!(duration > 0 && duration <= 3600) || max_requests <= 0) {
    std::fprintf(stderr, "khabar_load: --duration_seconds must be in (0, 3600], --max_requests > 0\n");
    return 2;
  }
  std::vector<std::string> queries = ReadQueries(absl::GetFlag(FLAGS_queries));
  if (queries.empty()) {
    std::fprintf(stderr, "khabar_load: no queries read from --queries=\"%s\"\n",
                 absl::GetFlag(FLAGS_queries).c_str());
    return 2;
  }
  Load load(std::move(queries), absl::GetFlag(FLAGS_channels));
  Results results;
  const std::string timeline_path = absl::GetFlag(FLAGS_timeline_out);
  results.timeline = !timeline_path.empty();
  const Clock::time_point start = Clock::now();
  const auto seconds = [](double s) {
    return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
  };
  const Clock::time_point count_from = start + seconds(warmup);
  const Clock::time_point end = count_from + seconds(duration);
  results.timeline_origin = count_from;  // the drained requests' too
  int64_t sent = 0;

  if (mode == "closed") {
    const int concurrency = std::clamp(absl::GetFlag(FLAGS_concurrency), 1, 10000);
    for (; sent < concurrency && sent < max_requests; ++sent) load.Send(sent, Clock::now());
    while (Clock::now() < end && sent < max_requests) {
      if (load.Complete(end, count_from, &results) && Clock::now() < end) {
        load.Send(sent++, Clock::now());
      }
    }
  } else {
    const double rate = absl::GetFlag(FLAGS_rate);
    if (!(rate > 0 && rate <= 1e6)) {
      std::fprintf(stderr, "khabar_load: --rate must be in (0, 1e6]\n");
      return 2;
    }
    // Completions on their own thread, so the sender keeps its schedule.
    std::atomic<bool> sending{true};
    std::thread completer([&] {
      while (sending.load() || load.in_flight_ > 0) {
        load.Complete(Clock::now() + std::chrono::milliseconds(50), count_from, &results);
        if (!sending.load() && Clock::now() > end + std::chrono::seconds(30)) break;
      }
    });
    constexpr int64_t kMaxInFlight = 100000;  // beyond this the service has fallen over
    for (; sent < max_requests; ++sent) {
      const Clock::time_point due = start + seconds(static_cast<double>(sent) / rate);
      if (due >= end) break;
      std::this_thread::sleep_until(due);  // pacing the schedule, not synchronisation
      if (load.in_flight_ > kMaxInFlight) {
        std::lock_guard<std::mutex> lock(results.mu);
        if (results.errors++ == 0) results.first_error = "more than 100000 requests in flight";
        continue;
      }
      load.Send(sent, due);
    }
    sending = false;
    completer.join();
  }
  load.Drain(&results);

  std::vector<double>& lat = results.latencies_ms;
  std::sort(lat.begin(), lat.end());
  const double measured = std::min(
      duration, std::chrono::duration<double>(Clock::now() - count_from).count());
  const double qps = static_cast<double>(lat.size()) / std::max(measured, 1e-9);
  const std::string summary = absl::StrFormat(
      "mode=%s requests=%d errors=%d qps=%.0f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f "
      "p999_ms=%.3f max_ms=%.3f",
      mode, lat.size(), results.errors, qps, Percentile(lat, 50), Percentile(lat, 90),
      Percentile(lat, 99), Percentile(lat, 99.9), lat.empty() ? 0.0 : lat.back());
  std::printf("%s\n", summary.c_str());
  if (results.errors > 0) std::fprintf(stderr, "first error: %s\n", results.first_error.c_str());
  if (const std::string path = absl::GetFlag(FLAGS_json_out); !path.empty()) {
    std::ofstream out(path);
    out << absl::StrFormat(
        "{\"mode\": \"%s\", \"requests\": %d, \"errors\": %d, \"qps\": %.1f, \"p50_ms\": %.4f, "
        "\"p90_ms\": %.4f, \"p99_ms\": %.4f, \"p999_ms\": %.4f, \"max_ms\": %.4f}\n",
        mode, lat.size(), results.errors, qps, Percentile(lat, 50), Percentile(lat, 90),
        Percentile(lat, 99), Percentile(lat, 99.9), lat.empty() ? 0.0 : lat.back());
  }
  if (results.timeline) {
    std::sort(results.sent_and_latency_ms.begin(), results.sent_and_latency_ms.end());
    std::ofstream out(timeline_path);
    for (const auto& [sent_ms, latency_ms] : results.sent_and_latency_ms) {
      out << absl::StrFormat("%.3f %.3f\n", sent_ms, latency_ms);
    }
    if (!out) {
      std::fprintf(stderr, "khabar_load: could not write --timeline_out=%s\n", timeline_path.c_str());
      return 1;
    }
  }
  return results.errors > 0 && lat.empty() ? 1 : 0;
}

}  // namespace
}  // namespace khabar::bench

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "khabar_load --target=HOST:PORT --queries=FILE [--mode=closed|open] ...: Search load");
  absl::ParseCommandLine(argc, argv);
  return khabar::bench::Run();
}
