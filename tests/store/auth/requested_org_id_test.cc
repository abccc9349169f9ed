// Which tenant a request names: X-Scope-OrgID everywhere; the Skald-only `org_id` parameter only on
// a live tail's WebSocket upgrade (the web UI's tail), never on any other request.
#include <catch.hpp>

#include "store/auth/requested_org_id.h"

namespace skald::auth {
namespace {

struct Case {
  const char* what;
  std::string method, path, upgrade, header, param;
  std::string want;
};

http::Request Make(const Case& c) {
  http::Request req;
  req.method = c.method;
  req.path = c.path;
  if (!c.upgrade.empty()) req.headers.emplace("Upgrade", c.upgrade);
  if (!c.header.empty()) req.headers.emplace("X-Scope-OrgID", c.header);
  if (!c.param.empty()) req.params.emplace("org_id", c.param);
  return req;
}

TEST_CASE("RequestedOrgId: the header always, org_id only on a tail WebSocket upgrade") {
  const Case cases[] = {
      {"header", "GET", "/loki/api/v1/query_range", "", "team", "", "team"},
      {"param on a query is ignored", "GET", "/loki/api/v1/query_range", "", "", "team", ""},
      {"param on a query with Upgrade is ignored", "GET", "/loki/api/v1/query_range", "websocket", "", "team", ""},
      {"param on a tail without Upgrade is ignored", "GET", "/loki/api/v1/tail", "", "", "team", ""},
      {"param on a tail upgrade", "GET", "/loki/api/v1/tail", "websocket", "", "team", "team"},
      {"legacy tail path", "GET", "/api/prom/tail", "websocket", "", "team", "team"},
      {"Upgrade token case and list", "GET", "/loki/api/v1/tail", "h2c, WebSocket", "", "team", "team"},
      {"another upgrade token", "GET", "/loki/api/v1/tail", "websockets", "", "team", ""},
      {"header wins over the param", "GET", "/loki/api/v1/tail", "websocket", "a", "b", "a"},
      {"multi-tenant value passed on as given", "GET", "/loki/api/v1/tail", "websocket", "", "a|b", "a|b"},
      {"POST tail is no upgrade", "POST", "/loki/api/v1/tail", "websocket", "", "team", ""},
      {"push", "POST", "/loki/api/v1/push", "websocket", "", "team", ""},
      {"path below the tail", "GET", "/loki/api/v1/tail/x", "websocket", "", "team", ""},
      {"nothing", "GET", "/loki/api/v1/tail", "websocket", "", "", ""},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    CHECK(RequestedOrgId(Make(c)) == c.want);
  }
}

}  // namespace
}  // namespace skald::auth
