#include "bench/bench_metrics.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace khabar::bench {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Expected strings are what CPython 3.11 prints for the same values.
TEST(PythonFloatReprTest, MatchesPythonRepr) {
  EXPECT_EQ(PythonFloatRepr(0.0), "0.0");
  EXPECT_EQ(PythonFloatRepr(1.0), "1.0");
  EXPECT_EQ(PythonFloatRepr(0.1), "0.1");
  EXPECT_EQ(PythonFloatRepr(1e-05), "1e-05");
  EXPECT_EQ(PythonFloatRepr(0.0001), "0.0001");
  EXPECT_EQ(PythonFloatRepr(123.456), "123.456");
  EXPECT_EQ(PythonFloatRepr(1e16), "1e+16");
  EXPECT_EQ(PythonFloatRepr(1e15), "1000000000000000.0");
  EXPECT_EQ(PythonFloatRepr(2270.3), "2270.3");
  EXPECT_EQ(PythonFloatRepr(1.5e-7), "1.5e-07");
  EXPECT_EQ(PythonFloatRepr(-0.25), "-0.25");
  EXPECT_EQ(PythonFloatRepr(12345678901234567.0), "1.2345678901234568e+16");
  EXPECT_EQ(PythonFloatRepr(0.1 + 0.2), "0.30000000000000004");
}

TEST(PythonRoundTest, RoundsTheBinaryValueTiesToEven) {
  EXPECT_EQ(PythonRound(0.125, 2), 0.12);
  EXPECT_EQ(PythonRound(2.675, 2), 2.67);  // 2.67499999...
  EXPECT_EQ(PythonRound(0.00005, 4), 0.0001);
  EXPECT_EQ(PythonRound(2.5, 0), 2.0);
  EXPECT_EQ(PythonRound(3.5, 0), 4.0);
}

TEST(ToPythonJsonTest, IndentOneNonAsciiKeptControlsEscaped) {
  JsonObject o;
  o.Set("a", "x\"\\\n\x01ع");
  o.Set("b", JsonValue());
  o.Set("c", true);
  o.Set("d", int64_t{3});
  o.Set("e", 0.5);
  EXPECT_EQ(ToPythonJson(o),
            "{\n \"a\": \"x\\\"\\\\\\n\\u0001ع\",\n \"b\": null,\n \"c\": true,\n \"d\": 3,\n"
            " \"e\": 0.5\n}\n");
  EXPECT_EQ(ToPythonJsonLine(o), "{\"a\": \"x\\\"\\\\\\n\\u0001ع\", \"b\": null, \"c\": true, "
                                 "\"d\": 3, \"e\": 0.5}");
  o.Set("a", int64_t{1});  // replaced in place, order kept
  EXPECT_EQ(o.items().front().first, "a");
  EXPECT_EQ(o.items().size(), 5u);
}

TEST(NearestRankPercentileTest, CeilOfPTimesNMinusOne) {
  const std::vector<double> v = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  EXPECT_EQ(NearestRankPercentile(v, 50), 5);
  EXPECT_EQ(NearestRankPercentile(v, 95), 10);
  EXPECT_EQ(NearestRankPercentile(v, 99), 10);
  EXPECT_EQ(NearestRankPercentile(v, 0), 1);
  EXPECT_EQ(NearestRankPercentile({7}, 99), 7);
}

TEST(LatenciesTest, SixDecimalsRoundTripAndBadLinesNamed) {
  EXPECT_EQ(FormatLatencies({0.1234567, 2}), "0.123457\n2.000000\n");
  absl::StatusOr<std::vector<double>> v = ParseLatencies("0.5\n\n 1.25 \n");
  ASSERT_TRUE(v.ok());
  EXPECT_THAT(*v, ElementsAre(0.5, 1.25));
  EXPECT_THAT(ParseLatencies("1\nx\n").status().message(), HasSubstr("latencies_ms.txt:2"));
}

// The numbers finalize.py gives for the same raw.json and latencies
// (computed with CPython 3.11 on the values below).
TEST(FinalizeMetricsTest, KeysOrderAndValuesOfFinalizePy) {
  JsonObject raw;
  raw.Set("engine", "e");
  raw.Set("docs", int64_t{1000});
  raw.Set("docs_bytes", int64_t{5 << 20});
  raw.Set("index_seconds", 0.4);
  raw.Set("parse_seconds", 0.1);
  raw.Set("peak_rss_mb", 100.04);
  raw.Set("index_size_mb", int64_t{12});
  raw.Set("queries", int64_t{4});
  absl::StatusOr<JsonObject> m = FinalizeMetrics(raw, {0.4, 0.1, 0.3, 0.2});
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(ToPythonJson(*m),
            "{\n \"engine\": \"e\",\n \"docs\": 1000,\n \"index_seconds\": 0.4,\n"
            " \"docs_per_second\": 2500.0,\n \"mb_per_second\": 12.5,\n \"peak_rss_mb\": 100.0,\n"
            " \"index_size_mb\": 12,\n \"query_p50_ms\": 0.2,\n \"query_p95_ms\": 0.4,\n"
            " \"query_p99_ms\": 0.4,\n \"qps\": 4000.0,\n \"query_mean_ms\": 0.25,\n"
            " \"query_executions\": 4,\n \"parse_seconds\": 0.1,\n \"queries\": 4,\n"
            " \"docs_mb\": 5.0\n}\n");
}

TEST(FinalizeMetricsTest, NoLatenciesGiveNullsAndMissingFieldsAnError) {
  JsonObject raw;
  raw.Set("engine", "e");
  raw.Set("docs", int64_t{0});
  raw.Set("docs_bytes", int64_t{0});
  raw.Set("index_seconds", 0.0);
  absl::StatusOr<JsonObject> m = FinalizeMetrics(raw, {});
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(std::holds_alternative<std::monostate>(*m->Find("query_p50_ms")));
  EXPECT_TRUE(std::holds_alternative<std::monostate>(*m->Find("qps")));
  EXPECT_TRUE(std::holds_alternative<std::monostate>(*m->Find("docs_per_second")));
  EXPECT_TRUE(std::holds_alternative<std::monostate>(*m->Find("peak_rss_mb")));
  JsonObject bad;
  bad.Set("engine", "e");
  EXPECT_EQ(FinalizeMetrics(bad, {}).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace khabar::bench
