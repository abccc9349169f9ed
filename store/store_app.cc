// StoreApp wiring: HTTP options from server/limits config, build info metric, /config text, and
// the modules: Ingester (PushSink + StoreReader) <- Distributor <- push routes; query routes.
#include "store/store_app.h"

#include <limits>

#include "common/logger.h"
#include "common/process_metrics.h"
#include "common/thread_slice.h"
#include "common/version.h"
#include "store/api/admin_handler.h"
#include "store/api/export_handler.h"
#include "store/api/push_handler.h"
#include "store/api/query_handlers.h"
#include "store/api/request_metrics.h"
#include "store/api/services_handler.h"
#include "store/api/ruler_handlers.h"
#include "store/api/ui_handler.h"
#include "store/auth/auth_guard.h"
#include "store/compactor/compactor.h"
#include "store/fs/file_system.h"
#include "store/head/ingester.h"
#include "store/ingest/distributor.h"
#include "store/ingest/push_metrics.h"
#include "store/objstore/object_cache.h"
#include "store/objstore/object_store.h"
#include "store/shipper/bucket_deletes.h"
#include "store/shipper/bucket_index_sync.h"
#include "store/shipper/index_compactor.h"
#include "store/shipper/shipper.h"
#include "store/ruler/engine_query.h"
#include "store/ruler/ruler.h"
#include "store/retention/policy_source.h"
#include "store/retention/retention_reader.h"
#include "store/store_config_diff.h"
#include "store/store_config_loader.h"

