// Whole HTTP requests (request line, headers, query, body: ingestion uploads in every format, multipart, sample
// edits, the impulse, listings) through the real server's parser, credential checks and handlers, over a real
// project on disk. A crash, UB, leak or a 500 (a handler's unexpected exception) is a finding.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "fuzz_support.h"
#include "serve/server.h"
#include "store/project.h"

namespace fs = std::filesystem;

namespace {

constexpr int kRequestsPerProject = 2000;  // a fresh project now and then keeps the store small and the rate up

struct Fixture {
  fs::path dir = fs::temp_directory_path() / ("mote-http-fuzz-" + std::to_string(::getpid()));
  std::unique_ptr<mote::serve::Server> server;
  int served = 0;

  Fixture() { fresh(); }
  ~Fixture() {
    server.reset();
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  void fresh() {
    server.reset();
    std::error_code ec;
    fs::remove_all(dir, ec);
    mote::Project::init(dir / "proj");
    mote::serve::ServeOptions o;
    o.project = dir / "proj";
    o.port = 0;
    o.session_token = "fuzz-session";  // the seeds carry it, so writes get past the credential check
    o.job_workers = 1;
    o.http_threads = 2;
    o.web_dir = dir / "no-studio";
    o.max_body_bytes = 1 << 20;
    server = std::make_unique<mote::serve::Server>(o);
    served = 0;
  }
};

// Requests that start jobs or hold an event stream open wait by design (the serve tests cover them).
bool waits(std::string_view request) {
  std::string_view line = request.substr(0, request.find('\n'));
  bool starts_job = line.find("/jobs") != std::string_view::npos && line.rfind("GET ", 0) != 0;
  return starts_job || line.find("/events") != std::string_view::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Fixture fixture;
  std::string_view request = fuzz_bytes(data, size);
  if (waits(request)) return 0;
  if (++fixture.served > kRequestsPerProject) fixture.fresh();
  std::string response = fixture.server->handle_raw(request);
  if (response.rfind("HTTP/1.1 500", 0) == 0) {
    std::fprintf(stderr, "http_request_fuzz: 500 for this request:\n%s\n", response.c_str());
    std::abort();
  }
  return 0;
}
