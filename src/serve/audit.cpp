#include "serve/audit.h"

#include "serve/job_rows.h"

namespace mote::serve {

namespace {
// Binds actor, user_id and key_id at parameters i, i+1, i+2.
void bind_who(sql::Stmt& st, int i, const Principal& who) {
  st.bind(i, who.label());
  if (who.kind == Principal::Kind::User) st.bind(i + 1, who.id);
  else st.bind_null(i + 1);
  if (who.kind == Principal::Kind::Key) st.bind(i + 2, who.id);
  else st.bind_null(i + 2);
}

std::string objects_text(const nlohmann::json& objects) {
  return objects.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}
}  // namespace

namespace {
// One audit row; its id.
int64_t insert_audit(Store& store, const Principal& who, const std::string& method, const std::string& route,
                     const std::string& path, const nlohmann::json& objects, int status) {
  sql::Stmt st(store.db(),
               "INSERT INTO audit(created_at, actor, user_id, key_id, method, route, path, objects, status) "
               "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
  st.bind(1, now_iso8601());
  bind_who(st, 2, who);
  // The path as sent but bounded: ids are in it, and a megabyte of path is no record anyone needs.
  st.bind(5, method).bind(6, route).bind(7, path.substr(0, 1024));
  st.bind(8, objects_text(objects)).bind(9, status);
  st.step();
  const int64_t id = st.int64(0);
  st.reset();
  return id;
}
}  // namespace

void write_audit(Store& store, const Principal& who, const std::string& method, const std::string& route,
                 const std::string& path, const nlohmann::json& objects, int status) {
  insert_audit(store, who, method, route, path, objects, status);
}

int64_t begin_audit(Store& store, const Principal& who, const std::string& method, const std::string& route,
                    const std::string& path) {
  return insert_audit(store, who, method, route, path, nlohmann::json::array(), 0);
}

void finish_audit(Store& store, int64_t id, const Principal& who, const nlohmann::json& objects, int status) {
  sql::Stmt st(store.db(), "UPDATE audit SET actor = ?, user_id = ?, key_id = ?, objects = ?, status = ? WHERE id = ?");
  bind_who(st, 1, who);
  st.bind(4, objects_text(objects)).bind(5, status).bind(6, id).run();
}

std::vector<AuditEntry> list_audit(Store& store, int64_t limit, int64_t before_id) {
  sql::Stmt st(store.db(),
               "SELECT id, created_at, actor, user_id, key_id, method, route, path, objects, status FROM audit "
               "WHERE (? = 0 OR id < ?) ORDER BY id DESC LIMIT ?");
  st.bind(1, before_id).bind(2, before_id).bind(3, limit);
  std::vector<AuditEntry> out;
  while (st.step()) {
    AuditEntry e;
    e.id = st.int64(0);
    e.created_at = st.text(1);
    e.actor = st.text(2);
    if (!st.is_null(3)) e.user_id = st.int64(3);
    if (!st.is_null(4)) e.key_id = st.int64(4);
    e.method = st.text(5);
    e.route = st.text(6);
    e.path = st.text(7);
    e.objects = nlohmann::json::parse(st.text(8), nullptr, false);
    if (e.objects.is_discarded()) e.objects = nlohmann::json::array();
    e.status = static_cast<int>(st.int64(9));
    out.push_back(std::move(e));
  }
  return out;
}

nlohmann::json audit_json(const AuditEntry& e) {
  return {{"id", e.id},
          {"at", e.created_at},
          {"actor", e.actor},
          {"user_id", e.user_id ? nlohmann::json(*e.user_id) : nlohmann::json(nullptr)},
          {"key_id", e.key_id ? nlohmann::json(*e.key_id) : nlohmann::json(nullptr)},
          {"method", e.method},
          {"route", e.route},
          {"path", e.path},
          {"objects", e.objects},
          {"status", e.status}};
}

}  // namespace mote::serve
