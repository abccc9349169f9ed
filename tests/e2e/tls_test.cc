// End to end over TLS (server.http_tls_config): a real skald-store on HTTPS with curl, openssl and
// a real collector as clients; client-certificate policies, TLS 1.1 refused, rotation, wss tail.
#include <catch.hpp>
#include <sys/socket.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <chrono>
#include <filesystem>
#include <future>
#include <thread>

#include "common/http/http_server.h"
#include "tests/e2e/process.h"
#include "tests/test_certs.h"

using namespace skald::e2e;

namespace {

struct TlsStore {
  int port = FreePort();
  std::unique_ptr<Process> proc;
};

// Starts skald-store with `tls_yaml` under server.http_tls_config; REQUIREs /ready over HTTPS
// (presenting the client cert when given).
void StartTlsStore(TlsStore* s, const std::string& dir, const std::string& tls_yaml,
                   const skald::testing::TestCerts& c, bool client_cert = false) {
  WriteFile(dir + "/store.yaml", "auth_enabled: false\nserver:\n  http_listen_port: " + std::to_string(s->port) +
                                     "\n  http_tls_config:\n" + tls_yaml + "common:\n  path_prefix: " + dir +
                                     "/data\n");
  s->proc = std::make_unique<Process>(
      std::vector<std::string>{BinPath("skald-store"), "-config.file=" + dir + "/store.yaml"}, dir + "/store.log");
  bool ready = false;
  for (int i = 0; i < 150 && !ready; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    ready = skald::HttpsGetStatus("127.0.0.1", s->port, "/ready", 1000, client_cert ? c.client_cert : "",
                                  client_cert ? c.client_key : "") == 200;
  }
  INFO(ReadFile(dir + "/store.log"));
  REQUIRE(ready);
}

std::string ServerTlsYaml(const skald::testing::TestCerts& c) {
  return "    cert_file: " + c.server_cert + "\n    key_file: " + c.server_key + "\n";
}

// curl with `args`; returns the HTTP status ("000" when the connection or handshake failed).
std::string Curl(std::vector<std::string> args) {
  std::vector<std::string> argv{"/usr/bin/curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "10"};
  argv.insert(argv.end(), args.begin(), args.end());
  return Run(argv).out;
}

std::string PushBody(const std::string& job, const std::string& line) {
  return R"({"streams":[{"stream":{"job":")" + job + R"("},"values":[[")" + std::to_string(NowNs()) + R"(",")" +
         line + R"("]]}]})";
}

// The serial of the certificate the server presents, as openssl prints it ("serial=1005").
std::string ServedSerial(int port) {
  return Run({"/bin/sh", "-c",
              "openssl s_client -connect 127.0.0.1:" + std::to_string(port) +
                  " -servername localhost </dev/null 2>/dev/null | openssl x509 -noout -serial"})
      .out;
}

}  // namespace

