// server.http_tls_config: the TLS settings of the HTTP server, with Loki's / Promtail's key names
// (cert_file, key_file, client_auth_type, client_ca_file) and their validation. See docs/TLS.md.
#pragma once

#include <string>

#include "common/config_yaml.h"
#include "common/status.h"

namespace skald::http {

// Go's tls.ClientAuthType, by the names Loki's server accepts.
enum class ClientAuth { kNone, kRequest, kRequireAny, kVerifyIfGiven, kRequireAndVerify };

struct TlsServerConfig {
  std::string cert_file;         // PEM, the server certificate (chain)
  std::string key_file;          // PEM, its private key
  std::string client_auth_type;  // "" = NoClientCert
  std::string client_ca_file;    // PEM, CAs that client certificates must chain to
  // TLS is on when a certificate is configured; plain HTTP otherwise (the default).
  bool enabled() const { return !cert_file.empty() || !key_file.empty(); }
};

// "NoClientCert" → kNone, ...; false for anything else ("" is NoClientCert).
bool ParseClientAuth(const std::string& name, ClientAuth* out);
// "NoClientCert, RequestClientCert, ..." for error messages.
const char* ClientAuthNames();

// Checks the keys together and that the files are readable; errors name the key as
// `prefix`.<key> (e.g. "server.http_tls_config.cert_file: cannot read ...").
Status ValidateTlsServerConfig(const TlsServerConfig& c, const std::string& prefix);

// The http_tls_config section's keys, bound into `c`.
config::Schema TlsServerConfigKeys(TlsServerConfig* c);

}  // namespace skald::http
