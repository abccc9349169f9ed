// Admin routes (see admin_handler.h): the backup trigger with its metrics and a JSON report.
#include "store/api/admin_handler.h"

#include <memory>
#include <mutex>

#include "common/logger.h"
#include "common/metrics.h"
#include "store/api/query_handlers.h"
#include "store/api/query_params.h"
#include "store/api/response_json.h"
#include "store/backup/snapshot.h"

namespace skald::api {
namespace {

struct BackupState {
  head::Ingester* ingester = nullptr;
  BackupPathPolicy policy;
  backup::SqliteFiles extra_sqlite;
  std::mutex running;
  metrics::CounterVec* runs = nullptr;
  metrics::Gauge* last_bytes = nullptr;
  metrics::Gauge* last_paused_ms = nullptr;
};

std::string ReportJson(const backup::SnapshotReport& r) {
  JsonWriter w;
  w.Raw("{").Key("status").Str("success").Comma().Key("dir").Str(r.dir).Comma();
  w.Key("files").Int(r.files).Comma().Key("bytes").Int(r.bytes).Comma();
  w.Key("chunk_files").Int(r.chunk_files).Comma().Key("wal_segments").Int(r.wal_segments).Comma();
  w.Key("paused_ms").Int(r.paused_ms).Comma().Key("total_ms").Int(r.total_ms).Raw("}");
  return w.Take();
}

void Backup(BackupState& s, const http::Request& req, http::Response& res) {
  auto dir = ResolveBackupDir(s.policy, Param(req.params, "dir"));
  if (!dir.ok()) {
    s.runs->WithLabelValues({"refused"}).Inc();
    SKALD_LOG(warn, "backup refused", {{"dir", Param(req.params, "dir")}, {"err", dir.status().message()}});
    return WriteError(res, dir.status());
  }
  std::unique_lock<std::mutex> lk(s.running, std::try_to_lock);
  if (!lk.owns_lock()) {
    res.status = 409;
    res.set_content("a backup is already running", "text/plain; charset=utf-8");
    return;
  }
  auto r = backup::TakeSnapshot(*s.ingester, *dir, s.extra_sqlite);
  if (!r.ok()) {
    s.runs->WithLabelValues({"failure"}).Inc();
    return WriteError(res, r.status());
  }
  s.runs->WithLabelValues({"success"}).Inc();
  s.last_bytes->Set(static_cast<double>(r->bytes));
  s.last_paused_ms->Set(static_cast<double>(r->paused_ms));
  WriteJson(res, ReportJson(*r));
}

}  // namespace

void RegisterAdminRoutes(http::Router& server, head::Ingester* ingester, BackupPathPolicy policy,
                         std::vector<std::pair<std::string, std::string>> extra_sqlite) {
  auto s = std::make_shared<BackupState>();
  s->ingester = ingester;
  s->policy = std::move(policy);
  s->extra_sqlite = std::move(extra_sqlite);
  auto& reg = metrics::Registry::Default();
  s->runs = &reg.NewCounterVec("skald_backup_runs_total", "Online backups by result.", {"result"});
  s->last_bytes = &reg.NewGauge("skald_backup_last_bytes", "Bytes written by the last successful backup.");
  s->last_paused_ms = &reg.NewGauge("skald_backup_last_paused_ms",
                                    "How long the last successful backup held flushes paused.");
  server.Post("/skald/admin/backup", [s](const http::Request& req, http::Response& res) { Backup(*s, req, res); });
}

}  // namespace skald::api
