#include "serve/ingest_client.h"

#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "core/error.h"

namespace mote::serve {

std::string normalize_ingest_url(const std::string& url) {
  if (url.rfind("http://", 0) != 0)
    throw error_at("--to", "'" + url + "' is not an http:// URL; give the server's address, e.g. http://127.0.0.1:4446");
  std::string u = url;
  while (!u.empty() && u.back() == '/') u.pop_back();
  if (u.size() <= 7) throw error_at("--to", "'" + url + "' names no host");
  return u;
}

std::string content_type_for(const std::string& file_name) {
  std::string ext = file_name.substr(std::min(file_name.size(), file_name.rfind('.') == std::string::npos ? file_name.size() : file_name.rfind('.') + 1));
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (ext == "json") return "application/json";
  if (ext == "cbor") return "application/cbor";
  if (ext == "csv") return "text/csv";
  if (ext == "wav") return "audio/wav";
  if (ext == "png") return "image/png";
  if (ext == "jpg" || ext == "jpeg") return "image/jpeg";
  if (ext == "bmp") return "image/bmp";
  return "application/octet-stream";
}

UploadOutcome upload_file(const IngestTarget& target, const UploadFile& file) {
  if (file.category != "training" && file.category != "testing" && file.category != "anomaly")
    throw error_at("--category", "'" + file.category + "' is not training, testing or anomaly");
  httplib::Client client(normalize_ingest_url(target.url));
  client.set_connection_timeout(5, 0);
  client.set_read_timeout(60, 0);
  httplib::Headers headers = {{"x-api-key", target.api_key}, {"x-file-name", file.name}};
  if (file.label) headers.emplace("x-label", *file.label);
  if (file.disallow_duplicates) headers.emplace("x-disallow-duplicates", "1");
  std::string type = file.content_type.empty() ? content_type_for(file.name) : file.content_type;
  std::string path = "/api/" + file.category + "/data";

  UploadOutcome out;
  double wait = target.backoff_s;
  for (int attempt = 0; attempt <= target.retries; ++attempt) {
    if (attempt) {
      std::this_thread::sleep_for(std::chrono::duration<double>(wait));
      wait *= 2;
    }
    out.attempts = attempt + 1;
    auto res = client.Post(path, headers, file.body, type);
    if (!res) {
      out.status = 0;
      out.error = "cannot reach " + target.url + " (" + httplib::to_string(res.error()) + ")";
      continue;  // the server may be starting or restarting
    }
    out.status = res->status;
    nlohmann::json j = nlohmann::json::parse(res->body, nullptr, false);
    if (res->status >= 200 && res->status < 300) {
      out.ok = true;
      out.error.clear();
      out.reply = j;
      return out;
    }
    out.error = j.is_object() && j.contains("error") && j["error"].is_string() ? j["error"].get<std::string>()
                                                                               : "HTTP " + std::to_string(res->status);
    if (res->status != 429 && res->status < 500) return out;  // the server refused this file: retrying will not help
  }
  return out;
}

}  // namespace mote::serve
