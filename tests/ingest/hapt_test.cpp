// The UCI HAPT raw layout: labels.txt segments over acc/gyro files (plain and gzipped) become 6-axis samples.
#include "ingest/hapt.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "core/error.h"
#include "ingest/importer.h"
#include "store/project.h"
#include "support/test_support.h"

using namespace mote;
namespace fs = std::filesystem;

namespace {

std::string rows(int n, float base) {
  std::string out;
  for (int i = 0; i < n; ++i)
    out += std::to_string(base + i) + " " + std::to_string(-base - i) + " " + std::to_string(0.5f * i) + "\n";
  return out;
}

// Two experiments (user 1 plain text, user 2 gzipped) and the activity names one folder up, as in the dataset.
fs::path make_layout(const fs::path& root) {
  fs::path raw = root / "RawData";
  fs::create_directories(raw);
  test::write_text(root / "activity_labels.txt", "1 WALKING           \n2 SITTING\n");
  test::write_text(raw / "labels.txt", "01 01 1 3 7\n01 01 2 10 12\n02 02 2 1 4\n");
  test::write_text(raw / "acc_exp01_user01.txt", rows(12, 0));
  test::write_text(raw / "gyro_exp01_user01.txt", rows(12, 100));
  test::write_text(raw / "acc_exp02_user02.txt", rows(5, 1000));
  test::write_text(raw / "gyro_exp02_user02.txt", rows(5, 2000));
  std::string cmd = "gzip -n " + (raw / "acc_exp02_user02.txt").string() + " " + (raw / "gyro_exp02_user02.txt").string();
  EXPECT_EQ(std::system(cmd.c_str()), 0);
  return raw;
}

}  // namespace

TEST(Hapt, SegmentsBecomeSixAxisSamples) {
  test::TempDir dir;
  fs::path raw = make_layout(dir / "hapt");
  EXPECT_EQ(find_hapt_folder(dir / "hapt"), raw);
  EXPECT_TRUE(find_hapt_folder(dir.path()).empty());
  auto recs = read_hapt_folder(raw);
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[1].acc.filename(), "acc_exp02_user02.txt.gz");
  auto names = read_hapt_activities(raw);
  EXPECT_EQ(names[1], "WALKING");
  auto s = load_hapt_recording(recs[0], names, 1 << 20);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].label, "WALKING");
  EXPECT_EQ(s[0].name, "exp01_user01.0");
  ASSERT_EQ(s[0].axes(), 6u);
  EXPECT_EQ(s[0].sensors[3].name, "gyrX");
  EXPECT_DOUBLE_EQ(s[0].interval_ms, 20.0);
  ASSERT_EQ(s[0].frames(), 5u);  // rows 3..7, 1-based inclusive
  EXPECT_EQ(s[0].values[0], 2.0f);    // acc x of row 3
  EXPECT_EQ(s[0].values[3], 102.0f);  // gyro x of row 3
  EXPECT_EQ(s[0].values[4 * 6 + 1], -6.0f);
  EXPECT_EQ(s[1].label, "SITTING");
  auto g = load_hapt_recording(recs[1], names, 1 << 20);
  ASSERT_EQ(g.size(), 1u);
  EXPECT_EQ(g[0].frames(), 4u);
  EXPECT_EQ(g[0].values[3], 2000.0f);
}

TEST(Hapt, ImportsThroughTheFolderWithASubjectSplit) {
  test::TempDir dir;
  make_layout(dir / "hapt");
  auto p = Project::init(dir / "p");
  ImportOptions o;
  o.quiet = true;
  o.test_pattern = "_user02\\.";
  auto r = import_paths(p.store(), {dir / "hapt"}, o);
  ASSERT_EQ(r.ids.size(), 3u);
  EXPECT_EQ(r.files, 2u);
  Sample last = p.store().get(r.ids[2]);
  EXPECT_EQ(last.category, Category::Testing);
  EXPECT_EQ(last.label, "SITTING");
  EXPECT_EQ(p.store().get(r.ids[0]).category, Category::Training);
  EXPECT_EQ(last.provenance["user"], 2);
}

TEST(Hapt, RefusesBrokenFilesNamingTheLine) {
  auto msg = [](auto f) {
    try {
      f();
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(msg([] { parse_hapt_labels("1 1 1 5 9\n1 1 x 2 3\n", "labels.txt"); }).find("labels.txt:2"), std::string::npos);
  EXPECT_NE(msg([] { parse_hapt_labels("1 1 1 9 5\n", "labels.txt"); }).find("start <= end"), std::string::npos);
  EXPECT_NE(msg([] { parse_hapt_labels("\n", "labels.txt"); }).find("no labelled segment"), std::string::npos);
  EXPECT_NE(msg([] { parse_hapt_signal("1 2 3\n4 5\n", "acc.txt"); }).find("acc.txt:2: expected 3 numbers"), std::string::npos);
  test::TempDir dir;
  fs::path raw = make_layout(dir / "hapt");
  test::write_text(raw / "labels.txt", "01 01 1 3 13\n");  // past the 12 rows
  auto recs = read_hapt_folder(raw);
  EXPECT_NE(msg([&] { load_hapt_recording(recs[0], {}, 1 << 20); }).find("runs past its 12 rows"), std::string::npos);
  test::write_text(raw / "labels.txt", "03 03 1 1 2\n");
  EXPECT_NE(msg([&] { read_hapt_folder(raw); }).find("is missing"), std::string::npos);
}
