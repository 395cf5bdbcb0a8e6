#include <algorithm>

#include "ingest/acquisition.h"
#include "ingest/csv.h"
#include "ingest/format.h"
#include "ingest/image.h"
#include "ingest/mat.h"
#include "ingest/wav.h"

namespace mote {

const std::vector<Format>& formats() {
  static const std::vector<Format> list = {
      {"acquisition-json", {".json"}, parse_acquisition_json},
      {"acquisition-cbor", {".cbor"}, parse_acquisition_cbor},
      {"csv", {".csv"}, parse_csv},
      {"wav", {".wav", ".wave"}, parse_wav},
      {"image", {".png", ".jpg", ".jpeg", ".bmp"}, parse_image},
      {"mat", {".mat"}, parse_mat},
  };
  return list;
}

const Format* format_for(const std::filesystem::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  for (const auto& f : formats())
    if (std::find(f.extensions.begin(), f.extensions.end(), ext) != f.extensions.end()) return &f;
  return nullptr;
}

std::string supported_extensions() {
  std::string out;
  for (const auto& f : formats())
    for (const auto& e : f.extensions) out += (out.empty() ? "" : ", ") + e;
  return out;
}

}  // namespace mote
