// CSV importer: delimiters, headers and units, timestamps vs a given interval, and every refusal.
#include "ingest/csv.h"

#include <gtest/gtest.h>

#include "core/error.h"

using namespace mote;

namespace {

Sample parse(const std::string& text, double interval_ms = 0) {
  ParseContext ctx;
  ctx.where = "data.csv";
  ctx.interval_ms = interval_ms;
  return parse_csv(text, ctx);
}

std::string parse_error(const std::string& text, double interval_ms = 0) {
  try {
    parse(text, interval_ms);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(Csv, HeaderTimestampUnitsAndCrlf) {
  Sample s = parse("timestamp,accX (m/s2),accY [g],accZ\r\n0,1,2,3\r\n10,4.5,-5,6e-1\r\n20,7,8,9\r\n\r\n  \n");
  EXPECT_EQ(s.kind, SampleKind::TimeSeries);
  ASSERT_EQ(s.sensors.size(), 3u);
  EXPECT_EQ(s.sensors[0], (Sensor{"accX", "m/s2"}));
  EXPECT_EQ(s.sensors[1], (Sensor{"accY", "g"}));
  EXPECT_EQ(s.sensors[2], (Sensor{"accZ", ""}));
  EXPECT_EQ(s.values, (std::vector<float>{1, 2, 3, 4.5f, -5, 0.6f, 7, 8, 9}));
  EXPECT_DOUBLE_EQ(s.interval_ms, 10.0);
  EXPECT_EQ(s.frames(), 3u);
  EXPECT_EQ(s.provenance, nlohmann::json({{"importer", "csv"}}));
}

TEST(Csv, IntervalIsTheMeanTimestampStepAndWinsOverAGivenInterval) {
  Sample s = parse("ms,x\n100,1\n101,2\n103,3\n106,4\n", 50);
  EXPECT_DOUBLE_EQ(s.interval_ms, 2.0);  // (106 - 100) / 3
  EXPECT_EQ(s.values, (std::vector<float>{1, 2, 3, 4}));
}

TEST(Csv, TimestampColumnNamesAreCaseInsensitive) {
  for (const char* name : {"timestamp", "TIME", "Ts", "t", "Timestamp_MS", "time_ms", "Millis", "MS"}) {
    SCOPED_TRACE(name);
    Sample s = parse(std::string(name) + ",v\n0,1\n4,2\n");
    ASSERT_EQ(s.sensors.size(), 1u);
    EXPECT_EQ(s.sensors[0].name, "v");
    EXPECT_DOUBLE_EQ(s.interval_ms, 4.0);
  }
  // Only the first column can be the timestamp.
  Sample later = parse("v,time\n1,0\n2,4\n", 2);
  EXPECT_EQ(later.sensors.size(), 2u);
  EXPECT_DOUBLE_EQ(later.interval_ms, 2.0);
}

TEST(Csv, TimestampInSecondsIsConverted) {
  Sample s = parse("time (s),v\n0,1\n0.5,2\n1,3\n");
  EXPECT_DOUBLE_EQ(s.interval_ms, 500.0);
  EXPECT_NE(parse_error("time (min),v\n0,1\n1,2\n").find("data.csv:1: timestamp column is in 'min'"), std::string::npos);
}

TEST(Csv, SemicolonTabQuotesAndSpaces) {
  Sample semi = parse("\"time\" ; \"acc; x\" ; y\n 0 ; \"1.25\" ;2\n5;3; +4\n");
  ASSERT_EQ(semi.sensors.size(), 2u);
  EXPECT_EQ(semi.sensors[0].name, "acc; x");
  EXPECT_EQ(semi.values, (std::vector<float>{1.25f, 2, 3, 4}));
  EXPECT_DOUBLE_EQ(semi.interval_ms, 5.0);

  Sample tab = parse("t\ta\tb\n0\t1\t2\n2\t3\t4", 0);  // no final newline
  EXPECT_EQ(tab.values, (std::vector<float>{1, 2, 3, 4}));
  EXPECT_EQ(tab.sensors[1].name, "b");
}

TEST(Csv, WithoutHeaderAxesAreNumberedAndTheIntervalIsGiven) {
  Sample s = parse("\xEF\xBB\xBF" "1,2,3\n4,5,6\n", 16);
  ASSERT_EQ(s.sensors.size(), 3u);
  EXPECT_EQ(s.sensors[0], (Sensor{"axis0", ""}));
  EXPECT_EQ(s.sensors[2], (Sensor{"axis2", ""}));
  EXPECT_EQ(s.values, (std::vector<float>{1, 2, 3, 4, 5, 6}));
  EXPECT_DOUBLE_EQ(s.interval_ms, 16.0);
}

TEST(Csv, NumbersRoundLikeFromChars) {
  Sample s = parse("v\n0.1\n-3.4e38\n1e-50\n16777217\n", 1);
  ASSERT_EQ(s.values.size(), 4u);
  EXPECT_EQ(s.values[0], 0.1f);
  EXPECT_EQ(s.values[1], -3.4e38f);
  EXPECT_EQ(s.values[2], 0.0f);
  EXPECT_EQ(s.values[3], 16777216.0f);
}

TEST(Csv, WithoutTimestampOrIntervalSaysWhatToPass) {
  std::string err = parse_error("x,y\n1,2\n");
  EXPECT_EQ(err.rfind("data.csv: ", 0), 0u) << err;
  for (const char* what : {"--frequency-hz", "--interval-ms", "timestamp"}) EXPECT_NE(err.find(what), std::string::npos) << err;
  EXPECT_NE(parse_error("t,x\n0,1\n").find("--interval-ms"), std::string::npos);
  EXPECT_DOUBLE_EQ(parse("t,x\n0,1\n", 20).interval_ms, 20.0);
}

TEST(Csv, EveryRefusalNamesTheFileTheLineAndWhatToDo) {
  struct Case {
    std::string text;
    std::vector<std::string> expect;
  };
  const std::vector<Case> cases = {
      {"", {"data.csv: empty CSV (no rows)"}},
      {"\n\r\n  \n", {"data.csv: empty CSV (no rows)"}},
      {"timestamp,x\n\n", {"data.csv: has a header but no data rows"}},
      {"t,a,b,c\n0,1,2,3\n10,1,2,3\n20,1,2\n", {"data.csv:4: 3 cells, the header has 4; fix or delete the row"}},
      {"1,2\n3,4,5\n", {"data.csv:2: 3 cells, the first row has 2"}},
      {"t,accX,accY\n0,1,2\n10,3,abc\n", {"data.csv:3: column accY: 'abc' is not a number", "fix the cell or delete the row"}},
      {"t,accX\n0,1\nzero,2\n", {"data.csv:3: column t: 'zero' is not a number"}},
      {"t,accX,accY\n0,1,\n", {"data.csv:2: column accY is empty"}},
      {"t,accX\n0,1\n10,nan\n", {"data.csv:3: column accX: 'nan' is not a finite", "fix or delete the row"}},
      {"t,accX\n0,-inf\n", {"data.csv:2: column accX: '-inf' is not a finite"}},
      {"t,accX\n0,1e39\n", {"data.csv:2: column accX: '1e39' is not a finite float32"}},
      {"t,x\n0,1\n10,2\n10,3\n", {"data.csv:4: timestamp 10 is not after", "strictly increase"}},
      {"t,x\n0,1\n10,2\n5,3\n", {"data.csv:4: timestamp 5 is not after"}},
      {"t,x\n0,1\n\n10,2\n", {"data.csv:3: empty row; delete it"}},
      {"a,,b\n1,2,3\n", {"data.csv:1: header column 2 is empty"}},
      {"timestamp\n0\n10\n", {"data.csv:1: only a timestamp column"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    std::string err = parse_error(c.text, 10);
    ASSERT_FALSE(err.empty()) << "should have been refused";
    EXPECT_EQ(err.find('\n'), std::string::npos) << err;
    for (const auto& e : c.expect) EXPECT_NE(err.find(e), std::string::npos) << err;
  }
}
