// The marks table (store/compactor/FORMAT.md): one row per dead file, written before the file is
// considered for deletion and removed after it is gone or found live again.
#include "store/compactor/marks.h"

#include "store/index/sqlite_open.h"

namespace skald::compactor {
namespace {

constexpr const char* kSchema = R"sql(
PRAGMA journal_mode=WAL;
PRAGMA synchronous=FULL;
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT OR IGNORE INTO meta VALUES('marks_version', '1');
CREATE TABLE IF NOT EXISTS marks(file TEXT PRIMARY KEY, marked_ns INTEGER NOT NULL);
)sql";

}  // namespace

Result<std::unique_ptr<Marks>> Marks::Open(const std::string& path) {
  std::unique_ptr<Marks> m(new Marks());
  SKALD_RETURN_IF_ERROR(index::OpenSqlite(path, true, kSchema, "compactor marks", &m->db_));
  return m;
}

Marks::~Marks() {
  if (db_ != nullptr) sqlite3_close(db_);
}

Status Marks::Exec(const std::string& sql, const std::string& file, int64_t n) {
  std::lock_guard<std::mutex> lk(mu_);
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr);
  sqlite3_bind_text(s, 1, file.data(), static_cast<int>(file.size()), SQLITE_TRANSIENT);
  if (sql.find("?2") != std::string::npos) sqlite3_bind_int64(s, 2, n);
  int rc = sqlite3_step(s);
  sqlite3_finalize(s);
  if (rc != SQLITE_DONE) return Status::IOError(std::string("compactor marks: ") + sqlite3_errmsg(db_));
  return Status::Ok();
}

Status Marks::Add(const std::string& file, int64_t now_ns) {
  return Exec("INSERT OR IGNORE INTO marks(file, marked_ns) VALUES(?1, ?2)", file, now_ns);
}

Status Marks::Remove(const std::string& file) { return Exec("DELETE FROM marks WHERE file = ?1", file, 0); }

Result<std::map<std::string, int64_t>> Marks::All() const {
  std::lock_guard<std::mutex> lk(mu_);
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(db_, "SELECT file, marked_ns FROM marks", -1, &s, nullptr);
  std::map<std::string, int64_t> out;
  int rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    out[reinterpret_cast<const char*>(sqlite3_column_text(s, 0))] = sqlite3_column_int64(s, 1);
  }
  sqlite3_finalize(s);
  if (rc != SQLITE_DONE) return Status::IOError(std::string("compactor marks: ") + sqlite3_errmsg(db_));
  return out;
}

}  // namespace skald::compactor
