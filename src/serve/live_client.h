// The device side of live classification: forwarder lines batched and POSTed to a `mote serve`'s
// /api/live/{device} (what `mote forward --to URL --live` uses). See docs/studio.md.
#pragma once

#include <memory>
#include <string>

namespace mote::serve {

class LiveSender {
 public:
  // url: http://host:port (normalize_ingest_url); device: the stream's name in the studio; hz: the device's rate.
  LiveSender(const std::string& url, const std::string& api_key, const std::string& device, double hz,
             double batch_s = 0.2);
  ~LiveSender();
  // Queues one line; sends the batch once batch_s has passed since the last send (now_s: a monotonic clock).
  void add(const std::string& line, double now_s);
  // Sends what is queued; throws mote::Error with the server's message when it refuses the data.
  void flush();
  size_t lines_sent() const { return sent_; }
  size_t windows() const { return windows_; }  // results the server made from our lines

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  size_t sent_ = 0, windows_ = 0;
};

}  // namespace mote::serve
