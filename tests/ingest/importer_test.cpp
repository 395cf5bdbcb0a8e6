#include "ingest/info_labels.h"
#include "ingest/importer.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/crypto.h"
#include "core/error.h"
#include "ingest/acquisition.h"
#include "ingest/export.h"
#include "ingest/image.h"
#include "store/project.h"
#include "support/test_support.h"

using namespace mote;
namespace fs = std::filesystem;

namespace {

const fs::path kData = fs::path(MOTE_SOURCE_DIR) / "tests/data";

Sample series(float base, size_t frames = 20, size_t axes = 3) {
  Sample s;
  s.interval_ms = 10;
  for (size_t a = 0; a < axes; ++a) s.sensors.push_back({"ax" + std::to_string(a), "m/s2"});
  for (size_t i = 0; i < frames * axes; ++i) s.values.push_back(base + 0.25f * static_cast<float>(i));
  s.device_name = "unit";
  s.device_type = "TEST";
  return s;
}

void write_sample(const fs::path& p, float base, const std::optional<std::string>& key = std::nullopt) {
  test::write_text(p, write_acquisition_json(series(base), key));
}

std::string import_error(Store& store, const std::vector<fs::path>& paths, const ImportOptions& o) {
  try {
    import_paths(store, paths, o);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

ImportOptions quiet() {
  ImportOptions o;
  o.quiet = true;
  o.label = "x";
  o.interval_ms = 10;
  return o;
}

}  // namespace

TEST(Importer, EveryBadInputCaseFailsTheWholeBatch) {
  auto cases = nlohmann::json::parse(test::read_text(kData / "bad/cases.json"));
  ASSERT_GE(cases["cases"].size(), 10u);
  for (auto& c : cases["cases"]) {
    SCOPED_TRACE(c["file"].get<std::string>());
    test::TempDir dir;
    auto p = Project::init(dir / "p");
    std::string err = import_error(p.store(), {kData / "good/wave.good.json", kData / "bad" / c["file"].get<std::string>()}, quiet());
    ASSERT_FALSE(err.empty()) << "import should have failed";
    for (auto& e : c["expect"]) EXPECT_NE(err.find(e.get<std::string>()), std::string::npos) << err;
    EXPECT_EQ(err.find('\n'), std::string::npos) << "one line: " << err;
    EXPECT_EQ(p.store().count({}), 0) << "nothing from the batch may be stored";
  }
}

TEST(Importer, SkipBadImportsTheGoodAndListsTheBad) {
  test::TempDir dir;
  auto p = Project::init(dir / "p");
  ImportOptions o = quiet();
  o.skip_bad = true;
  auto r = import_paths(p.store(), {kData / "good/wave.good.json", kData / "bad/ragged.csv", kData / "bad/arity.json"}, o);
  EXPECT_EQ(r.ids.size(), 1u);
  ASSERT_EQ(r.bad.size(), 2u);
  EXPECT_NE(r.bad[0].message.find("ragged.csv"), std::string::npos);
  EXPECT_EQ(p.store().count({}), 1);
}

TEST(Importer, FileOverSizeLimitRefused) {
  test::TempDir dir;
  auto p = Project::init(dir / "p");
  ImportOptions o = quiet();
  o.max_file_bytes = 64;
  std::string err = import_error(p.store(), {kData / "good/wave.good.json"}, o);
  EXPECT_NE(err.find("wave.good.json"), std::string::npos) << err;
  EXPECT_NE(err.find("over the limit of 64 bytes"), std::string::npos) << err;
  EXPECT_NE(err.find("--max-file-size"), std::string::npos) << err;
  EXPECT_EQ(p.store().count({}), 0);
}

TEST(Importer, SignedFilesVerifiedAndBadSignatureRefused) {
  test::TempDir dir;
  auto p = Project::init(dir / "p");
  write_sample(dir / "in/a.good.json", 1, std::string("k1"));
  write_sample(dir / "in/b.forged.json", 2, std::string("not-k1"));
  ImportOptions o = quiet();
  o.hmac_key = "k1";
  std::string err = import_error(p.store(), {dir / "in"}, o);
  EXPECT_NE(err.find("b.forged.json: signature"), std::string::npos) << err;
  EXPECT_EQ(p.store().count({}), 0);
  fs::remove(dir / "in/b.forged.json");
  auto r = import_paths(p.store(), {dir / "in"}, o);
  ASSERT_EQ(r.ids.size(), 1u);
  EXPECT_EQ(p.store().get(r.ids[0], false).provenance["signature"], "verified");
}

TEST(Importer, DuplicatesRefusedUnlessAllowed) {
  test::TempDir dir;
  auto p = Project::init(dir / "p");
  write_sample(dir / "a.json", 1);
  write_sample(dir / "copy.json", 1);
  std::string err = import_error(p.store(), {dir / "a.json", dir / "copy.json"}, quiet());
  EXPECT_NE(err.find("copy.json: same data as sample"), std::string::npos) << err;
  EXPECT_NE(err.find("--allow-duplicates"), std::string::npos) << err;
  EXPECT_EQ(p.store().count({}), 0);
  ImportOptions o = quiet();
  o.allow_duplicates = true;
  EXPECT_EQ(import_paths(p.store(), {dir / "a.json", dir / "copy.json"}, o).ids.size(), 2u);
}

TEST(Importer, LabelRules) {
  test::TempDir dir;
  auto p = Project::init(dir / "p");
  write_sample(dir / "walk/idle.rec1.json", 1);    // prefix rule wins over the folder
  write_sample(dir / "walk/rec2.json", 2);         // parent folder
  write_sample(dir / "digits/7_jackson_3.json", 3);
  ImportOptions o = quiet();
  o.label.reset();
  auto r = import_paths(p.store(), {dir / "walk"}, o);
  ASSERT_EQ(r.ids.size(), 2u);
  EXPECT_EQ(p.store().get(r.ids[0], false).label, "idle");
  EXPECT_EQ(p.store().get(r.ids[0], false).name, "idle.rec1");
  EXPECT_EQ(p.store().get(r.ids[1], false).label, "walk");
  o.label_pattern = "^(\\d+)_";
  r = import_paths(p.store(), {dir / "digits"}, o);
  EXPECT_EQ(p.store().get(r.ids[0], false).label, "7");
  o.label_pattern = "^(x+)_";
  write_sample(dir / "digits/8_theo_1.json", 4);
  EXPECT_NE(import_error(p.store(), {dir / "digits/8_theo_1.json"}, o).find("does not match --label-pattern"), std::string::npos);
  o.label_pattern.reset();
  o.label = "forced";
  r = import_paths(p.store(), {dir / "digits/8_theo_1.json"}, o);
  EXPECT_EQ(p.store().get(r.ids[0], false).label, "forced");
}

TEST(Importer, FolderIsRecursiveAndIgnoresUnknownFiles) {
  test::TempDir dir;
  auto p = Project::init(dir / "p");
  write_sample(dir / "in/a/b/c/deep.json", 1);
  write_sample(dir / "in/top.json", 2);
  test::write_text(dir / "in/README.md", "notes");
  write_sample(dir / "in/.hidden/skip.json", 3);
  auto r = import_paths(p.store(), {dir / "in"}, quiet());
  EXPECT_EQ(r.ids.size(), 2u);
  EXPECT_EQ(r.ignored.size(), 1u);
}

TEST(Importer, SplitIsStratifiedAndDeterministic) {
  test::TempDir dir;
  auto p = Project::init(dir / "p");
  for (int i = 0; i < 50; ++i) {
    write_sample(dir / "in/left" / ("l" + std::to_string(i) + ".json"), static_cast<float>(i));
    write_sample(dir / "in/right" / ("r" + std::to_string(i) + ".json"), 1000.f + static_cast<float>(i));
  }
  ImportOptions o = quiet();
  o.label.reset();
  o.category = "split";
  import_paths(p.store(), {dir / "in"}, o);
  for (const char* label : {"left", "right"}) {
    SampleFilter f;
    f.label = label;
    f.category = Category::Testing;
    EXPECT_EQ(p.store().count(f), 10) << label;
  }
  // Same files in another project (imported in reverse order) split identically.
  auto q = Project::init(dir / "q");
  import_paths(q.store(), {dir / "in/right", dir / "in/left"}, o);
  for (auto& s : p.store().list({})) {
    auto other = q.store().find_by_hash(s.hash);
    ASSERT_TRUE(other);
    EXPECT_EQ(q.store().get(*other, false).category, s.category) << s.name;
  }
}

TEST(Importer, InfoLabelsManifestGivesNamesLabelsCategories) {
  test::TempDir dir;
  auto p = Project::init(dir / "p");
  write_sample(dir / "ex/training/f1.json", 1);
  write_sample(dir / "ex/testing/f2.json", 2);
  test::write_text(dir / "ex/info.labels", R"({"version":1,"files":[
    {"path":"training/f1.json","name":"first","category":"training","label":{"type":"label","label":"up"}},
    {"path":"testing/f2.json","name":"second","category":"testing","label":{"type":"label","label":"down"}}]})");
  ImportOptions o = quiet();
  o.label.reset();
  auto r = import_paths(p.store(), {dir / "ex"}, o);
  ASSERT_EQ(r.ids.size(), 2u);
  Sample a = p.store().get(r.ids[0], false), b = p.store().get(r.ids[1], false);
  EXPECT_EQ(a.name, "first");
  EXPECT_EQ(a.label, "up");
  EXPECT_EQ(a.category, Category::Training);
  EXPECT_EQ(b.name, "second");
  EXPECT_EQ(b.label, "down");
  EXPECT_EQ(b.category, Category::Testing);
}