TEST_CASE("tls: curl pushes and queries over https, plain HTTP and TLS 1.1 are refused", "[e2e][tls]") {
  TempDir dir("skald-tls");
  auto c = skald::testing::MakeTestCerts(dir.path() + "/certs");
  TlsStore s;
  StartTlsStore(&s, dir.path(), ServerTlsYaml(c), c);
  std::string base = "https://localhost:" + std::to_string(s.port);
  CHECK(Curl({"--cacert", c.ca, "-H", "Content-Type: application/json", "--data", PushBody("tls", "over https"),
              base + "/loki/api/v1/push"}) == "204");
  RunResult q = Run({"/usr/bin/curl", "-sS", "--cacert", c.ca, "-G", base + "/loki/api/v1/query_range", "--data-urlencode",
                     "query={job=\"tls\"}"});
  CHECK(q.out.find("over https") != std::string::npos);
  // keep-alive: several requests on one connection
  RunResult two = Run({"/usr/bin/curl", "-sS", "-v", "--cacert", c.ca, base + "/ready", base + "/ready"});
  CHECK(CountOf(two.out, "ready") == 2);
  CHECK(CountOf(two.err, "Re-using existing connection") == 1);
  CHECK(Curl({"http://127.0.0.1:" + std::to_string(s.port) + "/ready"}) == "000");
  CHECK(Curl({"--cacert", c.ca, "--tls-max", "1.1", base + "/ready"}) == "000");
  CHECK(Curl({"--cacert", c.ca, "--tlsv1.3", base + "/ready"}) == "200");
  CHECK(Curl({"--cacert", c.ca, "--tlsv1.2", "--tls-max", "1.2", base + "/ready"}) == "200");
  // a client that does not trust the server's CA refuses it
  CHECK(Curl({"--cacert", c.other_ca, base + "/ready"}) == "000");
  // -health probes over HTTPS
  CHECK(Run({BinPath("skald-store"), "-health", "-config.file=" + dir.path() + "/store.yaml"}).code == 0);
  RunResult metrics = Run({"/usr/bin/curl", "-sS", "--cacert", c.ca, base + "/metrics"});
  CHECK(metrics.out.find("skald_http_tls_handshake_errors_total 0") == std::string::npos);
}

TEST_CASE("tls: RequireAndVerifyClientCert refuses missing, expired and foreign client certs", "[e2e][tls]") {
  TempDir dir("skald-mtls");
  auto c = skald::testing::MakeTestCerts(dir.path() + "/certs");
  TlsStore s;
  StartTlsStore(&s, dir.path(),
                ServerTlsYaml(c) + "    client_auth_type: RequireAndVerifyClientCert\n    client_ca_file: " + c.ca +
                    "\n",
                c, true);
  std::string url = "https://localhost:" + std::to_string(s.port) + "/ready";
  CHECK(Curl({"--cacert", c.ca, url}) == "000");
  CHECK(Curl({"--cacert", c.ca, "--cert", c.client_cert, "--key", c.client_key, url}) == "200");
  CHECK(Curl({"--cacert", c.ca, "--cert", c.expired_client_cert, "--key", c.expired_client_key, url}) == "000");
  CHECK(Curl({"--cacert", c.ca, "--cert", c.other_client_cert, "--key", c.other_client_key, url}) == "000");
  RunResult m = Run({"/usr/bin/curl", "-sS", "--cacert", c.ca, "--cert", c.client_cert, "--key", c.client_key,
                     "https://localhost:" + std::to_string(s.port) + "/metrics"});
  CHECK(m.out.find("skald_http_tls_handshake_errors_total 3") != std::string::npos);
}

TEST_CASE("tls: VerifyClientCertIfGiven admits no cert but refuses a foreign one", "[e2e][tls]") {
  TempDir dir("skald-mtls-opt");
  auto c = skald::testing::MakeTestCerts(dir.path() + "/certs");
  TlsStore s;
  StartTlsStore(&s, dir.path(),
                ServerTlsYaml(c) + "    client_auth_type: VerifyClientCertIfGiven\n    client_ca_file: " + c.ca + "\n",
                c);
  std::string url = "https://localhost:" + std::to_string(s.port) + "/ready";
  CHECK(Curl({"--cacert", c.ca, url}) == "200");
  CHECK(Curl({"--cacert", c.ca, "--cert", c.client_cert, "--key", c.client_key, url}) == "200");
  CHECK(Curl({"--cacert", c.ca, "--cert", c.other_client_cert, "--key", c.other_client_key, url}) == "000");
}

