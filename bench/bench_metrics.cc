#include "bench/bench_metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <system_error>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"

namespace khabar::bench {
namespace {

void AppendJsonString(absl::string_view s, std::string* out) {
  // json.dumps with ensure_ascii=False: only '"', '\\' and control
  // characters are escaped; other bytes (UTF-8) pass through.
  out->push_back('"');
  for (char c : s) {
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      case '\b': out->append("\\b"); break;
      case '\f': out->append("\\f"); break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          absl::StrAppendFormat(out, "\\u%04x", static_cast<unsigned char>(c));
        } else {
          out->push_back(c);
        }
    }
  }
  out->push_back('"');
}

void AppendJsonValue(const JsonValue& v, std::string* out) {
  if (std::holds_alternative<std::monostate>(v)) {
    out->append("null");
  } else if (const bool* b = std::get_if<bool>(&v)) {
    out->append(*b ? "true" : "false");
  } else if (const int64_t* i = std::get_if<int64_t>(&v)) {
    absl::StrAppend(out, *i);
  } else if (const double* d = std::get_if<double>(&v)) {
    // json.dump writes NaN and Infinity as these (non-standard) literals.
    if (std::isnan(*d)) {
      out->append("NaN");
    } else if (std::isinf(*d)) {
      out->append(*d > 0 ? "Infinity" : "-Infinity");
    } else {
      out->append(PythonFloatRepr(*d));
    }
  } else {
    AppendJsonString(std::get<std::string>(v), out);
  }
}

// A number of raw.json as Python would see it; nullopt for null, strings
// and bools.
std::optional<double> Number(const JsonValue* v) {
  if (v == nullptr) return std::nullopt;
  if (const int64_t* i = std::get_if<int64_t>(v)) return static_cast<double>(*i);
  if (const double* d = std::get_if<double>(v)) return *d;
  return std::nullopt;
}

// round(v, digits) keeps an int an int, as Python does; null stays null.
JsonValue RoundValue(const JsonValue* v, int digits) {
  if (v == nullptr || std::holds_alternative<std::monostate>(*v)) return std::monostate{};
  if (std::holds_alternative<int64_t>(*v)) return *v;
  if (const double* d = std::get_if<double>(v)) return PythonRound(*d, digits);
  return *v;  // a string or bool: finalize.py would raise; keep it visible
}

}  // namespace

void JsonObject::Set(absl::string_view key, JsonValue value) {
  for (auto& [k, v] : items_) {
    if (k == key) {
      v = std::move(value);
      return;
    }
  }
  items_.emplace_back(std::string(key), std::move(value));
}

const JsonValue* JsonObject::Find(absl::string_view key) const {
  for (const auto& [k, v] : items_) {
    if (k == key) return &v;
  }
  return nullptr;
}

std::string PythonFloatRepr(double x) {
  // Shortest round-trip digits, as Python's repr (David Gay's mode 0).
  char buf[64];
  const std::to_chars_result r =
      std::to_chars(buf, buf + sizeof(buf), x, std::chars_format::scientific);
  std::string sci(buf, r.ptr);  // "-1.2345e+03"
  std::string out;
  size_t i = 0;
  if (sci[0] == '-') {
    out.push_back('-');
    i = 1;
  }
  const size_t e = sci.find('e');
  std::string digits;
  for (size_t j = i; j < e; ++j) {
    if (sci[j] != '.') digits.push_back(sci[j]);
  }
  const int exponent = std::atoi(sci.c_str() + e + 1);
  const int decpt = exponent + 1;  // value = 0.DIGITS * 10^decpt
  const int n = static_cast<int>(digits.size());
  if (decpt > -4 && decpt <= 16) {
    if (decpt <= 0) {
      out.append("0.");
      out.append(static_cast<size_t>(-decpt), '0');
      out.append(digits);
    } else if (decpt >= n) {
      out.append(digits);
      out.append(static_cast<size_t>(decpt - n), '0');
      out.append(".0");
    } else {
      out.append(digits, 0, static_cast<size_t>(decpt));
      out.push_back('.');
      out.append(digits, static_cast<size_t>(decpt));
    }
  } else {
    out.push_back(digits[0]);
    if (n > 1) {
      out.push_back('.');
      out.append(digits, 1);
    }
    absl::StrAppendFormat(&out, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
  }
  return out;
}

double PythonRound(double x, int digits) {
  if (!std::isfinite(x)) return x;
  // glibc's printf rounds the exact binary value correctly (ties to even),
  // as CPython's round() does through its own dtoa.
  char buf[400];
  std::snprintf(buf, sizeof(buf), "%.*f", digits, x);
  return std::strtod(buf, nullptr);
}

std::string ToPythonJson(const JsonObject& object) {
  if (object.items().empty()) return "{}\n";
  std::string out = "{\n";
  bool first = true;
  for (const auto& [key, value] : object.items()) {
    if (!first) out.append(",\n");
    first = false;
    out.push_back(' ');
    AppendJsonString(key, &out);
    out.append(": ");
    AppendJsonValue(value, &out);
  }
  out.append("\n}\n");
  return out;
}

std::string ToPythonJsonLine(const JsonObject& object) {
  std::string out = "{";
  for (const auto& [key, value] : object.items()) {
    if (out.size() > 1) out.append(", ");
    AppendJsonString(key, &out);
    out.append(": ");
    AppendJsonValue(value, &out);
  }
  out.push_back('}');
  return out;
}

double NearestRankPercentile(const std::vector<double>& sorted, double p) {
  const int64_t n = static_cast<int64_t>(sorted.size());
  const int64_t rank = static_cast<int64_t>(std::ceil(p / 100.0 * static_cast<double>(n))) - 1;
  return sorted[static_cast<size_t>(std::max<int64_t>(0, std::min<int64_t>(n - 1, rank)))];
}

std::string FormatLatencies(const std::vector<double>& ms) {
  std::string out;
  out.reserve(ms.size() * 10);
  for (double v : ms) absl::StrAppendFormat(&out, "%.6f\n", v);
  return out;
}

absl::StatusOr<std::vector<double>> ParseLatencies(absl::string_view text) {
  std::vector<double> out;
  int64_t line_no = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_no;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty()) continue;
    double v = 0;
    if (!absl::SimpleAtod(line, &v)) {
      return absl::InvalidArgumentError(
          absl::StrCat("latencies_ms.txt:", line_no, ": not a number: '", line, "'"));
    }
    out.push_back(v);
  }
  return out;
}

