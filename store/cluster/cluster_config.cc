// skald_cluster keys and their validation (see cluster_config.h).
#include "store/cluster/cluster_config.h"

#include <fmt/format.h>
#include <unistd.h>

#include <fstream>

#include "common/secret_file.h"
#include "store/cluster/peer_set.h"

namespace skald::cluster {
namespace {

using config::BindBool;
using config::BindDuration;
using config::BindString;
using config::Section;
using config::Value;

config::Schema TlsKeys(PeerTlsConfig* t) {
  return {Value("ca_file", BindString(&t->ca_file)), Value("cert_file", BindString(&t->cert_file)),
          Value("key_file", BindString(&t->key_file)), Value("server_name", BindString(&t->server_name)),
          Value("insecure_skip_verify", BindBool(&t->insecure_skip_verify))};
}

Status CheckReadable(const std::string& path, const char* key) {
  if (path.empty()) return Status::Ok();
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Invalid(fmt::format("skald_cluster.tls_config.{}: cannot read {}", key, path));
  return Status::Ok();
}

Status ValidateTls(const PeerTlsConfig& t) {
  if (t.cert_file.empty() != t.key_file.empty())
    return Status::Invalid("skald_cluster.tls_config: cert_file and key_file go together");
  SKALD_RETURN_IF_ERROR(CheckReadable(t.ca_file, "ca_file"));
  SKALD_RETURN_IF_ERROR(CheckReadable(t.cert_file, "cert_file"));
  return CheckReadable(t.key_file, "key_file");
}

}  // namespace

config::Schema ClusterKeys(ClusterConfig* c) {
  return {Value("node_id", BindString(&c->node_id)),
          Value("write_nodes", config::BindStringList(&c->write_nodes)),
          Value("peer_timeout", BindDuration(&c->peer_timeout_ns)),
          Value("dns_refresh_period", BindDuration(&c->dns_refresh_ns)),
          Value("tolerate_unavailable_write_nodes", BindBool(&c->tolerate_unavailable_write_nodes)),
          Section("basic_auth", {Value("username", BindString(&c->basic_auth_username)),
                                 Value("password", BindString(&c->basic_auth_password)),
                                 Value("password_file", BindString(&c->basic_auth_password_file))}),
          Value("bearer_token", BindString(&c->bearer_token)),
          Value("bearer_token_file", BindString(&c->bearer_token_file)),
          Value("use_https", BindBool(&c->use_https)),
          Section("tls_config", TlsKeys(&c->tls))};
}

Result<PeerCredentials> LoadPeerCredentials(const ClusterConfig& c) {
  PeerCredentials out;
  bool basic = !c.basic_auth_username.empty();
  bool bearer = !c.bearer_token.empty() || !c.bearer_token_file.empty();
  if (basic && bearer) return Status::Invalid("skald_cluster: use basic_auth or a bearer token, not both");
  if (!c.basic_auth_password.empty() && !c.basic_auth_password_file.empty())
    return Status::Invalid("skald_cluster.basic_auth: password and password_file are exclusive");
  if (!c.bearer_token.empty() && !c.bearer_token_file.empty())
    return Status::Invalid("skald_cluster: bearer_token and bearer_token_file are exclusive");
  if (!basic && (!c.basic_auth_password.empty() || !c.basic_auth_password_file.empty()))
    return Status::Invalid("skald_cluster.basic_auth: a password needs a username");
  out.username = c.basic_auth_username;
  out.password = c.basic_auth_password;
  out.bearer_token = c.bearer_token;
  if (!c.basic_auth_password_file.empty()) {
    auto pw = ReadSecretFile(c.basic_auth_password_file);
    if (!pw.ok()) return Status::Invalid("skald_cluster.basic_auth.password_file: " + pw.status().message());
    out.password = *pw;
  }
  if (!c.bearer_token_file.empty()) {
    auto tok = ReadSecretFile(c.bearer_token_file);
    if (!tok.ok()) return Status::Invalid("skald_cluster.bearer_token_file: " + tok.status().message());
    out.bearer_token = *tok;
  }
  return out;
}

Status ValidateClusterConfig(ClusterConfig* c) {
  if (c->node_id.empty()) {
    char host[256] = {};
    if (gethostname(host, sizeof(host) - 1) == 0) c->node_id = host;
  }
  for (size_t i = 0; i < c->write_nodes.size(); i++) {
    auto spec = ParseNodeSpec(c->write_nodes[i]);
    if (!spec.ok()) return spec.status().Annotate(fmt::format("skald_cluster.write_nodes[{}]", i));
  }
  if (c->peer_timeout_ns <= 0) return Status::Invalid("skald_cluster.peer_timeout: must be > 0");
  if (c->dns_refresh_ns <= 0) return Status::Invalid("skald_cluster.dns_refresh_period: must be > 0");
  SKALD_RETURN_IF_ERROR(ValidateTls(c->tls));
  auto creds = LoadPeerCredentials(*c);
  return creds.ok() ? Status::Ok() : creds.status();
}

}  // namespace skald::cluster
