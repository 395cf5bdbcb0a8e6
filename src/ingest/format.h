// The importer interface: one file pair per format parses bytes into samples; formats.cpp registers them.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/sample.h"

namespace mote {

// What a parser may need beyond the bytes. `where` names the file in every error message.
struct ParseContext {
  std::string where;
  std::optional<std::string> hmac_key;  // acquisition format: verify HS256 signatures with it
  double interval_ms = 0;               // CSV without a timestamp column: the sampling interval
};

// A parser returns a sample with kind, shape, values/pixels, sensors, interval and provenance filled in.
// Name, label and category are decided by the import pipeline. Errors: mote::Error, one line, starting
// with ctx.where (plus ":line N" or ": field" where known), ending with what to do.
using ParseFn = Sample (*)(std::string_view bytes, const ParseContext& ctx);

struct Format {
  const char* name;                     // "csv", "wav", ...
  std::vector<std::string> extensions;  // lowercase, with the dot: ".csv"
  ParseFn parse;
};

// Every registered format, in one list.
const std::vector<Format>& formats();
// The format for a path by its extension (case-insensitive), or nullptr.
const Format* format_for(const std::filesystem::path& path);
// ".csv, .json, ..." for error messages.
std::string supported_extensions();

}  // namespace mote
