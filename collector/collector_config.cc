// Promtail 2.9's config schema for skald-collector: used keys bind into CollectorConfig, known
// Promtail keys skald ignores are warnings, anything else is an error with file:line.
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <initializer_list>

#include "collector/collector_config_loader.h"
#include "common/config_yaml.h"

namespace skald {
namespace {

using config::BindBool;
using config::BindBytes;
using config::BindDouble;
using config::BindDuration;
using config::BindInt;
using config::BindNode;
using config::BindString;
using config::BindStringList;
using config::BindStringMap;
using config::Key;
using config::Schema;
using config::Section;
using config::Value;
constexpr auto With = config::WithUnused;

Schema ServerKeys(CollectorServerConfig* s) {
  return With({Value("http_listen_address", BindString(&s->http_listen_address)),
               Value("http_listen_port", BindInt(&s->http_listen_port)),
               config::UnusedValue("grpc_listen_port", BindInt(&s->grpc_listen_port)),
               Value("log_level", BindString(&s->log_level)),
               Value("disable", BindBool(&s->disable)),
               Section("http_tls_config", http::TlsServerConfigKeys(&s->http_tls_config))},
              {"grpc_listen_address", "http_listen_network", "grpc_listen_network",
               "http_listen_conn_limit", "grpc_listen_conn_limit", "log_format",
               "http_server_read_timeout", "http_server_write_timeout", "http_server_idle_timeout",
               "graceful_shutdown_timeout", "http_path_prefix", "register_instrumentation",
               "grpc_tls_config", "grpc_server_max_recv_msg_size",
               "grpc_server_max_send_msg_size", "grpc_server_max_concurrent_streams",
               "log_source_ips_enabled", "external_url", "health_check_target",
               "enable_runtime_reload", "profiling_enabled"});
}

Schema PositionsKeys(PositionsConfig* p) {
  return {Value("filename", BindString(&p->filename)),
          Value("sync_period", BindDuration(&p->sync_period_ns)),
          Value("ignore_invalid_yaml", BindBool(&p->ignore_invalid_yaml))};
}

// A file named in the config must be readable at start-up (Promtail loads TLS files when it
// builds the client); secrets files are also re-read per request (see collector/client).
config::Binder BindReadableFile(std::string* out) {
  return [out](const YAML::Node& n) -> Status {
    SKALD_RETURN_IF_ERROR(BindString(out)(n));
    if (out->empty() || ::access(out->c_str(), R_OK) == 0) return Status::Ok();
    return Status::Invalid(fmt::format("cannot read file \"{}\": {}", *out, std::strerror(errno)));
  };
}

Schema TlsKeys(TlsClientConfig* t) {
  return {Value("ca_file", BindReadableFile(&t->ca_file)),
          Value("cert_file", BindReadableFile(&t->cert_file)),
          Value("key_file", BindReadableFile(&t->key_file)),
          Value("server_name", BindString(&t->server_name)),
          Value("insecure_skip_verify", BindBool(&t->insecure_skip_verify)),
          config::Unused("min_version"), config::Unused("ca"), config::Unused("cert"),
          config::Unused("key")};
}

Schema ClientKeys(ClientConfig* c) {
  Schema backoff = {Value("min_period", BindDuration(&c->backoff.min_period_ns)),
                    Value("max_period", BindDuration(&c->backoff.max_period_ns)),
                    Value("max_retries", BindInt(&c->backoff.max_retries))};
  Schema basic = {Value("username", BindString(&c->basic_auth_username)),
                  Value("password", BindString(&c->basic_auth_password)),
                  Value("password_file", BindReadableFile(&c->basic_auth_password_file))};
  return With({Value("url", BindString(&c->url)), Value("tenant_id", BindString(&c->tenant_id)),
               Value("batchwait", BindDuration(&c->batchwait_ns)),
               Value("batchsize", BindBytes(&c->batchsize)),
               Value("timeout", BindDuration(&c->timeout_ns)),
               Section("backoff_config", std::move(backoff)),
               Value("external_labels", BindStringMap(&c->external_labels)),
               Section("basic_auth", std::move(basic)),
               Value("bearer_token", BindString(&c->bearer_token)),
               Value("bearer_token_file", BindReadableFile(&c->bearer_token_file)),
               Section("tls_config", TlsKeys(&c->tls)), Value("headers", BindStringMap(&c->headers)),
               Value("proxy_url", BindString(&c->proxy_url)),
               Value("no_proxy", BindString(&c->no_proxy)),
               Value("proxy_from_environment", BindBool(&c->proxy_from_environment)),
               Value("drop_rate_limited_batches", BindBool(&c->drop_rate_limited_batches))},
              {"oauth2", "authorization", "follow_redirects", "enable_http2",
               "stream_lag_labels", "name", "proxy_connect_header"});
}

Schema DockerSDKeys(DockerSDConfig* d) {
  auto filters = [d](const YAML::Node& n) -> Status {
    d->filters.clear();
    if (n.IsNull()) return Status::Ok();
    if (!n.IsSequence()) return Status::Invalid("expected a list of {name, values}");
    for (const auto& f : n) {
      if (!f.IsMap() || !f["name"]) return Status::Invalid("each filter needs a name");
      std::vector<std::string> values;
      if (f["values"]) SKALD_RETURN_IF_ERROR(BindStringList(&values)(f["values"]));
      d->filters.emplace_back(f["name"].Scalar(), std::move(values));
    }
    return Status::Ok();
  };
  return With({Value("host", BindString(&d->host)), Value("port", BindInt(&d->port)),
               Value("host_networking_host", BindString(&d->host_networking_host)),
               Value("refresh_interval", BindDuration(&d->refresh_interval_ns)),
               Value("filters", filters), Value("data_root", BindString(&d->data_root)),
               Section("tls_config", TlsKeys(&d->tls))},
              {"basic_auth", "authorization", "oauth2", "proxy_url",
               "follow_redirects", "enable_http2", "match_first_network", "no_proxy",
               "proxy_from_environment", "proxy_connect_header"});
}

Schema StaticKeys(StaticConfig* s) {
  return {Value("targets", BindStringList(&s->targets)),
          Value("labels", BindStringMap(&s->labels))};
}

Schema ScrapeKeys(ScrapeConfig* s) {
  return With({Value("job_name", BindString(&s->job_name)),
               config::List("docker_sd_configs",
                            [s](size_t) {
                              s->docker_sd_configs.emplace_back();
                              return DockerSDKeys(&s->docker_sd_configs.back());
                            }),
               config::List("static_configs",
                            [s](size_t) {
                              s->static_configs.emplace_back();
                              return StaticKeys(&s->static_configs.back());
                            }),
               Value("relabel_configs", BindNode(&s->relabel_configs)),
               Value("pipeline_stages", BindNode(&s->pipeline_stages))},
              {"file_sd_configs", "journal", "syslog", "gcplog", "windows_events",
               "kubernetes_sd_configs", "consul_sd_configs", "consulagent_sd_configs",
               "loki_push_api", "gelf", "cloudflare", "heroku_drain", "kafka", "azure_event_hubs",
               "decompression", "encoding", "limits_config"});
}

Schema LimitsKeys(CollectorLimitsConfig* l) {
  return With({Value("readline_rate", BindDouble(&l->readline_rate)),
               Value("readline_burst", BindInt(&l->readline_burst)),
               Value("readline_rate_enabled", BindBool(&l->readline_rate_enabled)),
               Value("readline_rate_drop", BindBool(&l->readline_rate_drop)),
               Value("max_line_size", BindBytes(&l->max_line_size)),
               Value("max_line_size_truncate", BindBool(&l->max_line_size_truncate))},
              {"max_streams"});
}

Schema TopLevelKeys(CollectorConfig* c) {
  return With(
      {Section("server", ServerKeys(&c->server)),
       Section("positions", PositionsKeys(&c->positions)),
       config::List("clients",
                    [c](size_t) {
                      c->clients.emplace_back();
                      return ClientKeys(&c->clients.back());
                    }),
       config::List("scrape_configs",
                    [c](size_t) {
                      c->scrape_configs.emplace_back();
                      return ScrapeKeys(&c->scrape_configs.back());
                    }),
       Section("limits_config", LimitsKeys(&c->limits)),
       Section("target_config", {Value("sync_period", BindDuration(&c->target_sync_period_ns)),
                                 config::Unused("stdin")})},
      {"options", "tracing", "global", "wal", "client"});
}

}  // namespace

Result<CollectorConfig> ParseCollectorConfig(const std::string& name, const std::string& yaml_text,
                                             bool expand_env, std::vector<std::string>* warnings) {
  auto doc = config::ParseYamlText(name, yaml_text, expand_env);
  if (!doc.ok()) return doc.status();
  CollectorConfig cfg;
  cfg.config_file = name;
  config::Walker walker(name);
  walker.Walk(doc->root, TopLevelKeys(&cfg), "");
  if (warnings) *warnings = walker.warnings();
  SKALD_RETURN_IF_ERROR(walker.ToStatus());
  SKALD_RETURN_IF_ERROR(ValidateCollectorConfig(cfg).Annotate(name));
  return cfg;
}

Result<CollectorConfig> LoadCollectorConfig(const std::string& path, bool expand_env,
                                            std::vector<std::string>* warnings) {
  auto doc = config::LoadYamlFile(path, false);
  if (!doc.ok()) return doc.status();
  return ParseCollectorConfig(path, doc->text, expand_env, warnings);
}

}  // namespace skald
