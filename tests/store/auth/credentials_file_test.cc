// The credentials file parser: a valid file, and each kind of mistake reported with file, line
// and key (hashes made at test time with libxcrypt, the library that verifies them).
#include <catch.hpp>

#include <fmt/format.h>

#include "store/auth/credentials_file.h"
#include "store/auth/password_hash.h"
#include "store/auth/route_scopes.h"

using namespace skald;
using namespace skald::auth;

namespace {

const std::string kTokenHash = TokenSha256("grafana-token");

std::string BcryptOf(const std::string& pw) {
  auto h = HashPassword(pw, "$2b$", 5);
  REQUIRE(h.ok());
  return *h;
}

std::string ErrorOf(const std::string& yaml) {
  auto r = ParseCredentials("creds.yaml", yaml);
  REQUIRE_FALSE(r.ok());
  return r.status().message();
}

}  // namespace

TEST_CASE("a valid credentials file maps users and tokens to tenants and scopes") {
  const std::string yaml = fmt::format(R"(credentials:
  - name: host-collectors
    basic_auth: {{username: collector, password_hash: "{}"}}
    tenants: [prod]
    scopes: [push]
  - name: grafana
    bearer_token_sha256: "{}"
    tenants: [prod, staging]
    scopes: [read, admin]
)", BcryptOf("s3cret"), kTokenHash);
  auto r = ParseCredentials("creds.yaml", yaml);
  INFO(r.status().message());
  REQUIRE(r.ok());
  CHECK(r->size() == 2);
  const Credential* c = r->FindUser("collector");
  REQUIRE(c != nullptr);
  CHECK(c->name == "host-collectors");
  CHECK(c->scopes == kScopePush);
  REQUIRE(c->SoleTenant() != nullptr);
  CHECK(*c->SoleTenant() == "prod");
  CHECK(VerifyPassword("s3cret", c->password_hash));
  CHECK_FALSE(VerifyPassword("s3cret ", c->password_hash));
  const Credential* g = r->FindToken(kTokenHash);
  REQUIRE(g != nullptr);
  CHECK(g->scopes == (kScopeRead | kScopeAdmin));
  CHECK(g->AllowsTenant("staging"));
  CHECK_FALSE(g->AllowsTenant("dev"));
  CHECK(g->SoleTenant() == nullptr);
  CHECK(r->FindUser("grafana") == nullptr);
  CHECK(r->FindToken(TokenSha256("other")) == nullptr);
}

TEST_CASE("the tenant wildcard allows any tenant but is never the sole tenant") {
  auto r = ParseCredentials("c.yaml", fmt::format(
      "credentials:\n  - name: ops\n    bearer_token_sha256: {}\n    tenants: ['*']\n    scopes: [admin]\n",
      kTokenHash));
  REQUIRE(r.ok());
  const Credential* c = r->FindToken(kTokenHash);
  CHECK(c->AllowsTenant("anything"));
  CHECK(c->SoleTenant() == nullptr);
}

TEST_CASE("credentials file errors name the file, the line and the key") {
  struct Case {
    std::string yaml;
    std::string want;
  };
  const std::string tok = kTokenHash;
  const std::vector<Case> cases = {
      {"credentials:\n  - name: a\n    bearer_token_sha256: " + tok + "\n    tenants: [p]\n    scopes: [pussh]\n",
       "creds.yaml:5: key \"credentials.scopes\": unknown scope \"pussh\""},
      {"credentials:\n  - name: a\n    basic_auth: {username: u, password_hash: hunter2}\n    tenants: [p]\n"
       "    scopes: [push]\n",
       "creds.yaml:3: key \"credentials.basic_auth.password_hash\": password_hash must be a crypt(3) hash"},
      {"credentials:\n  - name: a\n    bearer_token_sha256: ABC\n    tenants: [p]\n    scopes: [push]\n",
       "creds.yaml:3: key \"credentials.bearer_token_sha256\": bearer_token_sha256 must be 64 lowercase hex"},
      {"credentials:\n  - name: a\n    bearer_token_sha256: " + tok + "\n    tenants: [p]\n    scope: [push]\n",
       "creds.yaml:5: unknown key \"scope\" in section \"credentials\" (did you mean scopes?)"},
      {"credentials:\n  - name: a\n    tenants: [p]\n    scopes: [push]\n",
       "creds.yaml:2: credential \"a\": needs exactly one of basic_auth or bearer_token_sha256"},
      {"credentials:\n  - name: a\n    bearer_token_sha256: " + tok + "\n    scopes: [push]\n",
       "creds.yaml:2: key \"credentials.tenants\": credential \"a\" lists no tenant"},
      {"credentials:\n  - name: a\n    bearer_token_sha256: " + tok + "\n    tenants: [\"..\"]\n    scopes: [read]\n",
       "creds.yaml:4: key \"credentials.tenants\": tenant \"..\""},
      {"credentials:\n  - name: a\n    bearer_token_sha256: " + tok + "\n    tenants: [p]\n    scopes: [read]\n"
       "  - name: b\n    bearer_token_sha256: " + tok + "\n    tenants: [p]\n    scopes: [read]\n",
       "creds.yaml:6: key \"credentials.bearer_token_sha256\": credential \"b\": token used twice"},
      {"credentials:\n  - bearer_token_sha256: " + tok + "\n    tenants: [p]\n    scopes: [read]\n",
       "creds.yaml:2: key \"credentials.name\": missing"},
      {"credentials: [\n", "creds.yaml"},
  };
  for (const Case& c : cases) {
    INFO(c.yaml);
    std::string err = ErrorOf(c.yaml);
    INFO(err);
    CHECK(err.find(c.want) != std::string::npos);
  }
}

TEST_CASE("a parse error never echoes a password hash or token back in full") {
  const std::string hash = BcryptOf("pw");
  std::string err = ErrorOf(fmt::format(
      "credentials:\n  - name: a\n    basic_auth: {{username: u, password_hash: \"{}\"}}\n    tenants: [p]\n", hash));
  CHECK(err.find(hash) == std::string::npos);
}
