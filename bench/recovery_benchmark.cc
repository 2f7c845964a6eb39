// recovery_benchmark: how long does a query_service restart take?
//
//   zcat /work/shared/eval/ant-jawharafm/docs.jsonl.gz > /tmp/docs.jsonl
//   build/bench/recovery_benchmark --docs=/tmp/docs.jsonl --n=100000 --dir=/tmp/khabar_recovery
//
// Writes N synthetic articles (the corpus' titles and bodies cycled, each with
// a distinct id, topped up from the next documents to at least --min_bytes) as
// khabar.v1.Article payloads to (a) a WAL-only data dir and (b) a
// snapshot-only data dir, then recovers each into a fresh search::Engine, and
// splits the time into I/O + checksums (records read, nothing done), proto
// decoding, and the rest (indexing). The page cache is warm (the files were
// just written): this is the CPU cost of a restart, not a cold-disk read.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "khabar/v1/article.pb.h"
#include "query_service/convert.h"
#include "query_service/durable_engine.h"
#include "query_service/search/engine.h"
#include "query_service/storage/store.h"

ABSL_FLAG(std::string, docs, "", "JSONL corpus: one {id, title, body} per line (uncompressed)");
ABSL_FLAG(int64_t, n, 100000, "Synthetic articles to write");
ABSL_FLAG(std::string, dir, "/tmp/khabar_recovery_benchmark", "Scratch directory (replaced)");
ABSL_FLAG(int64_t, min_bytes, 2000, "Top an article up from the next documents to this size");
ABSL_FLAG(int64_t, max_bytes, 6000, "Stop topping up past this size");

