// Delete-request persistence (one SQLite table) and compilation into per-stream line deleters.
// Compiled snapshots are cached per tenant and dropped on every change, so queries pay nothing
// while no request exists and one map lookup otherwise.
#include "store/retention/delete_requests.h"

#include <random>

#include "common/logger.h"
#include "common/logql/log/pipeline_builder.h"
#include "common/logql/parser.h"
#include "store/index/sqlite_open.h"

namespace skald::retention {
namespace {

constexpr const char* kSchema = R"sql(
PRAGMA journal_mode=WAL;
PRAGMA synchronous=FULL;
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT OR IGNORE INTO meta VALUES('delete_requests_version', '2');
CREATE TABLE IF NOT EXISTS delete_requests(
  id TEXT NOT NULL, tenant TEXT NOT NULL, query TEXT NOT NULL, start_ns INTEGER NOT NULL,
  end_ns INTEGER NOT NULL, created_ns INTEGER NOT NULL, status TEXT NOT NULL, PRIMARY KEY(tenant, id));
CREATE INDEX IF NOT EXISTS delete_requests_by_tenant ON delete_requests(tenant, created_ns);
)sql";

// Version 1 keyed requests by id alone: two tenants' requests with one (random, 32-bit) id clashed.
constexpr const char* kMigrateV1 = R"sql(
BEGIN;
CREATE TABLE delete_requests_v2(
  id TEXT NOT NULL, tenant TEXT NOT NULL, query TEXT NOT NULL, start_ns INTEGER NOT NULL,
  end_ns INTEGER NOT NULL, created_ns INTEGER NOT NULL, status TEXT NOT NULL, PRIMARY KEY(tenant, id));
INSERT INTO delete_requests_v2 SELECT id, tenant, query, start_ns, end_ns, created_ns, status FROM delete_requests;
DROP TABLE delete_requests;
ALTER TABLE delete_requests_v2 RENAME TO delete_requests;
CREATE INDEX delete_requests_by_tenant ON delete_requests(tenant, created_ns);
UPDATE meta SET value = '2' WHERE key = 'delete_requests_version';
COMMIT;
)sql";

Status SqlError(sqlite3* db, const std::string& what) {
  return Status::IOError("delete requests: " + what + ": " + sqlite3_errmsg(db));
}

std::string NewId() {
  static std::mt19937_64 rng{std::random_device{}()};
  static std::mutex mu;
  std::lock_guard<std::mutex> lk(mu);
  char buf[17];
  std::snprintf(buf, sizeof buf, "%08llx", static_cast<unsigned long long>(rng() & 0xffffffffULL));
  return buf;
}

// A prepared statement finalized on scope exit.
struct Stmt {
  sqlite3_stmt* s = nullptr;
  Stmt(sqlite3* db, const char* sql) { sqlite3_prepare_v2(db, sql, -1, &s, nullptr); }
  ~Stmt() { sqlite3_finalize(s); }
  void Text(int i, const std::string& v) { sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT); }
  void Int(int i, int64_t v) { sqlite3_bind_int64(s, i, v); }
  std::string ColText(int i) const {
    auto p = reinterpret_cast<const char*>(sqlite3_column_text(s, i));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(s, i))) : std::string();
  }
};

}  // namespace

LineDeleter::LineDeleter(const std::vector<CompiledDelete>& reqs, const LabelSet& labels) {
  for (const auto& r : reqs) Add(r, labels);
}

LineDeleter::LineDeleter(const std::vector<CompiledDelete>& reqs, const std::string& tenant, const LabelSet& labels) {
  for (const auto& r : reqs)
    if (r.req.tenant == tenant) Add(r, labels);
}

void LineDeleter::Add(const CompiledDelete& r, const LabelSet& labels) {
  if (!MatchesAll(r.matchers, labels)) return;
  Part p{r.req.start_ns, r.req.end_ns, nullptr};
  if (!r.pipeline.IsNoop()) p.sp = r.pipeline.ForStream(labels);
  parts_.push_back(std::move(p));
}

