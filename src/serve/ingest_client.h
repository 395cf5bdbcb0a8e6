// A client of the ingestion API (ours or Edge Impulse's shape): one file per request, with retries.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace mote::serve {

struct IngestTarget {
  std::string url;       // http://host:port of a `mote serve`
  std::string api_key;
  int retries = 3;       // after the first try, on connection errors, 429 and 5xx
  double backoff_s = 0.2;  // doubled after each retry
};

struct UploadFile {
  std::string name;          // x-file-name (a plain name, no folders)
  std::string body;
  std::string content_type;  // from the extension when empty
  std::optional<std::string> label;
  std::string category = "training";  // training | testing | anomaly
  bool disallow_duplicates = false;
};

struct UploadOutcome {
  bool ok = false;
  int status = 0;        // HTTP status, 0 when the server was never reached
  int attempts = 0;
  std::string error;     // the server's one-line message or the connection error
  nlohmann::json reply;  // the server's JSON on success
};

// Checks the URL (http only) and returns it without a trailing slash; throws mote::Error naming --to.
std::string normalize_ingest_url(const std::string& url);
std::string content_type_for(const std::string& file_name);

// POSTs one file to {url}/api/{category}/data; never throws for server answers, only for bad arguments.
UploadOutcome upload_file(const IngestTarget& target, const UploadFile& file);

}  // namespace mote::serve
