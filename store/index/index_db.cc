// SQLite index: schema, prepared statements (cached per SQL text), one transaction per batch.
// synchronous=NORMAL is enough because the WAL replays whatever a power cut takes from here.
#include "store/index/index_db.h"
#include "store/index/index_metrics.h"
#include "store/index/sqlite_open.h"

#include <algorithm>

namespace skald::index {
namespace {

constexpr const char* kSchema = R"sql(
PRAGMA journal_mode=WAL;
PRAGMA synchronous=NORMAL;
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT OR IGNORE INTO meta VALUES('schema_version', '1');
CREATE TABLE IF NOT EXISTS streams(
  id INTEGER PRIMARY KEY, tenant TEXT NOT NULL, fingerprint INTEGER NOT NULL,
  labels TEXT NOT NULL, flushed_wal INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS streams_by_tenant ON streams(tenant, fingerprint);
CREATE TABLE IF NOT EXISTS postings(
  tenant TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL, stream_id INTEGER NOT NULL,
  PRIMARY KEY(tenant, name, value, stream_id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS chunks(
  id INTEGER PRIMARY KEY, stream_id INTEGER NOT NULL, file TEXT NOT NULL, offset INTEGER NOT NULL,
  length INTEGER NOT NULL, min_ts INTEGER NOT NULL, max_ts INTEGER NOT NULL,
  entries INTEGER NOT NULL, line_bytes INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS chunks_by_stream ON chunks(stream_id, min_ts);
)sql";

// Binds and resets a cached statement for one use.
class Use {
 public:
  explicit Use(sqlite3_stmt* s) : s_(s) {}
  ~Use() { sqlite3_reset(s_); sqlite3_clear_bindings(s_); }
  Use& Text(int i, const std::string& v) { sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT); return *this; }
  Use& Int(int i, int64_t v) { sqlite3_bind_int64(s_, i, v); return *this; }
  int Step() { return sqlite3_step(s_); }
  int64_t Col(int i) const { return sqlite3_column_int64(s_, i); }
  std::string ColText(int i) const {
    auto p = reinterpret_cast<const char*>(sqlite3_column_text(s_, i));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(s_, i))) : std::string();
  }

 private:
  sqlite3_stmt* s_;
};

Status SqlError(sqlite3* db, const std::string& what) {
  return Status::IOError("index: " + what + ": " + sqlite3_errmsg(db));
}

}  // namespace

Result<std::unique_ptr<IndexDb>> IndexDb::Open(const std::string& path) {
  std::unique_ptr<IndexDb> db(new IndexDb());
  SKALD_RETURN_IF_ERROR(db->Init(path));
  return db;
}

IndexDb::~IndexDb() {
  for (auto& [k, s] : stmts_) sqlite3_finalize(s);
  if (db_ != nullptr) sqlite3_exec(db_, "PRAGMA wal_checkpoint(TRUNCATE)", nullptr, nullptr, nullptr);
  if (db_ != nullptr) sqlite3_close(db_);
}

Status IndexDb::Init(const std::string& path) {
  SKALD_RETURN_IF_ERROR(OpenSqlite(path, false, kSchema, "index", &db_));
  return LoadCatalog();
}

Status IndexDb::Exec(const char* sql) const {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) == SQLITE_OK) return Status::Ok();
  std::string msg = err ? err : "unknown";
  sqlite3_free(err);
  return Status::IOError(std::string("index: ") + msg);
}

sqlite3_stmt* IndexDb::Stmt(const char* sql) const {
  auto& cache = const_cast<std::map<std::string, sqlite3_stmt*>&>(stmts_);
  auto it = cache.find(sql);
  if (it != cache.end()) return it->second;
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr);
  cache.emplace(sql, s);
  return s;
}

Status IndexDb::LoadCatalog() {
  Use q(Stmt("SELECT id, tenant, fingerprint, labels, flushed_wal FROM streams"));
  int rc;
  while ((rc = q.Step()) == SQLITE_ROW) {
    StreamRecord r;
    r.id = static_cast<uint64_t>(q.Col(0));
    r.tenant = q.ColText(1);
    r.fingerprint = static_cast<uint64_t>(q.Col(2));
    auto ls = LabelSet::Parse(q.ColText(3));
    if (!ls.ok()) return ls.status().Annotate("index: stream " + std::to_string(r.id));
    r.labels = std::move(*ls);
    r.flushed_wal = static_cast<uint64_t>(q.Col(4));
    next_id_ = std::max(next_id_, r.id + 1);
    streams_.emplace(r.id, std::move(r));
  }
  if (rc != SQLITE_DONE) return SqlError(db_, "load streams");
  Use c(Stmt("SELECT stream_id, min(min_ts), max(max_ts), count(*), sum(entries), sum(line_bytes) "
             "FROM chunks GROUP BY stream_id"));
  while ((rc = c.Step()) == SQLITE_ROW) {
    auto it = streams_.find(static_cast<uint64_t>(c.Col(0)));
    if (it == streams_.end()) continue;
    it->second.min_ts = c.Col(1);
    it->second.max_ts = c.Col(2);
    it->second.chunks = c.Col(3);
    it->second.entries = c.Col(4);
    it->second.line_bytes = c.Col(5);
  }
  return rc == SQLITE_DONE ? Status::Ok() : SqlError(db_, "load chunk bounds");
}

