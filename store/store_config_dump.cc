// StoreConfig after parsing: path_prefix-derived defaults, cross-field validation, and the YAML
// rendering served at /config and printed by -print-config-stderr.
#include <yaml-cpp/yaml.h>

#include <initializer_list>

#include "common/logger.h"
#include "common/time_util.h"
#include "store/chunk/block_codec.h"
#include "store/store_config_loader.h"

namespace skald {
namespace {

std::string Join(const std::string& dir, const std::string& leaf) {
  if (dir.empty()) return leaf;
  return dir.back() == '/' ? dir + leaf : dir + "/" + leaf;
}

void FillIfEmpty(std::string* field, const std::string& value) {
  if (field->empty()) *field = value;
}

std::string Dur(int64_t ns) { return FormatDuration(ns); }
std::string DurMs(int64_t ms) { return FormatDuration(ms * kNsPerMs); }

void EmitPairs(YAML::Emitter& e, const char* key,
               const std::vector<std::pair<std::string, std::string>>& pairs) {
  e << YAML::Key << key << YAML::Value << YAML::BeginMap;
  for (const auto& [k, v] : pairs) e << YAML::Key << k << YAML::Value << v;
  e << YAML::EndMap;
}

void EmitLimits(YAML::Emitter& e, const LimitsConfig& l) {
  e << YAML::Key << "limits_config" << YAML::Value << YAML::BeginMap;
  e << YAML::Key << "ingestion_rate_mb" << YAML::Value << FormatGoFloat(l.ingestion_rate_mb);
  e << YAML::Key << "ingestion_burst_size_mb" << YAML::Value
    << FormatGoFloat(l.ingestion_burst_size_mb);
  e << YAML::Key << "per_stream_rate_limit" << YAML::Value << l.per_stream_rate_limit;
  e << YAML::Key << "per_stream_rate_limit_burst" << YAML::Value << l.per_stream_rate_limit_burst;
  e << YAML::Key << "max_label_name_length" << YAML::Value << l.max_label_name_length;
  e << YAML::Key << "max_label_value_length" << YAML::Value << l.max_label_value_length;
  e << YAML::Key << "max_label_names_per_series" << YAML::Value << l.max_label_names_per_series;
  e << YAML::Key << "reject_old_samples" << YAML::Value << l.reject_old_samples;
  e << YAML::Key << "reject_old_samples_max_age" << YAML::Value
    << FormatPromDuration(l.reject_old_samples_max_age_ns);
  e << YAML::Key << "creation_grace_period" << YAML::Value << Dur(l.creation_grace_period_ns);
  e << YAML::Key << "max_line_size" << YAML::Value << l.max_line_size;
  e << YAML::Key << "max_line_size_truncate" << YAML::Value << l.max_line_size_truncate;
  e << YAML::Key << "max_global_streams_per_user" << YAML::Value << l.max_global_streams_per_user;
  e << YAML::Key << "max_streams_per_user" << YAML::Value << l.max_streams_per_user;
  e << YAML::Key << "unordered_writes" << YAML::Value << l.unordered_writes;
  e << YAML::Key << "max_entries_limit_per_query" << YAML::Value << l.max_entries_limit_per_query;
  e << YAML::Key << "max_query_length" << YAML::Value << FormatPromDuration(l.max_query_length_ns);
  e << YAML::Key << "max_query_series" << YAML::Value << l.max_query_series;
  e << YAML::Key << "max_query_parallelism" << YAML::Value << l.max_query_parallelism;
  e << YAML::Key << "query_timeout" << YAML::Value << Dur(l.query_timeout_ns);
  e << YAML::Key << "max_query_bytes_read" << YAML::Value << l.max_query_bytes_read;
  e << YAML::Key << "max_querier_bytes_read" << YAML::Value << l.max_querier_bytes_read;
  e << YAML::Key << "max_query_memory" << YAML::Value << l.max_query_memory;
  e << YAML::Key << "retention_period" << YAML::Value << FormatPromDuration(l.retention_period_ns);
  e << YAML::Key << "retention_stream" << YAML::Value << YAML::BeginSeq;
  for (const auto& r : l.retention_stream) {
    e << YAML::BeginMap << YAML::Key << "selector" << YAML::Value << r.selector;
    e << YAML::Key << "priority" << YAML::Value << r.priority;
    e << YAML::Key << "period" << YAML::Value << FormatPromDuration(r.period_ns) << YAML::EndMap;
  }
  e << YAML::EndSeq;
  e << YAML::Key << "deletion_mode" << YAML::Value << l.deletion_mode;
  e << YAML::Key << "allow_structured_metadata" << YAML::Value << l.allow_structured_metadata;
  e << YAML::Key << "max_structured_metadata_size" << YAML::Value << l.max_structured_metadata_size;
  e << YAML::Key << "max_structured_metadata_entries_count" << YAML::Value
    << l.max_structured_metadata_entries_count;
  e << YAML::Key << "discover_service_name" << YAML::Value << l.discover_service_name;
  e << YAML::Key << "max_concurrent_tail_requests" << YAML::Value << l.max_concurrent_tail_requests;
  e << YAML::Key << "max_push_body_bytes" << YAML::Value << l.max_push_body_bytes;
  e << YAML::EndMap;
}

void EmitIngesterCompactor(YAML::Emitter& e, const IngesterConfig& i, const CompactorConfig& c) {
  e << YAML::Key << "ingester" << YAML::Value << YAML::BeginMap;
  e << YAML::Key << "chunk_block_size" << YAML::Value << i.chunk_block_size;
  e << YAML::Key << "chunk_target_size" << YAML::Value << i.chunk_target_size;
  e << YAML::Key << "chunk_idle_period" << YAML::Value << Dur(i.chunk_idle_period_ns);
  e << YAML::Key << "max_chunk_age" << YAML::Value << Dur(i.max_chunk_age_ns);
  e << YAML::Key << "chunk_encoding" << YAML::Value << i.chunk_encoding;
  e << YAML::Key << "min_free_space" << YAML::Value << i.min_free_space;
  e << YAML::Key << "wal" << YAML::Value << YAML::BeginMap;
  e << YAML::Key << "enabled" << YAML::Value << i.wal_enabled;
  e << YAML::Key << "dir" << YAML::Value << i.wal_dir;
  e << YAML::Key << "checkpoint_duration" << YAML::Value << Dur(i.checkpoint_duration_ns);
  e << YAML::Key << "fsync" << YAML::Value << i.wal_fsync;
  e << YAML::Key << "segment_size" << YAML::Value << i.wal_segment_size;
  e << YAML::EndMap << YAML::EndMap;
  e << YAML::Key << "compactor" << YAML::Value << YAML::BeginMap;
  e << YAML::Key << "working_directory" << YAML::Value << c.working_directory;
  e << YAML::Key << "compaction_interval" << YAML::Value << Dur(c.compaction_interval_ns);
  e << YAML::Key << "retention_enabled" << YAML::Value << c.retention_enabled;
  e << YAML::Key << "retention_delete_delay" << YAML::Value << Dur(c.retention_delete_delay_ns);
  e << YAML::Key << "retention_delete_worker_count" << YAML::Value
    << c.retention_delete_worker_count;
  e << YAML::Key << "delete_request_store" << YAML::Value << c.delete_request_store;
  e << YAML::Key << "retention_rules_file" << YAML::Value << c.retention_rules_file;
  e << YAML::Key << "delete_request_cancel_period" << YAML::Value
    << Dur(c.delete_request_cancel_period_ns);
  e << YAML::EndMap;
}

void EmitRulerQuerier(YAML::Emitter& e, const RulerConfig& r, const QuerierConfig& q) {
  e << YAML::Key << "ruler" << YAML::Value << YAML::BeginMap;
  e << YAML::Key << "storage" << YAML::Value << YAML::BeginMap << YAML::Key << "type"
    << YAML::Value << r.storage_type << YAML::Key << "local" << YAML::Value << YAML::BeginMap
    << YAML::Key << "directory" << YAML::Value << r.local_directory << YAML::EndMap
    << YAML::EndMap;
  e << YAML::Key << "rule_path" << YAML::Value << r.rule_path;
  e << YAML::Key << "alertmanager_url" << YAML::Value << r.alertmanager_url;
  e << YAML::Key << "external_url" << YAML::Value << r.external_url;
  EmitPairs(e, "external_labels", r.external_labels);
  e << YAML::Key << "evaluation_interval" << YAML::Value << Dur(r.evaluation_interval_ns);
  e << YAML::Key << "poll_interval" << YAML::Value << Dur(r.poll_interval_ns);
  e << YAML::Key << "resend_delay" << YAML::Value << Dur(r.resend_delay_ns);
  e << YAML::Key << "enable_api" << YAML::Value << r.enable_api;
  e << YAML::Key << "enable_alertmanager_v2" << YAML::Value << r.enable_alertmanager_v2;
  e << YAML::Key << "notification_timeout" << YAML::Value << Dur(r.notification_timeout_ns);
  e << YAML::Key << "notification_queue_capacity" << YAML::Value << r.notification_queue_capacity;
  e << YAML::Key << "remote_write" << YAML::Value << YAML::BeginMap << YAML::Key << "enabled"
    << YAML::Value << r.remote_write_enabled << YAML::Key << "client" << YAML::Value
    << YAML::BeginMap << YAML::Key << "url" << YAML::Value << r.remote_write_url << YAML::EndMap;
  e << YAML::Key << "add_org_id_header" << YAML::Value << r.remote_write_add_org_id_header;
  if (!r.remote_write_client_urls.empty()) {
    e << YAML::Key << "clients" << YAML::Value << YAML::BeginMap;
    for (size_t i = 0; i < r.remote_write_client_urls.size(); ++i)
      e << YAML::Key << ("client" + std::to_string(i)) << YAML::Value << YAML::BeginMap << YAML::Key << "url"
        << YAML::Value << r.remote_write_client_urls[i] << YAML::EndMap;
    e << YAML::EndMap;
  }
  e << YAML::EndMap;
  e << YAML::EndMap;
  e << YAML::Key << "querier" << YAML::Value << YAML::BeginMap;
  e << YAML::Key << "max_concurrent" << YAML::Value << q.max_concurrent;
  e << YAML::Key << "query_cpu_priority" << YAML::Value << q.query_cpu_priority;
  e << YAML::Key << "multi_tenant_queries_enabled" << YAML::Value << q.multi_tenant_queries_enabled;
  e << YAML::Key << "query_ingesters_within" << YAML::Value << Dur(q.query_ingesters_within_ns);
  e << YAML::Key << "tail_max_duration" << YAML::Value << Dur(q.tail_max_duration_ns);
  e << YAML::Key << "query_timeout" << YAML::Value << Dur(q.query_timeout_ns);
  e << YAML::EndMap;
}

// skald_auth and skald_backup (the credentials file's path only; its content is never shown).
void EmitSkald(YAML::Emitter& e, const SkaldAuthConfig& a, const SkaldBackupConfig& b) {
  e << YAML::Key << "skald_auth" << YAML::Value << YAML::BeginMap;
  e << YAML::Key << "credentials_file" << YAML::Value << a.credentials_file;
  e << YAML::Key << "open_metrics" << YAML::Value << a.open_metrics;
  e << YAML::Key << "reload_check_period" << YAML::Value << Dur(a.reload_check_period_ns);
  e << YAML::Key << "max_failures" << YAML::Value << a.max_failures;
  e << YAML::Key << "failure_window" << YAML::Value << Dur(a.failure_window_ns);
  e << YAML::Key << "lockout_period" << YAML::Value << Dur(a.lockout_period_ns);
  e << YAML::EndMap;
  e << YAML::Key << "skald_backup" << YAML::Value << YAML::BeginMap << YAML::Key << "root_dir"
    << YAML::Value << b.root_dir << YAML::EndMap;
}

}  // namespace

void DeriveStoreDefaults(StoreConfig* c) {
  const std::string& p = c->path_prefix;
  FillIfEmpty(&c->ingester.wal_dir, Join(p, "wal"));
  FillIfEmpty(&c->compactor.working_directory, Join(p, "compactor"));
  FillIfEmpty(&c->chunks_directory, Join(p, "chunks"));
  FillIfEmpty(&c->rules_directory, Join(p, "rules"));
  FillIfEmpty(&c->ruler.local_directory, c->rules_directory);
  FillIfEmpty(&c->storage.chunk_cache_directory, Join(p, "chunk-cache"));
  FillIfEmpty(&c->storage.cache_location, Join(p, "index-cache"));
}

// skald_auth / skald_backup: the file only makes sense with auth on; limits must be positive.
// A key that takes one of a few words: `<key>: want a, b or c, got "<value>"` otherwise.
static Status OneOf(const char* key, const std::string& value, std::initializer_list<const char*> allowed) {
  std::string want;
  size_t i = 0;
  for (const char* a : allowed) {
    if (value == a) return Status::Ok();
    want += (i == 0 ? "" : i + 1 == allowed.size() ? " or " : ", ") + std::string(a);
    ++i;
  }
  return Status::Invalid(std::string(key) + ": want " + want + ", got \"" + value + "\"");
}

static Status ValidateSkaldAuth(const StoreConfig& c) {
  const SkaldAuthConfig& a = c.skald_auth;
  if (!a.credentials_file.empty() && !c.auth_enabled)
    return Status::Invalid("skald_auth.credentials_file: needs auth_enabled: true (it maps credentials to tenants)");
  if (a.max_failures < 1) return Status::Invalid("skald_auth.max_failures: must be at least 1");
  if (a.failure_window_ns <= 0 || a.lockout_period_ns <= 0 || a.reload_check_period_ns <= 0)
    return Status::Invalid("skald_auth: failure_window, lockout_period and reload_check_period must be positive");
  const std::string& r = c.skald_backup.root_dir;
  if (!r.empty() && r.front() != '/')
    return Status::Invalid("skald_backup.root_dir: must be an absolute path, got \"" + r + "\"");
  return Status::Ok();
}

Status ValidateStoreConfig(const StoreConfig& c) {
  log::Level level;
  if (!log::ParseLevel(c.server.log_level, &level)) {
    return Status::Invalid("server.log_level: unrecognized log level \"" + c.server.log_level +
                           "\" (want debug, info, warn or error)");
  }
  if (c.server.http_listen_port < 0 || c.server.http_listen_port > 65535) {
    return Status::Invalid("server.http_listen_port: out of range: " +
                           std::to_string(c.server.http_listen_port));
  }
  if (Status s = http::ValidateTlsServerConfig(c.server.http_tls_config, "server.http_tls_config"); !s.ok()) {
    return s;
  }
  SKALD_RETURN_IF_ERROR(OneOf("ingester.wal.fsync", c.ingester.wal_fsync, {"group", "always", "never"}));
  SKALD_RETURN_IF_ERROR(OneOf("querier.query_cpu_priority", c.querier.query_cpu_priority, {"idle", "low", "normal"}));
  SKALD_RETURN_IF_ERROR(OneOf("server.ingest_cpu_priority", c.server.ingest_cpu_priority, {"latency", "realtime"}));
  SKALD_RETURN_IF_ERROR(ValidateSkaldAuth(c));
  if (auto enc = chunk::ParseChunkEncoding(c.ingester.chunk_encoding); !enc.ok())
    return Status::Invalid("ingester.chunk_encoding: " + enc.status().message());
  for (const auto& r : c.limits.retention_stream) {
    if (r.selector.empty()) return Status::Invalid("limits_config.retention_stream: empty selector");
  }
  if (c.limits.ingestion_rate_mb < 0 || c.limits.ingestion_burst_size_mb < 0) {
    return Status::Invalid("limits_config.ingestion_rate_mb: must not be negative");
  }
  return Status::Ok();
}

namespace {

// Object storage, when on (secrets are never shown, as Loki masks them).
void EmitObjectStorage(YAML::Emitter& e, const StoreConfig& c) {
  const ObjectStorageConfig& s = c.storage;
  e << YAML::Key << "schema_config" << YAML::Value << YAML::BeginMap << YAML::Key << "configs" << YAML::Value
    << YAML::BeginSeq << YAML::BeginMap << YAML::Key << "object_store" << YAML::Value << s.object_store
    << YAML::EndMap << YAML::EndSeq << YAML::EndMap;
  if (!s.enabled()) return;
  auto masked = [](const std::string& v) { return v.empty() ? std::string() : std::string("<secret>"); };
  e << YAML::Key << "storage_config" << YAML::Value << YAML::BeginMap;
  e << YAML::Key << "aws" << YAML::Value << YAML::BeginMap;
  e << YAML::Key << "endpoint" << YAML::Value << s.s3.endpoint;
  e << YAML::Key << "region" << YAML::Value << s.s3.region;
  e << YAML::Key << "bucketnames" << YAML::Value << s.s3.bucketnames;
  e << YAML::Key << "access_key_id" << YAML::Value << s.s3.access_key_id;
  e << YAML::Key << "secret_access_key" << YAML::Value << masked(s.s3.secret_access_key);
  e << YAML::Key << "session_token" << YAML::Value << masked(s.s3.session_token);
  e << YAML::Key << "insecure" << YAML::Value << s.s3.insecure;
  e << YAML::Key << "s3forcepathstyle" << YAML::Value << s.s3.s3forcepathstyle;
  e << YAML::Key << "storage_class" << YAML::Value << s.s3.storage_class;
  e << YAML::EndMap;
  e << YAML::Key << "tsdb_shipper" << YAML::Value << YAML::BeginMap << YAML::Key << "resync_interval"
    << YAML::Value << Dur(s.resync_interval_ns) << YAML::Key << "cache_location" << YAML::Value
    << s.cache_location << YAML::EndMap;
  e << YAML::EndMap;
  e << YAML::Key << "skald_object_store" << YAML::Value << YAML::BeginMap << YAML::Key << "upload_interval"
    << YAML::Value << Dur(s.upload_interval_ns) << YAML::Key << "chunk_cache_directory" << YAML::Value
    << s.chunk_cache_directory << YAML::Key << "chunk_cache_size" << YAML::Value << s.chunk_cache_size
    << YAML::EndMap;
  e << YAML::Key << "skald_cluster" << YAML::Value << YAML::BeginMap << YAML::Key << "node_id" << YAML::Value
    << c.skald_cluster.node_id << YAML::Key << "write_nodes" << YAML::Value << YAML::Flow << YAML::BeginSeq;
  for (const auto& w : c.skald_cluster.write_nodes) e << w;
  e << YAML::EndSeq << YAML::EndMap;
}

}  // namespace

std::string StoreConfigToYaml(const StoreConfig& c) {
  YAML::Emitter e;
  e << YAML::BeginMap;
  e << YAML::Key << "target" << YAML::Value << c.target;
  e << YAML::Key << "auth_enabled" << YAML::Value << c.auth_enabled;
  e << YAML::Key << "server" << YAML::Value << YAML::BeginMap;
  e << YAML::Key << "http_listen_address" << YAML::Value << c.server.http_listen_address;
  e << YAML::Key << "http_listen_port" << YAML::Value << c.server.http_listen_port;
  e << YAML::Key << "log_level" << YAML::Value << c.server.log_level;
  e << YAML::Key << "http_server_read_timeout" << YAML::Value
    << DurMs(c.server.http_server_read_timeout_ms);
  e << YAML::Key << "http_server_write_timeout" << YAML::Value
    << DurMs(c.server.http_server_write_timeout_ms);
  e << YAML::Key << "http_server_idle_timeout" << YAML::Value
    << DurMs(c.server.http_server_idle_timeout_ms);
  e << YAML::Key << "graceful_shutdown_timeout" << YAML::Value
    << DurMs(c.server.graceful_shutdown_timeout_ms);
  e << YAML::Key << "http_listen_conn_limit" << YAML::Value << c.server.http_listen_conn_limit;
  e << YAML::Key << "ingest_cpu_priority" << YAML::Value << c.server.ingest_cpu_priority;
  const http::TlsServerConfig& tls = c.server.http_tls_config;
  e << YAML::Key << "http_tls_config" << YAML::Value << YAML::BeginMap << YAML::Key << "cert_file"
    << YAML::Value << tls.cert_file << YAML::Key << "key_file" << YAML::Value << tls.key_file << YAML::Key
    << "client_auth_type" << YAML::Value << tls.client_auth_type << YAML::Key << "client_ca_file"
    << YAML::Value << tls.client_ca_file << YAML::EndMap;
  e << YAML::EndMap;
  e << YAML::Key << "common" << YAML::Value << YAML::BeginMap;
  e << YAML::Key << "path_prefix" << YAML::Value << c.path_prefix;
  e << YAML::Key << "storage" << YAML::Value << YAML::BeginMap << YAML::Key << "filesystem"
    << YAML::Value << YAML::BeginMap << YAML::Key << "chunks_directory" << YAML::Value
    << c.chunks_directory << YAML::Key << "rules_directory" << YAML::Value << c.rules_directory
    << YAML::EndMap << YAML::EndMap << YAML::EndMap;
  EmitLimits(e, c.limits);
  EmitIngesterCompactor(e, c.ingester, c.compactor);
  EmitRulerQuerier(e, c.ruler, c.querier);
  e << YAML::Key << "runtime_config" << YAML::Value << YAML::BeginMap << YAML::Key << "file"
    << YAML::Value << c.runtime_config_file << YAML::Key << "period" << YAML::Value
    << Dur(c.runtime_config_period_ns) << YAML::EndMap;
  EmitSkald(e, c.skald_auth, c.skald_backup);
  EmitObjectStorage(e, c);
  e << YAML::EndMap;
  return std::string(e.c_str()) + "\n";
}

}  // namespace skald
