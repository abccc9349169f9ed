// server.http_tls_config validation: the errors a misconfigured TLS section gets at load time, each
// naming the key, and the client auth names Loki accepts.
#include <catch.hpp>

#include "common/http/tls_config.h"
#include "tests/test_certs.h"
#include "tests/test_support.h"

using skald::http::ClientAuth;
using skald::http::TlsServerConfig;
using skald::http::ValidateTlsServerConfig;

namespace {

std::string Error(const TlsServerConfig& c) { return ValidateTlsServerConfig(c, "server.http_tls_config").message(); }

}  // namespace

TEST_CASE("tls config: the five Go client auth names parse, others do not") {
  ClientAuth a;
  CHECK(skald::http::ParseClientAuth("", &a));
  CHECK(a == ClientAuth::kNone);
  CHECK(skald::http::ParseClientAuth("RequireAndVerifyClientCert", &a));
  CHECK(a == ClientAuth::kRequireAndVerify);
  CHECK(skald::http::ParseClientAuth("VerifyClientCertIfGiven", &a));
  CHECK(skald::http::ParseClientAuth("RequireAnyClientCert", &a));
  CHECK(skald::http::ParseClientAuth("RequestClientCert", &a));
  CHECK(skald::http::ParseClientAuth("NoClientCert", &a));
  CHECK_FALSE(skald::http::ParseClientAuth("requireandverifyclientcert", &a));
  CHECK_FALSE(skald::http::ParseClientAuth("mTLS", &a));
}

TEST_CASE("tls config: plain HTTP by default, and errors that name the key") {
  skald::test_support::ScratchDir dir("skald-tlscfg");
  auto certs = skald::testing::MakeTestCerts(dir.path + "/certs");
  TlsServerConfig c;
  CHECK(ValidateTlsServerConfig(c, "server.http_tls_config").ok());
  CHECK_FALSE(c.enabled());

  c.cert_file = certs.server_cert;
  c.key_file = certs.server_key;
  CHECK(c.enabled());
  CHECK(ValidateTlsServerConfig(c, "server.http_tls_config").ok());

  TlsServerConfig missing = c;
  missing.cert_file = dir.path + "/nope.crt";
  CHECK(Error(missing) == "server.http_tls_config.cert_file: cannot read \"" + dir.path + "/nope.crt\"");
  missing = c;
  missing.key_file = dir.path + "/nope.key";
  CHECK(Error(missing).rfind("server.http_tls_config.key_file: cannot read", 0) == 0);
  missing = c;
  missing.key_file.clear();
  CHECK(Error(missing) == "server.http_tls_config.key_file: required when cert_file is set");

  TlsServerConfig bad = c;
  bad.client_auth_type = "mTLS";
  CHECK(Error(bad) == "server.http_tls_config.client_auth_type: unknown value \"mTLS\" (valid: NoClientCert, "
                      "RequestClientCert, RequireAnyClientCert, VerifyClientCertIfGiven, RequireAndVerifyClientCert)");

  TlsServerConfig need_ca = c;
  need_ca.client_auth_type = "RequireAndVerifyClientCert";
  CHECK(Error(need_ca) ==
        "server.http_tls_config.client_ca_file: required with client_auth_type RequireAndVerifyClientCert");
  need_ca.client_ca_file = dir.path + "/nope-ca.crt";
  CHECK(Error(need_ca).rfind("server.http_tls_config.client_ca_file: cannot read", 0) == 0);
  need_ca.client_ca_file = certs.ca;
  CHECK(ValidateTlsServerConfig(need_ca, "server.http_tls_config").ok());

  TlsServerConfig ca_unused = c;
  ca_unused.client_ca_file = certs.ca;
  CHECK(Error(ca_unused).rfind("server.http_tls_config.client_ca_file: set without a client_auth_type", 0) == 0);

  TlsServerConfig no_cert;
  no_cert.client_auth_type = "RequireAnyClientCert";
  CHECK(Error(no_cert) == "server.http_tls_config: client_auth_type / client_ca_file need cert_file and key_file");
}