Result<uint64_t> IndexDb::AddStream(const std::string& tenant, uint64_t fp, const LabelSet& labels) {
  std::lock_guard<std::mutex> lk(mu_);
  uint64_t id = next_id_++;
  SKALD_RETURN_IF_ERROR(Exec("BEGIN"));
  Status st;
  {
    Use ins(Stmt("INSERT INTO streams(id, tenant, fingerprint, labels) VALUES(?,?,?,?)"));
    if (ins.Int(1, static_cast<int64_t>(id)).Text(2, tenant).Int(3, static_cast<int64_t>(fp))
            .Text(4, labels.ToString()).Step() != SQLITE_DONE)
      st = SqlError(db_, "insert stream");
  }
  for (const auto& l : labels) {
    if (!st.ok()) break;
    Use p(Stmt("INSERT OR IGNORE INTO postings VALUES(?,?,?,?)"));
    if (p.Text(1, tenant).Text(2, l.name).Text(3, l.value).Int(4, static_cast<int64_t>(id)).Step() != SQLITE_DONE)
      st = SqlError(db_, "insert posting");
  }
  if (!st.ok()) {
    (void)Exec("ROLLBACK");
    return st;
  }
  SKALD_RETURN_IF_ERROR(Exec("COMMIT"));
  streams_.emplace(id, StreamRecord{id, tenant, fp, labels});
  return id;
}

Status IndexDb::CommitChunks(const std::vector<FlushedChunk>& chunks) {
  return TimedIndexRequest(IndexOp::kIndexChunk, [&] { return CommitChunksImpl(chunks); });
}

Status IndexDb::CommitChunksImpl(const std::vector<FlushedChunk>& chunks) {
  std::lock_guard<std::mutex> lk(mu_);
  SKALD_RETURN_IF_ERROR(Exec("BEGIN"));
  for (const auto& c : chunks) {
    Use ins(Stmt("INSERT INTO chunks(stream_id, file, offset, length, min_ts, max_ts, entries, line_bytes) "
                 "VALUES(?,?,?,?,?,?,?,?)"));
    ins.Int(1, static_cast<int64_t>(c.stream_id)).Text(2, c.ref.file).Int(3, static_cast<int64_t>(c.ref.offset))
        .Int(4, static_cast<int64_t>(c.ref.length)).Int(5, c.ref.min_ts).Int(6, c.ref.max_ts)
        .Int(7, c.ref.entries).Int(8, c.ref.line_bytes);
    Use up(Stmt("UPDATE streams SET flushed_wal = max(flushed_wal, ?) WHERE id = ?"));
    up.Int(1, static_cast<int64_t>(c.wal_pos)).Int(2, static_cast<int64_t>(c.stream_id));
    if (ins.Step() != SQLITE_DONE || up.Step() != SQLITE_DONE) {
      Status st = SqlError(db_, "commit chunks");
      (void)Exec("ROLLBACK");
      return st;
    }
  }
  SKALD_RETURN_IF_ERROR(Exec("COMMIT"));
  for (const auto& c : chunks) {
    auto it = streams_.find(c.stream_id);
    if (it == streams_.end()) continue;
    StreamRecord& r = it->second;
    r.flushed_wal = std::max(r.flushed_wal, c.wal_pos);
    r.min_ts = std::min(r.min_ts, c.ref.min_ts);
    r.max_ts = std::max(r.max_ts, c.ref.max_ts);
    r.chunks++;
    r.entries += c.ref.entries;
    r.line_bytes += c.ref.line_bytes;
  }
  return Status::Ok();
}

std::vector<StreamRecord> IndexDb::AllStreams() const {
  std::lock_guard<std::mutex> lk(mu_);
  std::vector<StreamRecord> out;
  for (const auto& [id, r] : streams_) out.push_back(r);
  return out;
}

bool IndexDb::GetStream(uint64_t id, StreamRecord* out) const {
  std::lock_guard<std::mutex> lk(mu_);
  auto it = streams_.find(id);
  if (it == streams_.end()) return false;
  *out = it->second;
  return true;
}