TEST(Importer, InfoLabelsPathEscapeRefused) {
  test::TempDir dir;
  auto p = Project::init(dir / "p");
  write_sample(dir / "secret.json", 1);
  test::write_text(dir / "ex/info.labels", R"({"version":1,"files":[{"path":"../secret.json","name":"x","category":"training","label":{"type":"label","label":"x"}}]})");
  std::string err = import_error(p.store(), {dir / "ex"}, quiet());
  EXPECT_NE(err.find("outside the export folder"), std::string::npos) << err;
  test::write_text(dir / "ex/info.labels", R"({"version":1,"files":[{"path":"/etc/passwd","name":"x"}]})");
  err = import_error(p.store(), {dir / "ex"}, quiet());
  EXPECT_NE(err.find("relative path"), std::string::npos) << err;
  EXPECT_EQ(p.store().count({}), 0);
}

TEST(Importer, ExportThenImportRoundTripsExactly) {
  test::TempDir dir;
  auto p = Project::init(dir / "p");
  {
    sql::Transaction tx(p.store().db());
    for (int i = 0; i < 6; ++i) {
      Sample s = series(0.1f * static_cast<float>(i) - 0.3f, 7 + static_cast<size_t>(i), 1 + static_cast<size_t>(i % 3));
      s.values[0] = -0.0f;
      s.values[1] = 1e-38f;
      s.interval_ms = 1000.0 / 62.5 + i;
      s.name = "rec " + std::to_string(i) + "/odd";
      s.label = i % 2 ? "wave" : "idle.slow";
      s.category = i < 4 ? Category::Training : Category::Testing;
      p.store().insert(s);
    }
    Sample img;
    img.kind = SampleKind::Image;
    img.width = 5;
    img.height = 3;
    img.channels = 3;
    for (int i = 0; i < 45; ++i) img.pixels.push_back(static_cast<uint8_t>(i * 5));
    img.name = "photo";
    img.label = "cat";
    p.store().insert(img);
    tx.commit();
  }
  export_samples(p.store(), dir / "export", {}, p.hmac_key());
  auto q = Project::init(dir / "q");
  ImportOptions o;
  o.quiet = true;
  o.hmac_key = p.hmac_key();  // exported files are signed with the project key
  import_paths(q.store(), {dir / "export"}, o);
  auto before = p.store().list({}, true), after = q.store().list({}, true);
  ASSERT_EQ(before.size(), after.size());
  for (size_t i = 0; i < before.size(); ++i) {
    SCOPED_TRACE(before[i].name);
    EXPECT_EQ(after[i].name, before[i].name);
    EXPECT_EQ(after[i].label, before[i].label);
    EXPECT_EQ(after[i].category, before[i].category);
    EXPECT_EQ(after[i].kind, before[i].kind);
    EXPECT_EQ(after[i].hash, before[i].hash);  // covers values bit for bit, shape and interval
    EXPECT_EQ(after[i].values, before[i].values);
    EXPECT_EQ(after[i].pixels, before[i].pixels);
    EXPECT_EQ(after[i].sensors, before[i].sensors);
    EXPECT_EQ(after[i].interval_ms, before[i].interval_ms);
    EXPECT_EQ(after[i].device_name, before[i].device_name);
    EXPECT_EQ(after[i].device_type, before[i].device_type);
  }
}

TEST(Importer, ExportRefusesNonEmptyFolderAndLeavesNothingOnFailure) {
  test::TempDir dir;
  auto p = Project::init(dir / "p");
  test::write_text(dir / "busy/file.txt", "x");
  EXPECT_THROW(export_samples(p.store(), dir / "busy", {}, std::nullopt), Error);
  EXPECT_TRUE(fs::exists(dir / "busy/file.txt"));
}

// Found by info_labels_fuzz: a path longer than the OS allows made std::filesystem throw past the parser.
TEST(InfoLabels, PathTooLongIsAnErrorNamingTheEntry) {
  const std::string doc = R"({"version": 1, "files": [{"path": ")" + std::string(5000, 'a') + R"(", "label": {"label": "x"}}]})";
  try {
    mote::parse_info_labels(doc, "/tmp/mote-info-labels-test", "info.labels");
    FAIL() << "accepted a 5000-character path";
  } catch (const mote::Error& e) {
    EXPECT_NE(std::string(e.what()).find("info.labels: files[0].path"), std::string::npos) << e.what();
  }
}
