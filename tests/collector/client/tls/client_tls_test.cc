// The push client against real TLS/plain peers: ca_file, client certificates, server_name,
// insecure_skip_verify, basic_auth/bearer files re-read per request, header precedence, proxy_url.
#include <catch.hpp>

#include <stdlib.h>
#include <unistd.h>

#include <fstream>

#include "collector/client/client.h"
#include "tests/collector/client/tls/tls_peer.h"

using namespace skald;
using namespace skald::client;
using skald::client::testing::Peer;
using skald::client::testing::RecordingProxy;
using skald::client::testing::TestPki;

namespace {

ClientConfig Cfg(const std::string& url) {
  ClientConfig c;
  c.url = url;
  c.batchwait_ns = 10'000'000;
  c.backoff.min_period_ns = 20'000'000;
  c.backoff.max_period_ns = 50'000'000;
  c.timeout_ns = 2'000'000'000;
  return c;
}

// Pushes `lines` lines one batch each; true when all were delivered, false once an attempt failed
// at the connection/TLS level (status 0) before that.
bool Deliver(const ClientConfig& cfg, int lines = 1) {
  metrics::Registry reg;
  Client c(cfg, 0, &reg);
  REQUIRE(c.Start().ok());
  for (int i = 0; i < lines; ++i) {
    c.Push(c.KeyFor(LabelSet(std::vector<Label>{{"job", "tls"}})), 1700000000000000000LL + i, "line", {});
    for (int t = 0; t < 1000 && c.metrics().sent_entries() < static_cast<uint64_t>(i + 1); ++t) {
      if (c.metrics().requests(0) > 0) {
        c.Stop(0);
        return false;
      }
      ::usleep(5000);
    }
  }
  const bool ok = c.metrics().sent_entries() == static_cast<uint64_t>(lines);
  c.Stop(0);
  return ok;
}

void WriteFile(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

}  // namespace

TEST_CASE("client verifies the store with tls_config.ca_file and insecure_skip_verify") {
  const auto& pki = TestPki().certs;
  Peer store(pki.server_cert, pki.server_key);
  ClientConfig cfg = Cfg(store.url("https"));
  cfg.tls.ca_file = pki.ca;
  CHECK(Deliver(cfg));
  cfg.tls.ca_file = pki.other_ca;  // the store's certificate is not signed by this CA
  CHECK_FALSE(Deliver(cfg));
  cfg.tls.ca_file.clear();  // system roots only: the test CA is unknown
  CHECK_FALSE(Deliver(cfg));
  cfg.tls.insecure_skip_verify = true;
  CHECK(Deliver(cfg));
  Peer expired(pki.expired_server_cert, pki.expired_server_key);
  ClientConfig exp = Cfg(expired.url("https"));
  exp.tls.ca_file = pki.ca;
  CHECK_FALSE(Deliver(exp));
  CHECK(store.seen().size() == 2);
}

TEST_CASE("client presents cert_file and key_file to a store requiring client certificates") {
  const auto& pki = TestPki().certs;
  Peer store(pki.server_cert, pki.server_key, pki.ca);
  ClientConfig cfg = Cfg(store.url("https"));
  cfg.tls.ca_file = pki.ca;
  CHECK_FALSE(Deliver(cfg));  // no client certificate
  cfg.tls.cert_file = pki.other_client_cert;
  cfg.tls.key_file = pki.other_client_key;
  CHECK_FALSE(Deliver(cfg));  // signed by a CA the store does not trust
  cfg.tls.cert_file = pki.expired_client_cert;
  cfg.tls.key_file = pki.expired_client_key;
  CHECK_FALSE(Deliver(cfg));
  cfg.tls.cert_file = pki.client_cert;
  cfg.tls.key_file = pki.client_key;
  CHECK(Deliver(cfg));
  CHECK(store.seen().size() == 1);
}

TEST_CASE("tls_config.server_name is used for SNI and verification while connecting to the URL host") {
  const auto& pki = TestPki();
  Peer store(pki.named_cert, pki.named_key);  // certificate only for DNS:store.internal
  ClientConfig cfg = Cfg(store.url("https"));
  cfg.tls.ca_file = pki.certs.ca;
  CHECK_FALSE(Deliver(cfg));  // 127.0.0.1 is not in the certificate
  cfg.tls.server_name = "other.internal";
  CHECK_FALSE(Deliver(cfg));
  cfg.tls.server_name = "store.internal";  // not resolvable: only used for TLS
  CHECK(Deliver(cfg, 2));
  const auto seen = store.seen();
  REQUIRE(seen.size() == 2);
  CHECK(seen[0].host == fmt::format("127.0.0.1:{}", store.port()));  // Host stays the URL's, as in Go
}

TEST_CASE("basic_auth password_file and bearer_token_file are re-read for every request") {
  char tmpl[] = "/tmp/skald-client-auth-XXXXXX";
  const std::string dir = ::mkdtemp(tmpl);
  Peer store;
  ClientConfig cfg = Cfg(store.url("http"));
  cfg.basic_auth_username = "promtail";
  cfg.basic_auth_password_file = dir + "/pw";
  WriteFile(cfg.basic_auth_password_file, "  first\n");
  {
    metrics::Registry reg;
    Client c(cfg, 0, &reg);
    REQUIRE(c.Start().ok());
    const StreamKey k = c.KeyFor(LabelSet(std::vector<Label>{{"job", "a"}}));
    c.Push(k, 1, "one", {});
    for (int i = 0; i < 400 && c.metrics().sent_entries() < 1; ++i) ::usleep(5000);
    WriteFile(cfg.basic_auth_password_file, "second");
    c.Push(k, 2, "two", {});
    for (int i = 0; i < 400 && c.metrics().sent_entries() < 2; ++i) ::usleep(5000);
    ::unlink(cfg.basic_auth_password_file.c_str());  // gone: the attempt fails and is retried
    c.Push(k, 3, "three", {});
    for (int i = 0; i < 400 && c.metrics().requests(0) < 1; ++i) ::usleep(5000);
    CHECK(c.metrics().requests(0) >= 1);
    WriteFile(cfg.basic_auth_password_file, "third");
    for (int i = 0; i < 400 && c.metrics().sent_entries() < 3; ++i) ::usleep(5000);
    c.Stop(0);
  }
  auto seen = store.seen();
  REQUIRE(seen.size() == 3);
  CHECK(seen[0].authorization == "Basic cHJvbXRhaWw6Zmlyc3Q=");
  CHECK(seen[1].authorization == "Basic cHJvbXRhaWw6c2Vjb25k");
  CHECK(seen[2].authorization == "Basic cHJvbXRhaWw6dGhpcmQ=");

  ClientConfig bearer = Cfg(store.url("http"));
  bearer.bearer_token_file = dir + "/token";
  WriteFile(bearer.bearer_token_file, "tok-1\n");
  CHECK(Deliver(bearer));
  WriteFile(bearer.bearer_token_file, "tok-2\n");
  CHECK(Deliver(bearer));
  seen = store.seen();
  REQUIRE(seen.size() == 5);
  CHECK(seen[3].authorization == "Bearer tok-1");
  CHECK(seen[4].authorization == "Bearer tok-2");
}

TEST_CASE("headers: tenant_id wins over a configured X-Scope-OrgID, a configured Authorization wins") {
  Peer store;
  ClientConfig cfg = Cfg(store.url("http"));
  cfg.tenant_id = "team-a";
  cfg.bearer_token = "from-bearer";
  cfg.headers = {{"x-scope-orgid", "from-headers"}, {"X-Custom", "v1"}, {"Authorization", "Custom xyz"}};
  CHECK(Deliver(cfg));
  cfg.tenant_id.clear();  // no tenant: the configured header is sent
  cfg.headers.pop_back();
  CHECK(Deliver(cfg));
  const auto seen = store.seen();
  REQUIRE(seen.size() == 2);
  CHECK(seen[0].org_id == "team-a");
  CHECK(seen[0].org_id_count == 1);
  CHECK(seen[0].custom == "v1");
  CHECK(seen[0].authorization == "Custom xyz");
  CHECK(seen[1].org_id == "from-headers");
  CHECK(seen[1].authorization == "Bearer from-bearer");
}

TEST_CASE("proxy_url sends pushes through the proxy, environment proxies are ignored without it") {
  Peer store;
  RecordingProxy proxy;
  ClientConfig cfg = Cfg(store.url("http"));
  ::setenv("http_proxy", proxy.url().c_str(), 1);
  ::setenv("HTTP_PROXY", proxy.url().c_str(), 1);
  CHECK(Deliver(cfg));  // Promtail ignores http_proxy unless proxy_from_environment is set
  ::unsetenv("http_proxy");
  ::unsetenv("HTTP_PROXY");
  CHECK(store.seen().size() == 1);
  CHECK(proxy.lines().empty());
  cfg.proxy_url = proxy.url();
  CHECK(Deliver(cfg));
  REQUIRE(proxy.lines().size() == 1);
  CHECK(proxy.lines()[0] == fmt::format("POST http://127.0.0.1:{}/loki/api/v1/push HTTP/1.1", store.port()));
  CHECK(store.seen().size() == 1);
  cfg.no_proxy = "example.org";  // with no_proxy, Go's rules apply: loopback is never proxied
  CHECK(Deliver(cfg));
  CHECK(proxy.lines().size() == 1);
  CHECK(store.seen().size() == 2);
}

TEST_CASE("a replaced ca_file and client certificate are used by the next connection") {
  const auto& pki = TestPki().certs;
  Peer store(pki.server_cert, pki.server_key, pki.ca);
  char tmpl[] = "/tmp/skald-client-rotate-XXXXXX";
  const std::string dir = ::mkdtemp(tmpl);
  const auto copy = [](const std::string& from, const std::string& to) {
    std::ifstream in(from);
    std::ofstream(to) << in.rdbuf();
  };
  ClientConfig cfg = Cfg(store.url("https"));
  cfg.tls.ca_file = dir + "/ca.crt";
  cfg.tls.cert_file = dir + "/client.crt";
  cfg.tls.key_file = dir + "/client.key";
  copy(pki.other_ca, cfg.tls.ca_file);  // wrong CA first
  copy(pki.client_cert, cfg.tls.cert_file);
  copy(pki.client_key, cfg.tls.key_file);
  metrics::Registry reg;
  Client c(cfg, 0, &reg);
  REQUIRE(c.Start().ok());
  const StreamKey k = c.KeyFor(LabelSet(std::vector<Label>{{"job", "rotate"}}));
  c.Push(k, 1, "one", {});
  for (int i = 0; i < 400 && c.metrics().requests(0) < 2; ++i) ::usleep(5000);
  REQUIRE(c.metrics().requests(0) >= 2);  // retried with the same CA: still refused
  copy(pki.ca, cfg.tls.ca_file);
  for (int i = 0; i < 400 && c.metrics().sent_entries() < 1; ++i) ::usleep(5000);
  CHECK(c.metrics().sent_entries() == 1);
  c.Stop(0);
  CHECK(store.seen().size() == 1);
}

TEST_CASE("proxy_from_environment uses HTTP_PROXY and NO_PROXY, never for loopback targets") {
  RecordingProxy proxy;
  ::setenv("HTTP_PROXY", proxy.url().c_str(), 1);
  ClientConfig cfg = Cfg("http://logs.skald.test:3100/loki/api/v1/push");  // resolvable only by the proxy
  cfg.proxy_from_environment = true;
  CHECK(Deliver(cfg));
  REQUIRE(proxy.lines().size() == 1);
  CHECK(proxy.lines()[0] == "POST http://logs.skald.test:3100/loki/api/v1/push HTTP/1.1");
  ::setenv("NO_PROXY", ".skald.test", 1);
  CHECK_FALSE(Deliver(cfg));  // direct: the name does not resolve
  ::unsetenv("NO_PROXY");
  Peer store;
  cfg.url = store.url("http");
  CHECK(Deliver(cfg));  // 127.0.0.1: Go's rules never proxy loopback
  ::unsetenv("HTTP_PROXY");
  CHECK(proxy.lines().size() == 1);
  CHECK(store.seen().size() == 1);
}
