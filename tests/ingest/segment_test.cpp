// --segment-ms: one long recording cut into consecutive pieces at import.
#include "ingest/segment.h"

#include <gtest/gtest.h>

#include "core/error.h"

using namespace mote;

namespace {
Sample ramp(size_t frames, size_t axes, double interval_ms) {
  Sample s;
  s.name = "rec";
  s.interval_ms = interval_ms;
  for (size_t a = 0; a < axes; ++a) s.sensors.push_back({"a" + std::to_string(a), ""});
  for (size_t i = 0; i < frames * axes; ++i) s.values.push_back(static_cast<float>(i));
  return s;
}
}  // namespace

TEST(Segment, CutsConsecutivePiecesAndDropsTheTail) {
  Sample s = ramp(2975 + 50, 6, 1000.0 / 119);  // 25 wand gestures of 119 rows and a 50-row tail
  auto pieces = segment_time_series(s, 1000, "w.csv");
  ASSERT_EQ(pieces.size(), 25u);
  for (size_t k = 0; k < pieces.size(); ++k) {
    EXPECT_EQ(pieces[k].name, "rec." + std::to_string(k));
    ASSERT_EQ(pieces[k].frames(), 119u);
    EXPECT_EQ(pieces[k].values.front(), static_cast<float>(k * 119 * 6));
    EXPECT_EQ(pieces[k].values.back(), static_cast<float>((k + 1) * 119 * 6 - 1));
    EXPECT_EQ(pieces[k].provenance["segment"]["first_frame"], k * 119);
    EXPECT_EQ(pieces[k].hash, content_hash(pieces[k]));
  }
  EXPECT_NE(pieces[0].hash, pieces[1].hash);
}

TEST(Segment, RefusesImagesAndPiecesLongerThanTheRecording) {
  Sample s = ramp(10, 1, 10);
  EXPECT_THROW(segment_time_series(s, 200, "short.csv"), Error);
  try {
    segment_time_series(s, 200, "short.csv");
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("short.csv: is 100"), std::string::npos) << e.what();
  }
  EXPECT_EQ(segment_time_series(s, 100, "x").size(), 1u);
  Sample img;
  img.kind = SampleKind::Image;
  EXPECT_THROW(segment_time_series(img, 100, "i.png"), Error);
}

#include "ingest/importer.h"
#include "store/project.h"
#include "support/test_support.h"

TEST(Segment, ImportCutsFilesAndTestPatternPicksPiecesByName) {
  test::TempDir dir;
  std::string csv = "x,y\n";
  for (int i = 0; i < 35; ++i) csv += std::to_string(i) + "," + std::to_string(2 * i) + "\n";
  test::write_text(dir / "wave.csv", csv);
  auto p = Project::init(dir / "p");
  ImportOptions o;
  o.quiet = true;
  o.interval_ms = 10;
  o.segment_ms = 100;            // 10 rows per piece: 3 pieces, 5 rows dropped
  o.test_pattern = "\\.[2]$";  // the last piece goes to testing
  auto r = import_paths(p.store(), {dir / "wave.csv"}, o);
  ASSERT_EQ(r.ids.size(), 3u);
  EXPECT_EQ(r.files, 1u);
  Sample last = p.store().get(r.ids[2]);
  EXPECT_EQ(last.name, "wave.2");
  EXPECT_EQ(last.label, p.store().get(r.ids[0]).label);
  EXPECT_EQ(last.category, Category::Testing);
  EXPECT_EQ(p.store().get(r.ids[1]).category, Category::Training);
  ASSERT_EQ(last.frames(), 10u);
  EXPECT_EQ(last.values[0], 20.0f);
  EXPECT_EQ(last.values[1], 40.0f);
  // Importing the same file again finds the pieces already stored.
  EXPECT_THROW(import_paths(p.store(), {dir / "wave.csv"}, o), Error);
}
