// DockerApi against a real TLS peer standing in for dockerd's TCP listener (no dockerd needed):
// https:// and tcp:// + tls_config speak TLS with ca_file and a client certificate; errors say why.
#include <catch.hpp>
#include <httplib.h>
#include <unistd.h>

#include <string>
#include <thread>

#include "collector/discovery/docker_api.h"
#include "tests/test_certs.h"

using namespace skald;
using namespace skald::discovery;

namespace {

const skald::testing::TestCerts& Certs() {
  static const skald::testing::TestCerts c = [] {
    char tmpl[] = "/tmp/skald-docker-api-tls-XXXXXX";
    return skald::testing::MakeTestCerts(::mkdtemp(tmpl));
  }();
  return c;
}

// Answers GET /containers/json with "[]" over TLS, requiring a client certificate from the test CA.
struct FakeDockerd {
  httplib::SSLServer srv{Certs().server_cert.c_str(), Certs().server_key.c_str(), Certs().ca.c_str()};
  int port = 0;
  std::thread th;
  FakeDockerd() {
    srv.Get("/containers/json", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("[]", "application/json");
    });
    port = srv.bind_to_any_port("127.0.0.1");
    th = std::thread([this] { srv.listen_after_bind(); });
    for (int i = 0; i < 2000 && !srv.is_running(); ++i) ::usleep(1000);
  }
  ~FakeDockerd() {
    srv.stop();
    th.join();
  }
};

TlsClientConfig ClientTls() {
  TlsClientConfig t;
  t.ca_file = Certs().ca;
  t.cert_file = Certs().client_cert;
  t.key_file = Certs().client_key;
  return t;
}

}  // namespace

TEST_CASE("docker api over tcp+TLS and https with tls_config") {
  FakeDockerd d;
  const std::string hostport = "127.0.0.1:" + std::to_string(d.port);
  for (const std::string& host : {"tcp://" + hostport, "https://" + hostport, "https://localhost:" + std::to_string(d.port)}) {
    INFO(host);
    DockerApi api(host, ClientTls());
    auto body = api.Get("/containers/json");
    INFO(body.status().message());
    REQUIRE(body.ok());
    CHECK(*body == "[]");
  }
}

TEST_CASE("docker api TLS failures name the reason") {
  FakeDockerd d;
  const std::string host = "tcp://127.0.0.1:" + std::to_string(d.port);
  SECTION("plain HTTP to the TLS port when tls_config is empty") {
    DockerApi api(host);
    CHECK_FALSE(api.Get("/containers/json").ok());
  }
  SECTION("a CA that did not sign dockerd's certificate") {
    TlsClientConfig t = ClientTls();
    t.ca_file = Certs().other_ca;
    auto r = DockerApi(host, t).Get("/containers/json");
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().message().find("SSL certificate problem") != std::string::npos);
  }
  SECTION("a client certificate dockerd does not trust") {
    TlsClientConfig t = ClientTls();
    t.cert_file = Certs().other_client_cert;
    t.key_file = Certs().other_client_key;
    auto r = DockerApi(host, t).Get("/containers/json");
    REQUIRE_FALSE(r.ok());
    INFO(r.status().message());
    CHECK(r.status().message().find("docker /containers/json") == 0);
    CHECK(r.status().message().find(Certs().other_client_cert) != std::string::npos);
  }
  SECTION("no client certificate") {
    TlsClientConfig t = ClientTls();
    t.cert_file.clear();
    t.key_file.clear();
    CHECK_FALSE(DockerApi(host, t).Get("/containers/json").ok());
  }
}
