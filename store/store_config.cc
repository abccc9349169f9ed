// Loki 2.9's config schema for skald-store: keys skald uses are bound into StoreConfig, known Loki
// keys it ignores are warnings, anything else is an error with file:line and a suggestion.
#include <initializer_list>

#include "common/config_yaml.h"
#include "common/logger.h"
#include "store/fs/free_space_guard.h"
#include "store/retention/deletion_mode.h"
#include "store/store_config_loader.h"

namespace skald {
namespace {

using config::BindBool;
using config::BindBytes;
using config::BindDouble;
using config::BindDuration;
using config::BindInt;
using config::BindInt64;
using config::BindString;
using config::BindStringMap;
using config::Key;
using config::Schema;
using config::Section;
using config::Value;
constexpr auto With = config::WithUnused;

Schema ServerKeys(ServerConfig* s) {
  return With({Value("http_listen_address", BindString(&s->http_listen_address)),
               Value("http_listen_port", BindInt(&s->http_listen_port)),
               config::UnusedValue("grpc_listen_port", BindInt(&s->grpc_listen_port)),
               Value("log_level", BindString(&s->log_level)),
               Value("http_server_read_timeout", config::BindDurationMs(&s->http_server_read_timeout_ms)),
               Value("http_server_write_timeout", config::BindDurationMs(&s->http_server_write_timeout_ms)),
               Value("http_server_idle_timeout", config::BindDurationMs(&s->http_server_idle_timeout_ms)),
               Value("graceful_shutdown_timeout", config::BindDurationMs(&s->graceful_shutdown_timeout_ms)),
               Value("http_listen_conn_limit", BindInt(&s->http_listen_conn_limit)),
               Value("ingest_cpu_priority", BindString(&s->ingest_cpu_priority)),
               Section("http_tls_config", http::TlsServerConfigKeys(&s->http_tls_config))},
              {"grpc_listen_address", "http_listen_network", "grpc_listen_network",
               "grpc_listen_conn_limit", "log_format", "log_source_ips_enabled",
               "log_source_ips_header", "log_source_ips_regex", "log_request_headers",
               "log_request_at_info_level_enabled", "log_request_exclude_headers_list",
               "http_path_prefix", "register_instrumentation", "grpc_tls_config",
               "grpc_server_max_recv_msg_size", "grpc_server_max_send_msg_size",
               "grpc_server_max_concurrent_streams", "grpc_server_max_connection_idle",
               "grpc_server_max_connection_age", "grpc_server_max_connection_age_grace",
               "grpc_server_keepalive_time", "grpc_server_keepalive_timeout",
               "grpc_server_min_time_between_pings", "grpc_server_ping_without_stream_allowed",
               "grpc_server_num_workers", "tls_cipher_suites", "tls_min_version"});
}

Schema RetentionStreamKeys(RetentionStreamRule* r) {
  return {Value("selector", BindString(&r->selector)), Value("priority", BindInt(&r->priority)),
          Value("period", BindDuration(&r->period_ns))};
}

Schema LimitsKeys(LimitsConfig* l) {
  Schema used = {
      Value("ingestion_rate_mb", BindDouble(&l->ingestion_rate_mb)),
      Value("ingestion_burst_size_mb", BindDouble(&l->ingestion_burst_size_mb)),
      Value("per_stream_rate_limit", BindBytes(&l->per_stream_rate_limit)),
      Value("per_stream_rate_limit_burst", BindBytes(&l->per_stream_rate_limit_burst)),
      Value("max_label_name_length", BindInt(&l->max_label_name_length)),
      Value("max_label_value_length", BindInt(&l->max_label_value_length)),
      Value("max_label_names_per_series", BindInt(&l->max_label_names_per_series)),
      Value("reject_old_samples", BindBool(&l->reject_old_samples)),
      Value("reject_old_samples_max_age", BindDuration(&l->reject_old_samples_max_age_ns)),
      Value("creation_grace_period", BindDuration(&l->creation_grace_period_ns)),
      Value("max_line_size", BindBytes(&l->max_line_size)),
      Value("max_line_size_truncate", BindBool(&l->max_line_size_truncate)),
      Value("max_global_streams_per_user", BindInt(&l->max_global_streams_per_user)),
      Value("max_streams_per_user", BindInt(&l->max_streams_per_user)),
      Value("unordered_writes", BindBool(&l->unordered_writes)),
      Value("max_entries_limit_per_query", BindInt(&l->max_entries_limit_per_query)),
      Value("max_query_length", BindDuration(&l->max_query_length_ns)),
      Value("max_query_series", BindInt(&l->max_query_series)),
      Value("max_query_parallelism", BindInt(&l->max_query_parallelism)),
      Value("query_timeout", BindDuration(&l->query_timeout_ns)),
      Value("max_query_bytes_read", BindBytes(&l->max_query_bytes_read)),
      Value("max_querier_bytes_read", BindBytes(&l->max_querier_bytes_read)),
      Value("max_query_memory", BindBytes(&l->max_query_memory)),   // skald only
      Value("retention_period", BindDuration(&l->retention_period_ns)),
      config::List("retention_stream",
                   [l](size_t) {
                     l->retention_stream.emplace_back();
                     return RetentionStreamKeys(&l->retention_stream.back());
                   }),
      Value("deletion_mode", [l](const YAML::Node& n) -> Status {
        SKALD_RETURN_IF_ERROR(BindString(&l->deletion_mode)(n));
        return retention::ParseDeletionMode(l->deletion_mode).status();
      }),
      Value("allow_structured_metadata", BindBool(&l->allow_structured_metadata)),
      Value("max_structured_metadata_size", BindBytes(&l->max_structured_metadata_size)),
      Value("max_structured_metadata_entries_count",
            BindInt(&l->max_structured_metadata_entries_count)),
      Value("discover_service_name", [l](const YAML::Node& n) -> Status {
        // Loki 3 takes a list of label names; any non-empty list enables it.
        if (n.IsSequence()) {
          l->discover_service_name = n.size() > 0;
          return Status::Ok();
        }
        return BindBool(&l->discover_service_name)(n);
      }),
      Value("max_concurrent_tail_requests", BindInt(&l->max_concurrent_tail_requests)),
      Value("max_push_body_bytes", BindBytes(&l->max_push_body_bytes))};
  return With(std::move(used),
              {"ingestion_rate_strategy", "enforce_metric_name", "increment_duplicate_timestamp",
               "max_chunks_per_query", "max_query_lookback", "max_query_range",
               "tsdb_max_query_parallelism", "tsdb_max_bytes_per_shard", "cardinality_limit",
               "max_streams_matchers_per_query", "max_cache_freshness_per_query",
               "max_stats_cache_freshness", "max_queriers_per_tenant", "query_ready_index_num_days",
               "split_queries_by_interval", "split_metadata_queries_by_interval",
               "min_sharding_lookback",
               "volume_enabled", "volume_max_series", "ruler_evaluation_delay_duration",
               "ruler_max_rules_per_rule_group", "ruler_max_rule_groups_per_tenant",
               "ruler_alertmanager_config", "ruler_remote_write_disabled", "ruler_remote_write_url",
               "ruler_remote_write_timeout", "ruler_remote_write_headers",
               "ruler_remote_write_relabel_configs", "ruler_remote_write_queue_capacity",
               "ruler_remote_write_queue_min_shards", "ruler_remote_write_queue_max_shards",
               "ruler_remote_write_queue_max_samples_per_send",
               "ruler_remote_write_queue_batch_send_deadline", "ruler_remote_write_queue_min_backoff",
               "ruler_remote_write_queue_max_backoff", "ruler_remote_write_queue_retry_on_ratelimit",
               "ruler_remote_write_sigv4_config", "ruler_remote_evaluation_timeout",
               "ruler_remote_evaluation_max_response_size",
               "per_tenant_override_config", "per_tenant_override_period", "shard_streams",
               "blocked_queries", "required_labels", "minimum_labels_number",
               "index_gateway_shard_size", "otlp_config", "max_global_streams_per_user_ratio",
               "query_sharding", "unordered_writes_enabled", "bloom_gateway_enable_filtering",
               "bloom_compactor_enable_compaction", "log_level_fields"});
}

Schema WalKeys(IngesterConfig* i) {
  return With({Value("enabled", BindBool(&i->wal_enabled)), Value("dir", BindString(&i->wal_dir)),
               Value("checkpoint_duration", BindDuration(&i->checkpoint_duration_ns)),
               Value("fsync", BindString(&i->wal_fsync)),
               Value("segment_size", BindBytes(&i->wal_segment_size))},
              {"flush_on_shutdown", "replay_memory_ceiling"});
}

Schema IngesterKeys(IngesterConfig* i) {
  return With({Value("chunk_block_size", BindBytes(&i->chunk_block_size)),
               Value("chunk_target_size", BindBytes(&i->chunk_target_size)),
               Value("chunk_idle_period", BindDuration(&i->chunk_idle_period_ns)),
               Value("max_chunk_age", BindDuration(&i->max_chunk_age_ns)),
               Value("chunk_encoding", BindString(&i->chunk_encoding)),
               Value("min_free_space", [i](const YAML::Node& n) -> Status {   // skald only
                 SKALD_RETURN_IF_ERROR(BindString(&i->min_free_space)(n));
                 return fs::ParseFreeSpaceFloor(i->min_free_space).status();
               }),
               Section("wal", WalKeys(i))},
              {"lifecycler", "concurrent_flushes", "flush_check_period", "flush_op_timeout",
               "chunk_retain_period", "autoforget_unhealthy", "sync_period", "sync_min_utilization",
               "max_returned_stream_errors", "query_store_max_look_back_period", "index_shards",
               "max_dropped_streams", "shutdown_marker_path", "chunk_filter", "flush_op_backoff",
               "max_transfer_retries"});
}

Schema CompactorKeys(CompactorConfig* c) {
  return With({Value("working_directory", BindString(&c->working_directory)),
               Value("compaction_interval", BindDuration(&c->compaction_interval_ns)),
               Value("retention_enabled", BindBool(&c->retention_enabled)),
               Value("retention_delete_delay", BindDuration(&c->retention_delete_delay_ns)),
               Value("retention_delete_worker_count", BindInt(&c->retention_delete_worker_count)),
               Value("delete_request_store", BindString(&c->delete_request_store)),
               Value("retention_rules_file", BindString(&c->retention_rules_file)),
               Value("delete_request_cancel_period", BindDuration(&c->delete_request_cancel_period_ns))},
              {"shared_store", "shared_store_key_prefix", "apply_retention_interval",
               "retention_table_timeout", "delete_max_interval",
               "delete_batch_size", "max_compaction_parallelism", "upload_parallelism",
               "compactor_ring", "run_once", "tables_to_compact", "skip_latest_n_tables",
               "delete_request_store_key_prefix"});
}

Schema RulerKeys(RulerConfig* r) {
  Schema client = With({Value("url", BindString(&r->remote_write_url))},
                       {"name", "remote_timeout", "headers", "send_exemplars",
                        "send_native_histograms", "basic_auth", "authorization", "oauth2", "sigv4",
                        "tls_config", "proxy_url", "follow_redirects", "enable_http2",
                        "queue_config", "metadata_config", "write_relabel_configs"});
  // Loki 2.9: `clients` (name → Prometheus remote_write config) supersedes the single `client`.
  auto clients = [r](const YAML::Node& n) -> Status {
    r->remote_write_client_urls.clear();
    if (n.IsNull()) return Status::Ok();
    if (!n.IsMap()) return Status::Invalid("expected a map of client name to remote_write config");
    for (const auto& kv : n) {
      if (!kv.second.IsMap() || !kv.second["url"] || !kv.second["url"].IsScalar())
        return Status::Invalid("remote_write client " + kv.first.Scalar() + " needs a url");
      r->remote_write_client_urls.push_back(kv.second["url"].Scalar());
    }
    return Status::Ok();
  };
  Schema remote_write = With({Value("enabled", BindBool(&r->remote_write_enabled)),
                              Section("client", std::move(client)), Value("clients", clients),
                              Value("add_org_id_header", BindBool(&r->remote_write_add_org_id_header))},
                             {"config_refresh_period"});
  Schema storage = With({Value("type", BindString(&r->storage_type)),
                         Section("local", {Value("directory", BindString(&r->local_directory))})},
                        {"s3", "gcs", "azure", "swift", "bos", "cos", "hedging"});
  return With({Section("storage", std::move(storage)), Value("rule_path", BindString(&r->rule_path)),
               Value("alertmanager_url", BindString(&r->alertmanager_url)),
               Value("external_url", BindString(&r->external_url)),
               Value("external_labels", BindStringMap(&r->external_labels)),
               Value("evaluation_interval", BindDuration(&r->evaluation_interval_ns)),
               Value("poll_interval", BindDuration(&r->poll_interval_ns)),
               Value("resend_delay", BindDuration(&r->resend_delay_ns)),
               Value("enable_api", BindBool(&r->enable_api)),
               Value("enable_alertmanager_v2", BindBool(&r->enable_alertmanager_v2)),
               Section("remote_write", std::move(remote_write)),
               Value("notification_timeout", BindDuration(&r->notification_timeout_ns)),
               Value("notification_queue_capacity", BindInt(&r->notification_queue_capacity))},
              {"ring", "enable_sharding", "sharding_strategy", "sharding_algo", "flush_period",
               "search_pending_for", "alertmanager_refresh_interval", "alertmanager_client",
               "enable_alertmanager_discovery", "for_outage_tolerance", "for_grace_period", "wal",
               "wal_cleaner", "evaluation", "query_stats_enabled", "disabled_rule_groups",
               "datasource_uid", "ruler_client", "evaluation_delay_duration"});
}

Schema CommonKeys(StoreConfig* c) {
  Schema fs = {Value("chunks_directory", BindString(&c->chunks_directory)),
               Value("rules_directory", BindString(&c->rules_directory))};
  Schema storage = With({Section("filesystem", std::move(fs)),
                         Section("s3", objstore::S3ConfigKeys(&c->storage.s3))},
                        {"gcs", "azure", "swift", "bos", "cos", "hedging", "congestion_control"});
  return With({Value("path_prefix", BindString(&c->path_prefix)),
               Section("storage", std::move(storage))},
              {"replication_factor", "ring", "instance_addr", "instance_interface_names",
               "instance_enable_ipv6", "persist_tokens", "compactor_address",
               "compactor_grpc_address"});
}

Schema QuerierKeys(QuerierConfig* q) {
  return With({Value("max_concurrent", BindInt(&q->max_concurrent)),
               Value("query_ingesters_within", BindDuration(&q->query_ingesters_within_ns)),
               Value("tail_max_duration", BindDuration(&q->tail_max_duration_ns)),
               Value("query_timeout", BindDuration(&q->query_timeout_ns)),
               Value("query_cpu_priority", BindString(&q->query_cpu_priority)),
               Value("multi_tenant_queries_enabled", BindBool(&q->multi_tenant_queries_enabled))},
              {"extra_query_delay", "query_ingester_only", "query_store_only",
               "per_request_limits_enabled", "engine"});
}

Schema SkaldAuthKeys(SkaldAuthConfig* a) {
  return {Value("credentials_file", BindString(&a->credentials_file)),
          Value("open_metrics", BindBool(&a->open_metrics)),
          Value("reload_check_period", BindDuration(&a->reload_check_period_ns)),
          Value("max_failures", BindInt(&a->max_failures)),
          Value("failure_window", BindDuration(&a->failure_window_ns)),
          Value("lockout_period", BindDuration(&a->lockout_period_ns))};
}

// schema_config: Skald keeps one chunk and index layout whatever the period says; what it takes
// from the newest period is its object_store (filesystem, or s3/aws for a bucket).
Schema SchemaConfigKeys(StoreConfig* c) {
  auto period = [c](size_t) -> Schema {
    return With({Value("object_store", BindString(&c->storage.object_store))},
                {"from", "store", "schema", "index", "chunks", "row_shards"});
  };
  return {config::List("configs", period)};
}

// storage_config: the aws block (Loki's S3 keys), the shipper's resync interval and cache.
Schema StorageConfigKeys(StoreConfig* c) {
  Schema shipper = With({Value("resync_interval", BindDuration(&c->storage.resync_interval_ns)),
                         Value("cache_location", BindString(&c->storage.cache_location))},
                        {"active_index_directory", "cache_ttl", "shared_store", "shared_store_key_prefix",
                         "query_ready_num_days", "index_gateway_client", "build_per_tenant_index",
                         "ingesterdbretainperiod", "mode"});
  Schema shipper2 = With({Value("resync_interval", BindDuration(&c->storage.resync_interval_ns)),
                          Value("cache_location", BindString(&c->storage.cache_location))},
                         {"active_index_directory", "cache_ttl", "shared_store", "shared_store_key_prefix",
                          "query_ready_num_days", "index_gateway_client", "build_per_tenant_index",
                          "ingesterdbretainperiod", "mode"});
  return With({Section("aws", objstore::S3ConfigKeys(&c->storage.s3)),
               Section("filesystem", {Value("directory", BindString(&c->chunks_directory))}),
               Section("tsdb_shipper", std::move(shipper)), Section("boltdb_shipper", std::move(shipper2))},
              {"bigtable", "gcs", "cassandra", "boltdb", "grpc_store", "hedging", "index_cache_validity",
               "index_queries_cache_config", "disable_broad_index_queries", "max_parallel_get_chunk",
               "max_chunk_batch_size", "azure", "alibabacloud", "bos", "cos", "swift", "congestion_control",
               "named_stores", "use_thanos_objstore", "object_store"});
}

Schema SkaldObjectStoreKeys(ObjectStorageConfig* s) {
  return {Value("upload_interval", BindDuration(&s->upload_interval_ns)),
          Value("chunk_cache_directory", BindString(&s->chunk_cache_directory)),
          Value("chunk_cache_size", BindBytes(&s->chunk_cache_size))};
}

Schema TopLevelKeys(StoreConfig* c) {
  Schema runtime = With({Value("file", BindString(&c->runtime_config_file)),
                         Value("period", BindDuration(&c->runtime_config_period_ns))},
                        {});
  return With({Value("auth_enabled", BindBool(&c->auth_enabled)),
               Value("target", BindString(&c->target)),
               Section("schema_config", SchemaConfigKeys(c)),
               Section("storage_config", StorageConfigKeys(c)),
               Section("skald_object_store", SkaldObjectStoreKeys(&c->storage)),
               Section("skald_cluster", cluster::ClusterKeys(&c->skald_cluster)),
               Section("server", ServerKeys(&c->server)), Section("common", CommonKeys(c)),
               Section("limits_config", LimitsKeys(&c->limits)),
               Section("ingester", IngesterKeys(&c->ingester)),
               Section("compactor", CompactorKeys(&c->compactor)),
               Section("ruler", RulerKeys(&c->ruler)),
               Section("querier", QuerierKeys(&c->querier)),
               Section("runtime_config", std::move(runtime)),
               Section("skald_auth", SkaldAuthKeys(&c->skald_auth)),
               Section("skald_backup", {Value("root_dir", BindString(&c->skald_backup.root_dir))})},
              {"ballast_bytes", "distributor", "query_range", "frontend",
               "query_scheduler", "frontend_worker", "ingester_client", "index_gateway",
               "chunk_store_config", "table_manager",
               "memberlist", "tracing", "analytics", "shutdown_delay", "bloom_compactor",
               "bloom_gateway", "operational_config", "internal_server", "pattern_ingester",
               "kafka_config", "ingester_rf1", "metastore", "metastore_client", "profiling"});
}

}  // namespace

Result<StoreConfig> ParseStoreConfig(const std::string& name, const std::string& yaml_text,
                                     bool expand_env, std::vector<std::string>* warnings) {
  auto doc = config::ParseYamlText(name, yaml_text, expand_env);
  if (!doc.ok()) return doc.status();
  StoreConfig cfg;
  cfg.config_file = name;
  config::Walker walker(name);
  walker.Walk(doc->root, TopLevelKeys(&cfg), "");
  if (warnings) *warnings = walker.warnings();
  SKALD_RETURN_IF_ERROR(walker.ToStatus());
  if (cfg.querier.query_timeout_ns > 0) {   // Loki 2.9: the deprecated key, when set, wins
    cfg.limits.query_timeout_ns = cfg.querier.query_timeout_ns;
    if (warnings) {
      warnings->push_back(name + ": querier.query_timeout is deprecated, use limits_config.query_timeout "
                          "(querier.query_timeout is applied and overrides it)");
    }
  }
  DeriveStoreDefaults(&cfg);
  SKALD_RETURN_IF_ERROR(ValidateStorageAndTarget(&cfg).Annotate(name));
  SKALD_RETURN_IF_ERROR(ValidateStoreConfig(cfg).Annotate(name));
  return cfg;
}

Result<StoreConfig> LoadStoreConfig(const std::string& path, bool expand_env,
                                    std::vector<std::string>* warnings) {
  auto doc = config::LoadYamlFile(path, false);
  if (!doc.ok()) return doc.status();
  return ParseStoreConfig(path, doc->text, expand_env, warnings);
}

}  // namespace skald
