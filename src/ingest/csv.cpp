#include "ingest/csv.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>

#include "core/error.h"

namespace mote {

namespace {

constexpr std::array<std::string_view, 8> kTimestampNames = {"timestamp", "time", "ts",     "t",
                                                             "timestamp_ms", "time_ms", "millis", "ms"};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Spaces, then one pair of enclosing double quotes, then spaces inside them.
std::string_view clean_cell(std::string_view s) {
  s = trim(s);
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = trim(s.substr(1, s.size() - 2));
  return s;
}

// Splits one line into cleaned cells; a delimiter inside double quotes does not split.
void split(std::string_view line, char delim, std::vector<std::string_view>& cells) {
  cells.clear();
  bool quoted = false;
  size_t start = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (c == '"') {
      quoted = !quoted;
    } else if (c == delim && !quoted) {
      cells.push_back(clean_cell(line.substr(start, i - start)));
      start = i + 1;
    }
  }
  cells.push_back(clean_cell(line.substr(start)));
}

// The delimiter the header uses most (outside quotes); ',' when the file has a single column.
char detect_delimiter(std::string_view first_line) {
  const char candidates[] = {',', ';', '\t'};
  size_t counts[3] = {0, 0, 0};
  bool quoted = false;
  for (char c : first_line) {
    if (c == '"')
      quoted = !quoted;
    else if (!quoted)
      for (int k = 0; k < 3; ++k) counts[k] += c == candidates[k];
  }
  int best = 0;
  for (int k = 1; k < 3; ++k)
    if (counts[k] > counts[best]) best = k;
  return candidates[best];
}

// from_chars rejects a leading '+', which spreadsheets sometimes write.
std::string_view skip_plus(std::string_view s) {
  return s.size() > 1 && s.front() == '+' && s[1] != '-' && s[1] != '+' ? s.substr(1) : s;
}

template <typename T>
bool parse_number(std::string_view s, T& out) {
  s = skip_plus(s);
  auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

bool is_number(std::string_view s) {
  double d;
  return parse_number(s, d);
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != b[i]) return false;
  return true;
}

// "accX (m/s2)" or "accX [m/s2]" -> {accX, m/s2}; anything else is a bare name.
Sensor split_units(std::string_view cell) {
  for (auto [open, close] : {std::pair{'(', ')'}, std::pair{'[', ']'}}) {
    size_t at = cell.rfind(open);
    if (!cell.empty() && cell.back() == close && at != std::string_view::npos && at > 0) {
      std::string_view name = trim(cell.substr(0, at));
      if (!name.empty()) return {std::string(name), std::string(trim(cell.substr(at + 1, cell.size() - at - 2)))};
    }
  }
  return {std::string(cell), ""};
}

// Milliseconds per unit of a timestamp column, or 0 when the unit is not a time unit mote knows.
double ms_per_unit(const std::string& units) {
  if (units.empty() || units == "ms") return 1.0;
  if (units == "s") return 1000.0;
  if (units == "us") return 0.001;
  return 0.0;
}

struct Layout {
  std::vector<std::string> columns;  // every column's name, for messages
  std::vector<Sensor> sensors;       // the value columns
  bool has_header = false;
  bool has_timestamp = false;
  double ts_scale = 1.0;  // timestamp unit -> ms
};

Layout read_header(const std::vector<std::string_view>& cells, const std::string& where) {
  Layout l;
  for (auto c : cells) l.has_header |= !c.empty() && !is_number(c);
  if (!l.has_header) {
    for (size_t i = 0; i < cells.size(); ++i) l.sensors.push_back({"axis" + std::to_string(i), ""});
    for (auto& s : l.sensors) l.columns.push_back(s.name);
    return l;
  }
  for (size_t i = 0; i < cells.size(); ++i) {
    if (cells[i].empty())
      throw error_at(where + ":1", "header column " + std::to_string(i + 1) + " is empty; name it or delete the column");
    Sensor s = split_units(cells[i]);
    l.columns.push_back(s.name);
    bool is_time = i == 0 && std::any_of(kTimestampNames.begin(), kTimestampNames.end(),
                                         [&](std::string_view n) { return iequals(s.name, n); });
    if (is_time) {
      l.has_timestamp = true;
      l.ts_scale = ms_per_unit(s.units);
      if (l.ts_scale == 0.0)
        throw error_at(where + ":1", "timestamp column is in '" + s.units + "'; use ms, s or us");
    } else {
      l.sensors.push_back(std::move(s));
    }
  }
  if (l.sensors.empty()) throw error_at(where + ":1", "only a timestamp column; add one column per sensor axis");
  return l;
}

std::string cell_error(const std::string& at, const std::string& column, std::string_view cell) {
  if (cell.empty()) return at + ": column " + column + " is empty; fill it in or delete the row";
  return at + ": column " + column + ": '" + std::string(cell) + "' is not a number; fix the cell or delete the row";
}

}  // namespace

