// Which tenants a read request names: `a|b` reaches the query endpoints with
// querier.multi_tenant_queries_enabled (else 400, as Loki), and is refused by the endpoints Loki
// keeps to one tenant (tail, ruler, delete, export), where `a|a` still means `a`.
#include <catch.hpp>

#include "store/api/query_handlers.h"

namespace skald::api {
namespace {

http::Request WithOrg(const std::string& org) {
  http::Request req;
  if (!org.empty()) req.headers.emplace("X-Scope-OrgID", org);
  return req;
}

TEST_CASE("ReadTenant passes a multi-tenant org ID on when enabled, ReadSingleTenant refuses it") {
  struct Case {
    std::string org;
    std::string tenants;   // ReadTenant's answer, or its error
    std::string single;    // ReadSingleTenant's answer, or its error
  };
  const Case cases[] = {
      {"a", "a", "a"},
      {"a|b", "a|b", "multiple org IDs present"},
      {"a|a", "a|a", "a"},
      {"a|b|a", "a|b|a", "multiple org IDs present"},
      {"", "no org id", "no org id"},
      {"a|b/c", "tenant ID 'b/c' contains unsupported character '/'",
       "tenant ID 'b/c' contains unsupported character '/'"},
  };
  for (const Case& c : cases) {
    INFO(c.org);
    http::Request req = WithOrg(c.org);
    auto t = ReadTenant(req, true, true);
    CHECK((t.ok() ? *t : t.status().message()) == c.tenants);
    auto s = ReadSingleTenant(req, true);
    CHECK((s.ok() ? *s : s.status().message()) == c.single);
    auto off = ReadTenant(req, true, false);   // multi_tenant_queries_enabled: false (Loki's default)
    CHECK((off.ok() ? *off : off.status().message()) == c.single);
    if (!s.ok() && c.org.find('|') != std::string::npos && t.ok()) CHECK(HttpStatusFor(s.status().code()) == 400);
  }
  CHECK(*ReadSingleTenant(WithOrg("a|b"), false) == "fake");   // auth off: one tenant, whatever the header
}

}  // namespace
}  // namespace skald::api
