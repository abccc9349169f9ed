// Loading Loki configs: the user's seed file (warnings only), typos with line numbers, value
// errors, path_prefix defaults, env expansion, and the YAML dump loading back.
#include <catch.hpp>

#include <fmt/format.h>

#include <cstdlib>
#include <fstream>

#include "store/store_config_loader.h"

using namespace skald;

namespace {

const std::string kSeed = std::string(SKALD_SOURCE_DIR) + "/../shared/seed/loki-config.yaml";
constexpr int64_t kS = 1000000000LL;

bool AnyContains(const std::vector<std::string>& v, const std::string& needle) {
  for (const auto& s : v) {
    if (s.find(needle) != std::string::npos) return true;
  }
  return false;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST_CASE("the seed loki-config.yaml loads with warnings only") {
  std::vector<std::string> warnings;
  auto cfg = LoadStoreConfig(kSeed, false, &warnings);
  INFO(cfg.status().message());
  REQUIRE(cfg.ok());
  CHECK_FALSE(cfg->auth_enabled);
  CHECK(cfg->server.http_listen_port == 3100);
  CHECK(cfg->server.grpc_listen_port == 9096);
  CHECK(cfg->path_prefix == "/loki");
  CHECK(cfg->chunks_directory == "/loki/chunks");
  CHECK(cfg->rules_directory == "/loki/rules");
  CHECK(cfg->limits.retention_period_ns == 30 * 24 * 3600 * kS);
  CHECK(cfg->limits.reject_old_samples_max_age_ns == 168 * 3600 * kS);
  CHECK(cfg->limits.ingestion_rate_mb == 16);
  CHECK(cfg->limits.ingestion_burst_size_mb == 32);
  CHECK(cfg->limits.per_stream_rate_limit == 12000000);
  CHECK(cfg->limits.per_stream_rate_limit_burst == 15000000);
  CHECK(cfg->compactor.working_directory == "/loki/compactor");
  CHECK(cfg->compactor.compaction_interval_ns == 600 * kS);
  CHECK(cfg->compactor.retention_enabled);
  CHECK(cfg->compactor.retention_delete_delay_ns == 7200 * kS);
  CHECK(cfg->compactor.retention_delete_worker_count == 150);
  CHECK(cfg->ruler.local_directory == "/loki/rules");
  CHECK(cfg->ruler.rule_path == "/loki/rules-temp");
  CHECK(cfg->ruler.alertmanager_url == "http://localhost:9093");
  CHECK(cfg->ruler.enable_api);
  CHECK(cfg->querier.max_concurrent == 4);
  CHECK(cfg->ingester.wal_dir == "/loki/wal");
  CHECK(cfg->storage.object_store == "filesystem");   // the seed's period: local disk
  CHECK_FALSE(cfg->storage.enabled());
  CHECK(cfg->target == "all");
  for (const char* key : {"common.instance_addr", "common.replication_factor", "common.ring",
                          "limits_config.enforce_metric_name", "compactor.shared_store",
                          "schema_config.configs.schema", "ruler.ring", "query_range", "frontend",
                          "server.grpc_listen_port"}) {
    INFO(key);
    CHECK(AnyContains(warnings, "key \"" + std::string(key) + "\" is not used"));
  }
  CHECK(AnyContains(warnings, "loki-config.yaml:22:"));  // enforce_metric_name's line
}

TEST_CASE("a typo'd key is an error naming file line and suggestion") {
  std::string text = ReadFile(kSeed);
  size_t pos = text.find("retention_period:");
  REQUIRE(pos != std::string::npos);
  text.replace(pos, 17, "retention_peroid:");
  auto cfg = ParseStoreConfig("typo.yaml", text, false, nullptr);
  REQUIRE_FALSE(cfg.ok());
  CHECK(cfg.status().message() ==
        "typo.yaml:21: unknown key \"retention_peroid\" in section \"limits_config\" (did you "
        "mean retention_period?)");
}

TEST_CASE("bad values and cross-field errors") {
  struct Case { const char* yaml; const char* want; } cases[] = {
      {"server:\n  http_listen_port: abc\n", "t.yaml:2: key \"server.http_listen_port\""},
      {"limits_config:\n  per_stream_rate_limit: 3XB\n",
       "t.yaml:2: key \"limits_config.per_stream_rate_limit\""},
      {"ingester:\n  wal:\n    fsync: sometimes\n", "ingester.wal.fsync"},
      {"ingester:\n  chunk_encoding: brotli\n", "invalid encoding: brotli"},
      {"ingester:\n  min_free_space: 120%\n", "t.yaml:2: key \"ingester.min_free_space\""},
      {"server:\n  log_level: loud\n", "unrecognized log level"},
      {"limits_config:\n  retention_stream:\n    - selector: '{a=\"b\"}'\n      perod: 1d\n",
       "t.yaml:4: unknown key \"perod\" in section \"limits_config.retention_stream\""},
      {"auth_enabled: false\nauth_enabled: true\n", "t.yaml:2: key \"auth_enabled\" is set twice"}};
  for (const auto& c : cases) {
    INFO(c.yaml);
    auto cfg = ParseStoreConfig("t.yaml", c.yaml, false, nullptr);
    REQUIRE_FALSE(cfg.ok());
    CHECK(cfg.status().message().find(c.want) != std::string::npos);
  }
}

TEST_CASE("defaults: Loki's and directories derived from path_prefix") {
  auto empty = ParseStoreConfig("e.yaml", "", false, nullptr);
  REQUIRE(empty.ok());
  CHECK(empty->auth_enabled);
  CHECK(empty->server.http_listen_port == 3100);
  CHECK(empty->ingester.wal_dir == "/loki/wal");
  auto cfg = ParseStoreConfig("p.yaml",
                              "common:\n  path_prefix: /data/store/\n"
                              "ingester:\n  wal:\n    dir: /fast/wal\n    fsync: always\n"
                              "  max_chunk_age: 1h\n"
                              "limits_config:\n  retention_stream:\n"
                              "    - selector: '{service=\"postgres\"}'\n      priority: 2\n"
                              "      period: 90d\n",
                              false, nullptr);
  REQUIRE(cfg.ok());
  CHECK(cfg->ingester.wal_dir == "/fast/wal");
  CHECK(cfg->ingester.wal_fsync == "always");
  CHECK(cfg->ingester.min_free_space == "256MB,2%");
  CHECK(cfg->ingester.max_chunk_age_ns == 3600 * kS);
  CHECK(cfg->compactor.working_directory == "/data/store/compactor");
  CHECK(cfg->chunks_directory == "/data/store/chunks");
  CHECK(cfg->ruler.local_directory == "/data/store/rules");
  REQUIRE(cfg->limits.retention_stream.size() == 1);
  CHECK(cfg->limits.retention_stream[0].selector == "{service=\"postgres\"}");
  CHECK(cfg->limits.retention_stream[0].priority == 2);
  CHECK(cfg->limits.retention_stream[0].period_ns == 90 * 24 * 3600 * kS);
}

TEST_CASE("expand-env substitutes before parsing") {
  setenv("SKALD_TEST_PORT", "3999", 1);
  unsetenv("SKALD_TEST_DATA");
  std::string text = "server:\n  http_listen_port: ${SKALD_TEST_PORT}\n"
                     "common:\n  path_prefix: ${SKALD_TEST_DATA:-./data}/store\n";
  auto cfg = ParseStoreConfig("env.yaml", text, true, nullptr);
  REQUIRE(cfg.ok());
  CHECK(cfg->server.http_listen_port == 3999);
  CHECK(cfg->path_prefix == "./data/store");
  CHECK_FALSE(ParseStoreConfig("env.yaml", text, false, nullptr).ok());
}

TEST_CASE("the YAML dump loads back to the same config") {
  auto cfg = LoadStoreConfig(kSeed, false, nullptr);
  REQUIRE(cfg.ok());
  std::string dumped = StoreConfigToYaml(*cfg);
  std::vector<std::string> warnings;
  auto again = ParseStoreConfig("dump.yaml", dumped, false, &warnings);
  INFO(again.status().message());
  REQUIRE(again.ok());
  CHECK(warnings.empty());
  CHECK(StoreConfigToYaml(*again) == dumped);
  CHECK(again->limits.retention_period_ns == cfg->limits.retention_period_ns);
  CHECK(again->limits.per_stream_rate_limit == 12000000);
}

TEST_CASE("the shipped configs/skald-store.yaml loads cleanly") {
  std::vector<std::string> warnings;
  auto cfg = LoadStoreConfig(std::string(SKALD_SOURCE_DIR) + "/configs/skald-store.yaml", true,
                             &warnings);
  INFO(cfg.status().message());
  REQUIRE(cfg.ok());
  CHECK(warnings.empty());
  CHECK_FALSE(cfg->auth_enabled);
  CHECK(cfg->server.http_listen_port == 3100);
}

TEST_CASE("query limits: Loki's bytes keys, skald's max_query_memory, deprecated querier.query_timeout") {
  auto d = ParseStoreConfig("d.yaml", "", false, nullptr);
  REQUIRE(d.ok());
  CHECK(d->limits.max_query_bytes_read == 0);
  CHECK(d->limits.max_querier_bytes_read == 150LL * 1000 * 1000 * 1000);
  CHECK(d->limits.max_query_memory == 256LL << 20);
  CHECK(d->limits.query_timeout_ns == 60 * kS);
  std::vector<std::string> warnings;
  auto cfg = ParseStoreConfig("q.yaml",
                              "limits_config:\n  max_query_bytes_read: 10GB\n  max_querier_bytes_read: 1GiB\n"
                              "  max_query_memory: 64MB\n  query_timeout: 5m\n"
                              "querier:\n  query_timeout: 30s\n",
                              false, &warnings);
  REQUIRE(cfg.ok());
  CHECK(cfg->limits.max_query_bytes_read == 10LL * 1000 * 1000 * 1000);
  CHECK(cfg->limits.max_querier_bytes_read == 1LL << 30);
  CHECK(cfg->limits.max_query_memory == 64LL * 1000 * 1000);
  CHECK(cfg->limits.query_timeout_ns == 30 * kS);   // the deprecated key, when set, wins (Loki 2.9)
  CHECK(AnyContains(warnings, "querier.query_timeout is deprecated"));
  auto again = ParseStoreConfig("dump.yaml", StoreConfigToYaml(*cfg), false, nullptr);
  REQUIRE(again.ok());
  CHECK(again->limits.max_querier_bytes_read == 1LL << 30);
  CHECK(again->limits.query_timeout_ns == 30 * kS);
}

TEST_CASE("querier.query_cpu_priority: low by default, idle and normal accepted, others an error") {
  auto d = ParseStoreConfig("d.yaml", "", false, nullptr);
  REQUIRE(d.ok());
  CHECK(d->querier.query_cpu_priority == "low");
  for (const char* v : {"low", "normal", "idle"}) {
    auto cfg = ParseStoreConfig("p.yaml", fmt::format("querier:\n  query_cpu_priority: {}\n", v), false, nullptr);
    REQUIRE(cfg.ok());
    CHECK(cfg->querier.query_cpu_priority == v);
    auto again = ParseStoreConfig("dump.yaml", StoreConfigToYaml(*cfg), false, nullptr);
    REQUIRE(again.ok());
    CHECK(again->querier.query_cpu_priority == v);
  }
  auto bad = ParseStoreConfig("p.yaml", "querier:\n  query_cpu_priority: realtime\n", false, nullptr);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message().find("querier.query_cpu_priority: want idle, low or normal") != std::string::npos);
}

TEST_CASE("server.ingest_cpu_priority: latency by default, realtime accepted, others an error naming the key") {
  auto d = ParseStoreConfig("d.yaml", "", false, nullptr);
  REQUIRE(d.ok());
  CHECK(d->server.ingest_cpu_priority == "latency");
  for (const char* v : {"latency", "realtime"}) {
    auto cfg = ParseStoreConfig("p.yaml", fmt::format("server:\n  ingest_cpu_priority: {}\n", v), false, nullptr);
    REQUIRE(cfg.ok());
    CHECK(cfg->server.ingest_cpu_priority == v);
    auto again = ParseStoreConfig("dump.yaml", StoreConfigToYaml(*cfg), false, nullptr);
    REQUIRE(again.ok());
    CHECK(again->server.ingest_cpu_priority == v);
  }
  auto bad = ParseStoreConfig("p.yaml", "server:\n  ingest_cpu_priority: high\n", false, nullptr);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message().find("server.ingest_cpu_priority: want latency or realtime, got \"high\"") !=
        std::string::npos);
}