TEST_CASE("tls: a rotated certificate is served without restart, a bad one keeps the old", "[e2e][tls]") {
  TempDir dir("skald-tls-rot");
  auto c = skald::testing::MakeTestCerts(dir.path() + "/certs");
  // the store reads copies, which the test replaces
  std::string live_cert = dir.path() + "/live.crt", live_key = dir.path() + "/live.key";
  std::filesystem::copy_file(c.server_cert, live_cert);
  std::filesystem::copy_file(c.server_key, live_key);
  TlsStore s;
  StartTlsStore(&s, dir.path(), "    cert_file: " + live_cert + "\n    key_file: " + live_key + "\n", c);
  std::string first = ServedSerial(s.port);
  REQUIRE(first.find("serial=") == 0);

  // garbage in the cert file: still serving the old certificate, failure counted
  WriteFile(live_cert + ".tmp", "not a certificate\n");
  std::filesystem::rename(live_cert + ".tmp", live_cert);
  std::this_thread::sleep_for(std::chrono::milliseconds(5500));
  CHECK(ServedSerial(s.port) == first);
  std::string url = "https://localhost:" + std::to_string(s.port);
  CHECK(Curl({"--cacert", c.ca, url + "/ready"}) == "200");
  RunResult m = Run({"/usr/bin/curl", "-sS", "--cacert", c.ca, url + "/metrics"});
  CHECK(m.out.find("skald_http_tls_reloads_total{result=\"failure\"} 1") != std::string::npos);

  skald::testing::IssueServerCert(c, "rotated");
  std::filesystem::copy_file(dir.path() + "/certs/rotated.key", live_key + ".tmp");
  std::filesystem::rename(live_key + ".tmp", live_key);
  std::filesystem::copy_file(dir.path() + "/certs/rotated.crt", live_cert + ".tmp");
  std::filesystem::rename(live_cert + ".tmp", live_cert);
  std::string want = Run({"/usr/bin/openssl", "x509", "-noout", "-serial", "-in", live_cert}).out;
  REQUIRE(want != first);
  std::string served;
  for (int i = 0; i < 40 && served != want; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    served = ServedSerial(s.port);
  }
  CHECK(served == want);
  CHECK(Curl({"--cacert", c.ca, url + "/ready"}) == "200");
}

TEST_CASE("tls: the live tail works over wss", "[e2e][tls]") {
  namespace asio = boost::asio;
  namespace ssl = asio::ssl;
  namespace websocket = boost::beast::websocket;
  TempDir dir("skald-wss");
  auto c = skald::testing::MakeTestCerts(dir.path() + "/certs");
  TlsStore s;
  StartTlsStore(&s, dir.path(), ServerTlsYaml(c), c);

  asio::io_context ioc;
  ssl::context ctx(ssl::context::tls_client);
  ctx.load_verify_file(c.ca);
  ctx.set_verify_mode(ssl::verify_peer);
  websocket::stream<ssl::stream<asio::ip::tcp::socket>> ws(ioc, ctx);
  asio::ip::tcp::resolver resolver(ioc);
  asio::connect(ws.next_layer().next_layer(), resolver.resolve("127.0.0.1", std::to_string(s.port)));
  SSL_set_tlsext_host_name(ws.next_layer().native_handle(), "localhost");
  ws.next_layer().handshake(ssl::stream_base::client);
  ws.handshake("localhost:" + std::to_string(s.port), "/loki/api/v1/tail?query=%7Bjob%3D%22wss%22%7D");

  // a watchdog ends the blocking reads if the line never comes
  std::promise<void> done;
  int fd = ws.next_layer().next_layer().native_handle();
  std::thread watchdog([&, f = done.get_future()] {
    if (f.wait_for(std::chrono::seconds(20)) == std::future_status::timeout) ::shutdown(fd, SHUT_RDWR);
  });
  std::string url = "https://localhost:" + std::to_string(s.port) + "/loki/api/v1/push";
  CHECK(Curl({"--cacert", c.ca, "-H", "Content-Type: application/json", "--data", PushBody("wss", "tailed over wss"),
              url}) == "204");
  std::string got;
  boost::system::error_code ec;
  while (got.find("tailed over wss") == std::string::npos && !ec) {
    boost::beast::flat_buffer buf;
    ws.read(buf, ec);
    got += boost::beast::buffers_to_string(buf.data());
  }
  done.set_value();
  watchdog.join();
  CHECK(got.find("tailed over wss") != std::string::npos);
  ws.close(websocket::close_code::normal, ec);
}