Result<std::vector<uint64_t>> IndexDb::Postings(const std::string& tenant, const std::string& name,
                                                const std::string& value) const {
  Use q(Stmt("SELECT stream_id FROM postings WHERE tenant = ? AND name = ? AND value = ?"));
  q.Text(1, tenant).Text(2, name).Text(3, value);
  std::vector<uint64_t> ids;
  int rc;
  while ((rc = q.Step()) == SQLITE_ROW) ids.push_back(static_cast<uint64_t>(q.Col(0)));
  if (rc != SQLITE_DONE) return SqlError(db_, "postings");
  return ids;
}

Result<std::vector<StreamRecord>> IndexDb::Match(const std::string& tenant, const Matchers& ms) const {
  return TimedIndexRequest(IndexOp::kSeries, [&] { return MatchImpl(tenant, ms); });
}

Result<std::vector<StreamRecord>> IndexDb::MatchImpl(const std::string& tenant, const Matchers& ms) const {
  std::lock_guard<std::mutex> lk(mu_);
  std::vector<StreamRecord> out;
  const Matcher* eq = nullptr;
  for (const auto& m : ms)
    if (m.type() == MatchType::kEq && !m.value().empty()) eq = &m;
  if (eq != nullptr) {
    auto ids = Postings(tenant, eq->name(), eq->value());
    if (!ids.ok()) return ids.status();
    for (uint64_t id : *ids) {
      auto it = streams_.find(id);
      if (it != streams_.end() && MatchesAll(ms, it->second.labels)) out.push_back(it->second);
    }
  } else {
    for (const auto& [id, r] : streams_)
      if (r.tenant == tenant && MatchesAll(ms, r.labels)) out.push_back(r);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  return out;
}

Result<std::vector<chunk::ChunkRef>> IndexDb::Chunks(uint64_t stream_id, int64_t start, int64_t end) const {
  return TimedIndexRequest(IndexOp::kChunkRefs, [&] { return ChunksImpl(stream_id, start, end); });
}

Result<std::vector<chunk::ChunkRef>> IndexDb::ChunksImpl(uint64_t stream_id, int64_t start, int64_t end) const {
  std::lock_guard<std::mutex> lk(mu_);
  Use q(Stmt("SELECT file, offset, length, min_ts, max_ts, entries, line_bytes FROM chunks "
             "WHERE stream_id = ? AND min_ts < ? AND max_ts >= ? ORDER BY id"));
  q.Int(1, static_cast<int64_t>(stream_id)).Int(2, end).Int(3, start);
  std::vector<chunk::ChunkRef> out;
  int rc;
  while ((rc = q.Step()) == SQLITE_ROW) {
    out.push_back(chunk::ChunkRef{q.ColText(0), static_cast<uint64_t>(q.Col(1)), static_cast<uint64_t>(q.Col(2)),
                                  q.Col(3), q.Col(4), q.Col(5), q.Col(6)});
  }
  if (rc != SQLITE_DONE) return SqlError(db_, "chunks");
  return out;
}

}  // namespace skald::index

// --- maintenance ---------------------------------------------------------------------------------