TEST_CASE("ingester.chunk_encoding: zstd by default, every Loki value accepted") {
  auto d = ParseStoreConfig("d.yaml", "", false, nullptr);
  REQUIRE(d.ok());
  CHECK(d->ingester.chunk_encoding == "zstd");
  for (const char* v : {"none", "gzip", "lz4-64k", "snappy", "lz4-256k", "lz4-1M", "lz4", "flate", "zstd"}) {
    INFO(v);
    auto cfg = ParseStoreConfig("p.yaml", fmt::format("ingester:\n  chunk_encoding: {}\n", v), false, nullptr);
    REQUIRE(cfg.ok());
    CHECK(cfg->ingester.chunk_encoding == v);
  }
}

TEST_CASE("object storage and targets: Loki's keys turn it on, bad combinations name the fix") {
  const std::string s3 = R"(schema_config:
  configs:
    - from: 2020-01-01
      store: boltdb-shipper
      object_store: filesystem
      schema: v11
    - from: 2024-01-01
      store: tsdb
      object_store: s3
      schema: v13
common:
  storage:
    s3:
      endpoint: http://127.0.0.1:9000
      bucketnames: logs
      access_key_id: k
      secret_access_key: s
      s3forcepathstyle: true
      insecure: true
storage_config:
  tsdb_shipper:
    resync_interval: 30s
    cache_location: /cache/index
skald_object_store:
  upload_interval: 15s
  chunk_cache_size: 2GB
skald_cluster:
  node_id: w1
)";
  auto cfg = ParseStoreConfig("t.yaml", "target: write\n" + s3, false, nullptr);
  INFO(cfg.status().message());
  REQUIRE(cfg.ok());
  CHECK(cfg->target == "write");
  CHECK(cfg->storage.enabled());   // the newest period names s3
  CHECK(cfg->storage.s3.buckets == std::vector<std::string>{"logs"});
  CHECK(cfg->storage.resync_interval_ns == 30LL * 1000000000);
  CHECK(cfg->storage.cache_location == "/cache/index");
  CHECK(cfg->storage.upload_interval_ns == 15LL * 1000000000);
  CHECK(cfg->storage.chunk_cache_size == 2LL * 1000 * 1000 * 1000);
  CHECK(cfg->storage.chunk_cache_directory == "/loki/chunk-cache");
  CHECK(cfg->skald_cluster.node_id == "w1");

  struct Case { std::string yaml; const char* want; } cases[] = {
      {"target: querier\n", "target: unsupported target \"querier\""},
      {"target: read\n", "needs object storage shared by every node"},
      {"schema_config:\n  configs:\n    - object_store: gcs\n", "\"gcs\" is not supported"},
      {"target: read\n" + s3.substr(0, s3.find("common:")), "bucketnames"},
      {"target: all\n" + s3 + "skald_object_store:\n  upload_interval: 0s\n", "set twice"}};
  for (const auto& c : cases) {
    INFO(c.yaml);
    auto bad = ParseStoreConfig("t.yaml", c.yaml, false, nullptr);
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.status().message().find(c.want) != std::string::npos);
  }
}
