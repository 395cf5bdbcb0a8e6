// Real public datasets from ../shared/datasets, imported the way a user would; skipped when absent.
#include <gtest/gtest.h>

#include <map>

#include "ingest/importer.h"
#include "store/project.h"
#include "support/test_support.h"

using namespace mote;

TEST(Datasets, EiGesturesThroughInfoLabels) {
  auto root = test::dataset("ei-gestures");
  if (root.empty()) GTEST_SKIP() << "../shared/datasets/ei-gestures not present; skipping the real-data import";
  test::TempDir dir;
  auto p = Project::init(dir / "p");
  ImportOptions o;
  o.quiet = true;
  auto r = import_paths(p.store(), {root}, o);
  EXPECT_EQ(r.ids.size(), 96u);
  std::map<std::string, std::pair<int64_t, int64_t>> counts;
  for (auto& c : p.store().label_counts()) counts[c.label] = {c.training, c.testing};
  ASSERT_EQ(counts.size(), 4u);
  for (const char* label : {"idle", "circle", "updown", "flick"}) {
    EXPECT_EQ(counts[label].first, 18) << label;
    EXPECT_EQ(counts[label].second, 6) << label;
  }
  Sample s = p.store().get(r.ids.front());
  EXPECT_EQ(s.axes(), 3u);
  EXPECT_EQ(s.sensors[0].name, "accx");
  EXPECT_NEAR(s.interval_ms, 9.615384615384615, 1e-12);
  EXPECT_EQ(s.provenance["signature"], "unchecked");  // signed with a key we do not have
  EXPECT_EQ(s.name.find("idle."), 0u) << s.name;
}

TEST(Datasets, FsddWithLabelPatternAndSplit) {
  auto root = test::dataset("fsdd");
  if (root.empty()) GTEST_SKIP() << "../shared/datasets/fsdd not present; skipping the real-data import";
  test::TempDir dir;
  auto p = Project::init(dir / "p");
  ImportOptions o;
  o.quiet = true;
  o.label_pattern = "^(\\d)_";
  o.category = "split";
  auto r = import_paths(p.store(), {root}, o);
  EXPECT_EQ(r.ids.size(), 3000u);
  auto counts = p.store().label_counts();
  ASSERT_EQ(counts.size(), 10u);
  for (auto& c : counts) {
    EXPECT_EQ(c.training + c.testing, 300) << c.label;
    EXPECT_NEAR(static_cast<double>(c.testing), 60.0, 1.0) << c.label;
  }
  Sample s = p.store().get(r.ids.front());
  EXPECT_EQ(s.axes(), 1u);
  EXPECT_DOUBLE_EQ(s.interval_ms, 0.125);  // 8 kHz
  EXPECT_GT(s.frames(), 1000u);
}
