// OpenSqlite: open flags, busy timeout, schema script, errors naming the file.
#include "store/index/sqlite_open.h"

namespace skald::index {

Status OpenSqlite(const std::string& path, bool serialized, const char* schema, const std::string& what,
                  sqlite3** db) {
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | (serialized ? SQLITE_OPEN_FULLMUTEX : SQLITE_OPEN_NOMUTEX);
  if (sqlite3_open_v2(path.c_str(), db, flags, nullptr) != SQLITE_OK)
    return Status::IOError(what + ": open " + path + ": " + (*db ? sqlite3_errmsg(*db) : "out of memory"));
  sqlite3_busy_timeout(*db, 5000);
  char* err = nullptr;
  if (sqlite3_exec(*db, schema, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown";
    sqlite3_free(err);
    return Status::IOError(what + ": " + path + ": " + msg);
  }
  return Status::Ok();
}

}  // namespace skald::index
