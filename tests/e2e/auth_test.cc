// The real skald-store with skald_auth: a credentials file (hashes made at test time with the
// library the store verifies with) decides who may push, read and administer which tenants;
// backups stay under skald_backup.root_dir; failures are throttled; the file reloads while running.
#include <catch.hpp>
#include <httplib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include <fmt/format.h>

#include "store/auth/password_hash.h"
#include "tests/e2e/store_under_test.h"

using namespace skald::e2e;
using skald::auth::HashPassword;
using skald::auth::TokenSha256;

namespace {

const std::string kCollectorPw = "collector-Pa55word";
const std::string kOpsPw = "ops-Pa55word";
const std::string kGrafanaToken = "grafana-token-0123456789";
const std::string kMultiToken = "multi-token-abcdef";

std::string Bcrypt(const std::string& pw) {
  auto h = HashPassword(pw, "$2b$", 5);
  REQUIRE(h.ok());
  return *h;
}

std::string CredentialsYaml(const std::string& extra = "") {
  return fmt::format(R"(credentials:
  - name: host-collectors
    basic_auth: {{username: collector, password_hash: "{}"}}
    tenants: [prod]
    scopes: [push]
  - name: grafana
    bearer_token_sha256: {}
    tenants: [prod]
    scopes: [read]
  - name: grafana-multi
    bearer_token_sha256: {}
    tenants: [prod, staging]
    scopes: [read]
  - name: operators
    basic_auth: {{username: ops, password_hash: "{}"}}
    tenants: ["*"]
    scopes: [admin, read]
{})", Bcrypt(kCollectorPw), TokenSha256(kGrafanaToken), TokenSha256(kMultiToken), Bcrypt(kOpsPw), extra);
}

std::string AuthSection(const std::string& creds, const std::string& more = "") {
  return "skald_auth:\n  credentials_file: " + creds + "\n  reload_check_period: 500ms\n" + more;
}

std::string PushBody(const std::string& line) {
  return JsonPushBody({MakeStream({{"job", "e2e-auth"}}, {{NowNs(), line, {}}})});
}

int Push(httplib::Client& cli, const std::string& line, const httplib::Headers& h = {}) {
  auto res = cli.Post("/loki/api/v1/push", h, PushBody(line), "application/json");
  return res ? res->status : -1;
}

httplib::Headers Basic(const std::string& user, const std::string& pw, const std::string& org = "") {
  httplib::Headers h = {httplib::make_basic_authentication_header(user, pw)};
  if (!org.empty()) h.emplace("X-Scope-OrgID", org);
  return h;
}

httplib::Headers Bearer(const std::string& token, const std::string& org = "") {
  httplib::Headers h = {{"Authorization", "Bearer " + token}};
  if (!org.empty()) h.emplace("X-Scope-OrgID", org);
  return h;
}

// GET query_range over the last hour; the status, and the body in *body.
int Query(httplib::Client& cli, const httplib::Headers& h, std::string* body = nullptr) {
  const int64_t now = NowNs();
  std::string path = fmt::format("/loki/api/v1/query_range?query={}&start={}&end={}&limit=100",
                                 httplib::detail::encode_query_param(R"({job="e2e-auth"})"),
                                 now - 3600LL * 1000000000LL, now + 1000000000LL);
  auto res = cli.Get(path, h);
  if (res && body) *body = res->body;
  return res ? res->status : -1;
}

int Backup(httplib::Client& cli, const std::string& dir, const httplib::Headers& h) {
  auto res = cli.Post("/skald/admin/backup?dir=" + httplib::detail::encode_query_param(dir), h, "", "text/plain");
  if (res) UNSCOPED_INFO("backup " << dir << ": " << res->status << " " << res->body);
  return res ? res->status : -1;
}

bool Exists(const std::string& p) { return std::filesystem::exists(std::filesystem::symlink_status(p)); }

}  // namespace