Sample parse_csv(std::string_view bytes, const ParseContext& ctx) {
  const std::string& where = ctx.where;
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);  // the UTF-8 BOM spreadsheets write

  Sample s;
  s.kind = SampleKind::TimeSeries;
  s.provenance = {{"importer", "csv"}};
  Layout layout;
  char delim = ',';
  std::vector<std::string_view> cells;
  size_t line_no = 0, blank_line = 0, rows = 0;
  double first_ts = 0, last_ts = 0;

  for (size_t pos = 0; pos < bytes.size();) {
    const char* nl = static_cast<const char*>(std::memchr(bytes.data() + pos, '\n', bytes.size() - pos));
    size_t end = nl ? static_cast<size_t>(nl - bytes.data()) : bytes.size();
    std::string_view line = bytes.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (trim(line).empty()) {
      if (!blank_line) blank_line = line_no;  // fine if only blank lines follow
      continue;
    }
    if (blank_line) throw error_at(where + ":" + std::to_string(blank_line), "empty row; delete it");
    auto at = [&] { return where + ":" + std::to_string(line_no); };  // built only on error: this loop is benchmarked

    if (line_no == 1) {
      delim = detect_delimiter(line);
      split(line, delim, cells);
      layout = read_header(cells, where);
      if (layout.has_header) continue;
    } else {
      split(line, delim, cells);
    }

    if (cells.size() != layout.columns.size())
      throw Error(at() + ": " + std::to_string(cells.size()) + " cells, the " + (layout.has_header ? "header" : "first row") +
                  " has " + std::to_string(layout.columns.size()) + "; fix or delete the row");
    size_t c = 0;
    if (layout.has_timestamp) {
      double ts;
      if (!parse_number(cells[0], ts)) throw Error(cell_error(at(), layout.columns[0], cells[0]));
      if (!std::isfinite(ts)) throw Error(at() + ": timestamp '" + std::string(cells[0]) + "' is not finite; fix or delete the row");
      ts *= layout.ts_scale;
      if (rows > 0 && !(ts > last_ts))
        throw Error(at() + ": timestamp " + std::string(cells[0]) +
                    " is not after the previous row's; timestamps must strictly increase (sort the rows or fix the clock)");
      if (rows == 0) first_ts = ts;
      last_ts = ts;
      c = 1;
    }
    for (; c < cells.size(); ++c) {
      float v;
      if (!parse_number(cells[c], v)) {
        // from_chars refuses values beyond float32; read them as double so tiny ones become 0 and huge ones Inf.
        double d;
        if (!parse_number(cells[c], d)) throw Error(cell_error(at(), layout.columns[c], cells[c]));
        v = static_cast<float>(d);
      }
      if (!std::isfinite(v))
        throw Error(at() + ": column " + layout.columns[c] + ": '" + std::string(cells[c]) +
                    "' is not a finite float32 number (NaN, Inf or beyond 3.4e38); fix or delete the row");
      s.values.push_back(v);
    }
    ++rows;
  }

  if (layout.columns.empty())
    throw error_at(where, "empty CSV (no rows); add a header and one row per sample");
  if (rows == 0) throw error_at(where, "has a header but no data rows; add one row per sample");

  s.sensors = std::move(layout.sensors);
  // Timestamps are the data's own clock, so they win over an interval given for the whole import.
  if (layout.has_timestamp && rows > 1) {
    s.interval_ms = (last_ts - first_ts) / static_cast<double>(rows - 1);
  } else if (ctx.interval_ms > 0 && std::isfinite(ctx.interval_ms)) {
    s.interval_ms = ctx.interval_ms;
  } else if (layout.has_timestamp) {
    throw error_at(where, "one data row: the interval cannot come from its timestamp; pass --interval-ms or --frequency-hz");
  } else {
    throw error_at(where, "no timestamp column and no sampling interval; pass --frequency-hz or --interval-ms, or add a 'timestamp' column in ms");
  }
  return s;
}

}  // namespace mote