bool LineDeleter::Deleted(int64_t ts, std::string_view line, const std::vector<Label>* md) {
  for (auto& p : parts_) {
    if (ts < p.start || ts > p.end) continue;
    if (p.sp == nullptr) return true;
    std::string_view out;
    const LabelSet* ls = nullptr;
    if (p.sp->Process(ts, line, md, &out, &ls)) return true;
  }
  return false;
}

bool LineDeleter::Overlaps(int64_t lo, int64_t hi) const {
  for (const auto& p : parts_)
    if (p.start <= hi && p.end >= lo) return true;
  return false;
}

Result<std::unique_ptr<DeleteRequests>> DeleteRequests::Open(const std::string& path) {
  std::unique_ptr<DeleteRequests> d(new DeleteRequests());
  SKALD_RETURN_IF_ERROR(d->Init(path));
  return d;
}

DeleteRequests::~DeleteRequests() {
  if (db_ != nullptr) sqlite3_close(db_);
}

Status DeleteRequests::Init(const std::string& path) {
  SKALD_RETURN_IF_ERROR(index::OpenSqlite(path, true, kSchema, "delete requests", &db_));
  std::string version;
  {
    Stmt v(db_, "SELECT value FROM meta WHERE key = 'delete_requests_version'");
    if (sqlite3_step(v.s) == SQLITE_ROW) version = v.ColText(0);
  }
  if (version == "1") {
    if (sqlite3_exec(db_, kMigrateV1, nullptr, nullptr, nullptr) != SQLITE_OK) {
      Status st = SqlError(db_, "migrating " + path + " to version 2");
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
      return st;
    }
    SKALD_LOG(info, "delete requests table migrated to version 2 (keyed by tenant and id)", {{"path", path}});
  } else if (version != "2") {
    return Status::Corruption("delete requests: " + path + ": unknown version '" + version + "'");
  }
  Stmt q(db_, "SELECT count(*) FROM delete_requests");
  if (sqlite3_step(q.s) == SQLITE_ROW) count_ = sqlite3_column_int64(q.s, 0);
  return Status::Ok();
}

Result<CompiledDelete> DeleteRequests::Compile(const DeleteRequest& r) {
  auto expr = logql::ParseLogSelector(r.query);
  if (!expr.ok()) return expr.status();
  // As Loki: a stream selector with optional line filters. Any other stage (a parser, a label
  // filter, line_format...) could widen or reshape what matches; refuse it rather than guess.
  for (const logql::Stage& st : (*expr)->stages)
    if (!std::holds_alternative<logql::LineFilterStage>(st))
      return Status::Invalid("invalid delete request query \"" + r.query +
                             "\": only line filters (|=, !=, |~, !~) may follow the stream selector");
  auto p = logql::log::BuildPipeline(**expr);
  if (!p.ok()) return p.status();
  return CompiledDelete{r, (*expr)->matchers, std::move(*p)};
}

Result<DeleteRequest> DeleteRequests::Add(const std::string& tenant, const std::string& query, int64_t start_ns,
                                          int64_t end_ns, int64_t now_ns) {
  DeleteRequest r{NewId(), tenant, query, start_ns, end_ns, now_ns, "received"};
  auto c = Compile(r);
  if (!c.ok()) return c.status();
  // Serialized with a mirror's sync (LockChanges): a sync that listed the bucket before the Put
  // cannot then remove the row, and one that listed after it may already have inserted it.
  std::lock_guard<std::mutex> ch(change_mu_);
  if (mirror_ != nullptr) SKALD_RETURN_IF_ERROR(mirror_->Put(r));   // shared first: every node sees it
  std::lock_guard<std::mutex> lk(mu_);
  Stmt ins(db_, "INSERT OR IGNORE INTO delete_requests VALUES(?,?,?,?,?,?,?)");
  ins.Text(1, r.id), ins.Text(2, r.tenant), ins.Text(3, r.query), ins.Int(4, r.start_ns), ins.Int(5, r.end_ns);
  ins.Int(6, r.created_ns), ins.Text(7, r.status);
  if (sqlite3_step(ins.s) != SQLITE_DONE) return SqlError(db_, "insert");
  if (sqlite3_changes(db_) == 0) {
    // Already there: put by a sync of the mirror (the same request), or a clash of random ids.
    auto rs = Select("WHERE tenant = ? AND id = ?", {r.tenant, r.id}, 0);
    if (!rs.ok()) return rs.status();
    if (rs->empty() || (*rs)[0].created_ns != r.created_ns || (*rs)[0].query != r.query)
      return Status::Internal("delete request id " + r.id + " is taken; retry the request");
  } else {
    count_++;
  }
  cache_.erase(tenant);
  return r;
}