TEST_CASE("e2e: credentials decide who pushes, reads and administers which tenant", "[e2e]") {
  TempDir dir("skald-auth");
  const std::string creds = dir.path() + "/credentials.yaml";
  WriteFile(creds, CredentialsYaml());
  const std::string root = dir.path() + "/backups";
  std::filesystem::create_directories(root);
  StoreUnderTest store(dir.path());
  store.Configure(dir.path() + "/data", true, AuthSection(creds) + "skald_backup:\n  root_dir: " + root +
                                                       "\nquerier:\n  multi_tenant_queries_enabled: true\n");
  REQUIRE(store.Start());
  httplib::Client cli("127.0.0.1", store.port());
  cli.set_read_timeout(20, 0);

  // Pushes: the push credential (its only tenant implied, or named); others refused.
  CHECK(Push(cli, "implied tenant", Basic("collector", kCollectorPw)) == 204);
  CHECK(Push(cli, "named tenant", Basic("collector", kCollectorPw, "prod")) == 204);
  CHECK(Push(cli, "other tenant", Basic("collector", kCollectorPw, "staging")) == 403);
  CHECK(Push(cli, "read credential", Bearer(kGrafanaToken, "prod")) == 403);
  auto anon = cli.Post("/loki/api/v1/push", {{"X-Scope-OrgID", "prod"}}, PushBody("anonymous"), "application/json");
  REQUIRE(anon);
  CHECK(anon->status == 401);
  CHECK(anon->get_header_value("WWW-Authenticate") == "Basic realm=\"skald\"");
  CHECK(Push(cli, "wrong password", Basic("collector", "not-the-password", "prod")) == 401);
  CHECK(Push(cli, "unknown token", Bearer("no-such-token", "prod")) == 401);

  // Reads: tenant prod holds both accepted lines; staging and a|b beyond the credential are 403.
  std::string body;
  CHECK(Query(cli, Bearer(kGrafanaToken, "prod"), &body) == 200);
  CHECK(CountOf(body, "implied tenant") == 1);
  CHECK(CountOf(body, "named tenant") == 1);
  CHECK(CountOf(body, "other tenant") + CountOf(body, "wrong password") == 0);
  CHECK(Query(cli, Bearer(kGrafanaToken), &body) == 200);  // sole tenant implied
  CHECK(CountOf(body, "named tenant") == 1);
  CHECK(Query(cli, Bearer(kGrafanaToken, "staging")) == 403);
  CHECK(Query(cli, Bearer(kGrafanaToken, "prod|staging")) == 403);
  CHECK(Query(cli, Bearer(kMultiToken, "prod|staging")) == 200);
  CHECK(Query(cli, Basic("collector", kCollectorPw, "prod")) == 403);  // push-only
  CHECK(Query(cli, {{"X-Scope-OrgID", "prod"}}) == 401);
  auto tail = cli.Get("/loki/api/v1/tail?query=%7Bjob%3D%22e2e-auth%22%7D", {{"X-Scope-OrgID", "prod"}});
  REQUIRE(tail);
  CHECK(tail->status == 401);

  // Admin: deletes and backups need the admin scope.
  httplib::Params del{{"query", R"({job="e2e-auth"})"}, {"start", "1"}};
  auto d = cli.Post("/loki/api/v1/delete", Bearer(kGrafanaToken, "prod"), del);
  REQUIRE(d);
  CHECK(d->status == 403);
  auto d2 = cli.Post("/loki/api/v1/delete", Basic("ops", kOpsPw, "prod"), del);
  REQUIRE(d2);
  CHECK(d2->status != 401);
  CHECK(d2->status != 403);
  CHECK(Backup(cli, root + "/b0", Bearer(kGrafanaToken)) == 403);
  CHECK_FALSE(Exists(root + "/b0"));

  // Backups stay under the root: outside, `..`, and a symbolic link leading out are refused.
  const std::string outside = dir.path() + "/outside";
  std::filesystem::create_directories(outside);
  REQUIRE(::symlink(outside.c_str(), (root + "/escape").c_str()) == 0);
  const auto ops = Basic("ops", kOpsPw);
  CHECK(Backup(cli, outside + "/b1", ops) == 400);
  CHECK(Backup(cli, root + "/../outside/b2", ops) == 400);
  CHECK(Backup(cli, "../outside/b3", ops) == 400);
  CHECK(Backup(cli, root + "/escape/b4", ops) == 400);
  CHECK(Backup(cli, root + "/escape", ops) == 400);
  CHECK(Backup(cli, root, ops) == 400);
  CHECK(std::filesystem::is_empty(outside));
  CHECK(Backup(cli, root + "/nightly/b5", ops) == 200);
  CHECK(Exists(root + "/nightly/b5/MANIFEST"));
  CHECK(Backup(cli, "b6", ops) == 200);  // relative to the root
  CHECK(Exists(root + "/b6/MANIFEST"));

  // Open and closed endpoints.
  CHECK(cli.Get("/ready")->status == 200);
  CHECK(cli.Get("/metrics")->status == 200);
  CHECK(cli.Get("/loki/api/v1/status/buildinfo")->status == 200);
  CHECK(cli.Get("/config")->status == 401);
  CHECK(cli.Get("/config", Bearer(kGrafanaToken))->status == 403);
  CHECK(cli.Get("/config", ops)->status == 200);
  CHECK(cli.Post("/flush", Bearer(kGrafanaToken), "", "text/plain")->status == 403);
  const std::string metrics = cli.Get("/metrics")->body;
  CHECK(metrics.find("skald_auth_requests_total{result=\"forbidden\"}") != std::string::npos);
  CHECK(metrics.find("skald_auth_requests_total{result=\"unauthorized\"}") != std::string::npos);

  // The log names who failed and why, never the secret.
  REQUIRE(store.Stop() == 0);
  const std::string log = ReadFile(store.log());
  CHECK(CountOf(log, "wrong password") >= 1);
  CHECK(CountOf(log, "collector") >= 1);
  CHECK(CountOf(log, "not-the-password") == 0);
  CHECK(CountOf(log, "no-such-token") == 0);
  CHECK(CountOf(log, kCollectorPw) == 0);
  CHECK(CountOf(log, kGrafanaToken) == 0);
}

