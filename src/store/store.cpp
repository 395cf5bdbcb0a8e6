#include "store/store.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <chrono>
#include <cstring>
#include <ctime>

#include "core/error.h"
#include "store/migrations.h"

namespace mote {

static_assert(std::endian::native == std::endian::little, "sample blobs are stored as little-endian float32");

namespace {

std::string now_iso8601() {
  auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string sensors_json(const std::vector<Sensor>& sensors) {
  nlohmann::json a = nlohmann::json::array();
  for (auto& s : sensors) a.push_back({{"name", s.name}, {"units", s.units}});
  return a.dump();
}

std::vector<Sensor> parse_sensors(const std::string& text) {
  std::vector<Sensor> out;
  for (auto& s : nlohmann::json::parse(text)) out.push_back({s.at("name").get<std::string>(), s.at("units").get<std::string>()});
  return out;
}

const char* kSelect =
    "SELECT id, name, label, category, kind, interval_ms, width, height, channels, sensors, device_name, "
    "device_type, hash, created_at, provenance, frames FROM samples";

Sample read_row(const sql::Stmt& st) {
  Sample s;
  s.id = st.int64(0);
  s.name = st.text(1);
  s.label = st.text(2);
  s.category = st.text(3) == "testing" ? Category::Testing : Category::Training;
  s.kind = st.text(4) == "image" ? SampleKind::Image : SampleKind::TimeSeries;
  s.interval_ms = st.real(5);
  s.width = static_cast<uint32_t>(st.int64(6));
  s.height = static_cast<uint32_t>(st.int64(7));
  s.channels = static_cast<uint32_t>(st.int64(8));
  s.sensors = parse_sensors(st.text(9));
  s.device_name = st.text(10);
  s.device_type = st.text(11);
  s.hash = st.text(12);
  s.created_at = st.text(13);
  s.provenance = nlohmann::json::parse(st.text(14));
  s.stored_frames = static_cast<uint64_t>(st.int64(15));
  return s;
}

// WHERE clause + binder for a filter; parameters are bound positionally in the same order.
struct Where {
  std::string sql;
  std::vector<std::string> texts;
};

Where build_where(const SampleFilter& f) {
  Where w;
  std::vector<std::string> parts;
  if (f.label) {
    parts.push_back("label = ?");
    w.texts.push_back(*f.label);
  }
  if (f.category) {
    parts.push_back("category = ?");
    w.texts.push_back(category_name(*f.category));
  }
  if (f.name_contains) {
    parts.push_back("instr(name, ?) > 0");
    w.texts.push_back(*f.name_contains);
  }
  if (!f.ids.empty()) {
    std::string in = "id IN (";
    for (size_t i = 0; i < f.ids.size(); ++i) in += (i ? "," : "") + std::to_string(f.ids[i]);
    parts.push_back(in + ")");
  }
  for (size_t i = 0; i < parts.size(); ++i) w.sql += (i ? " AND " : " WHERE ") + parts[i];
  return w;
}

}  // namespace

Store::Store(const std::string& location, bool create, bool migrate_now) : db_(location, create) {
  if (db_.backend() == sql::Backend::Sqlite)
    db_.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");
  if (migrate_now) migrate();
}

int Store::schema_version() {
  sql::Stmt st(db_, "SELECT max(version) FROM schema_version");
  return st.step() && !st.is_null(0) ? static_cast<int>(st.int64(0)) : 0;
}

void Store::migrate() {
  const auto& steps = schema_migrations();
  const int latest = static_cast<int>(steps.size());
  auto tables = db_.tables();
  bool known = std::find(tables.begin(), tables.end(), "schema_version") != tables.end();
  // Up to date (every open but the first) or too new: a read, which never waits for a writer.
  const int seen = known ? schema_version() : 0;
  if (seen > latest)
    throw error_at(db_.path(), "written by a newer mote (schema " + std::to_string(seen) + "); upgrade mote to open it");
  if (known && seen == latest) return;
  // The version is read under the writer lock: two processes opening a new shared store migrate it once.
  while (true) {
    sql::Transaction tx(db_);
    db_.exec("CREATE TABLE IF NOT EXISTS schema_version(version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)");
    int have = schema_version();
    if (have > latest)
      throw error_at(db_.path(), "written by a newer mote (schema " + std::to_string(have) + "); upgrade mote to open it");
    if (have == latest) {
      tx.commit();
      return;
    }
    db_.exec(steps[static_cast<size_t>(have)]);
    sql::Stmt st(db_, "INSERT INTO schema_version(version, applied_at) VALUES(?, ?)");
    st.bind(1, have + 1).bind(2, now_iso8601()).run();
    tx.commit();
  }
}

sql::Stmt& Store::prepared(const std::string& sql) {
  auto& slot = prepared_[sql];
  if (!slot) slot = std::make_unique<sql::Stmt>(db_, sql);
  return *slot;
}

sql::Stmt& Store::cached(std::unique_ptr<sql::Stmt>& slot, const char* sql) {
  if (!slot) slot = std::make_unique<sql::Stmt>(db_, sql);
  return *slot;
}

int64_t Store::insert(Sample& s) {
  // Both rows or neither; inside a caller's transaction that one already guarantees it.
  std::optional<sql::Transaction> tx;
  if (!db_.in_transaction()) tx.emplace(db_);
  Sample* one = &s;
  insert_rows(&one, 1);
  if (tx) tx->commit();
  return s.id;
}

void Store::insert_all(const std::vector<Sample*>& batch) {
  // Chunks of 2^k rows: a handful of statement shapes, each prepared once per connection.
  size_t done = 0;
  while (done < batch.size()) {
    size_t n = std::bit_floor(std::min<size_t>(batch.size() - done, 256));
    insert_rows(batch.data() + done, n);
    done += n;
  }
}

// The samples rows in one statement, then their data rows in another.
void Store::insert_rows(Sample* const* rows, size_t n) {
  constexpr int kColumns = 16;
  std::string values, data_values;
  for (size_t r = 0; r < n; ++r) {
    values += r ? ",(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)" : "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
    data_values += r ? ",(?,?)" : "(?,?)";
  }
  // RETURNING rather than last_insert_id(): one round trip less on PostgreSQL (no lastval()).
  sql::Stmt& st = prepared("INSERT INTO samples(name, label, category, kind, interval_ms, axes, frames, width, height, "
                           "channels, sensors, device_name, device_type, hash, created_at, provenance) VALUES" + values +
                           " RETURNING id");
  sql::Done st_done(st);
  const std::string now = now_iso8601();
  for (size_t r = 0; r < n; ++r) {
    Sample& s = *rows[r];
    if (s.hash.empty()) s.hash = content_hash(s);
    s.created_at = now;
    int c = static_cast<int>(r) * kColumns;
    st.bind(c + 1, s.name).bind(c + 2, s.label).bind(c + 3, category_name(s.category)).bind(c + 4, kind_name(s.kind));
    st.bind(c + 5, s.interval_ms).bind(c + 6, static_cast<int64_t>(s.axes())).bind(c + 7, static_cast<int64_t>(s.frames()));
    st.bind(c + 8, static_cast<int64_t>(s.width)).bind(c + 9, static_cast<int64_t>(s.height));
    st.bind(c + 10, static_cast<int64_t>(s.channels)).bind(c + 11, sensors_json(s.sensors));
    st.bind(c + 12, s.device_name).bind(c + 13, s.device_type).bind(c + 14, s.hash).bind(c + 15, s.created_at);
    st.bind(c + 16, s.provenance.dump());
  }
  // RETURNING's order is not promised, but the ids are made in the order of the VALUES rows: sorted, they
  // are the rows' ids in order.
  std::vector<int64_t> ids;
  while (st.step()) ids.push_back(st.int64(0));
  if (ids.size() != n) db_.fail("no id was made for the sample");
  std::sort(ids.begin(), ids.end());
  sql::Stmt& data = prepared("INSERT INTO sample_data(sample_id, data) VALUES" + data_values);
  sql::Done data_done(data);
  for (size_t r = 0; r < n; ++r) {
    Sample& s = *rows[r];
    s.id = ids[r];
    int c = static_cast<int>(r) * 2;
    data.bind(c + 1, s.id);
    if (s.kind == SampleKind::TimeSeries)
      data.bind_blob(c + 2, s.values.data(), s.values.size() * sizeof(float));
    else
      data.bind_blob(c + 2, s.pixels.data(), s.pixels.size());
  }
  data.run();
}

std::optional<int64_t> Store::find_by_hash(const std::string& hash) {
  sql::Stmt& st = cached(find_hash_, "SELECT id FROM samples WHERE hash = ? ORDER BY id LIMIT 1");
  st.bind(1, hash);
  std::optional<int64_t> id;
  if (st.step()) id = st.int64(0);
  st.reset();
  return id;
}

std::vector<Sample> Store::list(const SampleFilter& f, bool with_data) {
  Where w = build_where(f);
  std::string q = std::string(kSelect) + w.sql + " ORDER BY id LIMIT ? OFFSET ?";
  sql::Stmt st(db_, q);
  int i = 1;
  for (auto& t : w.texts) st.bind(i++, t);
  st.bind(i, f.limit < 0 ? INT64_MAX : f.limit);  // no LIMIT -1 on PostgreSQL
  st.bind(i + 1, f.offset);
  std::vector<Sample> out;
  while (st.step()) out.push_back(read_row(st));
  if (with_data) {
    sql::Stmt d(db_, "SELECT data FROM sample_data WHERE sample_id = ?");
    for (auto& s : out) {
      d.bind(1, s.id);
      if (!d.step()) throw Error("sample " + std::to_string(s.id) + ": data missing from the store");
      std::string blob = d.blob(0);
      if (s.kind == SampleKind::TimeSeries) {
        s.values.resize(blob.size() / sizeof(float));
        std::memcpy(s.values.data(), blob.data(), s.values.size() * sizeof(float));
      } else {
        s.pixels.assign(blob.begin(), blob.end());
      }
      d.reset();
    }
  }
  return out;
}

int64_t Store::count(const SampleFilter& f) {
  Where w = build_where(f);
  sql::Stmt st(db_, "SELECT count(*) FROM samples" + w.sql);
  int i = 1;
  for (auto& t : w.texts) st.bind(i++, t);
  st.step();
  return st.int64(0);
}

Sample Store::get(int64_t id, bool with_data) {
  SampleFilter f;
  f.ids = {id};
  auto v = list(f, with_data);
  if (v.empty()) throw Error("sample " + std::to_string(id) + ": no such sample; list them with `mote samples`");
  return std::move(v.front());
}

std::vector<LabelCount> Store::label_counts() {
  sql::Stmt st(db_,
               "SELECT label, sum(CASE WHEN category = 'training' THEN 1 ELSE 0 END), "
               "sum(CASE WHEN category = 'testing' THEN 1 ELSE 0 END) FROM samples "
               "GROUP BY label ORDER BY label");
  std::vector<LabelCount> out;
  while (st.step()) out.push_back({st.text(0), st.int64(1), st.int64(2)});
  return out;
}

void Store::require(int64_t id) {
  sql::Stmt st(db_, "SELECT 1 FROM samples WHERE id = ?");
  st.bind(1, id);
  if (!st.step()) throw Error("sample " + std::to_string(id) + ": no such sample; list them with `mote samples`");
}

void Store::set_label(int64_t id, const std::string& label) {
  require(id);
  sql::Stmt st(db_, "UPDATE samples SET label = ? WHERE id = ?");
  st.bind(1, label).bind(2, id).run();
}

void Store::set_category(int64_t id, Category c) {
  require(id);
  sql::Stmt st(db_, "UPDATE samples SET category = ? WHERE id = ?");
  st.bind(1, category_name(c)).bind(2, id).run();
}

void Store::rename(int64_t id, const std::string& name) {
  require(id);
  sql::Stmt st(db_, "UPDATE samples SET name = ? WHERE id = ?");
  st.bind(1, name).bind(2, id).run();
}

void Store::remove(int64_t id) {
  require(id);
  sql::Transaction tx(db_);
  sql::Stmt d(db_, "DELETE FROM sample_data WHERE sample_id = ?");
  d.bind(1, id).run();
  sql::Stmt st(db_, "DELETE FROM samples WHERE id = ?");
  st.bind(1, id).run();
  tx.commit();
}

void Store::replace_data(Sample& s) {
  require(s.id);
  s.hash = content_hash(s);
  sql::Transaction tx(db_);
  sql::Stmt st(db_, "UPDATE samples SET frames = ?, axes = ?, hash = ? WHERE id = ?");
  st.bind(1, static_cast<int64_t>(s.frames())).bind(2, static_cast<int64_t>(s.axes())).bind(3, s.hash).bind(4, s.id);
  st.run();
  sql::Stmt d(db_, "UPDATE sample_data SET data = ? WHERE sample_id = ?");
  if (s.kind == SampleKind::TimeSeries)
    d.bind_blob(1, s.values.data(), s.values.size() * sizeof(float));
  else
    d.bind_blob(1, s.pixels.data(), s.pixels.size());
  d.bind(2, s.id).run();
  tx.commit();
}

std::optional<std::string> Store::setting(const std::string& key) {
  sql::Stmt st(db_, "SELECT value FROM settings WHERE key = ?");
  st.bind(1, key);
  if (st.step()) return st.text(0);
  return std::nullopt;
}

void Store::set_setting(const std::string& key, const std::string& value) {
  sql::Stmt st(db_, "INSERT INTO settings(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
  st.bind(1, key).bind(2, value).run();
}

}  // namespace mote
