#include "store/dialect.h"

#include <algorithm>
#include <cctype>
#include <utility>

namespace mote::sql {

namespace {

bool word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return std::tolower(x) == std::tolower(y); });
}

// The words after position `i`, skipping whitespace: does the text continue with `PRIMARY KEY`?
bool followed_by_primary_key(std::string_view s, size_t i) {
  auto next_word = [&](size_t& p) {
    while (p < s.size() && std::isspace(static_cast<unsigned char>(s[p]))) ++p;
    size_t b = p;
    while (p < s.size() && word_char(s[p])) ++p;
    return s.substr(b, p - b);
  };
  size_t p = i;
  return iequals(next_word(p), "PRIMARY") && iequals(next_word(p), "KEY");
}

// SQLite's "now" spellings -> the same text from PostgreSQL's clock.
const std::pair<std::string_view, std::string_view> kNow[] = {
    {"strftime('%Y-%m-%dT%H:%M:%SZ', 'now')", "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"},
    {"datetime('now')", "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')"},
    // Milliseconds since the epoch, read when the statement runs (job leases compare against it).
    {"CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)", "CAST(extract(epoch FROM clock_timestamp()) * 1000 AS BIGINT)"},
};

}  // namespace

std::string postgres_sql(std::string_view sqlite_sql) {
  std::string replaced;
  for (auto& [from, to] : kNow) {
    if (sqlite_sql.find(from) == std::string_view::npos) continue;
    if (replaced.empty()) replaced = std::string(sqlite_sql);
    for (size_t p = replaced.find(from); p != std::string::npos; p = replaced.find(from, p + to.size()))
      replaced.replace(p, from.size(), to);
    sqlite_sql = replaced;
  }
  std::string_view in = sqlite_sql;
  std::string out;
  out.reserve(in.size() + 16);
  int max_param = 0;
  std::string_view prev_word;
  for (size_t i = 0; i < in.size();) {
    char c = in[i];
    if (c == '\'' || c == '"') {  // a literal or a quoted name, '' / "" escapes included
      size_t j = i + 1;
      while (j < in.size()) {
        if (in[j] == c) {
          if (j + 1 < in.size() && in[j + 1] == c) {
            j += 2;
            continue;
          }
          break;
        }
        ++j;
      }
      j = std::min(in.size(), j + 1);
      out.append(in.substr(i, j - i));
      i = j;
      continue;
    }
    if (c == '-' && i + 1 < in.size() && in[i + 1] == '-') {
      size_t j = in.find('\n', i);
      if (j == std::string_view::npos) j = in.size();
      out.append(in.substr(i, j - i));
      i = j;
      continue;
    }
    if (c == '?') {
      size_t j = i + 1;
      int n = 0;
      while (j < in.size() && std::isdigit(static_cast<unsigned char>(in[j]))) n = n * 10 + (in[j++] - '0');
      if (j == i + 1) n = max_param + 1;  // bare ?: one past the largest number so far, as SQLite counts
      max_param = std::max(max_param, n);
      out += '$' + std::to_string(n);
      i = j;
      continue;
    }
    if (word_char(c)) {
      size_t j = i;
      while (j < in.size() && word_char(in[j])) ++j;
      std::string_view w = in.substr(i, j - i);
      if (iequals(w, "INTEGER"))
        out += iequals(prev_word, "id") && followed_by_primary_key(in, j) ? "BIGSERIAL" : "BIGINT";
      else if (iequals(w, "REAL"))
        out += "DOUBLE PRECISION";
      else if (iequals(w, "BLOB"))
        out += "BYTEA";
      else if (iequals(w, "instr") && j < in.size() && in[j] == '(')
        out += "strpos";
      else
        out.append(w);
      prev_word = w;
      i = j;
      continue;
    }
    out += c;
    ++i;
  }
  return out;
}

}  // namespace mote::sql