namespace skald {
namespace {

// Size and free space of the data directory's volume, read at scrape time (statvfs): what the
// push floor `ingester.min_free_space` is checked against. NaN when the volume cannot be read.
void RegisterDiskMetrics(metrics::Registry& r, const std::string& dir) {
  auto space = [dir](bool total) {
    auto sp = fs::FileSystem::Default()->Space(dir);
    if (!sp.ok()) return std::numeric_limits<double>::quiet_NaN();
    return static_cast<double>(total ? sp->total : sp->available);
  };
  r.NewGaugeFunc("skald_store_disk_free_bytes", "Bytes still writable on the data directory's volume.",
                 [space] { return space(false); });
  r.NewGaugeFunc("skald_store_disk_size_bytes", "Size of the data directory's volume in bytes.",
                 [space] { return space(true); });
}
#if defined(__x86_64__)
constexpr const char* kGoArch = "amd64";
#elif defined(__aarch64__)
constexpr const char* kGoArch = "arm64";
#else
constexpr const char* kGoArch = "unknown";
#endif
}  // namespace

StoreApp::StoreApp(StoreConfig cfg, metrics::Registry* registry)
    : cfg_(std::move(cfg)), registry_(registry ? registry : &metrics::Registry::Default()) {
  // Before the HTTP and WAL threads start: they apply it to themselves. Only nodes that take pushes
  // (read and backend nodes serve queries alone).
  SetIngestPriority(cfg_.server.ingest_cpu_priority == "realtime" && takes_pushes() ? IngestPriority::kRealtime
                                                                                    : IngestPriority::kLatency);
  HttpServerOptions opts;
  opts.address = cfg_.server.http_listen_address;
  opts.port = cfg_.server.http_listen_port;
  opts.max_body_bytes = size_t(cfg_.limits.max_push_body_bytes);
  opts.read_timeout_ms = cfg_.server.http_server_read_timeout_ms;
  opts.write_timeout_ms = cfg_.server.http_server_write_timeout_ms;
  opts.idle_timeout_ms = cfg_.server.http_server_idle_timeout_ms;
  opts.thread_count = 16;    // admin, export, deletes; live tails and idle connections hold no thread
  opts.ingest_threads = takes_pushes() ? 16 : 0;   // pushes (server.ingest_cpu_priority applies to these)
  opts.query_concurrency = cfg_.querier.max_concurrent;  // the rest queue (429 when the queue is full)
  const std::string& qp = cfg_.querier.query_cpu_priority;  // validated: idle, low or normal
  opts.query_priority = qp == "normal" ? http::CpuPriority::kNormal
                        : qp == "idle" ? http::CpuPriority::kIdle
                                       : http::CpuPriority::kLow;
  opts.max_connections = cfg_.server.http_listen_conn_limit;
  opts.tls = cfg_.server.http_tls_config;
  http_ = std::make_unique<HttpServer>(opts, registry_);
  http_->SetConfigText(StoreConfigToYaml(cfg_));
  std::string defaults = StoreDefaultConfigYaml();
  http_->SetConfigModes(defaults, ConfigDiffYaml(StoreConfigToYaml(cfg_), defaults));
  api::InstallRequestMetrics(http_->router(), *registry_);
  metrics::RegisterProcessMetrics(*registry_);
  RegisterDiskMetrics(*registry_, cfg_.path_prefix);
  registry_->NewGaugeVec("skald_build_info", "Skald build information; always 1.",
                         {"version", "component"})
      .WithLabelValues({kVersion, "store"})
      .Set(1);
  // Loki's build gauge (every mixin dashboard's cluster/namespace variables read it): the Loki API
  // version answered by /loki/api/v1/status/buildinfo; no Go toolchain, so goversion is empty.
  registry_->NewGaugeVec("loki_build_info", "A metric with a constant '1' value labeled by version, revision, "
                         "branch, goversion from which loki was built, and the goos and goarch for the build.",
                         {"branch", "goarch", "goos", "goversion", "revision", "tags", "version"})
      .WithLabelValues({"main", kGoArch, "linux", "", "skald", "", api::QueryDeps{}.version})
      .Set(1);
}

StoreApp::~StoreApp() { Stop(); }

Status StoreApp::OpenIngester() {
  head::IngesterOptions io;
  io.dir = ingester_dir();
  io.cfg = cfg_.ingester;
  if (!takes_pushes()) io.cfg.wal_dir = fs::JoinPath(io.dir, "wal");   // never a write node's WAL
  io.unordered_writes = cfg_.limits.unordered_writes;
  if (auto enc = chunk::ParseChunkEncoding(cfg_.ingester.chunk_encoding); enc.ok()) io.encoding = *enc;
  auto ing = head::Ingester::Open(std::move(io));
  if (!ing.ok()) return ing.status().Annotate("opening the data dir " + cfg_.path_prefix);
  ingester_ = std::move(*ing);
  for (const std::string& p : ingester_->stats().replay_problems)
    SKALD_LOG(warn, "WAL replay problem (damaged tail truncated)", {{"problem", p}});
  const head::IngesterStats st = ingester_->stats();
  SKALD_LOG(info, "WAL replayed", {{"records", st.replayed_records}, {"entries", st.replayed_entries}});
  return Status::Ok();
}

void StoreApp::RegisterRoutes() {
  ingest::Distributor::Options o;
  o.stream_idle_ns = cfg_.ingester.chunk_idle_period_ns;
  distributor_ = std::make_unique<ingest::Distributor>(cfg_.limits, ingester_.get(),
                                                       &ingest::GlobalPushMetrics(), o);
  if (takes_pushes()) {
    api::RegisterPushRoutes(http_->router(), *distributor_, cfg_.auth_enabled);
  } else {
    auto refuse = [t = cfg_.target](const http::Request&, http::Response& res) {
      res.status = 404;
      res.set_content("this skald-store runs -target=" + t + " and takes no pushes: push to a write node\n",
                      "text/plain; charset=utf-8");
    };
    for (const char* path : {"/loki/api/v1/push", "/api/prom/push"}) http_->router().Post(path, refuse);
  }
  api::QueryDeps deps;
  deps.reader = query_reader();
  deps.limits = cfg_.limits;
  deps.auth_enabled = cfg_.auth_enabled;
  deps.multi_tenant_queries = cfg_.querier.multi_tenant_queries_enabled;
  deps.tail_max_duration_ns = cfg_.querier.tail_max_duration_ns;
  deps.parallelism = 2;
  api::RegisterQueryRoutes(http_->router(), deps);
  api::RegisterExportRoute(http_->router(), deps);
  // Unprocessed delete requests travel with the snapshot, or a restore would show deleted lines.
  api::RegisterAdminRoutes(http_->router(), ingester_.get(),
                           {cfg_.skald_backup.root_dir, !cfg_.skald_auth.credentials_file.empty()},
                           {{fs::JoinPath(cfg_.compactor.working_directory, "delete_requests.db"),
                             "compactor/delete_requests.db"}});
  auto flush = [this](const http::Request&, http::Response& res) {
    Status st = ingester_->FlushAll();
    if (!st.ok()) {
      res.status = 500;
      res.set_content(st.message(), "text/plain; charset=utf-8");
      return;
    }
    res.status = 204;
  };
  http_->router().Get("/flush", flush);
  http_->router().Post("/flush", flush);
  api::RegisterUiRoutes(http_->router());
}

// skald_auth: with a credentials file, every route (registered before or after) passes the guard.
// The router owns the guard. Without a file, X-Scope-OrgID alone decides, as in Loki.
static Status InstallAuthGuard(const StoreConfig& cfg, metrics::Registry* registry, http::Router& router) {
  const SkaldAuthConfig& a = cfg.skald_auth;
  if (!cfg.auth_enabled || a.credentials_file.empty()) return Status::Ok();
  auth::AuthGuardOptions o;
  o.credentials_file = a.credentials_file;
  o.open_metrics = a.open_metrics;
  o.reload_check_ns = a.reload_check_period_ns;
  o.limiter.max_failures = a.max_failures;
  o.limiter.window_ns = a.failure_window_ns;
  o.limiter.lockout_ns = a.lockout_period_ns;
  auto guard = auth::AuthGuard::Open(std::move(o), registry);
  if (!guard.ok()) return guard.status().Annotate("skald_auth.credentials_file");
  router.SetGuard([g = *guard](const std::string& method, const std::string& pattern,
                           const http::Request& req, http::Response& res) {
    return g->Check(method, pattern, req, res);
  });
  SKALD_LOG(info, "authentication on", {{"credentials_file", a.credentials_file}});
  return Status::Ok();
}

// Loki's ruler: runs when a local rules directory is configured (ruler.storage.local.directory or
// common.storage.filesystem.rules_directory).
Status StoreApp::StartRuler() {
  if (cfg_.ruler.local_directory.empty()) return Status::Ok();
  // As in Loki's simple scalable mode the ruler runs on the backend (and in `all`), so a rule
  // fires once per cluster, not once per write or read node.
  if (cfg_.target == "write" || cfg_.target == "read") return Status::Ok();
  ruler_ = std::make_unique<ruler::Ruler>(ruler::RulerOptionsFromConfig(cfg_.ruler),
                                          ruler::MakeEngineQueryFn(query_reader()), registry_);
  api::RegisterRulerRoutes(http_->router(), ruler_.get(), cfg_.auth_enabled, cfg_.ruler.enable_api);
  return ruler_->Start();
}

// /services: the Loki modules this process stands in for; all run once the server answers.
void StoreApp::RegisterServices() {
  std::vector<std::string> names = {"server"};
  if (takes_pushes()) names.insert(names.end(), {"distributor", "ingester"});
  if (cfg_.target != "write") names.insert(names.end(), {"querier", "query-frontend"});
  if (compactor_) names.push_back("compactor");
  if (ruler_) names.push_back("ruler");
  api::RegisterServicesRoute(http_->router(), [names, http = http_.get()] {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& n : names) out.emplace_back(n, http->running() ? "Running" : "Stopping");
    return out;
  });
}

