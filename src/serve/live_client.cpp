// LiveSender: one keep-alive connection, a POST of text/plain lines per batch, retries on connection errors.
#include "serve/live_client.h"

#include <httplib.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "core/error.h"

namespace mote::serve {

struct LiveSender::Impl {
  httplib::Client client;
  std::string url, path, api_key, batch;
  double batch_s, last = -1;
  size_t queued = 0;
  Impl(const std::string& u) : client(u), url(u) {}
};

LiveSender::LiveSender(const std::string& url, const std::string& api_key, const std::string& device, double hz,
                       double batch_s)
    : impl_(std::make_unique<Impl>(url)) {
  impl_->api_key = api_key;
  impl_->batch_s = batch_s;
  impl_->path = "/api/live/" + device + "?frequency=" + std::to_string(hz);
  impl_->client.set_keep_alive(true);
  impl_->client.set_read_timeout(30, 0);
}

LiveSender::~LiveSender() = default;

void LiveSender::add(const std::string& line, double now_s) {
  impl_->batch += line;
  impl_->batch += '\n';
  impl_->queued++;
  if (impl_->last < 0) impl_->last = now_s;
  if (now_s - impl_->last >= impl_->batch_s) {
    flush();
    impl_->last = now_s;
  }
}

void LiveSender::flush() {
  if (impl_->batch.empty()) return;
  httplib::Headers h = {{"x-api-key", impl_->api_key}};
  std::string error;
  for (int attempt = 0; attempt < 4; ++attempt) {
    if (attempt) std::this_thread::sleep_for(std::chrono::milliseconds(100 << attempt));
    auto res = impl_->client.Post(impl_->path, h, impl_->batch, "text/plain");
    if (!res) {
      error = "cannot reach " + impl_->url + " (" + httplib::to_string(res.error()) + ")";
      continue;
    }
    auto body = nlohmann::json::parse(res->body, nullptr, false);
    if (res->status != 200) {
      error = body.is_object() && body.contains("error") ? body["error"].get<std::string>() : "HTTP " + std::to_string(res->status);
      if (res->status >= 500 || res->status == 429) continue;
      break;
    }
    sent_ += impl_->queued;
    if (body.is_object()) windows_ += body.value("windows", size_t{0});
    impl_->batch.clear();
    impl_->queued = 0;
    return;
  }
  throw Error(impl_->url + impl_->path.substr(0, impl_->path.find('?')) + ": " + error);
}

}  // namespace mote::serve