TEST_CASE("e2e: repeated failed logins from one address are answered 429 for the lockout", "[e2e]") {
  TempDir dir("skald-auth-limit");
  const std::string creds = dir.path() + "/credentials.yaml";
  WriteFile(creds, CredentialsYaml());
  StoreUnderTest store(dir.path());
  store.Configure(dir.path() + "/data", true,
                  AuthSection(creds, "  max_failures: 3\n  failure_window: 1m\n  lockout_period: 3s\n"));
  REQUIRE(store.Start());
  httplib::Client cli("127.0.0.1", store.port());
  cli.set_read_timeout(10, 0);
  CHECK(Push(cli, "before", Basic("collector", kCollectorPw)) == 204);
  for (int i = 0; i < 3; ++i) CHECK(Push(cli, "bad", Basic("collector", "guess" + std::to_string(i))) == 401);
  auto locked = cli.Post("/loki/api/v1/push", Basic("collector", kCollectorPw), PushBody("x"), "application/json");
  REQUIRE(locked);
  CHECK(locked->status == 429);
  CHECK(locked->has_header("Retry-After"));
  CHECK(cli.Get("/ready")->status == 200);  // health checks stay open
  std::this_thread::sleep_for(std::chrono::milliseconds(3500));
  CHECK(Push(cli, "after", Basic("collector", kCollectorPw)) == 204);
  CHECK(cli.Get("/metrics")->body.find("skald_auth_lockouts_total 1") != std::string::npos);
}

