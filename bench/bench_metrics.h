// File: bench_metrics.h
// -----------------------------------------------------------------------------
// The anchors' result files, written by C++: raw.json and metrics.json as
// ../shared/anchors/finalize.py would write them, so khabar_bench runs side
// by side with run_lucene (and the other anchors) without needing Python or
// the shared folder.
//
// metrics.json is byte-for-byte what `finalize.py OUTDIR` writes for the same
// raw.json and latencies_ms.txt: the same keys in the same order, nearest-rank
// percentiles, qps = executions / sum of latencies, MiB everywhere, Python's
// round() and float repr, json.dump(indent=1, ensure_ascii=False).
//
//   bench::JsonObject raw;
//   raw.Set("engine", "khabar-0.1.0");
//   raw.Set("docs", int64_t{10000});
//   ...
//   std::vector<double> lat = bench::ParseLatencies(bench::FormatLatencies(ms));
//   std::string text = bench::ToPythonJson(bench::FinalizeMetrics(raw, lat));
#ifndef KHABAR_BENCH_BENCH_METRICS_H_
#define KHABAR_BENCH_BENCH_METRICS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace khabar::bench {

// A JSON scalar: null, bool, int, float or string (results are flat objects).
using JsonValue = std::variant<std::monostate, bool, int64_t, double, std::string>;

// A flat JSON object that keeps insertion order, as a Python dict does.
class JsonObject {
 public:
  // Replaces the value of `key` in place, or appends it.
  void Set(absl::string_view key, JsonValue value);
  // String literals (a const char* overload would also take int64_t{0}).
  template <size_t N>
  void Set(absl::string_view key, const char (&value)[N]) {
    Set(key, JsonValue(std::string(value)));
  }
  const JsonValue* Find(absl::string_view key) const;
  const std::vector<std::pair<std::string, JsonValue>>& items() const { return items_; }

 private:
  std::vector<std::pair<std::string, JsonValue>> items_;
};

// Python's repr() of a float: shortest round-trip digits, fixed notation for
// exponents in [-4, 16), else "1e-05"/"1.5e+16"; integral values end in ".0".
std::string PythonFloatRepr(double x);

// Python's round(x, digits) for a float: correctly rounded, ties to even on
// the exact binary value.
double PythonRound(double x, int digits);

// json.dump(obj, indent=1, ensure_ascii=False) + "\n".
std::string ToPythonJson(const JsonObject& object);
// json.dumps(obj, ensure_ascii=False): one line, no newline.
std::string ToPythonJsonLine(const JsonObject& object);

// Nearest-rank percentile of an ascending list (finalize.py's pct()).
// REQUIRES: !sorted.empty().
double NearestRankPercentile(const std::vector<double>& sorted, double p);

// latencies_ms.txt: one "%.6f" per line, in execution order.
std::string FormatLatencies(const std::vector<double>& ms);
// Reads latencies_ms.txt back (blank lines skipped); InvalidArgument naming
// the line for anything that is not a number.
absl::StatusOr<std::vector<double>> ParseLatencies(absl::string_view text);

// finalize.py's metrics from raw.json's fields and every timed latency (ms,
// as read back from latencies_ms.txt). InvalidArgument when raw lacks
// engine, docs, docs_bytes or index_seconds, or has the wrong type for them.
absl::StatusOr<JsonObject> FinalizeMetrics(const JsonObject& raw, std::vector<double> latencies_ms);

}  // namespace khabar::bench

#endif  // KHABAR_BENCH_BENCH_METRICS_H_
