// import --test-pattern: a dataset's own test split chosen by file name (e.g. FSDD's index 0-4).
#include <gtest/gtest.h>

#include <map>

#include "core/error.h"
#include "ingest/importer.h"
#include "store/project.h"
#include "support/test_support.h"

using namespace mote;

TEST(ImportTestPattern, MatchingFilesGoToTesting) {
  test::TempDir dir;
  int k = 0;
  for (const char* name : {"3_amy_0.csv", "3_amy_4.csv", "3_amy_5.csv", "4_bob_12.csv", "4_bob_1.csv"})
    test::write_text(dir / "in" / name, "timestamp,x\n0," + std::to_string(k++) + "\n10,1\n20,2\n");
  auto p = Project::init(dir / "p");
  ImportOptions o;
  o.quiet = true;
  o.label_pattern = "^(\\d)_";
  o.test_pattern = "^\\d_[a-z]+_[0-4]\\.csv$";
  import_paths(p.store(), {dir / "in"}, o);
  std::map<std::string, Category> cat;
  for (auto& s : p.store().list({})) cat[s.name] = s.category;
  EXPECT_EQ(cat["3_amy_0"], Category::Testing);
  EXPECT_EQ(cat["3_amy_4"], Category::Testing);
  EXPECT_EQ(cat["4_bob_1"], Category::Testing);
  EXPECT_EQ(cat["3_amy_5"], Category::Training);
  EXPECT_EQ(cat["4_bob_12"], Category::Training);

  ImportOptions bad = o;
  bad.test_pattern = "([";
  try {
    import_paths(p.store(), {dir / "in"}, bad);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("--test-pattern", 0), 0u) << e.what();
  }
}
