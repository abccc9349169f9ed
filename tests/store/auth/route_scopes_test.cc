// The route → scope table: every route skald-store registers is classified as docs/SECURITY.md
// says, and anything unknown needs admin.
#include <catch.hpp>

#include "store/auth/route_scopes.h"

using namespace skald::auth;

namespace {

struct Case {
  const char* method;
  const char* pattern;
  bool open;
  Scope scope;
};

}  // namespace

TEST_CASE("every registered route has the documented scope") {
  const Case cases[] = {
      {"GET", "/ready", true, kScopeNone},
      {"GET", "/loki/api/v1/status/buildinfo", true, kScopeNone},
      {"GET", "/config", false, kScopeAdmin},
      {"POST", "/loki/api/v1/push", false, kScopePush},
      {"POST", "/api/prom/push", false, kScopePush},
      {"GET", "/loki/api/v1/query_range", false, kScopeRead},
      {"POST", "/loki/api/v1/query", false, kScopeRead},
      {"GET", "/api/prom/query", false, kScopeRead},
      {"GET", "/loki/api/v1/label/([^/]+)/values", false, kScopeRead},
      {"GET", "/api/prom/series", false, kScopeRead},
      {"GET", "/loki/api/v1/index/volume_range", false, kScopeRead},
      {"GET", "/loki/api/v1/tail", false, kScopeRead},
      {"GET", "/api/prom/tail", false, kScopeRead},
      {"POST", "/loki/api/v1/patterns", false, kScopeRead},
      {"GET", "/loki/api/v1/detected_field/([^/]+)/values", false, kScopeRead},
      {"GET", "/loki/api/v1/delete", false, kScopeAdmin},
      {"POST", "/loki/api/v1/delete", false, kScopeAdmin},
      {"DELETE", "/loki/api/admin/delete", false, kScopeAdmin},
      {"PUT", "/loki/api/v1/delete", false, kScopeAdmin},
      {"GET", "/loki/api/v1/rules/([^/]+)/([^/]+)", false, kScopeRead},
      {"POST", "/loki/api/v1/rules/([^/]+)", false, kScopeAdmin},
      {"DELETE", "/api/prom/rules/([^/]+)/([^/]+)", false, kScopeAdmin},
      {"GET", "/prometheus/api/v1/rules", false, kScopeRead},
      {"GET", "/api/prom/api/v1/alerts", false, kScopeRead},
      {"GET", "/flush", false, kScopeAdmin},
      {"POST", "/flush", false, kScopeAdmin},
      {"POST", "/skald/admin/backup", false, kScopeAdmin},
      {"GET", "/skald/api/v1/export", false, kScopeAdmin},
      {"POST", "/some/future/route", false, kScopeAdmin},
      {"DELETE", "/loki/api/v1/query", false, kScopeAdmin},
  };
  for (const Case& c : cases) {
    INFO(c.method << " " << c.pattern);
    RouteRule r = RequiredScope(c.method, c.pattern, true);
    CHECK(r.open == c.open);
    if (!c.open) CHECK(r.scope == c.scope);
  }
}

TEST_CASE("/metrics is open unless open_metrics is off, then admin") {
  CHECK(RequiredScope("GET", "/metrics", true).open);
  RouteRule closed = RequiredScope("GET", "/metrics", false);
  CHECK_FALSE(closed.open);
  CHECK(closed.scope == kScopeAdmin);
}

TEST_CASE("scope names") {
  CHECK(ParseScope("push") == kScopePush);
  CHECK(ParseScope("read") == kScopeRead);
  CHECK(ParseScope("admin") == kScopeAdmin);
  CHECK(ParseScope("Admin") == kScopeNone);
  CHECK(std::string(ScopeName(kScopeRead)) == "read");
}
