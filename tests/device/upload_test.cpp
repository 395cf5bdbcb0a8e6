// `mote upload` and `mote forward --to` against a real `mote serve` on 127.0.0.1.
#include <gtest/gtest.h>

#include <cstdlib>

#include "ingest/acquisition.h"
#include "serve/ingest_client.h"
#include "serve/serve_support.h"

using namespace mote;
namespace fs = std::filesystem;

namespace {

class UploadTest : public test::ServeTest {
 protected:
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server->port()); }
  std::vector<Sample> stored() {
    Project p = Project::open(proj);
    return p.store().list({}, true);
  }
};

std::string acquisition(float base) {
  Sample s;
  s.sensors = {{"x", "g"}, {"y", "g"}};
  s.interval_ms = 10;
  for (int i = 0; i < 20; ++i) s.values.insert(s.values.end(), {base + i, base - i});
  return write_acquisition_json(s, std::nullopt);
}

}  // namespace

TEST_F(UploadTest, FolderUploadStoresEveryFileWithLabelsAndStratifiedSplit) {
  start();
  fs::path data = dir / "data";
  for (int i = 0; i < 10; ++i) test::write_text(data / "wave" / ("wave." + std::to_string(i) + ".json"), acquisition(i));
  for (int i = 0; i < 5; ++i)
    test::write_text(data / ("idle." + std::to_string(i) + ".csv"), "timestamp,x,y\n0,1," + std::to_string(i) + "\n10,2,3\n20,3,4\n");
  test::write_text(data / "notes.txt", "not data");
  auto r = test::run_mote("upload " + data.string() + " --to " + url() + "/ --api-key " + key + " --category split --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["uploaded"], 15);
  EXPECT_EQ(j["failed"], 0);
  auto samples = stored();
  ASSERT_EQ(samples.size(), 15u);
  std::map<std::string, std::array<int, 2>> per_label;
  for (auto& s : samples) per_label[s.label][s.category == Category::Testing]++;
  EXPECT_EQ(per_label["wave"][0] + per_label["wave"][1], 10);
  EXPECT_EQ(per_label["wave"][1], 2);  // 20 % of each label in testing
  EXPECT_EQ(per_label["idle"][1], 1);
  // Same files again: the server refuses duplicates by default and nothing new is stored.
  r = test::run_mote("upload " + data.string() + " --to " + url() + " --api-key " + key);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(stored().size(), 15u);
}

TEST_F(UploadTest, BadFilesAndWrongKeysAreReportedPerFileWithNonZeroExit) {
  start();
  fs::path data = dir / "data";
  test::write_text(data / "good.1.json", acquisition(1));
  test::write_text(data / "bad.1.csv", "x,y\n1,2\n3\n");
  auto r = test::run_mote("upload " + data.string() + " --to " + url() + " --api-key " + key + " --label knock");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("bad.1.csv"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("uploaded 1 of 2"), std::string::npos) << r.out;
  auto samples = stored();
  ASSERT_EQ(samples.size(), 1u);
  EXPECT_EQ(samples[0].label, "knock");
  r = test::run_mote("upload " + (data / "good.1.json").string() + " --to " + url() + " --api-key mote_wrong --allow-duplicates");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(stored().size(), 1u);
  r = test::run_mote("upload " + (data / "good.1.json").string() + " --to ftp://x --api-key k");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("--to"), std::string::npos);
}

TEST_F(UploadTest, UnreachableServerIsRetriedThenReported) {
  start();
  int port = server->port();
  stop();  // nothing listens there now
  serve::IngestTarget t{"http://127.0.0.1:" + std::to_string(port), "k", 2, 0.01};
  serve::UploadFile f{"a.json", acquisition(0), "", std::nullopt, "training"};
  auto out = serve::upload_file(t, f);
  EXPECT_FALSE(out.ok);
  EXPECT_EQ(out.attempts, 3);
  EXPECT_EQ(out.status, 0);
  EXPECT_NE(out.error.find("cannot reach"), std::string::npos) << out.error;
}

TEST_F(UploadTest, ForwarderSendsRecordedSamplesToTheServer) {
  start();
  std::string lines;
  for (int i = 0; i < 10 + 250; ++i) lines += std::to_string(i % 13) + "," + std::to_string(-i % 7) + ",9.8\n";
  test::write_text(dir / "stream.txt", lines);
  std::string cmd = std::string(MOTE_BINARY) + " forward --stdin --frequency 50 --axes ax,ay,az --label shake --length-ms 2000 --to " +
                    url() + " --api-key " + key + " --json <" + (dir / "stream.txt").string() + " >" + (dir / "out").string() +
                    " 2>" + (dir / "err").string();
  ASSERT_EQ(std::system(cmd.c_str()), 0) << test::read_text(dir / "err");
  auto j = nlohmann::json::parse(test::read_text(dir / "out"));
  EXPECT_EQ(j["stored"], 3);  // 2 full samples of 100 frames + the 50-frame tail
  auto samples = stored();
  ASSERT_EQ(samples.size(), 3u);
  size_t frames = 0;
  for (auto& s : samples) {
    EXPECT_EQ(s.label, "shake");
    EXPECT_EQ(s.sensors[1].name, "ay");
    EXPECT_DOUBLE_EQ(s.interval_ms, 20.0);
    frames += s.frames();
  }
  EXPECT_EQ(frames, 250u);
}
