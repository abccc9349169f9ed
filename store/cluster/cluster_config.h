// skald_cluster: how a read node finds the write nodes it fans queries out to (static URLs or
// `dns+host:port` names), the credentials and TLS settings it uses on them, and the failure policy.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/config_yaml.h"
#include "common/status.h"

namespace skald::cluster {

// Prometheus common's tls_config for an outgoing connection (the keys Promtail's clients use).
struct PeerTlsConfig {
  std::string ca_file, cert_file, key_file, server_name;
  bool insecure_skip_verify = false;
};

struct ClusterConfig {
  std::string node_id;                      // "" = the hostname (ValidateClusterConfig fills it)
  // Each "http://host:port", "https://host:port", or "dns+host:port" (every A/AAAA record of host,
  // re-resolved every dns_refresh_ns; Loki's memberlist/ring convention). Empty: no fan-out.
  std::vector<std::string> write_nodes;
  int64_t peer_timeout_ns = 10LL * 1000000000LL;
  int64_t dns_refresh_ns = 30LL * 1000000000LL;
  // false (Loki's behaviour): a write node that cannot answer fails the query with 503 naming it.
  // true: its data is left out, with a warning log line and skald_cluster_peer_failures_total.
  bool tolerate_unavailable_write_nodes = false;
  // Credentials sent to the write nodes when they run with skald_auth (docs/SECURITY.md): basic
  // auth or a bearer token, each inline or from a file (re-read at start only).
  std::string basic_auth_username, basic_auth_password, basic_auth_password_file;
  std::string bearer_token, bearer_token_file;
  PeerTlsConfig tls;                        // used for https:// nodes (and dns+ with use_https)
  bool use_https = false;                   // dns+ names: talk https to the resolved addresses

  bool enabled() const { return !write_nodes.empty(); }
};

// The skald_cluster section's keys, bound into `c`.
config::Schema ClusterKeys(ClusterConfig* c);

// Checks the node list, the credentials (one kind, files readable) and TLS files; fills node_id
// with the hostname when unset. Errors name the key: "skald_cluster.write_nodes[1]: ...".
Status ValidateClusterConfig(ClusterConfig* c);

// The credentials resolved (password/token files read, trimmed): what goes into Authorization.
struct PeerCredentials {
  std::string username, password, bearer_token;
};
Result<PeerCredentials> LoadPeerCredentials(const ClusterConfig& c);

}  // namespace skald::cluster
