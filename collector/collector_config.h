// The collector's configuration: Promtail's YAML sections as structs with Promtail 2.9's defaults.
// relabel_configs and pipeline_stages stay YAML nodes here; their modules parse and validate them.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "common/http/tls_config.h"

namespace skald {

struct CollectorServerConfig {
  std::string http_listen_address;
  int http_listen_port = 9080;
  int grpc_listen_port = 9095;
  std::string log_level = "info";
  bool disable = false;
  http::TlsServerConfig http_tls_config;  // plain HTTP unless cert_file/key_file (docs/TLS.md)
};

struct PositionsConfig {
  std::string filename = "/var/log/positions.yaml";
  int64_t sync_period_ns = 10LL * 1000000000LL;
  bool ignore_invalid_yaml = false;
};

struct BackoffConfig {
  int64_t min_period_ns = 500LL * 1000000;
  int64_t max_period_ns = 5LL * 60 * 1000000000LL;
  int max_retries = 10;
};

// Promtail's (Prometheus common's) tls_config on an outgoing connection: clients and docker_sd.
struct TlsClientConfig {
  std::string ca_file, cert_file, key_file, server_name;
  bool insecure_skip_verify = false;
  bool Any() const {
    return !ca_file.empty() || !cert_file.empty() || !key_file.empty() || !server_name.empty() ||
           insecure_skip_verify;
  }
};

struct ClientConfig {
  std::string url;
  std::string tenant_id;
  int64_t batchwait_ns = 1000000000LL;
  int64_t batchsize = 1 << 20;
  int64_t timeout_ns = 10LL * 1000000000LL;
  BackoffConfig backoff;
  std::vector<std::pair<std::string, std::string>> external_labels;
  std::string basic_auth_username, basic_auth_password, basic_auth_password_file;
  std::string bearer_token, bearer_token_file;
  TlsClientConfig tls;
  // proxy_url; no_proxy (comma-separated, needs proxy_url); proxy_from_environment (HTTP(S)_PROXY).
  std::string proxy_url, no_proxy;
  bool proxy_from_environment = false;
  std::vector<std::pair<std::string, std::string>> headers;
  bool drop_rate_limited_batches = false;
};

struct DockerSDConfig {
  std::string host = "unix:///var/run/docker.sock";
  int port = 80;
  std::string host_networking_host = "localhost";
  int64_t refresh_interval_ns = 60LL * 1000000000LL;
  std::vector<std::pair<std::string, std::vector<std::string>>> filters;  // name -> values
  std::string data_root = "/var/lib/docker";   // skald: where LogPath files are read (container-side)
  // Used for https:// hosts, and for tcp:// hosts when any of it is set (docs/COMPATIBILITY.md).
  TlsClientConfig tls;
};

struct StaticConfig {
  std::vector<std::string> targets;
  std::vector<std::pair<std::string, std::string>> labels;  // includes __path__, __path_exclude__
};

struct ScrapeConfig {
  std::string job_name;
  std::vector<DockerSDConfig> docker_sd_configs;
  std::vector<StaticConfig> static_configs;
  YAML::Node relabel_configs;    // sequence, parsed by collector/pipeline/relabel
  YAML::Node pipeline_stages;    // sequence, parsed by collector/pipeline
};

struct CollectorLimitsConfig {
  double readline_rate = 10000;
  int readline_burst = 10000;
  bool readline_rate_enabled = false;
  bool readline_rate_drop = true;
  int64_t max_line_size = 0;
  bool max_line_size_truncate = false;
};

struct CollectorConfig {
  std::string config_file;
  CollectorServerConfig server;
  PositionsConfig positions;
  std::vector<ClientConfig> clients;
  std::vector<ScrapeConfig> scrape_configs;
  CollectorLimitsConfig limits;
  // target_config.sync_period
  int64_t target_sync_period_ns = 10LL * 1000000000LL;
};

}  // namespace skald
