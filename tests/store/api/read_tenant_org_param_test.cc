// The query API's tenant with the web UI's `org_id` parameter: honoured on a live tail's WebSocket
// upgrade (checked like the header), ignored on every other read; the auth guard's override wins.
#include <catch.hpp>

#include "store/api/query_handlers.h"

namespace skald::api {
namespace {

http::Request Tail(const std::string& org_param, bool upgrade = true) {
  http::Request req;
  req.method = "GET";
  req.path = "/loki/api/v1/tail";
  if (upgrade) req.headers.emplace("Upgrade", "websocket");
  if (!org_param.empty()) req.params.emplace("org_id", org_param);
  return req;
}

std::string Answer(const Result<std::string>& r) { return r.ok() ? *r : r.status().message(); }

TEST_CASE("ReadSingleTenant takes a tail upgrade's org_id and checks it as it checks the header") {
  CHECK(Answer(ReadSingleTenant(Tail("team"), true)) == "team");
  CHECK(Answer(ReadSingleTenant(Tail("a|b"), true)) == "multiple org IDs present");
  CHECK(Answer(ReadSingleTenant(Tail("a/b"), true)) == "tenant ID 'a/b' contains unsupported character '/'");
  CHECK(Answer(ReadSingleTenant(Tail(""), true)) == "no org id");
  CHECK(Answer(ReadSingleTenant(Tail("team", false), true)) == "no org id");   // not an upgrade
  CHECK(Answer(ReadSingleTenant(Tail("team"), false)) == "fake");              // auth off

  http::Request header_too = Tail("param");
  header_too.headers.emplace("X-Scope-OrgID", "header");
  CHECK(Answer(ReadSingleTenant(header_too, true)) == "header");

  http::Request guarded = Tail("");
  guarded.tenant_override = "sole";   // set by the auth guard when the request names no tenant
  CHECK(Answer(ReadSingleTenant(guarded, true)) == "sole");

  http::Request query;
  query.method = "GET";
  query.path = "/loki/api/v1/query_range";
  query.headers.emplace("Upgrade", "websocket");
  query.params.emplace("org_id", "team");
  CHECK(Answer(ReadTenant(query, true, true)) == "no org id");
}

}  // namespace
}  // namespace skald::api
