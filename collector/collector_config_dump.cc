// CollectorConfig after parsing: cross-field validation and the YAML rendering served at /config
// and printed by -print-config-stderr (secrets masked as Promtail does).
#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "collector/collector_config_loader.h"
#include "common/logger.h"
#include "common/time_util.h"

namespace skald {
namespace {

std::string Dur(int64_t ns) { return FormatDuration(ns); }
std::string Secret(const std::string& s) { return s.empty() ? "" : "<secret>"; }

void EmitPairs(YAML::Emitter& e, const char* key,
               const std::vector<std::pair<std::string, std::string>>& pairs) {
  e << YAML::Key << key << YAML::Value << YAML::BeginMap;
  for (const auto& [k, v] : pairs) e << YAML::Key << k << YAML::Value << v;
  e << YAML::EndMap;
}

// A URL's password (user:pass@) shown as <secret>, as Prometheus common does for proxy_url.
std::string MaskUrl(const std::string& url) {
  const size_t scheme = url.find("://");
  const size_t at = url.find('@');
  const size_t colon = url.find(':', scheme == std::string::npos ? 0 : scheme + 3);
  if (scheme == std::string::npos || at == std::string::npos || colon == std::string::npos || colon > at) {
    return url;
  }
  return url.substr(0, colon + 1) + "<secret>" + url.substr(at);
}

void EmitTls(YAML::Emitter& e, const TlsClientConfig& t) {
  e << YAML::Key << "tls_config" << YAML::Value << YAML::BeginMap;
  e << YAML::Key << "ca_file" << YAML::Value << t.ca_file;
  e << YAML::Key << "cert_file" << YAML::Value << t.cert_file;
  e << YAML::Key << "key_file" << YAML::Value << t.key_file;
  e << YAML::Key << "server_name" << YAML::Value << t.server_name;
  e << YAML::Key << "insecure_skip_verify" << YAML::Value << t.insecure_skip_verify;
  e << YAML::EndMap;
}

void EmitClient(YAML::Emitter& e, const ClientConfig& c) {
  e << YAML::BeginMap;
  e << YAML::Key << "url" << YAML::Value << c.url;
  e << YAML::Key << "tenant_id" << YAML::Value << c.tenant_id;
  e << YAML::Key << "batchwait" << YAML::Value << Dur(c.batchwait_ns);
  e << YAML::Key << "batchsize" << YAML::Value << c.batchsize;
  e << YAML::Key << "timeout" << YAML::Value << Dur(c.timeout_ns);
  e << YAML::Key << "backoff_config" << YAML::Value << YAML::BeginMap;
  e << YAML::Key << "min_period" << YAML::Value << Dur(c.backoff.min_period_ns);
  e << YAML::Key << "max_period" << YAML::Value << Dur(c.backoff.max_period_ns);
  e << YAML::Key << "max_retries" << YAML::Value << c.backoff.max_retries << YAML::EndMap;
  EmitPairs(e, "external_labels", c.external_labels);
  if (!c.basic_auth_username.empty()) {
    e << YAML::Key << "basic_auth" << YAML::Value << YAML::BeginMap << YAML::Key << "username"
      << YAML::Value << c.basic_auth_username << YAML::Key << "password" << YAML::Value
      << Secret(c.basic_auth_password) << YAML::Key << "password_file" << YAML::Value
      << c.basic_auth_password_file << YAML::EndMap;
  }
  if (!c.bearer_token.empty()) e << YAML::Key << "bearer_token" << YAML::Value << "<secret>";
  if (!c.bearer_token_file.empty()) {
    e << YAML::Key << "bearer_token_file" << YAML::Value << c.bearer_token_file;
  }
  EmitTls(e, c.tls);
  EmitPairs(e, "headers", c.headers);
  if (!c.proxy_url.empty()) e << YAML::Key << "proxy_url" << YAML::Value << MaskUrl(c.proxy_url);
  if (!c.no_proxy.empty()) e << YAML::Key << "no_proxy" << YAML::Value << c.no_proxy;
  e << YAML::Key << "proxy_from_environment" << YAML::Value << c.proxy_from_environment;
  e << YAML::Key << "drop_rate_limited_batches" << YAML::Value << c.drop_rate_limited_batches;
  e << YAML::EndMap;
}

void EmitScrape(YAML::Emitter& e, const ScrapeConfig& s) {
  e << YAML::BeginMap << YAML::Key << "job_name" << YAML::Value << s.job_name;
  if (!s.docker_sd_configs.empty()) {
    e << YAML::Key << "docker_sd_configs" << YAML::Value << YAML::BeginSeq;
    for (const auto& d : s.docker_sd_configs) {
      e << YAML::BeginMap << YAML::Key << "host" << YAML::Value << d.host;
      e << YAML::Key << "port" << YAML::Value << d.port;
      e << YAML::Key << "host_networking_host" << YAML::Value << d.host_networking_host;
      e << YAML::Key << "refresh_interval" << YAML::Value << Dur(d.refresh_interval_ns);
      e << YAML::Key << "data_root" << YAML::Value << d.data_root;
      EmitTls(e, d.tls);
      e << YAML::EndMap;
    }
    e << YAML::EndSeq;
  }
  if (!s.static_configs.empty()) {
    e << YAML::Key << "static_configs" << YAML::Value << YAML::BeginSeq;
    for (const auto& st : s.static_configs) {
      e << YAML::BeginMap << YAML::Key << "targets" << YAML::Value << YAML::Flow << st.targets;
      EmitPairs(e, "labels", st.labels);
      e << YAML::EndMap;
    }
    e << YAML::EndSeq;
  }
  auto present = [](const YAML::Node& n) { return n.IsDefined() && !n.IsNull(); };
  if (present(s.relabel_configs)) {
    e << YAML::Key << "relabel_configs" << YAML::Value << s.relabel_configs;
  }
  if (present(s.pipeline_stages)) {
    e << YAML::Key << "pipeline_stages" << YAML::Value << s.pipeline_stages;
  }
  e << YAML::EndMap;
}

// The cross-field rules of Prometheus common's HTTPClientConfig.Validate (which Promtail runs).
Status ValidateTls(const TlsClientConfig& t) {
  if (!t.cert_file.empty() && t.key_file.empty()) {
    return Status::Invalid("tls_config: client cert file \"" + t.cert_file +
                           "\" specified without client key file");
  }
  if (!t.key_file.empty() && t.cert_file.empty()) {
    return Status::Invalid("tls_config: client key file \"" + t.key_file +
                           "\" specified without client cert file");
  }
  return Status::Ok();
}

Status ValidateClientAuth(const ClientConfig& c) {
  if (!c.basic_auth_password.empty() && !c.basic_auth_password_file.empty()) {
    return Status::Invalid("at most one of basic_auth password & password_file must be configured");
  }
  if (!c.bearer_token.empty() && !c.bearer_token_file.empty()) {
    return Status::Invalid("at most one of bearer_token & bearer_token_file must be configured");
  }
  const bool basic = !c.basic_auth_username.empty() || !c.basic_auth_password.empty() ||
                     !c.basic_auth_password_file.empty();
  if (basic && (!c.bearer_token.empty() || !c.bearer_token_file.empty())) {
    return Status::Invalid("at most one of basic_auth, oauth2, bearer_token & bearer_token_file "
                           "must be configured");
  }
  if (!c.proxy_url.empty() && c.proxy_from_environment) {
    return Status::Invalid("if proxy_from_environment is configured, proxy_url must not be configured");
  }
  if (!c.no_proxy.empty() && c.proxy_url.empty()) {
    return Status::Invalid("if no_proxy is configured, proxy_url must also be configured");
  }
  return ValidateTls(c.tls);
}

Status ValidateDockerSD(const DockerSDConfig& d) {
  if (d.host.empty()) return Status::Invalid("host missing");
  for (const char* scheme : {"unix://", "tcp://", "http://", "https://"}) {
    if (d.host.rfind(scheme, 0) == 0) return ValidateTls(d.tls);
  }
  return Status::Invalid("host \"" + d.host + "\": want unix://, tcp://, http:// or https://");
}

}  // namespace

Status ValidateCollectorConfig(const CollectorConfig& c) {
  log::Level level;
  if (!log::ParseLevel(c.server.log_level, &level)) {
    return Status::Invalid("server.log_level: unrecognized log level \"" + c.server.log_level +
                           "\" (want debug, info, warn or error)");
  }
  if (Status s = http::ValidateTlsServerConfig(c.server.http_tls_config, "server.http_tls_config"); !s.ok()) {
    return s;
  }
  for (const auto& cl : c.clients) {
    if (cl.url.empty()) return Status::Invalid("clients: client needs target URL");
    if (cl.url.rfind("http://", 0) != 0 && cl.url.rfind("https://", 0) != 0) {
      return Status::Invalid("clients: url must start with http:// or https://: " + cl.url);
    }
    SKALD_RETURN_IF_ERROR(ValidateClientAuth(cl).Annotate("clients"));
  }
  std::vector<std::string> jobs;
  for (const auto& s : c.scrape_configs) {
    for (const auto& d : s.docker_sd_configs) {
      SKALD_RETURN_IF_ERROR(ValidateDockerSD(d).Annotate("scrape_configs: docker_sd_configs"));
    }
    if (std::find(jobs.begin(), jobs.end(), s.job_name) != jobs.end() && !s.job_name.empty()) {
      return Status::Invalid("scrape_configs: found multiple scrape configs with job name \"" +
                             s.job_name + "\"");
    }
    jobs.push_back(s.job_name);
  }
  return Status::Ok();
}

std::string CollectorConfigToYaml(const CollectorConfig& c) {
  YAML::Emitter e;
  e << YAML::BeginMap;
  e << YAML::Key << "server" << YAML::Value << YAML::BeginMap;
  e << YAML::Key << "http_listen_address" << YAML::Value << c.server.http_listen_address;
  e << YAML::Key << "http_listen_port" << YAML::Value << c.server.http_listen_port;
  e << YAML::Key << "log_level" << YAML::Value << c.server.log_level;
  e << YAML::Key << "disable" << YAML::Value << c.server.disable;
  const http::TlsServerConfig& tls = c.server.http_tls_config;
  e << YAML::Key << "http_tls_config" << YAML::Value << YAML::BeginMap << YAML::Key << "cert_file"
    << YAML::Value << tls.cert_file << YAML::Key << "key_file" << YAML::Value << tls.key_file << YAML::Key
    << "client_auth_type" << YAML::Value << tls.client_auth_type << YAML::Key << "client_ca_file"
    << YAML::Value << tls.client_ca_file << YAML::EndMap << YAML::EndMap;
  e << YAML::Key << "positions" << YAML::Value << YAML::BeginMap;
  e << YAML::Key << "filename" << YAML::Value << c.positions.filename;
  e << YAML::Key << "sync_period" << YAML::Value << Dur(c.positions.sync_period_ns);
  e << YAML::Key << "ignore_invalid_yaml" << YAML::Value << c.positions.ignore_invalid_yaml;
  e << YAML::EndMap;
  e << YAML::Key << "clients" << YAML::Value << YAML::BeginSeq;
  for (const auto& cl : c.clients) EmitClient(e, cl);
  e << YAML::EndSeq;
  e << YAML::Key << "scrape_configs" << YAML::Value << YAML::BeginSeq;
  for (const auto& s : c.scrape_configs) EmitScrape(e, s);
  e << YAML::EndSeq;
  e << YAML::Key << "limits_config" << YAML::Value << YAML::BeginMap;
  e << YAML::Key << "readline_rate" << YAML::Value << FormatGoFloat(c.limits.readline_rate);
  e << YAML::Key << "readline_burst" << YAML::Value << c.limits.readline_burst;
  e << YAML::Key << "readline_rate_enabled" << YAML::Value << c.limits.readline_rate_enabled;
  e << YAML::Key << "readline_rate_drop" << YAML::Value << c.limits.readline_rate_drop;
  e << YAML::Key << "max_line_size" << YAML::Value << c.limits.max_line_size;
  e << YAML::Key << "max_line_size_truncate" << YAML::Value << c.limits.max_line_size_truncate;
  e << YAML::EndMap;
  e << YAML::Key << "target_config" << YAML::Value << YAML::BeginMap << YAML::Key << "sync_period"
    << YAML::Value << Dur(c.target_sync_period_ns) << YAML::EndMap;
  e << YAML::EndMap;
  return std::string(e.c_str()) + "\n";
}

}  // namespace skald
