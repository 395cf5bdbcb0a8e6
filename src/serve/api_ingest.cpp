// Ingestion compatible with Edge Impulse's ingestion service: POST /api/{training,testing,anomaly}/{data,files}
// with x-api-key, x-label, x-file-name, x-disallow-duplicates; one body or multipart/form-data (field `data`).
// Every file of a request is parsed first, then stored together (a rejected request stores nothing), in one
// transaction with the other requests waiting at that moment (group commit, ingest_commit.h).
#include <algorithm>

#include "core/error.h"
#include "ingest/importer.h"
#include "serve/audit.h"
#include "serve/http.h"
#include "serve/paths.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace mote::serve {

namespace {

struct Upload {
  std::string file_name;     // as sent (checked), may be empty
  std::string content_type;  // as sent, may be empty
  const std::string* bytes;
};

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

bool truthy(const std::string& v) {
  std::string l = lower(v);
  return l == "1" || l == "true" || l == "yes" || l == "on";
}

const char* extension_for_type(std::string type) {
  type = lower(type.substr(0, type.find(';')));
  while (!type.empty() && type.back() == ' ') type.pop_back();
  if (type == "application/json" || type == "text/json") return ".json";
  if (type == "application/cbor") return ".cbor";
  if (type == "text/csv" || type == "application/csv") return ".csv";
  if (type == "audio/wav" || type == "audio/x-wav" || type == "audio/wave" || type == "audio/vnd.wave") return ".wav";
  if (type == "image/png") return ".png";
  if (type == "image/jpeg" || type == "image/jpg") return ".jpg";
  if (type == "image/bmp" || type == "image/x-ms-bmp") return ".bmp";
  return nullptr;
}

const char* sniff(const std::string& b) {
  size_t i = b.find_first_not_of(" \t\r\n");
  if (i != std::string::npos && b[i] == '{') return ".json";
  if (b.rfind("RIFF", 0) == 0) return ".wav";
  if (b.rfind("\x89PNG", 0) == 0) return ".png";
  if (b.rfind("\xFF\xD8\xFF", 0) == 0) return ".jpg";
  if (b.rfind("BM", 0) == 0) return ".bmp";
  if (!b.empty() && (static_cast<unsigned char>(b[0]) & 0xE0) == 0xA0) return ".cbor";  // CBOR major type 5: a map
  return nullptr;
}

// The name whose extension picks the parser: a known file extension, else the content type, else the bytes.
fs::path parser_name(const Upload& u, const std::string& where) {
  fs::path name = u.file_name.empty() ? fs::path("upload") : fs::path(u.file_name);
  if (format_for(name)) return name;
  const char* ext = extension_for_type(u.content_type);
  if (!ext) ext = sniff(*u.bytes);
  if (!ext)
    throw HttpError{415, where + ": cannot tell the format (content type '" + u.content_type +
                             "'); send JSON/CBOR acquisition data, CSV, WAV, PNG, JPEG or BMP with its content type or file name"};
  return fs::path(name.string() + ext);
}

std::string label_for(const Upload& u, const httplib::Request& req, bool anomaly, const std::string& where) {
  std::string label;
  if (req.has_header("x-label")) {
    label = req.get_header_value("x-label");
  } else if (anomaly) {
    label = "anomaly";
  } else {
    // As the Edge Impulse uploader does: the file name up to its first dot ("idle.01.json" -> "idle").
    size_t dot = u.file_name.find('.');
    if (dot != std::string::npos && dot > 0) label = u.file_name.substr(0, dot);
  }
  if (label.empty()) throw HttpError{400, where + ": no label; send x-label or name the file label.anything.ext"};
  if (label.size() > 200) throw HttpError{400, where + ": x-label longer than 200 characters"};
  for (unsigned char c : label)
    if (c < 0x20 || c == 0x7f) throw HttpError{400, where + ": x-label holds control characters"};
  if (!is_utf8(label)) throw HttpError{400, where + ": the label is not UTF-8 text; send it UTF-8 encoded"};
  return label;
}

Sample parse_upload(const Upload& u, const httplib::Request& req, Project& p, bool anomaly, Category cat) {
  std::string where = u.file_name.empty() ? std::string("request body") : "upload '" + u.file_name + "'";
  fs::path name = parser_name(u, where);
  ParseContext ctx{where, std::nullopt, 0};
  Sample s;
  try {
    s = parse_file(*u.bytes, name, ctx);
    // Signed acquisition data is verified with the project's HMAC key; unsigned data is taken as is.
    if (s.provenance.value("alg", "") == "HS256") {
      ctx.hmac_key = p.hmac_key();
      s = parse_file(*u.bytes, name, ctx);
    }
  } catch (const Error& e) {
    throw HttpError{400, e.what()};
  }
  s.label = label_for(u, req, anomaly, where);
  s.category = cat;
  s.hash = content_hash(s);
  std::string stem = u.file_name.empty() ? "" : fs::path(u.file_name).stem().string();
  s.name = stem.empty() ? s.label + "." + s.hash.substr(0, 12) : stem;
  s.provenance["source"] = "http";
  if (!u.file_name.empty()) s.provenance["file_name"] = u.file_name;
  s.provenance["remote"] = req.remote_addr;
  s.provenance["credential"] = request_credential();  // which API key (by id) or the session uploaded it
  return s;
}

void ingest(Api& api, const httplib::Request& req, httplib::Response& res) {
  std::string kind = req.matches[1].str();
  bool anomaly = kind == "anomaly";
  Category cat = kind == "training" ? Category::Training : Category::Testing;
  bool no_dups = truthy(req.get_header_value("x-disallow-duplicates"));
  // Announced before parsing: the group being formed now waits for this upload rather than committing without it.
  auto coming = api.ingest_commits->expect();

  std::vector<Upload> uploads;
  if (req.is_multipart_form_data()) {
    for (auto& [field, part] : req.files) {
      if (field != "data") continue;
      uploads.push_back({part.filename.empty() ? "" : checked_file_name(part.filename, "multipart field 'data' filename"),
                         part.content_type, &part.content});
    }
    if (uploads.empty()) throw HttpError{400, "multipart body has no file in field 'data' (send -F data=@file)"};
  } else {
    if (req.body.empty()) throw HttpError{400, "empty body; send a sample (acquisition JSON/CBOR, CSV, WAV or an image)"};
    std::string name;
    if (req.has_header("x-file-name")) name = checked_file_name(req.get_header_value("x-file-name"), "x-file-name");
    uploads.push_back({name, req.get_header_value("Content-Type"), &req.body});
  }

  auto p = api.pool.acquire_store();  // the store and its HMAC key: mote.json is not needed
  std::vector<Sample> samples;
  for (auto& u : uploads) samples.push_back(parse_upload(u, req, *p, anomaly, cat));

  // Stored with the other uploads waiting at this moment, in one transaction; returns once durable. In teams
  // mode the audit row (the new sample ids) is written in that transaction too.
  GroupCommitter::Also audit;
  if (api.teams())
    audit = [who = request_principal(), method = req.method, path = req.path](Store& store, const std::vector<Sample>& stored) {
      json ids = json::array();
      for (auto& s : stored) ids.push_back(s.id);
      write_audit(store, who, method, "/api/{training|testing|anomaly}/{data|files}", path, ids, 200);
    };
  api.ingest_commits->commit(p->store(), samples, no_dups, audit, &coming);
  if (audit) mark_audited();
  json files = json::array();
  for (auto& s : samples)
    files.push_back({{"success", true}, {"id", s.id}, {"name", s.name}, {"fileName", s.provenance.value("file_name", s.name)},
                     {"label", s.label}, {"category", category_name(s.category)}, {"hash", s.hash}});
  reply_json(res, {{"success", true}, {"files", files}});
}

}  // namespace

void add_ingest_routes(std::vector<Route>& r) {
  r.push_back({"POST", "/api/(training|testing|anomaly)/(data|files)", "/api/{training|testing|anomaly}/{data|files}",
               "ingestion (Edge Impulse compatible): acquisition JSON/CBOR, CSV, WAV, images, multipart field 'data'",
               ingest});
}

}  // namespace mote::serve