TEST_CASE("e2e: the credentials file reloads while running and a broken edit keeps the old one", "[e2e]") {
  TempDir dir("skald-auth-reload");
  const std::string creds = dir.path() + "/credentials.yaml";
  WriteFile(creds, CredentialsYaml());
  StoreUnderTest store(dir.path());
  store.Configure(dir.path() + "/data", true, AuthSection(creds));
  REQUIRE(store.Start());
  httplib::Client cli("127.0.0.1", store.port());
  cli.set_read_timeout(10, 0);
  const std::string new_token = "fresh-token-42";
  CHECK(Query(cli, Bearer(new_token, "prod")) == 401);

  WriteFile(creds, CredentialsYaml(fmt::format(
      "  - name: new-reader\n    bearer_token_sha256: {}\n    tenants: [prod]\n    scopes: [read]\n",
      TokenSha256(new_token))));
  int status = 0;
  for (int i = 0; i < 50 && status != 200; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    status = Query(cli, Bearer(new_token, "prod"));
  }
  CHECK(status == 200);

  WriteFile(creds, "credentials:\n  - name: broken\n    scopes: [fly]\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  CHECK(Query(cli, Bearer(new_token, "prod")) == 200);  // still the last good file
  CHECK(Push(cli, "still works", Basic("collector", kCollectorPw)) == 204);
  const std::string metrics = cli.Get("/metrics")->body;
  CHECK(metrics.find("skald_auth_credentials_reload_failures_total 1") != std::string::npos);
  CHECK(metrics.find("skald_auth_credentials_last_reload_success 0") != std::string::npos);
  const std::string log = ReadFile(store.log());
  CHECK(log.find("credentials.yaml:3: key \\\"credentials.scopes\\\"") != std::string::npos);
}

TEST_CASE("e2e: a broken credentials file stops the store at start-up with file and line", "[e2e]") {
  TempDir dir("skald-auth-bad");
  const std::string creds = dir.path() + "/credentials.yaml";
  WriteFile(creds, "credentials:\n  - name: x\n    basic_auth: {username: u, password_hash: plaintext}\n"
                   "    tenants: [prod]\n    scopes: [push]\n");
  StoreUnderTest store(dir.path());
  store.Configure(dir.path() + "/data", true, AuthSection(creds));
  CHECK_FALSE(store.Start(3000));
  const std::string log = ReadFile(store.log());
  INFO(log);
  CHECK(log.find("credentials.yaml:3") != std::string::npos);
  CHECK(log.find("plaintext") == std::string::npos);
  // -verify-config checks the credentials file too, before anything starts.
  RunResult v = Run({BinPath("skald-store"), "-verify-config", "-config.file=" + store.config()});
  INFO(v.out + v.err);
  CHECK(v.code == 1);
  CHECK((v.out + v.err).find("skald_auth.credentials_file: " + creds + ":3") != std::string::npos);
}

TEST_CASE("e2e: skald-collector pushes with basic_auth and no tenant_id into its credential's tenant", "[e2e]") {
  TempDir dir("skald-auth-collector");
  std::filesystem::create_directories(dir.path() + "/logs");
  const std::string creds = dir.path() + "/credentials.yaml";
  WriteFile(creds, CredentialsYaml());
  StoreUnderTest store(dir.path());
  store.Configure(dir.path() + "/data", true, AuthSection(creds));
  REQUIRE(store.Start());
  const int collector_port = FreePort();
  WriteFile(dir.path() + "/collector.yaml",
            fmt::format("server:\n  http_listen_port: {}\npositions:\n  filename: {}/positions.yaml\n"
                        "clients:\n  - url: {}/loki/api/v1/push\n    batchwait: 100ms\n"
                        "    basic_auth:\n      username: collector\n      password: {}\n"
                        "scrape_configs:\n  - job_name: files\n    static_configs:\n      - targets: [localhost]\n"
                        "        labels:\n          job: e2e-auth\n          __path__: {}/logs/*.log\n",
                        collector_port, dir.path(), store.url(), kCollectorPw, dir.path()));
  AppendFile(dir.path() + "/logs/app.log", "shipped with credentials\n");
  Process collector({BinPath("skald-collector"), "-config.file=" + dir.path() + "/collector.yaml"},
                    dir.path() + "/collector.log");
  httplib::Client cli("127.0.0.1", store.port());
  std::string body;
  for (int i = 0; i < 100 && CountOf(body, "shipped with credentials") == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    Query(cli, Bearer(kGrafanaToken, "prod"), &body);
  }
  CHECK(CountOf(body, "shipped with credentials") == 1);
  CHECK(ReadFile(dir.path() + "/collector.log").find(kCollectorPw) == std::string::npos);
}
