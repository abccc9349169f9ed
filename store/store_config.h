// The store's configuration: Loki's YAML sections as plain structs with Loki 2.9's defaults.
// Filled by store/store_config.cc from -config.file; modules take the section they need by const ref.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/http/tls_config.h"
#include "store/cluster/cluster_config.h"
#include "store/objstore/s3_config.h"

namespace skald {

struct ServerConfig {
  std::string http_listen_address;          // "" = all interfaces
  int http_listen_port = 3100;
  int grpc_listen_port = 9095;              // accepted, unused
  std::string log_level = "info";
  int64_t http_server_read_timeout_ms = 30000;
  int64_t http_server_write_timeout_ms = 30000;
  int64_t http_server_idle_timeout_ms = 120000;
  int64_t graceful_shutdown_timeout_ms = 30000;
  int http_listen_conn_limit = 0;           // 0 = the open-file limit minus a reserve (Loki: unlimited)
  std::string ingest_cpu_priority = "latency";   // Skald key: latency or realtime (thread_slice.h)
  http::TlsServerConfig http_tls_config;    // plain HTTP unless cert_file/key_file (docs/TLS.md)
};

struct RetentionStreamRule {
  std::string selector;                     // `{service="postgres"}`
  int priority = 0;
  int64_t period_ns = 0;
};

// limits_config: names and defaults as Loki 2.9 (sizes in bytes, durations in ns).
struct LimitsConfig {
  double ingestion_rate_mb = 4;
  double ingestion_burst_size_mb = 6;
  int64_t per_stream_rate_limit = 3 << 20;         // 3MB
  int64_t per_stream_rate_limit_burst = 15 << 20;  // 15MB
  int max_label_name_length = 1024;
  int max_label_value_length = 2048;
  int max_label_names_per_series = 15;
  bool reject_old_samples = true;
  int64_t reject_old_samples_max_age_ns = 7LL * 24 * 3600 * 1000000000LL;
  int64_t creation_grace_period_ns = 10LL * 60 * 1000000000LL;
  int64_t max_line_size = 256 * 1024;              // 0 = unlimited
  bool max_line_size_truncate = false;
  int max_global_streams_per_user = 5000;          // 0 = unlimited
  int max_streams_per_user = 0;
  bool unordered_writes = true;
  int max_entries_limit_per_query = 5000;
  int64_t max_query_length_ns = 721LL * 3600 * 1000000000LL;
  int max_query_series = 500;
  int max_query_parallelism = 32;
  int64_t query_timeout_ns = 60LL * 1000000000LL;
  int64_t max_query_bytes_read = 0;                // 0 = off; checked up front from the index
  int64_t max_querier_bytes_read = 150LL * 1000 * 1000 * 1000;  // 150GB, checked while scanning
  int64_t max_query_memory = 256LL << 20;          // skald: per-step values of a metric query
  int64_t retention_period_ns = 0;                 // 0 = keep forever (744h in Loki when enabled)
  std::vector<RetentionStreamRule> retention_stream;
  std::string deletion_mode = "filter-and-delete"; // disabled | filter-only | filter-and-delete
  bool allow_structured_metadata = true;
  int64_t max_structured_metadata_size = 64 * 1024;
  int max_structured_metadata_entries_count = 128;
  bool discover_service_name = true;
  int max_concurrent_tail_requests = 10;
  int64_t max_push_body_bytes = 100LL << 20;       // skald: 413 above this (Loki: server limit)
};

// Ingester: head blocks, chunk cutting, WAL.
struct IngesterConfig {
  int64_t chunk_block_size = 262144;               // uncompressed bytes per block
  int64_t chunk_target_size = 1572864;             // compressed bytes per chunk
  int64_t chunk_idle_period_ns = 30LL * 60 * 1000000000LL;
  int64_t max_chunk_age_ns = 2LL * 3600 * 1000000000LL;
  std::string chunk_encoding = "zstd";             // block codec: lz4, zstd, snappy, gzip/flate, none
  bool wal_enabled = true;
  std::string wal_dir;                             // default <path_prefix>/wal
  int64_t checkpoint_duration_ns = 5LL * 60 * 1000000000LL;
  // skald: "group" (fsync before ack, batched across concurrent pushes), "always", "never"
  std::string wal_fsync = "group";
  int64_t wal_segment_size = 64LL << 20;
  // skald: pushes are refused (503) while free space on the WAL's or the chunks' volume is under
  // this floor: a size, a share of the volume, or both (the smaller applies); "0" turns it off.
  std::string min_free_space = "256MB,2%";
};

struct CompactorConfig {
  std::string working_directory;                   // default <path_prefix>/compactor
  int64_t compaction_interval_ns = 10LL * 60 * 1000000000LL;
  bool retention_enabled = false;
  int64_t retention_delete_delay_ns = 2LL * 3600 * 1000000000LL;
  int retention_delete_worker_count = 150;
  std::string delete_request_store;
  std::string retention_rules_file;                // skald: the seed's `- match/retention` list
  int64_t delete_request_cancel_period_ns = 24LL * 3600 * 1000000000LL;
};

struct RulerConfig {
  std::string storage_type = "local";
  std::string local_directory;                     // ruler.storage.local.directory
  std::string rule_path = "/rules";
  std::string alertmanager_url;
  std::string external_url;
  std::vector<std::pair<std::string, std::string>> external_labels;
  int64_t evaluation_interval_ns = 60LL * 1000000000LL;
  int64_t poll_interval_ns = 60LL * 1000000000LL;
  int64_t resend_delay_ns = 60LL * 1000000000LL;
  bool enable_api = false;
  bool enable_alertmanager_v2 = true;
  std::string remote_write_url;                    // ruler.remote_write.client.url
  bool remote_write_enabled = false;
  std::vector<std::string> remote_write_client_urls;  // ruler.remote_write.clients.<name>.url
  bool remote_write_add_org_id_header = true;      // ruler.remote_write.add_org_id_header
  int64_t notification_timeout_ns = 10LL * 1000000000LL;
  int notification_queue_capacity = 10000;
};

struct QuerierConfig {
  int max_concurrent = 10;
  int64_t query_ingesters_within_ns = 3LL * 3600 * 1000000000LL;
  int64_t tail_max_duration_ns = 3600LL * 1000000000LL;
  int64_t query_timeout_ns = 0;                    // deprecated in Loki 2.9; set (> 0) it wins
  // skald: CPU priority of the query workers against pushes: "low" (nice 10), "idle" (SCHED_IDLE:
  // queries use only CPU nothing else wants) or "normal". See docs/OPERATIONS.md.
  std::string query_cpu_priority = "low";
  bool multi_tenant_queries_enabled = false;       // Loki: X-Scope-OrgID `a|b` reads both (else 400)
};

// skald_auth (docs/SECURITY.md): with auth_enabled and a credentials file, every request but the
// open ones needs a credential whose tenants and scopes allow it. No file: Loki's behaviour.
struct SkaldAuthConfig {
  std::string credentials_file;                    // "" = no authentication (X-Scope-OrgID only)
  bool open_metrics = true;                        // GET /metrics without credentials
  int64_t reload_check_period_ns = 2LL * 1000000000LL;   // stat the file at most this often
  int max_failures = 10;                           // bad credentials per address per window...
  int64_t failure_window_ns = 60LL * 1000000000LL;
  int64_t lockout_period_ns = 60LL * 1000000000LL; // ...then 429 for this long
};

// skald_backup: where POST /skald/admin/backup may write. "" = any absolute path, unless a
// credentials file is set (then backups are refused until a root is configured).
struct SkaldBackupConfig {
  std::string root_dir;
};

// Object storage (docs/SCALING.md): where chunks and index objects live once shipped. The backend
// is the object_store of schema_config's newest period; "filesystem" keeps today's local layout.
struct ObjectStorageConfig {
  std::string object_store = "filesystem";          // schema_config.configs[-1].object_store
  objstore::S3Config s3;                            // storage_config.aws or common.storage.s3
  int64_t resync_interval_ns = 60LL * 1000000000LL; // storage_config.tsdb_shipper.resync_interval
  std::string cache_location;                       // storage_config.tsdb_shipper.cache_location
  // skald_object_store:
  int64_t upload_interval_ns = 60LL * 1000000000LL; // how often flushed segments are shipped
  std::string chunk_cache_directory;                // default <path_prefix>/chunk-cache
  int64_t chunk_cache_size = 10LL << 30;            // bytes of shipped chunks kept on local disk
  bool enabled() const { return object_store == "s3" || object_store == "aws"; }
};

struct StoreConfig {
  std::string config_file;                         // where it was loaded from (for messages)
  // -target / target: all (one process does everything), write, read, backend (docs/SCALING.md).
  std::string target = "all";
  ObjectStorageConfig storage;
  cluster::ClusterConfig skald_cluster;            // read nodes: the write nodes to fan out to
  bool auth_enabled = true;                        // Loki default: true
  std::string path_prefix = "/loki";               // common.path_prefix: the data dir
  std::string chunks_directory;                    // common.storage.filesystem.chunks_directory
  std::string rules_directory;                     // common.storage.filesystem.rules_directory
  std::string runtime_config_file;                 // runtime_config.file (per-tenant overrides)
  int64_t runtime_config_period_ns = 10LL * 1000000000LL;
  ServerConfig server;
  LimitsConfig limits;
  IngesterConfig ingester;
  CompactorConfig compactor;
  RulerConfig ruler;
  QuerierConfig querier;
  SkaldAuthConfig skald_auth;
  SkaldBackupConfig skald_backup;
};

}  // namespace skald
