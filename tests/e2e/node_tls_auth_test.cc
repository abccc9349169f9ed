// Real Node.js Loki clients (winston-loki, pino-loki) pushing with basic auth over HTTPS to a real
// skald-store with server.http_tls_config and skald_auth on; Node trusts the test CA via NODE_EXTRA_CA_CERTS.
#include <catch.hpp>
#include <httplib.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include <fmt/format.h>

#include "store/auth/password_hash.h"
#include "tests/e2e/process.h"
#include "tests/node_clients.h"
#include "tests/test_certs.h"

using namespace skald::e2e;
using skald::testing::HaveNode;
using skald::testing::PrepareNodeDir;
namespace fs = std::filesystem;

namespace {

const std::string kPushPw = "node-push-Pa55word";
const std::string kReadPw = "node-read-Pa55word";

std::string Hash(const std::string& pw, const std::string& prefix, unsigned long cost) {
  auto h = skald::auth::HashPassword(pw, prefix, cost);
  REQUIRE(h.ok());
  return *h;
}

// A push credential for tenant nodeteam (bcrypt) and a read credential for it (yescrypt).
std::string CredentialsYaml() {
  return fmt::format(R"(credentials:
  - name: node-apps
    basic_auth: {{username: nodepush, password_hash: "{}"}}
    tenants: [nodeteam]
    scopes: [push]
  - name: node-dashboards
    basic_auth: {{username: noderead, password_hash: "{}"}}
    tenants: [nodeteam]
    scopes: [read]
)", Hash(kPushPw, "$2b$", 5), Hash(kReadPw, "$y$", 0));
}

std::unique_ptr<httplib::SSLClient> Client(int port, const skald::testing::TestCerts& c) {
  auto cli = std::make_unique<httplib::SSLClient>("localhost", port);
  cli->set_ca_cert_path(c.ca.c_str());
  cli->enable_server_certificate_verification(true);
  cli->set_read_timeout(20, 0);
  return cli;
}

// skald-store on HTTPS with auth_enabled and the credentials file; REQUIREs /ready over HTTPS.
struct SecureStore {
  SecureStore(const std::string& dir, const skald::testing::TestCerts& c) : certs(c) {
    WriteFile(dir + "/credentials.yaml", CredentialsYaml());
    // max_failures is raised so the refused pushes below cannot lock out the reader's address.
    WriteFile(dir + "/store.yaml",
              fmt::format("auth_enabled: true\nserver:\n  http_listen_port: {}\n  http_tls_config:\n"
                          "    cert_file: {}\n    key_file: {}\ncommon:\n  path_prefix: {}/data\n"
                          "skald_auth:\n  credentials_file: {}/credentials.yaml\n  max_failures: 1000\n",
                          port, c.server_cert, c.server_key, dir, dir));
    log = dir + "/store.log";
    proc = std::make_unique<Process>(
        std::vector<std::string>{BinPath("skald-store"), "-config.file=" + dir + "/store.yaml"}, log);
    bool ready = false;
    for (int i = 0; i < 150 && !ready; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      auto res = Client(port, certs)->Get("/ready");
      ready = res && res->status == 200;
    }
    INFO(ReadFile(log));
    REQUIRE(ready);
  }
  std::string https() const { return fmt::format("https://localhost:{}", port); }

  // query_range {app=~".+"} over the last hour in tenant nodeteam with the read credential.
  std::string QueryNodeteam() const {
    auto cli = Client(port, certs);
    cli->set_basic_auth("noderead", kReadPw);
    httplib::Params p{{"query", R"({app=~".+"})"}, {"limit", "1000"}, {"since", "1h"}};
    auto res = cli->Get("/loki/api/v1/query_range", p, httplib::Headers{{"X-Scope-OrgID", "nodeteam"}});
    REQUIRE(res);
    INFO(res->body);
    REQUIRE(res->status == 200);
    return res->body;
  }

  // The value of a metric line `series value` on /metrics (0 when absent).
  double Metric(const std::string& series) const {
    auto res = Client(port, certs)->Get("/metrics");
    REQUIRE(res);
    size_t at = res->body.find("\n" + series + " ");
    return at == std::string::npos ? 0 : std::atof(res->body.c_str() + at + series.size() + 2);
  }