Result<std::vector<DeleteRequest>> DeleteRequests::Select(const char* where, const std::vector<std::string>& args,
                                                          int64_t n) const {
  std::string sql = std::string("SELECT id, tenant, query, start_ns, end_ns, created_ns, status FROM delete_requests ") +
                    where + " ORDER BY created_ns, id";
  Stmt q(db_, sql.c_str());
  if (!args.empty()) {
    for (size_t i = 0; i < args.size(); ++i) q.Text(static_cast<int>(i) + 1, args[i]);
  } else {
    q.Int(1, n);
  }
  std::vector<DeleteRequest> out;
  int rc;
  while ((rc = sqlite3_step(q.s)) == SQLITE_ROW) {
    out.push_back(DeleteRequest{q.ColText(0), q.ColText(1), q.ColText(2), sqlite3_column_int64(q.s, 3),
                                sqlite3_column_int64(q.s, 4), sqlite3_column_int64(q.s, 5), q.ColText(6)});
  }
  if (rc != SQLITE_DONE) return SqlError(db_, "select");
  return out;
}

Result<std::vector<DeleteRequest>> DeleteRequests::List(const std::string& tenant) const {
  if (mirror_ != nullptr) {
    Status st = mirror_->Refresh();
    if (!st.ok()) SKALD_LOG(warn, "delete requests: listing the local copy; refresh failed", {{"err", st.message()}});
  }
  std::lock_guard<std::mutex> lk(mu_);
  return Select("WHERE tenant = ?", {tenant}, 0);
}

Result<std::vector<DeleteRequest>> DeleteRequests::Due(int64_t now_ns, int64_t cancel_period_ns) const {
  std::lock_guard<std::mutex> lk(mu_);
  return Select("WHERE status = 'received' AND created_ns <= ?", {}, now_ns - cancel_period_ns);
}

Status DeleteRequests::Cancel(const std::string& tenant, const std::string& id, int64_t now_ns,
                              int64_t cancel_period_ns) {
  if (mirror_ != nullptr) SKALD_RETURN_IF_ERROR(mirror_->Refresh());   // it may be processed elsewhere
  std::lock_guard<std::mutex> ch(change_mu_);
  DeleteRequest r;
  {
    std::lock_guard<std::mutex> lk(mu_);
    auto rs = Select("WHERE tenant = ? AND id = ?", {tenant, id}, 0);
    if (!rs.ok()) return rs.status();
    if (rs->empty()) return Status::NotFound("could not find delete request with given id");
    r = (*rs)[0];
  }
  if (r.status == "processed") return Status::Invalid("deletion of request which is in process or already processed is not allowed");
  if (now_ns - r.created_ns > cancel_period_ns) return Status::Invalid("Cancellation period for delete request has passed");
  // The shared store without mu_ held: queries (Active) never wait on its retries.
  if (mirror_ != nullptr) SKALD_RETURN_IF_ERROR(mirror_->Remove(r));
  std::lock_guard<std::mutex> lk(mu_);
  Stmt del(db_, "DELETE FROM delete_requests WHERE tenant = ? AND id = ?");
  del.Text(1, tenant), del.Text(2, id);
  if (sqlite3_step(del.s) != SQLITE_DONE) return SqlError(db_, "delete");
  if (sqlite3_changes(db_) > 0) count_--;
  cache_.erase(tenant);
  return Status::Ok();
}