namespace skald::index {

Status IndexDb::RefreshBoundsLocked(uint64_t stream_id) {
  auto it = streams_.find(stream_id);
  if (it == streams_.end()) return Status::Ok();
  Use q(Stmt("SELECT count(*), min(min_ts), max(max_ts), sum(entries), sum(line_bytes) FROM chunks "
             "WHERE stream_id = ?"));
  q.Int(1, static_cast<int64_t>(stream_id));
  if (q.Step() != SQLITE_ROW) return SqlError(db_, "stream bounds");
  StreamRecord& r = it->second;
  r.chunks = q.Col(0);
  r.min_ts = r.chunks > 0 ? q.Col(1) : INT64_MAX;
  r.max_ts = r.chunks > 0 ? q.Col(2) : INT64_MIN;
  r.entries = q.Col(3);
  r.line_bytes = q.Col(4);
  return Status::Ok();
}

Result<std::vector<ChunkRow>> IndexDb::ChunkRows(const std::string& file_prefix) const {
  std::lock_guard<std::mutex> lk(mu_);
  Use q(Stmt("SELECT id, stream_id, file, offset, length, min_ts, max_ts, entries, line_bytes FROM chunks "
             "WHERE substr(file, 1, ?) = ? ORDER BY file, offset"));
  q.Int(1, static_cast<int64_t>(file_prefix.size())).Text(2, file_prefix);
  std::vector<ChunkRow> out;
  int rc;
  while ((rc = q.Step()) == SQLITE_ROW) {
    out.push_back(ChunkRow{q.Col(0), static_cast<uint64_t>(q.Col(1)),
                           chunk::ChunkRef{q.ColText(2), static_cast<uint64_t>(q.Col(3)),
                                           static_cast<uint64_t>(q.Col(4)), q.Col(5), q.Col(6), q.Col(7), q.Col(8)}});
  }
  if (rc != SQLITE_DONE) return SqlError(db_, "chunk rows");
  return out;
}

Result<std::map<std::string, int64_t>> IndexDb::LiveBytesByFile() const {
  std::lock_guard<std::mutex> lk(mu_);
  Use q(Stmt("SELECT file, sum(length) FROM chunks GROUP BY file"));
  std::map<std::string, int64_t> out;
  int rc;
  while ((rc = q.Step()) == SQLITE_ROW) out[q.ColText(0)] = q.Col(1);
  if (rc != SQLITE_DONE) return SqlError(db_, "live bytes");
  return out;
}

Result<std::vector<ChunkRow>> IndexDb::DeleteChunksBefore(const std::vector<std::pair<uint64_t, int64_t>>& cutoffs) {
  std::lock_guard<std::mutex> lk(mu_);
  SKALD_RETURN_IF_ERROR(Exec("BEGIN"));
  std::vector<ChunkRow> removed;
  Status st;
  for (const auto& [sid, cutoff] : cutoffs) {
    Use q(Stmt("SELECT id, file, offset, length, min_ts, max_ts, entries, line_bytes FROM chunks "
               "WHERE stream_id = ? AND max_ts < ?"));
    q.Int(1, static_cast<int64_t>(sid)).Int(2, cutoff);
    while (q.Step() == SQLITE_ROW) {
      removed.push_back(ChunkRow{q.Col(0), sid,
                                 chunk::ChunkRef{q.ColText(1), static_cast<uint64_t>(q.Col(2)),
                                                 static_cast<uint64_t>(q.Col(3)), q.Col(4), q.Col(5), q.Col(6), q.Col(7)}});
    }
    Use del(Stmt("DELETE FROM chunks WHERE stream_id = ? AND max_ts < ?"));
    if (del.Int(1, static_cast<int64_t>(sid)).Int(2, cutoff).Step() != SQLITE_DONE) {
      st = SqlError(db_, "delete expired chunks");
      break;
    }
  }
  if (!st.ok()) {
    (void)Exec("ROLLBACK");
    return st;
  }
  SKALD_RETURN_IF_ERROR(Exec("COMMIT"));
  for (const auto& [sid, cutoff] : cutoffs) SKALD_RETURN_IF_ERROR(RefreshBoundsLocked(sid));
  return removed;
}

Status IndexDb::Checkpoint() {
  std::lock_guard<std::mutex> lk(mu_);
  return Exec("PRAGMA wal_checkpoint(FULL)");
}

Status IndexDb::ReplaceChunks(const std::vector<int64_t>& old_ids, const std::vector<FlushedChunk>& added) {
  std::lock_guard<std::mutex> lk(mu_);
  std::vector<uint64_t> touched;
  SKALD_RETURN_IF_ERROR(Exec("BEGIN"));
  Status st;
  for (int64_t id : old_ids) {
    Use sel(Stmt("SELECT stream_id FROM chunks WHERE id = ?"));
    if (sel.Int(1, id).Step() == SQLITE_ROW) touched.push_back(static_cast<uint64_t>(sel.Col(0)));
    Use del(Stmt("DELETE FROM chunks WHERE id = ?"));
    if (del.Int(1, id).Step() != SQLITE_DONE) st = SqlError(db_, "replace chunks: delete");
  }
  for (const auto& c : added) {
    if (!st.ok()) break;
    Use ins(Stmt("INSERT INTO chunks(stream_id, file, offset, length, min_ts, max_ts, entries, line_bytes) "
                 "VALUES(?,?,?,?,?,?,?,?)"));
    ins.Int(1, static_cast<int64_t>(c.stream_id)).Text(2, c.ref.file).Int(3, static_cast<int64_t>(c.ref.offset))
        .Int(4, static_cast<int64_t>(c.ref.length)).Int(5, c.ref.min_ts).Int(6, c.ref.max_ts)
        .Int(7, c.ref.entries).Int(8, c.ref.line_bytes);
    if (ins.Step() != SQLITE_DONE) st = SqlError(db_, "replace chunks: insert");
    touched.push_back(c.stream_id);
  }
  if (!st.ok()) {
    (void)Exec("ROLLBACK");
    return st;
  }
  SKALD_RETURN_IF_ERROR(Exec("COMMIT"));
  for (uint64_t sid : touched) SKALD_RETURN_IF_ERROR(RefreshBoundsLocked(sid));
  return Status::Ok();
}

}  // namespace skald::index