  int port = FreePort();
  const skald::testing::TestCerts& certs;
  std::string log;
  std::unique_ptr<Process> proc;
};

// Runs `node <script> <url> <count> [tenant]` in `dir` with SKALD_BASIC_AUTH=<auth> and the test CA trusted.
RunResult Node(const fs::path& dir, const std::string& ca, const std::string& auth, const std::string& script,
               const std::string& url, int count, const std::string& tenant = "") {
  std::string cmd = fmt::format("cd '{}' && NODE_EXTRA_CA_CERTS='{}' SKALD_BASIC_AUTH='{}' node {} {} {} {}",
                                dir.string(), ca, auth, script, url, count, tenant);
  RunResult r = Run({"/bin/sh", "-c", cmd}, 90000);
  UNSCOPED_INFO(script << " " << url << " exit " << r.code << ":\n" << r.out << r.err);
  return r;
}

}  // namespace

TEST_CASE("node: winston-loki and pino-loki push over https with basic auth into their tenant", "[e2e][tls][node]") {
  if (!HaveNode()) {
    WARN("node/npm not installed: Node TLS client test not run");
    return;
  }
  fs::path node_dir = PrepareNodeDir();
  TempDir dir("skald-node-tls");
  auto c = skald::testing::MakeTestCerts(dir.path() + "/certs");
  SecureStore s(dir.path(), c);
  const std::string auth = "nodepush:" + kPushPw;
  // winston names the tenant; pino sends none and gets the credential's only tenant.
  CHECK(Node(node_dir, c.ca, auth, "push_winston.js", s.https(), 25, "nodeteam").code == 0);
  CHECK(Node(node_dir, c.ca, auth, "push_pino.js", s.https(), 15).code == 0);
  std::string body;
  for (int i = 0; i < 50; ++i) {
    body = s.QueryNodeteam();
    if (CountOf(body, "winston line ") == 25 && CountOf(body, "pino line ") == 15) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  INFO(body);
  CHECK(CountOf(body, "winston line ") == 25);
  CHECK(CountOf(body, "pino line ") == 15);
  CHECK(CountOf(body, "\"app\":\"winston-e2e\"") == 1);
  CHECK(s.Metric("skald_auth_requests_total{result=\"unauthorized\"}") == 0);
  CHECK(ReadFile(s.log).find(kPushPw) == std::string::npos);
}

TEST_CASE("node: a wrong password or plain http to the TLS port delivers nothing", "[e2e][tls][node]") {
  if (!HaveNode()) {
    WARN("node/npm not installed: Node TLS client test not run");
    return;
  }
  fs::path node_dir = PrepareNodeDir();
  TempDir dir("skald-node-tls-bad");
  auto c = skald::testing::MakeTestCerts(dir.path() + "/certs");
  SecureStore s(dir.path(), c);
  const std::string unauthorized = "skald_auth_requests_total{result=\"unauthorized\"}";
  CHECK(Node(node_dir, c.ca, "nodepush:not-the-password", "push_winston.js", s.https(), 5, "nodeteam").code != 0);
  const double after_winston = s.Metric(unauthorized);
  CHECK(after_winston >= 1);
  // pino-loki reports a refused push on stderr but exits 0: the refusal shows in the metric.
  RunResult pino = Node(node_dir, c.ca, "nodepush:not-the-password", "push_pino.js", s.https(), 5);
  CHECK((pino.out + pino.err).find("Got error when trying to send log to loki") != std::string::npos);
  CHECK(s.Metric(unauthorized) > after_winston);
  // the right password but the test CA not trusted: Node refuses the server's certificate
  CHECK(Node(node_dir, "", "nodepush:" + kPushPw, "push_winston.js", s.https(), 5, "nodeteam").code != 0);
  // the right password over plain http to the HTTPS port: no TLS handshake, so no delivery
  const std::string plain = fmt::format("http://localhost:{}", s.port);
  CHECK(Node(node_dir, c.ca, "nodepush:" + kPushPw, "push_winston.js", plain, 5, "nodeteam").code != 0);
  const std::string body = s.QueryNodeteam();
  INFO(body);
  CHECK(CountOf(body, "winston line ") == 0);
  CHECK(CountOf(body, "pino line ") == 0);
  CHECK(ReadFile(s.log).find("not-the-password") == std::string::npos);
}
