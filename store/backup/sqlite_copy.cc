// sqlite3_backup_* copy of the index and the chunk-extent query (see sqlite_copy.h).
#include "store/backup/sqlite_copy.h"

#include <sqlite3.h>

#include <chrono>
#include <memory>
#include <thread>

namespace skald::backup {
namespace {

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using DbPtr = std::unique_ptr<sqlite3, DbCloser>;

Result<DbPtr> OpenDb(const std::string& path, int flags) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  DbPtr p(db);
  if (rc != SQLITE_OK) {
    return Status::IOError("sqlite open " + path + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
  }
  sqlite3_busy_timeout(db, 5000);
  return p;
}

}  // namespace

Status BackupSqlite(const std::string& src, const std::string& dst) {
  auto from = OpenDb(src, SQLITE_OPEN_READONLY);
  if (!from.ok()) return from.status();
  auto to = OpenDb(dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  if (!to.ok()) return to.status();
  sqlite3_backup* b = sqlite3_backup_init(to->get(), "main", from->get(), "main");
  if (b == nullptr) return Status::IOError("sqlite backup init: " + std::string(sqlite3_errmsg(to->get())));
  int rc;
  for (int tries = 0;; ++tries) {
    rc = sqlite3_backup_step(b, -1);   // every page in one step: one read transaction
    if ((rc != SQLITE_BUSY && rc != SQLITE_LOCKED) || tries > 100) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  sqlite3_backup_finish(b);
  if (rc != SQLITE_DONE) return Status::IOError("sqlite backup of " + src + ": " + sqlite3_errstr(rc));
  char* err = nullptr;
  if (sqlite3_exec(to->get(), "PRAGMA journal_mode=DELETE", nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "?";
    sqlite3_free(err);
    return Status::IOError("sqlite " + dst + ": " + msg);
  }
  return Status::Ok();
}

Status QueryDb(const std::string& path, const char* sql, const std::function<void(sqlite3_stmt*)>& fn) {
  auto db = OpenDb(path, SQLITE_OPEN_READONLY);
  if (!db.ok()) return db.status();
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db->get(), sql, -1, &st, nullptr) != SQLITE_OK)
    return Status::Corruption(path + ": " + sqlite3_errmsg(db->get()));
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) fn(st);
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) return Status::Corruption(path + ": " + sqlite3_errstr(rc));
  return Status::Ok();
}

Result<std::map<std::string, uint64_t>> ChunkFileExtents(const std::string& index_path) {
  std::map<std::string, uint64_t> out;
  Status st = QueryDb(index_path, "SELECT file, max(offset + length) FROM chunks GROUP BY file", [&](sqlite3_stmt* s) {
    out[reinterpret_cast<const char*>(sqlite3_column_text(s, 0))] = static_cast<uint64_t>(sqlite3_column_int64(s, 1));
  });
  if (!st.ok()) return st;
  return out;
}

}  // namespace skald::backup
