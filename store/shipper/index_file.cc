// Writing and reading the shipped SQLite index files (schema in FORMAT.md, version 1).
#include "store/shipper/index_file.h"

#include <sqlite3.h>
#include <unistd.h>

#include <cstdio>
#include <map>

#include <fmt/format.h>

#include "store/index/sqlite_open.h"

namespace skald::shipper {
namespace {

constexpr const char* kSchema = R"sql(
PRAGMA journal_mode=OFF;
PRAGMA synchronous=OFF;
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS streams(id INTEGER PRIMARY KEY, tenant TEXT NOT NULL,
  fingerprint INTEGER NOT NULL, labels TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS chunks(stream_id INTEGER NOT NULL, file TEXT NOT NULL,
  offset INTEGER NOT NULL, length INTEGER NOT NULL, min_ts INTEGER NOT NULL, max_ts INTEGER NOT NULL,
  entries INTEGER NOT NULL, line_bytes INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS sources(key TEXT PRIMARY KEY);
)sql";

struct Db {
  sqlite3* db = nullptr;
  ~Db() { sqlite3_close(db); }
};

struct Stmt {
  sqlite3_stmt* s = nullptr;
  Stmt(sqlite3* db, const char* sql) { sqlite3_prepare_v2(db, sql, -1, &s, nullptr); }
  ~Stmt() { sqlite3_finalize(s); }
  Stmt& Text(int i, const std::string& v) {
    sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& Int(int i, int64_t v) { sqlite3_bind_int64(s, i, v); return *this; }
  bool Run() {
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_DONE;
  }
  int64_t Col(int i) const { return sqlite3_column_int64(s, i); }
  std::string ColText(int i) const {
    const unsigned char* t = sqlite3_column_text(s, i);
    return t ? std::string(reinterpret_cast<const char*>(t), sqlite3_column_bytes(s, i)) : std::string();
  }
};

Status Err(sqlite3* db, const std::string& path, const char* what) {
  return Status::IOError(fmt::format("index file {}: {}: {}", path, what, sqlite3_errmsg(db)));
}

Status WriteRows(sqlite3* db, const std::string& path, const IndexFileContents& c) {
  Stmt meta(db, "INSERT INTO meta VALUES(?,?)");
  if (!meta.Text(1, "index_file_version").Text(2, std::to_string(kIndexFileVersion)).Run() ||
      !meta.Text(1, "node").Text(2, c.node).Run() ||
      !meta.Text(1, "created_ns").Text(2, std::to_string(c.created_ns)).Run() ||
      !meta.Text(1, "streams").Text(2, std::to_string(c.streams.size())).Run() ||
      !meta.Text(1, "chunks").Text(2, std::to_string(c.chunks.size())).Run())
    return Err(db, path, "meta");
  if (!c.deletes_applied.empty()) {
    std::string ids;
    for (const auto& id : c.deletes_applied) ids += (ids.empty() ? "" : " ") + id;
    if (!meta.Text(1, "deletes_applied").Text(2, ids).Run()) return Err(db, path, "meta");
  }
  Stmt st(db, "INSERT INTO streams VALUES(?,?,?,?)");
  for (const auto& s : c.streams) {
    if (!st.Int(1, static_cast<int64_t>(s.id)).Text(2, s.tenant).Int(3, static_cast<int64_t>(s.fingerprint))
             .Text(4, s.labels.ToString()).Run())
      return Err(db, path, "streams");
  }
  Stmt ch(db, "INSERT INTO chunks VALUES(?,?,?,?,?,?,?,?)");
  for (const auto& k : c.chunks) {
    const auto& r = k.ref;
    if (!ch.Int(1, static_cast<int64_t>(k.stream_id)).Text(2, r.file).Int(3, static_cast<int64_t>(r.offset))
             .Int(4, static_cast<int64_t>(r.length)).Int(5, r.min_ts).Int(6, r.max_ts).Int(7, r.entries)
             .Int(8, r.line_bytes).Run())
      return Err(db, path, "chunks");
  }
  Stmt so(db, "INSERT OR IGNORE INTO sources VALUES(?)");
  for (const auto& k : c.sources)
    if (!so.Text(1, k).Run()) return Err(db, path, "sources");
  return Status::Ok();
}

}  // namespace

Status WriteIndexFile(const std::string& path, const IndexFileContents& c) {
  ::unlink(path.c_str());
  Db d;
  SKALD_RETURN_IF_ERROR(index::OpenSqlite(path, false, kSchema, "index file", &d.db));
  if (sqlite3_exec(d.db, "BEGIN", nullptr, nullptr, nullptr) != SQLITE_OK) return Err(d.db, path, "begin");
  SKALD_RETURN_IF_ERROR(WriteRows(d.db, path, c));
  if (sqlite3_exec(d.db, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) return Err(d.db, path, "commit");
  if (sqlite3_close(d.db) != SQLITE_OK) return Err(d.db, path, "close");
  d.db = nullptr;
  FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return Status::IOError("index file " + path + ": reopen for sync");
  int rc = ::fsync(fileno(f));
  std::fclose(f);
  return rc == 0 ? Status::Ok() : Status::IOError("index file " + path + ": fsync");
}

namespace {

// Every row loop must end in SQLITE_DONE: a damaged page ends it early with an error code, and a
// partial read taken for a whole one would let the bucket compactor drop rows for good.
Status Drained(int rc, sqlite3* db, const std::string& path, const char* what) {
  if (rc == SQLITE_DONE) return Status::Ok();
  return Status::Corruption(fmt::format("index file {}: reading {}: {}", path, what, sqlite3_errmsg(db)));
}

}  // namespace

Result<IndexFileContents> ReadIndexFile(const std::string& path) {
  Db d;
  if (sqlite3_open_v2(path.c_str(), &d.db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK)
    return Err(d.db, path, "open");
  IndexFileContents c;
  std::map<std::string, std::string> kv;
  {
    Stmt m(d.db, "SELECT key, value FROM meta");
    if (m.s == nullptr) return Status::Corruption("index file " + path + ": not a skald index file");
    int rc;
    while ((rc = sqlite3_step(m.s)) == SQLITE_ROW) kv[m.ColText(0)] = m.ColText(1);
    SKALD_RETURN_IF_ERROR(Drained(rc, d.db, path, "meta"));
    if (kv["index_file_version"] != std::to_string(kIndexFileVersion))
      return Status::Corruption(fmt::format("index file {}: unsupported version '{}'", path, kv["index_file_version"]));
    c.node = kv["node"];
    c.created_ns = std::strtoll(kv["created_ns"].c_str(), nullptr, 10);
    const std::string& ids = kv["deletes_applied"];
    for (size_t a = 0; a < ids.size();) {
      size_t b = ids.find(' ', a);
      if (b == std::string::npos) b = ids.size();
      if (b > a) c.deletes_applied.push_back(ids.substr(a, b - a));
      a = b + 1;
    }
  }
  int rc;
  Stmt st(d.db, "SELECT id, tenant, fingerprint, labels FROM streams");
  if (st.s == nullptr) return Err(d.db, path, "streams");
  while ((rc = sqlite3_step(st.s)) == SQLITE_ROW) {
    auto ls = LabelSet::Parse(st.ColText(3));
    if (!ls.ok()) return Status::Corruption(fmt::format("index file {}: stream labels: {}", path, ls.status().message()));
    c.streams.push_back({static_cast<uint64_t>(st.Col(0)), st.ColText(1), static_cast<uint64_t>(st.Col(2)), std::move(*ls)});
  }
  SKALD_RETURN_IF_ERROR(Drained(rc, d.db, path, "streams"));
  Stmt ch(d.db, "SELECT stream_id, file, offset, length, min_ts, max_ts, entries, line_bytes FROM chunks");
  if (ch.s == nullptr) return Err(d.db, path, "chunks");
  while ((rc = sqlite3_step(ch.s)) == SQLITE_ROW) {
    c.chunks.push_back({static_cast<uint64_t>(ch.Col(0)),
                        chunk::ChunkRef{ch.ColText(1), static_cast<uint64_t>(ch.Col(2)),
                                        static_cast<uint64_t>(ch.Col(3)), ch.Col(4), ch.Col(5), ch.Col(6), ch.Col(7)}});
  }
  SKALD_RETURN_IF_ERROR(Drained(rc, d.db, path, "chunks"));
  Stmt so(d.db, "SELECT key FROM sources");
  if (so.s == nullptr) return Err(d.db, path, "sources");
  while ((rc = sqlite3_step(so.s)) == SQLITE_ROW) c.sources.push_back(so.ColText(0));
  SKALD_RETURN_IF_ERROR(Drained(rc, d.db, path, "sources"));
  // The counts the writer recorded must match what was read.
  if (kv["streams"] != std::to_string(c.streams.size()) || kv["chunks"] != std::to_string(c.chunks.size()))
    return Status::Corruption(fmt::format("index file {}: {} streams and {} chunks read, the file says {} and {}", path,
                                          c.streams.size(), c.chunks.size(), kv["streams"], kv["chunks"]));
  return c;
}

}  // namespace skald::shipper