// What queries read: the ingester, behind the retention + delete filter when retention is on, and
// with skald_cluster.write_nodes, that merged with what the write nodes hold.
StoreReader* StoreApp::query_reader() {
  if (federated_reader_) return federated_reader_.get();
  if (retention_reader_) return retention_reader_.get();
  return ingester_.get();
}

Status StoreApp::Start(bool mark_ready) {
  http_->SetReady(false, "starting");
  SKALD_RETURN_IF_ERROR(OpenBucket());
  SKALD_RETURN_IF_ERROR(OpenIngester());
  // 503 on /ready while pushes are refused (WAL cannot write, flushes fail, disk under the floor).
  http_->AddReadinessCheck([ing = ingester_.get()] { return ing->WriteBlockedReason(); });
  started_ = true;
  SKALD_RETURN_IF_ERROR(InstallAuthGuard(cfg_, registry_, http_->router()));
  SKALD_RETURN_IF_ERROR(StartRetention());
  SKALD_RETURN_IF_ERROR(StartObjectStorage());
  SKALD_RETURN_IF_ERROR(SyncBucketIndexOnce());
  SKALD_RETURN_IF_ERROR(StartFederation());
  RegisterRoutes();
  SKALD_RETURN_IF_ERROR(StartRuler());
  RegisterServices();
  SKALD_RETURN_IF_ERROR(http_->Start());
  if (mark_ready) http_->SetReady(true);
  SKALD_LOG(info, "skald-store started", {{"version", kVersion}, {"port", http_->port()}});
  return Status::Ok();
}

void StoreApp::Stop() {
  if (!started_) return;
  started_ = false;
  http_->SetReady(false, "stopping");
  http_->Stop();
  if (ruler_) ruler_->Stop();
  StopRetention();
  if (shipper_ && ingester_) {   // what was pushed goes to the bucket before the node goes away
    Status fl = ingester_->FlushAll();
    if (!fl.ok()) SKALD_LOG(error, "flushing heads before the last upload failed", {{"err", fl.message()}});
    shipper_->Stop(fl.ok());
  }
  StopObjectStorage();
  if (ingester_) {
    Status st = ingester_->Close();
    if (!st.ok()) SKALD_LOG(error, "flushing heads on shutdown failed", {{"err", st.message()}});
  }
  SKALD_LOG(info, "skald-store stopped");
}

}  // namespace skald
