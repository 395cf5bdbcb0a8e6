// Feature generation refuses a sample of the wrong kind with its id and what to do, and stores nothing.
#include <gtest/gtest.h>

#include "core/error.h"
#include "impulse/features.h"
#include "store/sql.h"
#include "support/test_support.h"

using namespace mote;

TEST(FeaturesErrors, WrongKindOfSampleNamesItAndTheFix) {
  test::TempDir dir;
  auto p = Project::init(dir / "p");
  for (uint8_t shade : {10, 90, 170}) {
    Sample img;
    img.kind = SampleKind::Image;
    img.width = 4;
    img.height = 4;
    img.channels = 1;
    img.pixels.assign(16, shade);
    img.label = "img";
    img.name = "img" + std::to_string(shade);
    p.store().insert(img);
  }
  Sample series;
  series.interval_ms = 10;
  series.sensors = {{"x", ""}};
  series.values.assign(100, 0.5f);
  series.label = "odd";
  series.name = "odd";
  int64_t odd = p.store().insert(series);
  ImpulseSpec spec = load_impulse(p);
  ASSERT_EQ(spec.input.type, InputType::Image);
  Impulse impulse(spec, 0);
  try {
    generate_features(p.store(), impulse, {}, true);
    FAIL() << "no error";
  } catch (const Error& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("sample " + std::to_string(odd) + " (odd): is not an image"), std::string::npos) << m;
    EXPECT_NE(m.find("mote samples remove " + std::to_string(odd)), std::string::npos) << m;
  }
  sql::Stmt count(p.store().db(), "SELECT COUNT(*) FROM features");
  ASSERT_TRUE(count.step());
  EXPECT_EQ(count.int64(0), 0) << "the images' features were computed in the same chunk but must not be stored";
}