absl::StatusOr<JsonObject> FinalizeMetrics(const JsonObject& raw,
                                           std::vector<double> latencies_ms) {
  const JsonValue* engine = raw.Find("engine");
  const JsonValue* docs = raw.Find("docs");
  const std::optional<double> docs_n = Number(docs);
  const std::optional<double> docs_bytes = Number(raw.Find("docs_bytes"));
  const std::optional<double> idx = Number(raw.Find("index_seconds"));
  if (engine == nullptr || !docs_n || !docs_bytes || !idx) {
    return absl::InvalidArgumentError(
        "raw.json needs engine, and numbers for docs, docs_bytes and index_seconds");
  }
  std::vector<double>& lat = latencies_ms;
  std::sort(lat.begin(), lat.end());
  const int64_t n = static_cast<int64_t>(lat.size());
  // Python 3.11's sum(): left to right over the sorted list (3.12+ would
  // compensate; the last bits never survive the rounding below).
  double total = 0;
  for (double v : lat) total += v;
  const JsonValue null = std::monostate{};

  JsonObject m;
  m.Set("engine", *engine);
  m.Set("docs", *docs);
  m.Set("index_seconds", PythonRound(*idx, 3));
  m.Set("docs_per_second", *idx != 0 ? JsonValue(PythonRound(*docs_n / *idx, 1)) : null);
  m.Set("mb_per_second",
        *idx != 0 ? JsonValue(PythonRound(*docs_bytes / 1048576.0 / *idx, 3)) : null);
  m.Set("peak_rss_mb", RoundValue(raw.Find("peak_rss_mb"), 1));
  m.Set("index_size_mb", RoundValue(raw.Find("index_size_mb"), 1));
  m.Set("query_p50_ms", n ? JsonValue(PythonRound(NearestRankPercentile(lat, 50), 4)) : null);
  m.Set("query_p95_ms", n ? JsonValue(PythonRound(NearestRankPercentile(lat, 95), 4)) : null);
  m.Set("query_p99_ms", n ? JsonValue(PythonRound(NearestRankPercentile(lat, 99), 4)) : null);
  m.Set("qps", total > 0 ? JsonValue(PythonRound(static_cast<double>(n) / (total / 1000.0), 1))
                         : null);
  m.Set("query_mean_ms", n ? JsonValue(PythonRound(total / static_cast<double>(n), 4)) : null);
  m.Set("query_executions", n);
  std::vector<std::string> standard;
  for (const auto& [k, v] : m.items()) standard.push_back(k);
  for (const auto& [k, v] : raw.items()) {  // engine extras, in raw.json's order
    if (k == "docs_bytes" ||
        std::find(standard.begin(), standard.end(), k) != standard.end()) {
      continue;
    }
    m.Set(k, v);
  }
  m.Set("docs_mb", PythonRound(*docs_bytes / 1048576.0, 1));
  return m;
}

}  // namespace khabar::bench
