// server.http_tls_config (see tls_config.h): the client auth names, the key schema, and the checks
// made when the configuration is loaded (the certificates themselves are parsed by TlsContext).
#include "common/http/tls_config.h"

#include <fstream>

namespace skald::http {

namespace {

struct AuthName {
  const char* name;
  ClientAuth value;
};

constexpr AuthName kAuthNames[] = {{"NoClientCert", ClientAuth::kNone},
                                   {"RequestClientCert", ClientAuth::kRequest},
                                   {"RequireAnyClientCert", ClientAuth::kRequireAny},
                                   {"VerifyClientCertIfGiven", ClientAuth::kVerifyIfGiven},
                                   {"RequireAndVerifyClientCert", ClientAuth::kRequireAndVerify}};

Status CheckReadable(const std::string& path, const std::string& key) {
  std::ifstream f(path);
  if (!f) return Status::Invalid(key + ": cannot read \"" + path + "\"");
  return Status::Ok();
}

}  // namespace

bool ParseClientAuth(const std::string& name, ClientAuth* out) {
  if (name.empty()) {
    *out = ClientAuth::kNone;
    return true;
  }
  for (const auto& a : kAuthNames) {
    if (name == a.name) {
      *out = a.value;
      return true;
    }
  }
  return false;
}

const char* ClientAuthNames() {
  return "NoClientCert, RequestClientCert, RequireAnyClientCert, VerifyClientCertIfGiven, "
         "RequireAndVerifyClientCert";
}

Status ValidateTlsServerConfig(const TlsServerConfig& c, const std::string& prefix) {
  ClientAuth auth;
  if (!ParseClientAuth(c.client_auth_type, &auth)) {
    return Status::Invalid(prefix + ".client_auth_type: unknown value \"" + c.client_auth_type +
                           "\" (valid: " + ClientAuthNames() + ")");
  }
  if (!c.enabled()) {
    if (!c.client_auth_type.empty() || !c.client_ca_file.empty()) {
      return Status::Invalid(prefix + ": client_auth_type / client_ca_file need cert_file and key_file");
    }
    return Status::Ok();
  }
  if (c.cert_file.empty()) return Status::Invalid(prefix + ".cert_file: required when key_file is set");
  if (c.key_file.empty()) return Status::Invalid(prefix + ".key_file: required when cert_file is set");
  if (Status s = CheckReadable(c.cert_file, prefix + ".cert_file"); !s.ok()) return s;
  if (Status s = CheckReadable(c.key_file, prefix + ".key_file"); !s.ok()) return s;
  bool verifies = auth == ClientAuth::kVerifyIfGiven || auth == ClientAuth::kRequireAndVerify;
  if (verifies && c.client_ca_file.empty()) {
    return Status::Invalid(prefix + ".client_ca_file: required with client_auth_type " + c.client_auth_type);
  }
  if (!c.client_ca_file.empty() && auth == ClientAuth::kNone) {
    // Loki's server refuses this too: a CA nobody checks is a mistake.
    return Status::Invalid(prefix + ".client_ca_file: set without a client_auth_type that verifies "
                           "client certificates (VerifyClientCertIfGiven or RequireAndVerifyClientCert)");
  }
  if (!c.client_ca_file.empty()) return CheckReadable(c.client_ca_file, prefix + ".client_ca_file");
  return Status::Ok();
}

config::Schema TlsServerConfigKeys(TlsServerConfig* c) {
  return {config::Value("cert_file", config::BindString(&c->cert_file)),
          config::Value("key_file", config::BindString(&c->key_file)),
          config::Value("client_auth_type", config::BindString(&c->client_auth_type)),
          config::Value("client_ca_file", config::BindString(&c->client_ca_file))};
}

}  // namespace skald::http
