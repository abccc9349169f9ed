// HttpServer with server.http_tls_config on a real socket: HTTPS requests (large bodies, streamed
// responses, keep-alive) with curl, the handshake under the read timeout, bad files refused at
// Start, and TlsContext reloading changed certificate files.
#include <catch.hpp>
#include <stdio.h>
#include <sys/socket.h>

#include <boost/asio/ip/tcp.hpp>

#include <filesystem>
#include <thread>

#include "common/http/http_server.h"
#include "common/http/tls_context.h"
#include "tests/test_certs.h"
#include "tests/test_support.h"

using namespace skald;

namespace {

HttpServerOptions TlsOpts(const testing::TestCerts& c) {
  HttpServerOptions o;
  o.address = "127.0.0.1";
  o.thread_count = 2;
  o.max_body_bytes = 8u << 20;
  o.tls.cert_file = c.server_cert;
  o.tls.key_file = c.server_key;
  return o;
}

// Runs a shell command, returns its stdout.
std::string Sh(const std::string& cmd) {
  std::string out;
  FILE* f = popen(cmd.c_str(), "r");
  if (!f) return out;
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof(buf), f)) > 0;) out.append(buf, n);
  pclose(f);
  return out;
}

std::string Serial(const std::string& cert) { return Sh("openssl x509 -noout -serial -in '" + cert + "'"); }

std::string SerialOf(boost::asio::ssl::context& ctx) {
  X509* x = SSL_CTX_get0_certificate(ctx.native_handle());
  BIGNUM* bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), nullptr);
  char* hex = BN_bn2hex(bn);
  std::string s = std::string("serial=") + hex + "\n";
  OPENSSL_free(hex);
  BN_free(bn);
  return s;
}

}  // namespace

TEST_CASE("tls server: https requests with large and streamed bodies, plain HTTP refused") {
  test_support::ScratchDir dir("skald-tlssrv");
  auto c = testing::MakeTestCerts(dir.path + "/certs");
  metrics::Registry reg;
  HttpServer srv(TlsOpts(c), &reg);
  srv.router().Post("/echo-size", [](const http::Request& req, http::Response& res) {
    res.set_content(std::to_string(req.body.size()) + "\n", "text/plain");
  });
  srv.router().Get("/big", [](const http::Request&, http::Response& res) {
    res.set_content(std::string(3u << 20, 'x'), "text/plain");
  });
  srv.router().Get("/stream", [](const http::Request&, http::Response& res) {
    res.provider = [n = 0](size_t, http::DataSink& sink) mutable {
      if (n++ == 100) {
        sink.done();
        return true;
      }
      std::string chunk(10000, 'y');
      return sink.write(chunk.data(), chunk.size());
    };
  });
  REQUIRE(srv.Start().ok());
  srv.SetReady(true);
  CHECK(HttpsGetStatus("127.0.0.1", srv.port(), "/ready", 2000) == 200);
  CHECK(HttpGetStatus("127.0.0.1", srv.port(), "/ready", 2000) == 0);
  std::string base = "https://localhost:" + std::to_string(srv.port());
  std::string curl = "curl -sS --max-time 20 --cacert '" + c.ca + "' ";
  Sh("head -c 5000000 /dev/zero > '" + dir.path + "/body'");
  CHECK(Sh(curl + "--data-binary @'" + dir.path + "/body' " + base + "/echo-size") == "5000000\n");
  CHECK(Sh(curl + base + "/big | wc -c") == "3145728\n");
  CHECK(Sh(curl + base + "/stream | wc -c") == "1000000\n");
  // two requests, one connection
  CHECK(Sh(curl + "-v " + base + "/ready " + base + "/ready 2>&1 | grep -c 'Re-using existing connection'") == "1\n");
  CHECK(reg.Expose().find("skald_http_tls_handshake_errors_total 1") != std::string::npos);  // the plain GET
}

TEST_CASE("tls server: a connection that never handshakes is closed by the read timeout") {
  test_support::ScratchDir dir("skald-tlshs");
  auto c = testing::MakeTestCerts(dir.path + "/certs");
  metrics::Registry reg;
  HttpServerOptions o = TlsOpts(c);
  o.read_timeout_ms = 300;
  HttpServer srv(o, &reg);
  REQUIRE(srv.Start().ok());
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::socket s(ioc);
  s.connect({boost::asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(srv.port())});
  CHECK(test_support::WaitFor([&] { return srv.open_connections() == 1; }));
  CHECK(test_support::WaitFor([&] { return srv.open_connections() == 0; }, std::chrono::seconds(3)));
  CHECK(reg.Expose().find("skald_http_timeouts_total{phase=\"read\"} 1") != std::string::npos);
}

TEST_CASE("tls server: Start refuses a key that does not match the certificate") {
  test_support::ScratchDir dir("skald-tlsbad");
  auto c = testing::MakeTestCerts(dir.path + "/certs");
  metrics::Registry reg;
  HttpServerOptions o = TlsOpts(c);
  o.tls.key_file = c.client_key;
  HttpServer srv(o, &reg);
  Status s = srv.Start();
  REQUIRE_FALSE(s.ok());
  INFO(s.message());
  CHECK(s.message().find(c.client_key) != std::string::npos);
  o.tls.key_file = c.server_cert;  // not a key at all
  HttpServer srv2(o, &reg);
  s = srv2.Start();
  REQUIRE_FALSE(s.ok());
  CHECK(s.message().find("cannot load private key") != std::string::npos);
}

TEST_CASE("tls context: changed files are reloaded, a bad change keeps the old context") {
  test_support::ScratchDir dir("skald-tlsreload");
  auto c = testing::MakeTestCerts(dir.path + "/certs");
  std::string cert = dir.path + "/live.crt", key = dir.path + "/live.key";
  std::filesystem::copy_file(c.server_cert, cert);
  std::filesystem::copy_file(c.server_key, key);
  metrics::Registry reg;
  std::shared_ptr<http::TlsContext> tls;
  http::TlsServerConfig cfg;
  cfg.cert_file = cert;
  cfg.key_file = key;
  REQUIRE(http::TlsContext::Create(cfg, &reg, std::chrono::milliseconds(0), &tls).ok());
  auto first = tls->Current();
  CHECK(tls->Current() == first);  // unchanged files: same context
  CHECK(SerialOf(*first) == Serial(c.server_cert));

  test_support::AppendText(dir.path + "/junk", "garbage\n");
  std::filesystem::rename(dir.path + "/junk", cert);
  CHECK(tls->Current() == first);
  CHECK(reg.Expose().find("skald_http_tls_reloads_total{result=\"failure\"} 1") != std::string::npos);

  testing::IssueServerCert(c, "next");
  std::filesystem::copy_file(dir.path + "/certs/next.key", key, std::filesystem::copy_options::overwrite_existing);
  std::filesystem::copy_file(dir.path + "/certs/next.crt", cert, std::filesystem::copy_options::overwrite_existing);
  auto next = tls->Current();
  REQUIRE(next != first);
  CHECK(SerialOf(*next) == Serial(dir.path + "/certs/next.crt"));
  CHECK(reg.Expose().find("skald_http_tls_reloads_total{result=\"success\"} 1") != std::string::npos);
}
