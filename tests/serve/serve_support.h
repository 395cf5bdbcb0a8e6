// A real `mote serve` in-process on 127.0.0.1 and an ephemeral port, over a fresh project, with an API key.
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "serve/keys.h"
#include "serve/server.h"
#include "store/project.h"
#include "support/test_support.h"

namespace mote::test {

class ServeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    proj = dir / "proj";
    Project p = Project::init(proj);
    key = serve::create_api_key(p.store(), "test").key;
    hmac = p.hmac_key();
  }
  void TearDown() override { stop(); }

  serve::ServeOptions options() const {
    serve::ServeOptions o;
    o.project = proj;
    o.port = 0;
    o.session_token = "test-session-token";
    o.job_workers = 2;
    o.http_threads = 4;
    o.web_dir = dir / "no-studio";
    return o;
  }
  void start(serve::ServeOptions o) {
    server = std::make_unique<serve::Server>(std::move(o));
    server->start();
    client = std::make_unique<httplib::Client>("127.0.0.1", server->port());
    client->set_read_timeout(30, 0);
  }
  void start() { start(options()); }
  void stop() {
    client.reset();
    server.reset();
  }
  httplib::Headers with_key(httplib::Headers h = {}) const {
    h.emplace("x-api-key", key);
    return h;
  }
  int64_t stored_samples() {
    Project p = Project::open(proj);
    return p.store().count(SampleFilter{});
  }
  static nlohmann::json body(const httplib::Result& r) { return nlohmann::json::parse(r->body); }

  TempDir dir;
  std::filesystem::path proj;
  std::string key, hmac;
  std::unique_ptr<serve::Server> server;
  std::unique_ptr<httplib::Client> client;
};

}  // namespace mote::test