namespace khabar {
namespace {

namespace fs = std::filesystem;

struct Source {
  std::string id;
  std::string title;
  std::vector<std::string> paragraphs;
};

std::vector<Source> ReadCorpus(const std::string& path) {
  std::vector<Source> out;
  std::ifstream in(path);
  std::string line;
  google::protobuf::util::JsonParseOptions opts;
  opts.ignore_unknown_fields = true;
  while (std::getline(in, line)) {
    google::protobuf::Struct obj;
    if (line.empty() || !google::protobuf::util::JsonStringToMessage(line, &obj, opts).ok()) continue;
    auto field = [&](const char* k) {
      auto it = obj.fields().find(k);
      return it == obj.fields().end() ? std::string() : it->second.string_value();
    };
    Source s{field("id"), field("title"), {}};
    for (absl::string_view p : absl::StrSplit(field("body"), '\n', absl::SkipEmpty())) {
      s.paragraphs.emplace_back(p);
    }
    if (!s.id.empty() && !s.paragraphs.empty()) out.push_back(std::move(s));
  }
  return out;
}

std::string MakePayload(const std::vector<Source>& corpus, int64_t i) {
  const Source& s = corpus[i % corpus.size()];
  v1::Article a;
  a.set_id(absl::StrCat(s.id, "#", i));
  a.set_source("bench");
  a.set_title(s.title);
  a.set_content_hash(absl::StrCat("bench:", i));
  size_t bytes = s.title.size();
  for (size_t k = 0; bytes < static_cast<size_t>(absl::GetFlag(FLAGS_min_bytes)) && k < 8; ++k) {
    const Source& more = corpus[(i + k) % corpus.size()];
    for (const std::string& p : more.paragraphs) {
      if (bytes >= static_cast<size_t>(absl::GetFlag(FLAGS_max_bytes))) break;
      v1::Paragraph* para = a.add_paragraphs();
      para->set_kind(a.paragraphs_size() == 1 ? v1::PARAGRAPH_KIND_LEAD : v1::PARAGRAPH_KIND_BODY);
      para->set_text(p);
      bytes += p.size();
    }
  }
  return a.SerializeAsString();
}

double Secs(absl::Time start) { return absl::ToDoubleSeconds(absl::Now() - start); }

// I/O + checksum pass: every record read and verified, nothing applied.
double ReadOnly(const std::string& dir, int64_t* records) {
  auto store = storage::Store::Open({.dir = dir, .sync = storage::SyncMode::kNone});
  const absl::Time start = absl::Now();
  *records = 0;
  auto r = (*store)->Recover([&](storage::RecordType, storage::Lsn, absl::string_view) {
    ++*records;
    return absl::OkStatus();
  });
  if (!r.ok()) std::fprintf(stderr, "recover: %s\n", r.status().ToString().c_str());
  return Secs(start);
}

double ReadAndDecode(const std::string& dir) {
  auto store = storage::Store::Open({.dir = dir, .sync = storage::SyncMode::kNone});
  const absl::Time start = absl::Now();
  auto r = (*store)->Recover([&](storage::RecordType, storage::Lsn, absl::string_view payload) {
    return query::DocumentFromPayload(payload).status();
  });
  if (!r.ok()) std::fprintf(stderr, "recover: %s\n", r.status().ToString().c_str());
  return Secs(start);
}

void Measure(const char* what, const std::string& dir, int64_t n) {
  int64_t records = 0;
  const double io = ReadOnly(dir, &records);
  const double decode = ReadAndDecode(dir) - io;
  search::Engine engine{search::EngineOptions{}};
  const absl::Time start = absl::Now();
  auto d = query::DurableEngine::Open(&engine,
                                      {.data_dir = dir,
                                       .sync = storage::SyncMode::kNone,
                                       .snapshot_every_records = 0,
                                       .snapshot_on_close = false},
                                      query::DocumentFromPayload);
  const double full = Secs(start);
  if (!d.ok()) {
    std::fprintf(stderr, "%s: %s\n", what, d.status().ToString().c_str());
    return;
  }
  const int64_t docs = (*d)->recovery().documents;
  const double index = full - io - std::max(decode, 0.0);
  std::printf("%-15s %8lld records  total %7.2f s  (%8.0f docs/s)  io+crc %5.2f s (%4.1f%%)  "
              "decode %5.2f s  indexing %6.2f s (%4.1f%%)  per million (extrapolated): %6.1f s\n",
              what, static_cast<long long>(records), full, docs / full, io, 100 * io / full, decode,
              index, 100 * index / full, full * 1e6 / static_cast<double>(n));
}

int Run() {
  const std::vector<Source> corpus = ReadCorpus(absl::GetFlag(FLAGS_docs));
  if (corpus.empty()) {
    std::fprintf(stderr, "recovery_benchmark: no documents in --docs=%s\n",
                 absl::GetFlag(FLAGS_docs).c_str());
    return 2;
  }
  const int64_t n = absl::GetFlag(FLAGS_n);
  const std::string root = absl::GetFlag(FLAGS_dir);
  const std::string wal_dir = root + "/wal_only";
  const std::string snap_dir = root + "/snapshot_only";
  fs::remove_all(root);

  std::vector<std::string> payloads;
  payloads.reserve(n);
  uint64_t bytes = 0;
  for (int64_t i = 0; i < n; ++i) {
    payloads.push_back(MakePayload(corpus, i));
    bytes += payloads.back().size();
  }
  std::printf("corpus %zu docs; %lld synthetic articles, mean payload %.0f bytes, %.0f MB\n",
              corpus.size(), static_cast<long long>(n), static_cast<double>(bytes) / n, bytes / 1e6);

  {  // (a) the WAL, in ingest-sized batches, fsync'd as the service would
    auto store = storage::Store::Open({.dir = wal_dir});
    if (!store.ok() || !(*store)->Recover([](auto, auto, auto) { return absl::OkStatus(); }).ok()) {
      std::fprintf(stderr, "cannot open %s\n", wal_dir.c_str());
      return 1;
    }
    const absl::Time start = absl::Now();
    std::vector<storage::RecordRef> batch;
    for (int64_t i = 0; i < n; ++i) {
      batch.push_back({storage::RecordType::kUpsert, payloads[i]});
      if (batch.size() == 100 || i + 1 == n) {
        if (!(*store)->wal().AppendAndSync(batch).ok()) return 1;
        batch.clear();
      }
    }
    std::printf("wrote WAL: %.2f s (batches of 100, fdatasync each), %llu bytes\n", Secs(start),
                static_cast<unsigned long long>((*store)->wal().Stats().bytes));
  }
  {  // (b) a snapshot holding the same records
    auto store = storage::Store::Open({.dir = snap_dir});
    if (!store.ok() || !(*store)->Recover([](auto, auto, auto) { return absl::OkStatus(); }).ok()) {
      return 1;
    }
    const absl::Time start = absl::Now();
    auto info = (*store)->WriteSnapshot(static_cast<storage::Lsn>(n), payloads);
    if (!info.ok()) {
      std::fprintf(stderr, "snapshot: %s\n", info.status().ToString().c_str());
      return 1;
    }
    std::printf("wrote snapshot: %.2f s, %llu bytes\n", Secs(start),
                static_cast<unsigned long long>(info->bytes));
  }
  payloads.clear();
  payloads.shrink_to_fit();
  Measure("wal replay", wal_dir, n);
  Measure("snapshot load", snap_dir, n);
  fs::remove_all(root);
  return 0;
}

}  // namespace
}  // namespace khabar

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return khabar::Run();
}
