// The deploy job kind (the studio's `mote deploy`): registered, writes out/deploy/<format>, refuses an unknown
// format with the list of formats.
#include <gtest/gtest.h>

#include "core/error.h"
#include "serve/job_kinds.h"
#include "support/test_support.h"

namespace {

class FakeJob : public mote::serve::JobContext {
 public:
  FakeJob(mote::Project& p, nlohmann::json params) : p_(p), params_(std::move(params)) {}
  mote::Project& project() override { return p_; }
  const nlohmann::json& params() const override { return params_; }
  void log(const std::string& line) override { log_ += line + "\n"; }
  void progress(double f) override { progress_ = f; }
  bool cancelled() const override { return false; }
  std::string log_;
  double progress_ = 0;

 private:
  mote::Project& p_;
  nlohmann::json params_;
};

TEST(DeployJob, PackagesTheImpulseIntoOutDeploy) {
  bool registered = false;
  for (const auto& k : mote::serve::job_kinds()) registered = registered || std::string(k.name) == "deploy";
  EXPECT_TRUE(registered);
  mote::test::TempDir dir;
  auto r = mote::test::run_mote("demo " + (dir / "demo").string() + " --no-serve --no-profile");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  mote::Project p = mote::Project::open(dir / "demo");
  FakeJob job(p, {{"format", "cpp"}});
  for (int run = 0; run < 2; ++run) {  // a second run replaces the first package
    auto res = mote::serve::run_deploy_job(job);
    EXPECT_EQ(res["format"], "cpp");
    EXPECT_TRUE(std::filesystem::exists(p.out_dir() / "deploy" / "cpp" / "impulse" / "mote_impulse.cpp"));
    EXPECT_EQ(res["example"]["lines"].size(), 5u);
  }
  EXPECT_NE(job.log_.find("deploy: done"), std::string::npos);
  EXPECT_EQ(job.progress_, 1.0);
  FakeJob bad(p, {{"format", "zip"}});
  try {
    mote::serve::run_deploy_job(bad);
    ADD_FAILURE() << "an unknown format must fail";
  } catch (const mote::Error& e) {
    EXPECT_NE(std::string(e.what()).find("cpp, arduino, firmware"), std::string::npos) << e.what();
  }
}

}  // namespace
