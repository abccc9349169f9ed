// The maintenance subcommands against a secured store: `skald-store backup`, `export` and `import`
// over HTTPS with a CA file and credentials (basic auth from a password file, a bearer token file),
// refused with a clear message without them. Real store, real TLS, real credentials file.
#include <catch.hpp>
#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "common/http/http_server.h"
#include "store/auth/password_hash.h"
#include "tests/e2e/process.h"
#include "tests/e2e/store_under_test.h"
#include "tests/test_certs.h"

using namespace skald::e2e;

namespace {

// A skald-store on HTTPS with credentials: `ops` (admin + read, any tenant), `pusher` (push to
// prod, a bearer token), backups below <dir>/backups.
struct SecuredStore {
  int port = FreePort();
  std::unique_ptr<Process> proc;
  skald::testing::TestCerts certs;
  std::string dir, server;

  explicit SecuredStore(const std::string& d) : dir(d) {
    certs = skald::testing::MakeTestCerts(dir + "/certs");
    auto ops = skald::auth::HashPassword("ops-Pa55", "$2b$", 5);
    REQUIRE(ops.ok());
    WriteFile(dir + "/creds.yaml", fmt::format(R"(credentials:
  - name: operators
    basic_auth: {{username: ops, password_hash: "{}"}}
    tenants: ["*"]
    scopes: [admin, read]
  - name: importer
    bearer_token_sha256: {}
    tenants: [prod]
    scopes: [push]
)", *ops, skald::auth::TokenSha256("push-token-123")));
    WriteFile(dir + "/ops.pw", "ops-Pa55\n");
    WriteFile(dir + "/push.token", "push-token-123\n");
    std::filesystem::create_directories(dir + "/backups");
    WriteFile(dir + "/store.yaml",
              fmt::format("auth_enabled: true\nserver:\n  http_listen_port: {0}\n  http_tls_config:\n"
                          "    cert_file: {1}\n    key_file: {2}\ncommon:\n  path_prefix: {3}/data\n"
                          "skald_auth:\n  credentials_file: {3}/creds.yaml\nskald_backup:\n  root_dir: {3}/backups\n",
                          port, certs.server_cert, certs.server_key, dir));
    proc = std::make_unique<Process>(
        std::vector<std::string>{BinPath("skald-store"), "-config.file=" + dir + "/store.yaml"}, dir + "/store.log");
    bool ready = false;
    for (int i = 0; i < 150 && !ready; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      ready = skald::HttpsGetStatus("127.0.0.1", port, "/ready", 1000, "", "") == 200;
    }
    INFO(ReadFile(dir + "/store.log"));
    REQUIRE(ready);
    server = fmt::format("https://localhost:{}", port);
  }
  // skald-store <args> with the CA file; exit code, stdout+stderr in *out.
  int Tool(std::vector<std::string> args, std::string* out) {
    args.insert(args.begin(), BinPath("skald-store"));
    args.push_back("-ca-file=" + certs.ca);
    RunResult r = Run(args, 60000);
    *out = r.out + r.err;
    return r.code;
  }
};

}  // namespace

TEST_CASE("e2e: backup, export and import work against a store with TLS and credentials",
          "[e2e][tls][auth][backup]") {
  TempDir tmp("skald-secured-tools");
  SecuredStore s(tmp.path());
  const std::string ops = "-password-file=" + s.dir + "/ops.pw", tok = "-bearer-token-file=" + s.dir + "/push.token";
  std::string out;

  // import (push scope, bearer token) a file of three lines into tenant prod.
  const int64_t now = NowNs();
  std::string lines;
  for (int i = 0; i < 3; ++i)
    lines += fmt::format(R"({{"labels":"{{job=\"secured\"}}","ts":"{}","line":"secured line {}"}})", now + i, i) + "\n";
  WriteFile(s.dir + "/in.jsonl", lines);
  int rc = s.Tool({"import", "-server=" + s.server, "-org-id=prod", "-in=" + s.dir + "/in.jsonl", tok}, &out);
  INFO(out);
  REQUIRE(rc == 0);

  // export (read scope, basic auth) gives them back.
  rc = s.Tool({"export", "-server=" + s.server, "-org-id=prod", "-query={job=\"secured\"}", "-username=ops", ops,
               "-out=" + s.dir + "/out.jsonl", fmt::format("-start={}", now - 1000000000), fmt::format("-end={}", now + 1000000000)},
              &out);
  INFO(out);
  REQUIRE(rc == 0);
  const std::string exported = ReadFile(s.dir + "/out.jsonl");
  for (int i = 0; i < 3; ++i) CHECK(exported.find(fmt::format("secured line {}", i)) != std::string::npos);

  // backup (admin scope) writes a snapshot below the root.
  rc = s.Tool({"backup", "-server=" + s.server, "-out=" + s.dir + "/backups/snap1", "-username=ops", ops}, &out);
  INFO(out);
  REQUIRE(rc == 0);
  CHECK(std::filesystem::exists(s.dir + "/backups/snap1/MANIFEST"));

  // Without credentials, with the push token (no admin scope), or without the CA: refused, nothing written.
  CHECK(s.Tool({"backup", "-server=" + s.server, "-out=" + s.dir + "/backups/snap2"}, &out) == 1);
  CHECK(out.find("HTTP 401") != std::string::npos);
  CHECK(s.Tool({"backup", "-server=" + s.server, "-out=" + s.dir + "/backups/snap3", tok}, &out) == 1);
  CHECK(out.find("HTTP 403") != std::string::npos);
  RunResult no_ca = Run({BinPath("skald-store"), "backup", "-server=" + s.server, "-out=" + s.dir + "/backups/snap4",
                         "-username=ops", ops});
  CHECK(no_ca.code == 1);
  for (const char* snap : {"snap2", "snap3", "snap4"})
    CHECK_FALSE(std::filesystem::exists(s.dir + "/backups/" + snap + "/MANIFEST"));
  // Flag mistakes are named before any request.
  CHECK(s.Tool({"backup", "-server=" + s.server, "-out=" + s.dir + "/backups/x", "-username=ops"}, &out) == 1);
  CHECK(out.find("-username and -password-file go together") != std::string::npos);
}