Status DeleteRequests::MarkProcessed(const std::string& tenant, const std::string& id) {
  std::lock_guard<std::mutex> ch(change_mu_);
  if (mirror_ != nullptr) {
    DeleteRequest r;
    {
      std::lock_guard<std::mutex> lk(mu_);
      auto rs = Select("WHERE tenant = ? AND id = ?", {tenant, id}, 0);
      if (!rs.ok()) return rs.status();
      if (rs->empty()) return Status::NotFound("delete request " + id + " is gone (cancelled)");
      r = (*rs)[0];
    }
    SKALD_RETURN_IF_ERROR(mirror_->MarkProcessed(r));   // without mu_: queries do not wait on it
  }
  std::lock_guard<std::mutex> lk(mu_);
  Stmt up(db_, "UPDATE delete_requests SET status = 'processed' WHERE tenant = ? AND id = ?");
  up.Text(1, tenant), up.Text(2, id);
  if (sqlite3_step(up.s) != SQLITE_DONE) return SqlError(db_, "update");
  cache_.clear();
  return Status::Ok();
}

Result<std::vector<DeleteRequest>> DeleteRequests::All() const {
  std::lock_guard<std::mutex> lk(mu_);
  return Select("WHERE created_ns >= ?", {}, INT64_MIN);
}

Result<int64_t> DeleteRequests::Replace(const std::vector<DeleteRequest>& all) {
  std::lock_guard<std::mutex> lk(mu_);
  auto cur = Select("WHERE created_ns >= ?", {}, INT64_MIN);
  if (!cur.ok()) return cur.status();
  using Key = std::pair<std::string, std::string>;   // (tenant, id): ids are unique per tenant only
  std::map<Key, const DeleteRequest*> want, have;
  for (const auto& r : all) want[{r.tenant, r.id}] = &r;
  for (const auto& r : *cur) have[{r.tenant, r.id}] = &r;
  auto same = [](const DeleteRequest& a, const DeleteRequest& b) {
    return a.tenant == b.tenant && a.query == b.query && a.start_ns == b.start_ns && a.end_ns == b.end_ns &&
           a.created_ns == b.created_ns && a.status == b.status;
  };
  auto fail = [this](const char* what) {
    Status st = SqlError(db_, what);
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    return st;
  };
  int64_t changed = 0;
  if (sqlite3_exec(db_, "BEGIN", nullptr, nullptr, nullptr) != SQLITE_OK) return SqlError(db_, "begin");
  for (const auto& [key, r] : have) {
    if (want.count(key) > 0) continue;
    Stmt del(db_, "DELETE FROM delete_requests WHERE tenant = ? AND id = ?");
    del.Text(1, key.first), del.Text(2, key.second);
    if (sqlite3_step(del.s) != SQLITE_DONE) return fail("delete");
    ++changed;
  }
  for (const auto& [key, r] : want) {
    auto it = have.find(key);
    if (it != have.end() && same(*it->second, *r)) continue;
    Stmt up(db_, "INSERT OR REPLACE INTO delete_requests VALUES(?,?,?,?,?,?,?)");
    up.Text(1, r->id), up.Text(2, r->tenant), up.Text(3, r->query), up.Int(4, r->start_ns), up.Int(5, r->end_ns);
    up.Int(6, r->created_ns), up.Text(7, r->status);
    if (sqlite3_step(up.s) != SQLITE_DONE) return fail("upsert");
    ++changed;
  }
  if (sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) return fail("commit");
  if (changed > 0) {
    count_ = static_cast<int64_t>(want.size());
    cache_.clear();
  }
  return changed;
}

std::shared_ptr<const std::vector<CompiledDelete>> DeleteRequests::Active(const std::string& tenant) const {
  static const auto kNone = std::make_shared<const std::vector<CompiledDelete>>();
  if (empty()) return kNone;
  std::lock_guard<std::mutex> lk(mu_);
  auto it = cache_.find(tenant);
  if (it != cache_.end()) return it->second;
  auto rs = Select("WHERE tenant = ?", {tenant}, 0);
  auto out = std::make_shared<std::vector<CompiledDelete>>();
  if (rs.ok()) {
    for (const auto& r : *rs) {
      auto c = Compile(r);
      if (c.ok()) out->push_back(std::move(*c));
    }
  }
  cache_[tenant] = out;
  return out;
}

}  // namespace skald::retention