TEST_CASE("tls: the collector pushes to an https store with tls_config.ca_file and serves https", "[e2e][tls]") {
  TempDir dir("skald-tls-c2s");
  auto c = skald::testing::MakeTestCerts(dir.path() + "/certs");
  TlsStore s;
  StartTlsStore(&s, dir.path(), ServerTlsYaml(c), c);
  std::filesystem::create_directories(dir.path() + "/logs");
  int cport = FreePort();
  WriteFile(dir.path() + "/collector.yaml",
            "server:\n  http_listen_port: " + std::to_string(cport) + "\n  http_tls_config:\n" + ServerTlsYaml(c) +
                "positions:\n  filename: " + dir.path() + "/positions.yaml\n" +
                "clients:\n  - url: https://localhost:" + std::to_string(s.port) +
                "/loki/api/v1/push\n    batchwait: 100ms\n    tls_config:\n      ca_file: " + c.ca +
                "\nscrape_configs:\n  - job_name: files\n    static_configs:\n"
                "      - targets: [localhost]\n        labels:\n          job: tlsfile\n"
                "          __path__: " + dir.path() + "/logs/*.log\n");
  AppendFile(dir.path() + "/logs/app.log", "shipped over tls\n");
  Process collector({BinPath("skald-collector"), "-config.file=" + dir.path() + "/collector.yaml"},
                    dir.path() + "/collector.log");
  std::string base = "https://localhost:" + std::to_string(s.port);
  std::string out;
  for (int i = 0; i < 100 && out.find("shipped over tls") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    out = Run({"/usr/bin/curl", "-sS", "--cacert", c.ca, "-G", base + "/loki/api/v1/query_range", "--data-urlencode",
               "query={job=\"tlsfile\"}"})
              .out;
  }
  INFO(ReadFile(dir.path() + "/collector.log"));
  CHECK(out.find("shipped over tls") != std::string::npos);
  CHECK(Curl({"--cacert", c.ca, "https://localhost:" + std::to_string(cport) + "/ready"}) == "200");
  CHECK(Run({BinPath("skald-collector"), "-health", "-config.file=" + dir.path() + "/collector.yaml"}).code == 0);
}

TEST_CASE("tls: -verify-config names the bad http_tls_config key", "[e2e][tls]") {
  TempDir dir("skald-tls-cfg");
  auto c = skald::testing::MakeTestCerts(dir.path() + "/certs");
  auto verify = [&](const std::string& tls_yaml) {
    WriteFile(dir.path() + "/bad.yaml", "server:\n  http_tls_config:\n" + tls_yaml + "common:\n  path_prefix: " +
                                            dir.path() + "/data\n");
    return Run({BinPath("skald-store"), "-verify-config", "-config.file=" + dir.path() + "/bad.yaml"});
  };
  RunResult r = verify(ServerTlsYaml(c) + "    client_auth_type: Mutual\n");
  CHECK(r.code != 0);
  CHECK((r.out + r.err).find("server.http_tls_config.client_auth_type: unknown value \"Mutual\" (valid: "
                             "NoClientCert, RequestClientCert") != std::string::npos);
  r = verify("    cert_file: " + dir.path() + "/missing.crt\n    key_file: " + c.server_key + "\n");
  CHECK(r.code != 0);
  CHECK((r.out + r.err).find("server.http_tls_config.cert_file: cannot read") != std::string::npos);
  r = verify(ServerTlsYaml(c) + "    client_auth_type: RequireAndVerifyClientCert\n");
  CHECK(r.code != 0);
  CHECK((r.out + r.err).find("server.http_tls_config.client_ca_file: required") != std::string::npos);
  r = verify(ServerTlsYaml(c) + "    client_auth_type: RequireAndVerifyClientCert\n    client_ca_file: " + c.ca + "\n");
  INFO(r.out + r.err);
  CHECK(r.code == 0);
}
